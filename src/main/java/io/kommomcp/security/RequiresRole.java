package io.kommomcp.security;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The product role a REST resource (class or method) needs, checked by {@link RoleFilter} against the verified
 * token's {@code groups} with the implications of {@link Roles}. Used instead of {@code @RolesAllowed} because the
 * container's group-to-role mapping fails for issuers that are URLs (see web.xml).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface RequiresRole {
    /** Any one of these roles is enough. */
    String[] value();
}
