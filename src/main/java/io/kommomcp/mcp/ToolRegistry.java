package io.kommomcp.mcp;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Logger;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.kommomcp.audit.AuditLog;
import io.kommomcp.core.Caller;
import io.kommomcp.core.ChangeLog;
import io.kommomcp.core.Elicitor;
import io.kommomcp.core.KommoCallLog;
import io.kommomcp.core.Tool;
import io.kommomcp.core.ToolCatalog;
import io.kommomcp.core.ToolPolicy;
import io.kommomcp.core.ToolSet;
import io.kommomcp.core.Toolset;
import io.kommomcp.governance.Governor;
import io.kommomcp.governance.IdempotentCalls;
import io.kommomcp.kommo.KommoWriter;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpStatelessServerFeatures;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;

/**
 * Finds every {@link Tool} method of every {@link ToolSet} bean and publishes it with generated schemas
 * ({@link ToolSpec}); every call goes through {@link ToolCalls} (roles, policy, arguments, audit, governance). This
 * class is the SDK glue: the caller and the tenant's context from the MCP transport context, the tool list filtered
 * per caller, and the specifications the SDK serves.
 */
@ApplicationScoped
public class ToolRegistry implements ToolCatalog {

    private static final Logger LOG = Logger.getLogger(ToolRegistry.class.getName());

    /** Keys of the MCP transport context, filled by {@link McpEndpoint} from the verified JWT. */
    static final String CTX_TENANT = "kommo.tenant";
    static final String CTX_SUBJECT = "kommo.subject";
    static final String CTX_ROLES = "kommo.roles";
    static final String CTX_TENANT_READ_ONLY = "kommo.tenantReadOnly";
    static final String CTX_TOOL_POLICY = "kommo.toolPolicy";

    @Inject
    BeanManager beanManager;

    @Inject
    AuditLog audit;

    @Inject
    Governor governor;

    @Inject
    KommoWriter writer;

    @Inject
    ToolDiscovery discovery;

    @Inject
    IdempotentCalls idempotency;

    @Inject
    @ConfigProperty(name = "kommo.mcp.max-result-chars", defaultValue = "50000")
    int maxResultChars;

    /** Whether tools/list carries each tool's output schema (results are checked against it either way). */
    @Inject
    @ConfigProperty(name = "kommo.mcp.publish-output-schemas", defaultValue = "false")
    boolean publishOutputSchemas;

    private final Map<String, ToolSpec> tools = new LinkedHashMap<>();
    private ToolCalls calls;

    @PostConstruct
    void discover() {
        List<Object[]> sets = new ArrayList<>();
        for (Bean<?> bean : beanManager.getBeans(Object.class, Any.Literal.INSTANCE)) {
            Class<?> type = bean.getBeanClass();
            if (type.isAnnotationPresent(ToolSet.class)) {
                sets.add(new Object[] {type, beanManager.getReference(bean, type,
                        beanManager.createCreationalContext(bean))});
            }
        }
        calls = new ToolCalls(audit, governor, writer, idempotency, maxResultChars);
        for (Object[] set : sets) {
            register((Class<?>) set[0], set[1]);
        }
        LOG.info(() -> "MCP tools registered: " + tools.keySet());
    }

    /** Adds the tools of {@code type}, called on {@code instance}; names are unique, listed in name order. */
    void register(Class<?> type, Object instance) {
        List<ToolSpec> found = new ArrayList<>(tools.values());
        for (Method m : type.getDeclaredMethods()) {
            Tool meta = m.getAnnotation(Tool.class);
            if (meta != null) {
                if (tools.containsKey(meta.name()) || found.stream().anyMatch(t -> t.meta().name().equals(meta
                        .name()))) {
                    throw new IllegalStateException("two tools are named " + meta.name());
                }
                found.add(ToolSpec.of(meta, instance, m, publishOutputSchemas));
            }
        }
        found.sort(Comparator.comparing(t -> t.meta().name()));
        tools.clear();
        found.forEach(t -> tools.put(t.meta().name(), t));
    }

    /** The pipeline, for tests that build a registry without a container. */
    void calls(ToolCalls pipeline) {
        this.calls = pipeline;
    }

    /** The SDK specifications, one per tool. */
    List<SyncToolSpecification> specifications() {
        return tools.values().stream()
                .map(t -> SyncToolSpecification.builder()
                        .tool(t.descriptor())
                        .callHandler((exchange, request) -> call(t, exchange, request))
                        .build())
                .toList();
    }

    /** The published tools in name order (deterministic: a golden file and the 2026-07-28 revision rely on it). */
    List<McpSchema.Tool> descriptors() {
        return tools.values().stream().map(ToolSpec::descriptor).toList();
    }

    /**
     * {@code tools/list} shows a caller only what it may call: its roles, the tenant's tool policy, and no writes
     * for a read-only tenant. The same checks refuse a call.
     */
    boolean visible(McpTransportContext ctx, McpSchema.Tool tool) {
        ToolSpec t = tools.get(tool.name());
        return t != null && ToolCalls.visible(t, roles(ctx), context(ctx)) && (discovery == null || discovery.listed(
                (String) ctx.get(CTX_TENANT), (String) ctx.get(CTX_SUBJECT), t.meta().name(), Toolset.of(t.meta())));
    }

