package io.kommomcp.security;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.jwt.JsonWebToken;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

/**
 * Enforces {@link RequiresRole} on the REST API. A resource without the annotation is refused: every endpoint
 * under {@code /api} must say which role it needs (fail closed).
 */
@Provider
@Priority(Priorities.AUTHORIZATION)
public class RoleFilter implements ContainerRequestFilter {

    @Context
    ResourceInfo resource;

    @Override
    public void filter(ContainerRequestContext ctx) {
        Method method = resource.getResourceMethod();
        if (method == null) {
            return; // no matching resource: JAX-RS answers 404/405 itself
        }
        RequiresRole required = method.getAnnotation(RequiresRole.class);
        if (required == null) {
            required = resource.getResourceClass().getAnnotation(RequiresRole.class);
        }
        Set<String> held = ctx.getSecurityContext().getUserPrincipal() instanceof JsonWebToken jwt
                && jwt.getGroups() != null ? jwt.getGroups() : Set.of();
        if (required != null && Arrays.stream(required.value()).anyMatch(r -> Roles.grants(held, r))) {
            return;
        }
        String need = required == null ? "a role this endpoint does not declare"
                : "the " + String.join(" or ", required.value()) + " role";
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", "Forbidden");
        body.put("status", 403);
        body.put("detail", "This operation requires " + need + ". Ask your identity administrator to grant it.");
        ctx.abortWith(Response.status(403).type("application/problem+json").entity(body).build());
    }
}
