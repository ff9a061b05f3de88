package io.kommomcp.platform;

import java.lang.reflect.Method;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.kommomcp.audit.AuditLog;
import io.kommomcp.audit.Outcome;
import io.kommomcp.audit.ToolCallAudit;
import io.kommomcp.security.TenantScoped;
import io.kommomcp.tenancy.TenantAdmission;
import io.kommomcp.tenancy.TenantAdmission.Admission;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

/**
 * Refuses a request to a {@link TenantScoped} resource whose token names no registered, enabled tenant, with the same
 * rule ({@link TenantAdmission}) and the same audit as {@code /mcp}: 403 in plain words, an entry on the tenant's
 * chain, or on the platform chain when the claim names no registered tenant. Runs before the role check, so that a
 * disabled tenant's administrators learn nothing more.
 */
@Provider
@Priority(Priorities.AUTHORIZATION - 10)
public class TenantScopeFilter implements ContainerRequestFilter {

    private static final Logger LOG = Logger.getLogger(TenantScopeFilter.class.getName());

    @Context
    ResourceInfo resource;


    @Override
    public void filter(ContainerRequestContext ctx) {
        Method method = resource.getResourceMethod();
        if (method == null || !scoped(method)) {
            return;
        }
        if (!(ctx.getSecurityContext().getUserPrincipal() instanceof JsonWebToken jwt)) {
            return; // the container has answered 401 already
        }
        Admission admitted = CDI.current().select(TenantAdmission.class).get().forTenant(jwt);
        if (admitted.admitted()) {
            return;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("http_method", ctx.getMethod());
        details.put("path", "/api/" + ctx.getUriInfo().getPath());
        try {
            Set<String> roles = jwt.getGroups() == null ? Set.of() : new HashSet<>(jwt.getGroups());
            CDI.current().select(AuditLog.class).get().refusal(ToolCallAudit.refusal(admitted.tenant() == null ? null : admitted.tenant().id(),
                    jwt.getSubject() != null ? jwt.getSubject() : jwt.getName(), roles, null, "(rest request)",
                    details, Outcome.DENIED, admitted.refusal()), admitted.tenant() != null, admitted.claimed());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not audit a refused REST request", e);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", "Forbidden");
        body.put("status", 403);
        body.put("detail", admitted.refusal());
        ctx.abortWith(Response.status(403).type("application/problem+json").entity(body).build());
    }

    private boolean scoped(Method method) {
        TenantScoped onMethod = method.getAnnotation(TenantScoped.class);
        if (onMethod != null) {
            return onMethod.value();
        }
        TenantScoped onClass = resource.getResourceClass().getAnnotation(TenantScoped.class);
        return onClass != null && onClass.value();
    }
}