    /** How many tools of {@code toolset} the caller's roles allow. */
    int callableIn(Caller caller, Toolset toolset) {
        return (int) tools.values().stream().filter(t -> Toolset.of(t.meta()) == toolset && io.kommomcp.security.Roles
                .grants(caller.roles(), t.meta().role())).count();
    }

    @Override
    public Set<String> toolNames() {
        return Collections.unmodifiableSet(tools.keySet());
    }

    @Override
    public Set<String> governedToolNames() {
        Set<String> out = new TreeSet<>();
        tools.values().stream().filter(t -> t.meta().governed()).forEach(t -> out.add(t.meta().name()));
        return out;
    }

    @Override
    public Set<String> changeToolNames() {
        Set<String> out = new TreeSet<>();
        tools.values().stream().filter(ToolSpec::changes).forEach(t -> out.add(t.meta().name()));
        return out;
    }

    /** Calls a tool by name with the same checks and audit as tools/call (used by the schema resources). */
    CallToolResult callByName(String name, Map<String, Object> arguments, McpSyncServerExchange exchange) {
        ToolSpec tool = tools.get(name);
        if (tool == null) {
            throw new IllegalStateException("no tool " + name);
        }
        return call(tool, exchange, new CallToolRequest(name, arguments));
    }

    /** The published tool named {@code name}, or null. */
    ToolSpec spec(String name) {
        return tools.get(name);
    }

    /**
     * The SDK's stateless specifications (2025 lane with {@code kommo.mcp.sessions=stateless}): the same tools and
     * pipeline; the caller comes from the request's transport context, and nobody can be asked in person (no
     * session), so governed changes use confirmation tokens.
     */
    List<McpStatelessServerFeatures.SyncToolSpecification> statelessSpecifications() {
        return tools.values().stream()
                .map(t -> McpStatelessServerFeatures.SyncToolSpecification.builder()
                        .tool(t.descriptor())
                        .callHandler((ctx, request) -> callByName(t.meta().name(), request.arguments(), ctx))
                        .build())
                .toList();
    }

    /** {@link #callByName} for a stateless request (no SDK exchange: the caller from the transport context). */
    CallToolResult callByName(String name, Map<String, Object> arguments, McpTransportContext ctx) {
        return callAs(name, caller(ctx, Elicitor.NONE), context(ctx), arguments);
    }

    /** The caller a transport context describes (no client details and no session: a stateless request). */
    static Caller caller(McpTransportContext ctx, Elicitor elicitor) {
        return new Caller((String) ctx.get(CTX_TENANT), (String) ctx.get(CTX_SUBJECT), roles(ctx), null, null, null,
                new KommoCallLog(), new ChangeLog(), elicitor);
    }

    /**
     * Calls the tool {@code name} for {@code caller} through the same pipeline as {@code tools/call} (roles, policy,
     * arguments, audit, governance): the 2026-07-28 lane and the stateless 2025 lane, which have no SDK exchange.
     */
    CallToolResult callAs(String name, Caller caller, ToolCalls.Context ctx, Map<String, Object> arguments) {
        ToolSpec tool = tools.get(name);
        if (tool == null) {
            throw new IllegalStateException("no tool " + name);
        }
        try {
            return calls.call(tool, caller, ctx, arguments);
        } catch (RuntimeException e) {
            String ref = java.util.UUID.randomUUID().toString();
            LOG.log(java.util.logging.Level.SEVERE, "Call of " + name + " failed outside the tool; reference " + ref,
                    e);
            return CallToolResult.builder().addTextContent("Internal error in " + name + "; reference " + ref
                    + " (for the server log).").isError(true).build();
        }
    }

    private CallToolResult call(ToolSpec tool, McpSyncServerExchange exchange, CallToolRequest request) {
        try {
            McpTransportContext ctx = exchange.transportContext();
            McpSchema.Implementation client = exchange.getClientInfo();
            Caller caller = new Caller((String) ctx.get(CTX_TENANT), (String) ctx.get(CTX_SUBJECT), roles(ctx),
                    client == null ? null : client.name(), client == null ? null : client.version(),
                    exchange.sessionId(), new KommoCallLog(), new ChangeLog(), new ExchangeElicitor(exchange),
                    ExchangeProgress.of(exchange, request));
            return calls.call(tool, caller, context(ctx), request.arguments());
        } catch (RuntimeException e) {
            String ref = java.util.UUID.randomUUID().toString();
            LOG.log(java.util.logging.Level.SEVERE, "Call of " + tool.meta().name() + " failed outside the tool;"
                    + " reference " + ref, e);
            return CallToolResult.builder().addTextContent("Internal error in " + tool.meta().name() + "; reference "
                    + ref + " (for the server log).").isError(true).build();
        }
    }

    private static ToolCalls.Context context(McpTransportContext ctx) {
        return new ToolCalls.Context(Boolean.TRUE.equals(ctx.get(CTX_TENANT_READ_ONLY)),
                ctx.get(CTX_TOOL_POLICY) instanceof ToolPolicy p ? p : ToolPolicy.OPEN);
    }

    @SuppressWarnings("unchecked")
    static Set<String> roles(McpTransportContext ctx) {
        Object roles = ctx.get(CTX_ROLES);
        if (roles instanceof Set<?> s) {
            return (Set<String>) s;
        }
        if (roles instanceof String s && !s.isBlank()) {
            return new HashSet<>(Arrays.asList(s.split(",")));
        }
        return Set.of();
    }
}
