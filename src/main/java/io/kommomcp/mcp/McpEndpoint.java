package io.kommomcp.mcp;

import java.security.Principal;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.jwt.JsonWebToken;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpStatelessSyncServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.DefaultServerTransportSecurityValidator;
import io.modelcontextprotocol.server.transport.HttpServletStatelessServerTransport;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Builds the MCP server on the SDK's Streamable HTTP servlet transport and registers it at {@code /mcp}. Tool
 * handlers run on the servlet thread ({@code immediateExecution}), where CDI, JPA and the verified JWT are available.
 */
public class McpEndpoint implements ServletContextListener {

    private static final Logger LOG = Logger.getLogger(McpEndpoint.class.getName());

    static final String PATH = "/mcp";

    private McpSyncServer server;
    private McpStatelessSyncServer statelessServer;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        Config config = ConfigProvider.getConfig();
        ToolRegistry registry = CDI.current().select(ToolRegistry.class).get();
        List<String> origins = Arrays.stream(config.getOptionalValue("kommo.mcp.allowed-origins", String.class)
                .orElse("").split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();

        if (McpLanes.Sessions.of(config.getOptionalValue("kommo.mcp.sessions", String.class).orElse(null))
                == McpLanes.Sessions.STATELESS) {
            statelessServer = stateless(event, config, registry, origins);
            return;
        }
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                .mcpEndpoint(PATH)
                .contextExtractor(McpEndpoint::identity)
                // Origin only: a Host allow-list answers 421 to HTTP/2 requests, which carry no Host header.
                .securityValidator(DefaultServerTransportSecurityValidator.builder().allowedOrigins(origins).build())
                .keepAliveInterval(Duration.ofSeconds(30))
                // idle sessions (no request, no open stream) are closed after about this long
                .sessionSweepInterval(Duration.ofMinutes(config.getOptionalValue("kommo.mcp.session-idle-minutes",
                        Integer.class).orElse(30)))
                .build();

        server = McpServer.sync(transport)
                .serverInfo(McpSchema.Implementation.builder("kommo-mcp", version()).title("Kommo CRM").build())
                .instructions(ServerInstructions.TEXT)
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).resources(true, false).prompts(false)
                        .build())
                .tools(registry.specifications())
                .resources(SchemaResources.specifications(registry))
                .prompts(Prompts.specifications())
                .addToolFilter(registry::visible)
                .validateToolInputs(false) // the registry binds and checks arguments itself, and audits failures
                .immediateExecution(true)
                .requestTimeout(Duration.ofSeconds(
                        config.getOptionalValue("kommo.mcp.request-timeout-seconds", Integer.class).orElse(60)))
                .build();

        CDI.current().select(SchemaNotifications.class).get().attach(server);
        CDI.current().select(ToolDiscovery.class).get().attach(server);

        ServletRegistration.Dynamic servlet = event.getServletContext().addServlet("mcp", transport);
        servlet.setAsyncSupported(true);
        servlet.setLoadOnStartup(1);
        servlet.addMapping(PATH);
        LOG.info(() -> "MCP endpoint ready at " + PATH + " with " + registry.toolNames().size() + " tools; the 2025"
                + " lane keeps sessions in this JVM (kommo.mcp.sessions=stateful), the 2026-07-28 lane beside it");
    }

    /**
     * The 2025 lane without sessions ({@code kommo.mcp.sessions=stateless}): the SDK's stateless transport, so any
     * instance serves any request and no sticky routing is needed. The same tools, resources, prompts and pipeline;
     * nobody can be asked in person and nothing is streamed (no elicitation, progress or notifications), so governed
     * changes are confirmed with their single-use tokens.
     */
    private static McpStatelessSyncServer stateless(ServletContextEvent event, Config config, ToolRegistry registry,
            List<String> origins) {
        HttpServletStatelessServerTransport transport = HttpServletStatelessServerTransport.builder()
                .messageEndpoint(PATH)
                .contextExtractor(McpEndpoint::identity)
                .securityValidator(DefaultServerTransportSecurityValidator.builder().allowedOrigins(origins).build())
                .build();
        McpStatelessSyncServer built = McpServer.sync(transport)
                .serverInfo(McpSchema.Implementation.builder("kommo-mcp", version()).title("Kommo CRM").build())
                .instructions(ServerInstructions.TEXT)
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).resources(false, false)
                        .prompts(false).build())
                .tools(registry.statelessSpecifications())
                .resources(SchemaResources.statelessSpecifications(registry))
                .prompts(Prompts.statelessSpecifications())
                .addToolFilter(registry::visible)
                .validateToolInputs(false)
                .immediateExecution(true)
                .requestTimeout(Duration.ofSeconds(
                        config.getOptionalValue("kommo.mcp.request-timeout-seconds", Integer.class).orElse(60)))
                .build();
        ServletRegistration.Dynamic servlet = event.getServletContext().addServlet("mcp", transport);
        servlet.setAsyncSupported(true);
        servlet.setLoadOnStartup(1);
        servlet.addMapping(PATH);
        LOG.info(() -> "MCP endpoint ready at " + PATH + " with " + registry.toolNames().size() + " tools; the 2025"
                + " lane is stateless (kommo.mcp.sessions=stateless), the 2026-07-28 lane beside it");
        return built;
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (server != null) {
            server.closeGracefully();
        }
        if (statelessServer != null) {
            statelessServer.closeGracefully();
        }
    }

    /** Copies the verified identity into the MCP transport context (the gate filter has resolved the tenant). */
    private static McpTransportContext identity(HttpServletRequest request) {
        Map<String, Object> ctx = new HashMap<>();
        Principal principal = request.getUserPrincipal();
        if (principal instanceof JsonWebToken jwt) {
            String subject = jwt.getSubject() != null ? jwt.getSubject() : jwt.getName();
            if (subject != null) {
                ctx.put(ToolRegistry.CTX_SUBJECT, subject);
            }
            ctx.put(ToolRegistry.CTX_ROLES, jwt.getGroups() == null ? Set.of() : new HashSet<>(jwt.getGroups()));
        }
        Object tenant = request.getAttribute(McpGateFilter.ATTR_TENANT);
        if (tenant != null) {
            ctx.put(ToolRegistry.CTX_TENANT, tenant);
        }
        Object readOnly = request.getAttribute(McpGateFilter.ATTR_TENANT_READ_ONLY);
        if (readOnly != null) {
            ctx.put(ToolRegistry.CTX_TENANT_READ_ONLY, readOnly);
        }
        Object policy = request.getAttribute(McpGateFilter.ATTR_TOOL_POLICY);
        if (policy != null) {
            ctx.put(ToolRegistry.CTX_TOOL_POLICY, policy);
        }
        return McpTransportContext.create(ctx);
    }

    private static String version() {
        String v = McpEndpoint.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0" : v;
    }
}
