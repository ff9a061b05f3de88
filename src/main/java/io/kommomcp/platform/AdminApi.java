package io.kommomcp.platform;

import java.util.Set;

import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

import io.kommomcp.reporting.AuditReportResource;
import io.kommomcp.security.RoleFilter;
import io.kommomcp.tenancy.TenantAdminResource;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The administration REST API under {@code /api}; every call needs a JWT (platform.admin, see web.xml). */
@ApplicationPath("/api")
@OpenAPIDefinition(info = @Info(title = "kommo-mcp administration API", version = "1",
        description = "Tenant administration for kommo-mcp. Bearer JWT with the platform.admin role."),
        security = @SecurityRequirement(name = "jwt"))
@SecurityScheme(securitySchemeName = "jwt", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT")
public class AdminApi extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(RoleFilter.class, TenantAdminResource.class, AuditReportResource.class, JacksonProvider.class, AdminErrorMapper.class);
    }
}
