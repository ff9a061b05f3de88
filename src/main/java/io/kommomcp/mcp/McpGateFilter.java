package io.kommomcp.mcp;

import java.io.IOException;
import java.security.Principal;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.jwt.JsonWebToken;

import io.kommomcp.audit.AuditLog;
import io.kommomcp.audit.Outcome;
import io.kommomcp.audit.ToolCallAudit;
import io.kommomcp.security.Roles;
import io.kommomcp.security.TokenClaims;
import io.kommomcp.tenancy.TenantRecords.TenantStatus;
import io.kommomcp.tenancy.TenantService;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Runs after Liberty has verified the JWT: resolves the tenant from the token's claim and refuses unknown or
 * disabled tenants before anything executes (and audits the refusal). Wraps the response so that every HTTP error
 * the SDK transport produces leaves as a JSON-RPC error object, never as a serialized Java exception.
 */
public class McpGateFilter implements Filter {

    private static final Logger LOG = Logger.getLogger(McpGateFilter.class.getName());

    static final String ATTR_TENANT = "io.kommomcp.tenant";
    static final String ATTR_TENANT_READ_ONLY = "io.kommomcp.tenantReadOnly";
    static final String ATTR_TOOL_POLICY = "io.kommomcp.toolPolicy";

    private TenantService tenants;
    private AuditLog audit;
    private String tenantClaim;

    @Override
    public void init(FilterConfig config) {
        tenants = CDI.current().select(TenantService.class).get();
        audit = CDI.current().select(AuditLog.class).get();
        tenantClaim = ConfigProvider.getConfig().getOptionalValue("kommo.auth.tenant-claim", String.class)
                .orElse("tenant");
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        Principal principal = request.getUserPrincipal();
        if (!(principal instanceof JsonWebToken jwt)) {
            JsonRpcErrors.write(response, 401, "Authentication required: send a bearer JWT from your identity"
                    + " provider.");
            return;
        }
        String tenantId = TokenClaims.string(jwt, tenantClaim);
        Optional<TenantStatus> tenant = tenantId == null ? Optional.empty() : tenants.status(tenantId);
        Set<String> groups = jwt.getGroups() == null ? Set.of() : jwt.getGroups();
        String refusal = null;
        if (Roles.ALL.stream().noneMatch(groups::contains)) {
            refusal = "The token carries none of this server's roles (" + String.join(", ", Roles.ALL)
                    + ") in its 'groups' claim. Ask your identity administrator to grant one.";
        } else if (tenantId == null) {
            refusal = "The token has no '" + tenantClaim + "' claim, so no tenant can be chosen. Ask your identity"
                    + " administrator to add it.";
        } else if (tenant.isEmpty()) {
            refusal = "Tenant '" + tenantId + "' is not known to this server. Ask a platform administrator to"
                    + " register it.";
        } else if (!tenant.get().enabled()) {
            refusal = "Tenant '" + tenantId + "' is disabled. Ask a platform administrator to enable it.";
        }
        if (refusal != null) {
            auditRefusal(request, jwt, tenantId, refusal);
            JsonRpcErrors.write(response, 403, refusal);
            return;
        }
        request.setAttribute(ATTR_TENANT, tenantId);
        request.setAttribute(ATTR_TENANT_READ_ONLY, tenant.get().readOnly());
        request.setAttribute(ATTR_TOOL_POLICY, tenant.get().toolPolicy());

        ErrorRewritingResponse wrapped = new ErrorRewritingResponse(response);
        chain.doFilter(request, wrapped);
        wrapped.finish();
    }

    private void auditRefusal(HttpServletRequest request, JsonWebToken jwt, String tenantId, String refusal) {
        if (!"POST".equals(request.getMethod())) {
            return; // stream GETs and session DELETEs repeat the POST's refusal; one record per message is enough
        }
        try {
            audit.record(new ToolCallAudit(Instant.now(), tenantId, jwt.getSubject(),
                    jwt.getGroups() == null ? java.util.Set.of() : new HashSet<>(jwt.getGroups()), null, null,
                    request.getHeader("Mcp-Session-Id"), "(mcp request)", Map.of(), Outcome.DENIED, 0L, refusal,
                    List.of(), List.of()));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not audit a refused MCP request", e);
        }
    }
}
