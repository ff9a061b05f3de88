package io.kommomcp.platform;

import java.util.Set;

import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

import io.kommomcp.governance.ApprovalResource;
import io.kommomcp.reporting.AuditReportResource;
import io.kommomcp.security.RoleFilter;
import io.kommomcp.tenancy.TenantAdminResource;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The administration REST API under {@code /api}; every call needs a JWT with the role its resource names. */
@ApplicationPath("/api")
@OpenAPIDefinition(info = @Info(title = "kommo-mcp administration API", version = "1",
        description = "Tenant administration (platform.admin), compliance reports (audit.reader) and approvals of"
                + " governed changes (kommo.admin) for kommo-mcp. Bearer JWT."),
        security = @SecurityRequirement(name = "jwt"))
@SecurityScheme(securitySchemeName = "jwt", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT")
public class AdminApi extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(RoleFilter.class, TenantScopeFilter.class, TenantAdminResource.class, AuditReportResource.class,
                ApprovalResource.class, io.kommomcp.realtime.RealtimeAdminResource.class,
                JacksonProvider.class, AdminErrorMapper.class);
    }
}
