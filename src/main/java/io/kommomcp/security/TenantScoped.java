package io.kommomcp.security;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A REST resource (class or method) that acts for the token's tenant: the tenant must be registered and enabled,
 * exactly as on {@code /mcp}, or the request is refused with 403 and audited. {@code @TenantScoped(false)} on a
 * method exempts it (a platform-wide operation on a tenant-scoped resource).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface TenantScoped {
    boolean value() default true;
}
