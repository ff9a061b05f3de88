package io.kommomcp.mcp;

import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.Map;

import io.kommomcp.core.Caller;
import io.kommomcp.core.Tool;
import io.kommomcp.governance.PlanResult;
import io.kommomcp.governance.Proposal;
import io.kommomcp.security.Roles;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.ToolAnnotations;

/**
 * One published tool: its declaration, the method behind it, and what the registry derives from them once: the input
 * schema (with the governance flow's two arguments for a tool that proposes changes), the output schema, the
 * annotations, and the argument check.
 *
 * @param changes whether it proposes changes to Kommo (returns a {@link Proposal})
 * @param answer  for a tool that proposes changes, the type of its answer once they are applied
 */
record ToolSpec(Tool meta, Object bean, Method method, Class<?> argsType, McpSchema.Tool descriptor,
        ArgumentCheck check, boolean changes, Class<?> answer, Map<String, Object> outputSchema) {

    /** The flow arguments every tool that proposes changes takes (the registry strips them before binding). */
    static final String TOKEN = "confirmation_token";
    static final String DRY_RUN = "dry_run";
    /** Added to the tools declared {@code idempotencyKey} (stripped before binding like the two above). */
    static final String IDEMPOTENCY_KEY = "idempotency_key";

    /** The tool as published by default: without its output schema (see {@link #of(Tool, Object, Method, boolean)}). */
    static ToolSpec of(Tool meta, Object bean, Method m) {
        return of(meta, bean, m, false);
    }

    /**
     * The tool {@code m} of {@code bean}. Its output schema is always derived and every structured result is checked
     * against it ({@link ToolCalls}); it is published in {@code tools/list} only when {@code publishOutputSchema}
     * (setting {@code kommo.mcp.publish-output-schemas}): a model chooses and calls a tool from its description and
     * input schema and reads the result's text, so by default it does not pay for output schemas on every turn.
     */
    static ToolSpec of(Tool meta, Object bean, Method m, boolean publishOutputSchema) {
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
        boolean changes = Proposal.class.isAssignableFrom(m.getReturnType());
        if (meta.governed() && !changes) {
            throw new IllegalStateException("governed tool " + meta.name() + " must return a Proposal");
        }
        if (meta.idempotencyKey() && !changes) {
            throw new IllegalStateException("tool " + meta.name() + " takes an idempotency key but changes nothing");
        }
        if (changes && meta.readOnly()) {
            throw new IllegalStateException("tool " + meta.name() + " proposes changes but is declared read-only");
        }
        Class<?> answer = changes ? answerType(meta, m) : m.getReturnType();
        Map<String, Object> input = argsType == null ? SchemaGenerator.emptyInput() : SchemaGenerator.input(argsType);
        Map<String, Object> output;
        if (changes) {
            input = withFlow(input, meta.idempotencyKey());
            output = meta.governed() ? SchemaGenerator.output(PlanResult.class) : withGovernance(
                    SchemaGenerator.output(answer));
        } else {
            output = SchemaGenerator.output(answer);
        }
        McpSchema.Tool.Builder builder = McpSchema.Tool.builder()
                .name(meta.name())
                .title(meta.title())
                .description(meta.description() + (meta.governed() ? " Governed." : "")) // the instructions say how
                .inputSchema(input)
                .annotations(annotations(meta));
        if (publishOutputSchema) {
            builder.outputSchema(output);
        }
        return new ToolSpec(meta, bean, m, argsType, builder.build(), new ArgumentCheck(input), changes, answer,
                output);
    }

    /**
     * The hints that differ from MCP's defaults (read-only false, destructive true, idempotent false, open world
     * true): the title is the tool's own and is not repeated.
     */
    private static ToolAnnotations annotations(Tool meta) {
        ToolAnnotations.Builder b = ToolAnnotations.builder();
        if (meta.readOnly()) {
            b.readOnlyHint(true);
        } else {
            if (!meta.destructive()) {
                b.destructiveHint(false);
            }
            if (meta.idempotent()) {
                b.idempotentHint(true);
            }
        }
        if (!meta.openWorld()) {
            b.openWorldHint(false);
        }
        return b.build();
    }

    /** {@code Proposal<R>}'s R. */
    private static Class<?> answerType(Tool meta, Method m) {
        Type t = m.getGenericReturnType();
        if (t instanceof ParameterizedType p && p.getActualTypeArguments()[0] instanceof Class<?> c) {
            return c;
        }
        throw new IllegalStateException("tool " + meta.name() + " must return Proposal<SomeRecord>");
    }

    /**
     * Adds the flow's two arguments (and the idempotency key of a tool that declares one), typed and without
     * descriptions: the server instructions explain them once, and a plan's answer says how to use its token.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> withFlow(Map<String, Object> input, boolean idempotencyKey) {
        Map<String, Object> schema = new LinkedHashMap<>(input);
        Map<String, Object> props = new LinkedHashMap<>((Map<String, Object>) schema.get("properties"));
        props.put(TOKEN, Map.of("type", "string"));
        props.put(DRY_RUN, Map.of("type", "boolean"));
        if (idempotencyKey) {
            Map<String, Object> key = new LinkedHashMap<>();
            key.put("type", "string");
            key.put("minLength", 1);
            key.put("maxLength", 200);
            props.put(IDEMPOTENCY_KEY, key);
        }
        schema.put("properties", props);
        return schema;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> withGovernance(Map<String, Object> output) {
        Map<String, Object> schema = new LinkedHashMap<>(output);
        Map<String, Object> props = new LinkedHashMap<>((Map<String, Object>) schema.get("properties"));
        props.put("governance", Map.of("type", "object")); // present when the call was governed: a plan result
        schema.put("properties", props);
        return schema;
    }

}
