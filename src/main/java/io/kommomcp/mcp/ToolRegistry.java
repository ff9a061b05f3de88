package io.kommomcp.mcp;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.kommomcp.audit.AuditLog;
import io.kommomcp.audit.Outcome;
import io.kommomcp.audit.ToolCallAudit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.kommomcp.core.Caller;
import io.kommomcp.core.ChangeLog;
import io.kommomcp.core.Describe;
import io.kommomcp.core.Json;
import io.kommomcp.core.JsonErrors;
import io.kommomcp.core.KommoCallLog;
import io.kommomcp.core.PartiallyApplied;
import io.kommomcp.core.Rendered;
import io.kommomcp.core.Tool;
import io.kommomcp.core.ToolCatalog;
import io.kommomcp.core.ToolException;
import io.kommomcp.core.ToolPolicy;
import io.kommomcp.core.ToolSet;
import io.kommomcp.core.Toolset;
import io.kommomcp.governance.PlanResult;
import io.kommomcp.kommo.KommoApiException;
import io.kommomcp.security.Roles;
import io.kommomcp.tenancy.TenantException;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ToolAnnotations;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;

/**
 * Finds every {@link Tool} method of every {@link ToolSet} bean and publishes it with generated schemas. Around
 * each call, in this order and in this one place: build the {@link Caller} from the verified token, check the role
 * and the tenant's read-only flag, bind and check the arguments, run the tool, write the audit record (committed
 * before the answer leaves), and turn every failure into a clear tool error.
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

    /** One published tool. */
    record RegisteredTool(Tool meta, Object bean, Method method, Class<?> argsType, McpSchema.Tool descriptor,
            ArgumentCheck check) {
    }

    @Inject
    BeanManager beanManager;

    @Inject
    AuditLog audit;

    @Inject
    @ConfigProperty(name = "kommo.mcp.max-result-chars", defaultValue = "50000")
    int maxResultChars;

    private final Map<String, RegisteredTool> tools = new LinkedHashMap<>();

    @PostConstruct
    void discover() {
        List<RegisteredTool> found = new ArrayList<>();
        for (Bean<?> bean : beanManager.getBeans(Object.class, Any.Literal.INSTANCE)) {
            Class<?> type = bean.getBeanClass();
            if (!type.isAnnotationPresent(ToolSet.class)) {
                continue;
            }
            Object instance = beanManager.getReference(bean, type, beanManager.createCreationalContext(bean));
            for (Method m : type.getDeclaredMethods()) {
                Tool meta = m.getAnnotation(Tool.class);
                if (meta != null) {
                    found.add(register(meta, instance, m));
                }
            }
        }
        found.sort(Comparator.comparing(t -> t.meta().name()));
        for (RegisteredTool t : found) {
            if (tools.putIfAbsent(t.meta().name(), t) != null) {
                throw new IllegalStateException("two tools are named " + t.meta().name());
            }
        }
        LOG.info(() -> "MCP tools registered: " + tools.keySet());
    }

    private static RegisteredTool register(Tool meta, Object bean, Method m) {
        Class<?>[] params = m.getParameterTypes();
        Class<?> argsType;
        if (params.length == 1 && params[0] == Caller.class) {
            argsType = null;
        } else if (params.length == 2 && params[0].isRecord() && params[1] == Caller.class) {
            argsType = params[0];
        } else {
            throw new IllegalStateException("tool " + meta.name() + " must take (ArgsRecord, Caller) or (Caller)");
        }
        if (!Roles.ALL.contains(meta.role())) {
            throw new IllegalStateException("tool " + meta.name() + " names an unknown role " + meta.role());
        }
        Map<String, Object> input = argsType == null ? SchemaGenerator.emptyInput() : SchemaGenerator.input(argsType);
        McpSchema.Tool descriptor = McpSchema.Tool.builder()
                .name(meta.name())
                .title(meta.title())
                .description(meta.description() + "\n\nRequires role " + meta.role() + ".")
                .inputSchema(input)
                .outputSchema(SchemaGenerator.output(m.getReturnType()))
                .annotations(ToolAnnotations.builder()
                        .title(meta.title())
                        .readOnlyHint(meta.readOnly())
                        .destructiveHint(!meta.readOnly() && meta.destructive())
                        .idempotentHint(meta.readOnly() || meta.idempotent())
                        .openWorldHint(meta.openWorld())
                        .build())
                .build();
        return new RegisteredTool(meta, bean, m, argsType, descriptor, new ArgumentCheck(input));
    }

    /** The SDK specifications, one per tool, each calling back into {@link #call}. */
    List<SyncToolSpecification> specifications() {
        return tools.values().stream()
                .map(t -> SyncToolSpecification.builder()
                        .tool(t.descriptor())
                        .callHandler((exchange, request) -> guarded(t, exchange, request))
                        .build())
                .toList();
    }

    /** {@link #call}, and whatever escapes it as a tool error with a reference: nothing internal reaches the SDK. */
    private CallToolResult guarded(RegisteredTool tool, McpSyncServerExchange exchange, CallToolRequest request) {
        try {
            return call(tool, exchange, request);
        } catch (RuntimeException e) {
            String ref = UUID.randomUUID().toString();
            LOG.log(Level.SEVERE, "Call of " + tool.meta().name() + " failed outside the tool; reference " + ref, e);
            return errorResult("Internal error in " + tool.meta().name() + "; reference " + ref
                    + " (for the server log).");
        }
    }

    /**
     * {@code tools/list} shows a caller only what it may call: its roles, the tenant's tool policy, and no writes
     * for a read-only tenant. The same checks refuse a call ({@link #denial}).
     */
    boolean visible(McpTransportContext ctx, McpSchema.Tool tool) {
        RegisteredTool t = tools.get(tool.name());
        if (t == null) {
            return false;
        }
        return Roles.grants(roles(ctx), t.meta().role()) && policyRefusal(t, ctx) == null;
    }

    @Override
    public Set<String> toolNames() {
        return Collections.unmodifiableSet(tools.keySet());
    }

    @Override
    public Set<String> governedToolNames() {
        Set<String> out = new java.util.TreeSet<>();
        tools.values().stream().filter(t -> PlanResult.class.isAssignableFrom(t.method().getReturnType()))
                .forEach(t -> out.add(t.meta().name()));
        return out;
    }

    /** The tenant's read-only switch first (it overrides everything), then its allow- and deny-lists. */
    private static String policyRefusal(RegisteredTool tool, McpTransportContext ctx) {
        Toolset set = Toolset.of(tool.meta());
        if (Boolean.TRUE.equals(ctx.get(CTX_TENANT_READ_ONLY)) && !tool.meta().readOnly()) {
            return "Tenant is read-only: " + tool.meta().name() + " changes data and is disabled. A platform"
                    + " administrator can lift the read-only flag.";
        }
        ToolPolicy policy = ctx.get(CTX_TOOL_POLICY) instanceof ToolPolicy p ? p : ToolPolicy.OPEN;
        return policy.refusal(tool.meta().name(), set);
    }

    /** Calls a tool by name with the same checks and audit as tools/call (used by the schema resources). */
    CallToolResult callByName(String name, Map<String, Object> arguments, McpSyncServerExchange exchange) {
        RegisteredTool tool = tools.get(name);
        if (tool == null) {
            throw new IllegalStateException("no tool " + name);
        }
        return guarded(tool, exchange, new CallToolRequest(name, arguments));
    }

    CallToolResult call(RegisteredTool tool, McpSyncServerExchange exchange, CallToolRequest request) {
        Instant startedAt = Instant.now();
        long start = System.nanoTime();
        McpTransportContext ctx = exchange.transportContext();
        McpSchema.Implementation client = exchange.getClientInfo();
        Caller caller = new Caller((String) ctx.get(CTX_TENANT), (String) ctx.get(CTX_SUBJECT), roles(ctx),
                client == null ? null : client.name(), client == null ? null : client.version(),
                exchange.sessionId(), new KommoCallLog(), new ChangeLog(), new ExchangeElicitor(exchange));
        Map<String, Object> arguments = request.arguments() == null ? Map.of() : request.arguments();
        String name = tool.meta().name();

        String denial = denial(tool, caller, ctx);
        if (denial != null) {
            return refused(caller, name, arguments, Outcome.DENIED, startedAt, start, denial);
        }
        // Arguments are checked before anything is recorded as an intent: a refused call is one audit entry, and
        // nothing reaches Kommo.
        Object args;
        try {
            args = bind(tool, arguments);
        } catch (ToolException e) {
            return refused(caller, name, arguments, Outcome.FAILED, startedAt, start, e.getMessage());
        } catch (RuntimeException e) {
            String ref = UUID.randomUUID().toString();
            LOG.log(Level.SEVERE, "Arguments of " + name + " could not be bound; reference " + ref, e);
            return refused(caller, name, arguments, Outcome.FAILED, startedAt, start, "The arguments of " + name
                    + " could not be read. Send values of the types tools/list shows. Nothing was sent to Kommo."
                    + " Reference " + ref + ".");
        }
        // A state-changing call is recorded as an intent, committed, before anything reaches Kommo; if that
        // fails, nothing is attempted.
        boolean writes = !tool.meta().readOnly();
        UUID correlation = writes ? UUID.randomUUID() : null;
        if (writes) {
            try {
                audit.intent(auditOf(caller, name, arguments, Outcome.PENDING, startedAt, null, null), correlation);
            } catch (RuntimeException e) {
                String ref = UUID.randomUUID().toString();
                LOG.log(Level.SEVERE, "Audit intent failed for " + name + "; reference " + ref, e);
                return errorResult("The change could not be recorded in the audit log, so it was not attempted."
                        + " Nothing was changed. Try again later; reference " + ref + ".");
            }
        }

        Outcome outcome;
        String error = null;
        Object result = null;
        try {
            result = invoke(tool, args, caller);
            outcome = Outcome.SUCCEEDED;
        } catch (PartiallyApplied e) {
            outcome = Outcome.PARTIAL;
            error = e.getMessage();
        } catch (ToolException | TenantException e) {
            outcome = Outcome.FAILED;
            error = e.getMessage();
        } catch (KommoApiException e) {
            outcome = Outcome.FAILED;
            error = e.toolMessage();
        } catch (RuntimeException e) {
            String ref = UUID.randomUUID().toString();
            LOG.log(Level.SEVERE, "Tool " + name + " failed; reference " + ref, e);
            outcome = Outcome.FAILED;
            error = "Internal error in " + name + "; nothing more is known to the client."
                    + " Reference " + ref + " (for the server log).";
        }
        if (writes && outcome == Outcome.FAILED) {
            WriteSteps steps = WriteSteps.of(caller.kommoCalls().entries());
            if (steps.partial()) {
                // some writes landed: say exactly which, so that the model does not repeat them
                outcome = Outcome.PARTIAL;
                error = steps.explain(name, error, caller.changes().changes());
            } else if (steps.failedMayHaveApplied()) {
                // Kommo may have carried out the write it did not answer properly: say so, and record it as such
                outcome = Outcome.UNKNOWN;
                error += " The change may or may not have been applied in Kommo: check the current state (for"
                        + " example with the matching _get or _list tool) before trying again.";
            }
        }
        ToolCallAudit done = auditOf(caller, name, arguments, outcome, startedAt, start, error);
        try {
            if (writes) {
                audit.outcome(done, correlation);
            } else {
                audit.record(done);
            }
        } catch (RuntimeException e) {
            String ref = UUID.randomUUID().toString();
            LOG.log(Level.SEVERE, "Audit write failed for " + name + "; reference " + ref, e);
            String applied = outcome == Outcome.SUCCEEDED && writes
                    ? " The change WAS applied in Kommo; do not repeat it." : "";
            return errorResult("The call could not be recorded in the audit log, so its result is withheld."
                    + applied + " Reference " + ref + ".");
        }
        return outcome == Outcome.SUCCEEDED ? success(result, maxResultChars) : errorResult(error);
    }

    /** A call refused before it ran (role, policy, arguments): one audit entry, and the refusal as the answer. */
    private CallToolResult refused(Caller caller, String name, Map<String, Object> arguments, Outcome outcome,
            Instant startedAt, long start, String why) {
        try {
            audit.record(auditOf(caller, name, arguments, outcome, startedAt, start, why));
        } catch (RuntimeException e) {
            String ref = UUID.randomUUID().toString();
            LOG.log(Level.SEVERE, "Audit write failed for a refused call of " + name + "; reference " + ref, e);
            return errorResult("The call was refused, and the refusal could not be recorded in the audit log."
                    + " Reference " + ref + ".");
        }
        return errorResult(why);
    }

    private static ToolCallAudit auditOf(Caller caller, String tool, Map<String, Object> arguments, Outcome outcome,
            Instant startedAt, Long startNanos, String error) {
        Long millis = startNanos == null ? null : (System.nanoTime() - startNanos) / 1_000_000L;
        return new ToolCallAudit(startedAt, caller.tenantId(), caller.subject(), caller.roles(), caller.clientName(),
                caller.clientVersion(), caller.sessionId(), tool, arguments, outcome, millis, error,
                caller.kommoCalls().entries(), caller.changes().changes());
    }

    private static String denial(RegisteredTool tool, Caller caller, McpTransportContext ctx) {
        if (caller.tenantId() == null) {
            return "No tenant in the token; this server serves tenants only.";
        }
        if (!Roles.grants(caller.roles(), tool.meta().role())) {
            return "Permission denied: " + tool.meta().name() + " requires the role " + tool.meta().role()
                    + ", and your token grants " + (caller.roles().isEmpty() ? "no roles"
                            : String.join(", ", caller.roles().stream().sorted().toList()))
                    + ". Ask your identity administrator for the role, or use a tool listed for you.";
        }
        String refusal = policyRefusal(tool, ctx);
        return refusal == null ? null : refusal.replace("Tenant is", "Tenant '" + caller.tenantId() + "' is");
    }

    private static Object invoke(RegisteredTool tool, Object args, Caller caller) {
        try {
            if (tool.argsType() == null) {
                return tool.method().invoke(tool.bean(), caller);
            }
            return tool.method().invoke(tool.bean(), args, caller);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The arguments checked against the input schema (types, required, bounds, unknown names: no coercion) and
     * bound to the tool's record; null for a tool without arguments.
     */
    private static Object bind(RegisteredTool tool, Map<String, Object> arguments) {
        String problems = tool.check().problems(tool.meta().name(), Json.mapper().valueToTree(arguments));
        if (problems != null) {
            throw new ToolException(problems);
        }
        if (tool.argsType() == null) {
            return null;
        }
        Object args;
        try {
            args = Json.mapper().convertValue(arguments, tool.argsType());
        } catch (JacksonException e) {
            throw new ToolException("Invalid arguments for " + tool.meta().name() + ": " + JsonErrors.describe(e));
        }
        for (RecordComponent c : tool.argsType().getRecordComponents()) {
            Describe d = c.getAnnotation(Describe.class);
            Object value;
            try {
                value = c.getAccessor().invoke(args);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            String name = SchemaGenerator.jsonName(c.getName());
            if (d != null && d.required() && (value == null || (value instanceof String s && s.isBlank()))) {
                throw new ToolException("Missing required argument '" + name + "' for " + tool.meta().name() + ": "
                        + d.value());
            }
            if (d != null && value instanceof Number n && (n.longValue() < d.min() || n.longValue() > d.max())) {
                throw new ToolException("Argument '" + name + "' is " + n + " but must be between "
                        + (d.min() == Long.MIN_VALUE ? "-inf" : d.min()) + " and "
                        + (d.max() == Long.MAX_VALUE ? "+inf" : d.max()) + ".");
            }
        }
        return args;
    }

    private static CallToolResult success(Object result, int maxChars) {
        Map<String, Object> structured = Json.mapper().convertValue(result, new TypeReference<Map<String, Object>>() {
        });
        String cut = ResultBudget.fit(structured, maxChars);
        Object shown = result;
        if (cut != null) { // the text rendering of what is left
            Map<String, Object> kept = new LinkedHashMap<>(structured);
            kept.remove("truncated");
            shown = Json.mapper().convertValue(kept, result.getClass());
        }
        String text = shown instanceof Rendered r ? r.toText() : Json.mapper().writeValueAsString(structured);
        if (cut != null) {
            text += "\n" + cut;
        }
        return CallToolResult.builder().structuredContent(structured).addTextContent(text).isError(false).build();
    }

    private static CallToolResult errorResult(String message) {
        return CallToolResult.builder().addTextContent(message).isError(true).build();
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
