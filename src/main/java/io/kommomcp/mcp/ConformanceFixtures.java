package io.kommomcp.mcp;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.kommomcp.audit.AuditLog;
import io.kommomcp.audit.Outcome;
import io.kommomcp.audit.ToolCallAudit;
import io.kommomcp.core.Caller;
import io.kommomcp.core.Elicitor;
import io.kommomcp.governance.PlanStore;
import io.kommomcp.mcp.NextRevision.Meta;
import io.kommomcp.mcp.NextRevision.Principal;
import io.kommomcp.mcp.NextRevision.RpcError;
import io.kommomcp.mcp.RequestStates.Binding;
import io.kommomcp.mcp.RequestStates.State;
import io.modelcontextprotocol.spec.McpSchema;
import tools.jackson.databind.JsonNode;

/**
 * The tools and the prompt the official conformance suite's 2026-07-28 scenarios call on the server under test
 * ({@code server-stateless}, {@code input-required-result-*}): its reference server's fixture names and behaviour,
 * so that those scenarios can run against kommo-mcp. They touch no CRM data and exist only on the 2026-07-28 lane of
 * a test deployment ({@code kommo.mcp.conformance-fixtures=true} together with {@code kommo.auth.dev-mode=true});
 * production never lists or serves them. They use the same request states as governed changes (sealed, bound,
 * expiring, single-use in PostgreSQL), and every call is on the audit trail.
 */
final class ConformanceFixtures {

    private static final Logger LOG = Logger.getLogger(ConformanceFixtures.class.getName());

    static final String PROMPT = "test_input_required_result_prompt";

    private static final Map<String, String> TOOLS = new LinkedHashMap<>();

    static {
        TOOLS.put("test_input_required_result_elicitation", "Asks for a name (elicitation), then greets.");
        TOOLS.put("test_input_required_result_sampling", "Asks the client's model a question (sampling).");
        TOOLS.put("test_input_required_result_list_roots", "Asks for the client's roots.");
        TOOLS.put("test_input_required_result_request_state", "Asks for a confirmation with a sealed requestState;"
                + " answers state-ok.");
        TOOLS.put("test_input_required_result_multiple_inputs", "Asks for an elicitation, a sampling and the roots"
                + " at once.");
        TOOLS.put("test_input_required_result_multi_round", "Asks in two rounds, each with its own requestState.");
        TOOLS.put("test_input_required_result_tampered_state", "Issues a sealed requestState and refuses an altered"
                + " one.");
        TOOLS.put("test_input_required_result_capabilities", "Asks only for what the client declared.");
        TOOLS.put("test_missing_capability", "Needs the client's sampling capability (-32021 without it).");
        TOOLS.put("test_streaming_elicitation", "Needs elicitation; asks in an input-required result, never in a"
                + " server request.");
        TOOLS.put("test_logging_tool", "Does nothing and logs nothing unless the request set a log level.");
    }

    private final RequestStates states;
    private final AuditLog audit;

    ConformanceFixtures(RequestStates states, AuditLog audit) {
        this.states = states;
        this.audit = audit;
    }

    boolean hasTool(String name) {
        return TOOLS.containsKey(name);
    }

    boolean hasPrompt(String name) {
        return PROMPT.equals(name);
    }

    List<McpSchema.Tool> tools() {
        List<McpSchema.Tool> out = new ArrayList<>();
        TOOLS.forEach((name, description) -> out.add(McpSchema.Tool.builder().name(name).title(name)
                .description("Conformance fixture (test deployment only). " + description)
                .inputSchema(Map.of("type", "object", "properties", Map.of(), "additionalProperties", false))
                .annotations(McpSchema.ToolAnnotations.builder().readOnlyHint(true).openWorldHint(false).build())
                .build()));
        return out;
    }

    List<McpSchema.Prompt> prompts() {
        return List.of(new McpSchema.Prompt(PROMPT, PROMPT, "Conformance fixture (test deployment only): asks for"
                + " context (elicitation), then returns the prompt.", List.of()));
    }

    // ------------------------------------------------------------------ tools

    Map<String, Object> callTool(Principal p, Meta meta, String name, Map<String, Object> args, JsonNode responses,
            String sealed) {
        Instant started = Instant.now();
        long start = System.nanoTime();
        Caller caller = NextCalls.caller(p, meta, Elicitor.NONE);
        try {
            Map<String, Object> r = tool(p, meta, name, args, responses, sealed);
            record(caller, name, args, Outcome.SUCCEEDED, started, start, null);
            return r;
        } catch (RpcError e) {
            record(caller, name, args, Outcome.FAILED, started, start, e.getMessage());
            throw e;
        }
    }

    private Map<String, Object> tool(Principal p, Meta meta, String name, Map<String, Object> args,
            JsonNode responses, String sealed) {
        Binding binding = new Binding(p.tenant(), p.subject(), "tools/call", name, PlanStore.argumentsHash(args));
        State state = sealed == null ? null : open(sealed, binding);
        return switch (name) {
            case "test_missing_capability" -> {
                require(meta, "sampling");
                yield text("The client declared sampling.");
            }
            case "test_logging_tool" -> text("Done. No notifications/message: the request set no"
                    + " io.modelcontextprotocol/logLevel.");
            case "test_streaming_elicitation" -> {
                require(meta, "elicitation");
                yield ask(responses, requests(Map.of("confirm", elicit("Please confirm", "ok", "boolean"))),
                        a -> text("Confirmed."));
            }
            case "test_input_required_result_elicitation" -> {
                require(meta, "elicitation");
                yield ask(responses, requests(Map.of("user_name", elicit("What is your name?", "name", "string"))),
                        a -> text("Hello, " + a.get("user_name").path("content").path("name").asString("stranger")
                                + "!"));
            }
            case "test_input_required_result_sampling" -> {
                require(meta, "sampling");
                yield ask(responses, requests(Map.of("capital_question", sampling("What is the capital of France?",
                        100))), a -> text("The model answered: " + a.get("capital_question").path("content")
                                .path("text").asString("(no text)")));
            }
            case "test_input_required_result_list_roots" -> {
                require(meta, "roots");
                yield ask(responses, requests(Map.of("client_roots", roots())), a -> text("Roots: "
                        + uris(a.get("client_roots"))));
            }
            case "test_input_required_result_request_state", "test_input_required_result_tampered_state" -> {
                require(meta, "elicitation");
                yield sealedAsk(binding, name, state, sealed, responses, requests(Map.of("confirm",
                        elicit("Please confirm", "ok", "boolean"))), a -> text("state-ok: the requestState was"
                                + " verified and spent."));
            }
            case "test_input_required_result_multiple_inputs" -> {
                require(meta, "elicitation", "sampling", "roots");
                Map<String, Object> all = new LinkedHashMap<>();
                all.put("user_name", elicit("What is your name?", "name", "string"));
                all.put("greeting", sampling("Generate a greeting", 50));
                all.put("client_roots", roots());
                yield sealedAsk(binding, name, state, sealed, responses, all, a -> text("Hello, " + a.get(
                        "user_name").path("content").path("name").asString("stranger") + "; the model said "
                        + a.get("greeting").path("content").path("text").asString("nothing") + "; roots: "
                        + uris(a.get("client_roots"))));
            }
            case "test_input_required_result_multi_round" -> {
                require(meta, "elicitation");
                yield multiRound(binding, name, state, sealed, responses);
            }
            case "test_input_required_result_capabilities" -> {
                Map<String, Object> wanted = new LinkedHashMap<>();
                if (meta.declares("elicitation")) {
                    wanted.put("user_name", elicit("What is your name?", "name", "string"));
                }
                if (meta.declares("sampling")) {
                    wanted.put("capital_question", sampling("What is the capital of France?", 100));
                }
                if (meta.declares("roots")) {
                    wanted.put("client_roots", roots());
                }
                yield wanted.isEmpty() ? text("The client declared none of elicitation, sampling, roots: nothing to"
                        + " ask.") : ask(responses, wanted, a -> text("Answered: " + String.join(", ", a.keySet())));
            }
            default -> throw new IllegalStateException("no fixture " + name);
        };
    }

    private Map<String, Object> multiRound(Binding binding, String name, State state, String sealed,
            JsonNode responses) {
        Map<String, Object> step1 = requests(Map.of("step1", elicit("Step 1: What is your name?", "name",
                "string")));
        Map<String, Object> step2 = requests(Map.of("step2", elicit("Step 2: What is your favorite color?",
                "color", "string")));
        if (state == null) {
            return NextCalls.inputRequired(step1, states.seal(binding, name, 1, null, null, states.defaultExpiry()));
        }
        requirePurpose(state, name);
        if (state.round() == 1) {
            Map<String, JsonNode> a = answers(responses, step1);
            if (a == null) {
                return NextCalls.inputRequired(step1, sealed);
            }
            use(state);
            String who = a.get("step1").path("content").path("name").asString("stranger");
            return NextCalls.inputRequired(step2, states.seal(binding, name, 2, null, Map.of("name", who),
                    states.defaultExpiry()));
        }
        Map<String, JsonNode> a = answers(responses, step2);
        if (a == null) {
            return NextCalls.inputRequired(step2, sealed);
        }
        use(state);
        return text(state.data().getOrDefault("name", "stranger") + " likes " + a.get("step2").path("content")
                .path("color").asString("no colour") + ".");
    }

    /** Asks for {@code requests} until every one is answered; no state (the answers are all it needs). */
    private static Map<String, Object> ask(JsonNode responses, Map<String, Object> requests,
            Function<Map<String, JsonNode>, Map<String, Object>> done) {
        Map<String, JsonNode> a = answers(responses, requests);
        return a == null ? NextCalls.inputRequired(missing(responses, requests), null) : done.apply(a);
    }

    /** Asks for {@code requests} with a sealed state, and completes only with the answers and that state, once. */
    private Map<String, Object> sealedAsk(Binding binding, String name, State state, String sealed,
            JsonNode responses, Map<String, Object> requests, Function<Map<String, JsonNode>, Map<String, Object>> done) {
        if (state == null) {
            return NextCalls.inputRequired(requests, states.seal(binding, name, 1, null, null,
                    states.defaultExpiry()));
        }
        requirePurpose(state, name);
        Map<String, JsonNode> a = answers(responses, requests);
        if (a == null) {
            return NextCalls.inputRequired(missing(responses, requests), sealed);
        }
        use(state);
        return done.apply(a);
    }

    /** Every requested key answered (checked by kind), or null when one is missing. Extra keys are ignored. */
    private static Map<String, JsonNode> answers(JsonNode responses, Map<String, Object> requests) {
        if (responses == null) {
            return null;
        }
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> r : requests.entrySet()) {
            JsonNode a = responses.get(r.getKey());
            if (a == null || a.isNull()) {
                return null;
            }
            String method = String.valueOf(((Map<?, ?>) r.getValue()).get("method"));
            check(r.getKey(), method, a);
            out.put(r.getKey(), a);
        }
        return out;
    }

    private static Map<String, Object> missing(JsonNode responses, Map<String, Object> requests) {
        if (responses == null) {
            return requests;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        requests.forEach((k, v) -> {
            if (!responses.has(k) || responses.get(k).isNull()) {
                out.put(k, v);
            }
        });
        return out.isEmpty() ? requests : out;
    }

    /** A client's result for an input request, checked for its kind: a malformed one is a protocol error. */
    private static void check(String key, String method, JsonNode a) {
        boolean ok = switch (method) {
            case "elicitation/create" -> {
                NextCalls.elicitResult(a, key);
                yield true;
            }
            case "sampling/createMessage" -> a.isObject() && (a.path("content").isObject() || a.path("content")
                    .isArray());
            case "roots/list" -> a.isObject() && a.path("roots").isArray();
            default -> false;
        };
        if (!ok) {
            throw RpcError.invalidParams("Invalid params: inputResponses." + key + " is not a valid result of "
                    + method + ".");
        }
    }

    private State open(String sealed, Binding binding) {
        try {
            return states.open(sealed, binding);
        } catch (RequestStates.Refused e) {
            throw new RpcError(200, JsonRpcErrors.INVALID_PARAMS, e.getMessage(), null, true);
        }
    }

    private void use(State state) {
        try {
            states.use(state);
        } catch (RequestStates.Refused e) {
            throw new RpcError(200, JsonRpcErrors.INVALID_PARAMS, e.getMessage(), null, true);
        }
    }

    private static void requirePurpose(State state, String name) {
        if (!name.equals(state.purpose())) {
            throw new RpcError(200, JsonRpcErrors.INVALID_PARAMS, "This requestState does not belong to " + name
                    + ".", null, true);
        }
    }

    /** -32021 unless the request declared each of {@code capabilities}. */
    private static void require(Meta meta, String... capabilities) {
        Set<String> missing = new TreeSet<>();
        for (String c : capabilities) {
            if (!meta.declares(c)) {
                missing.add(c);
            }
        }
        if (!missing.isEmpty()) {
            throw RpcError.missingCapabilities(missing);
        }
    }

    // ------------------------------------------------------------------ the prompt

    Map<String, Object> getPrompt(Principal p, Meta meta, String name, JsonNode params) {
        require(meta, "elicitation");
        NextCalls.requestState(params); // checked for shape; this prompt needs no state
        JsonNode responses = NextCalls.inputResponses(params);
        Map<String, Object> asked = requests(Map.of("user_context", elicit("What context should the prompt use?",
                "context", "string")));
        Map<String, JsonNode> a = answers(responses, asked);
        if (a == null) {
            return NextCalls.inputRequired(asked, null);
        }
        String context = a.get("user_context").path("content").path("context").asString("(none)");
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("role", "user");
        message.put("content", Map.of("type", "text", "text", "Answer using this context: " + context));
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("description", "Conformance fixture prompt");
        r.put("messages", List.of(message));
        return r;
    }

    // ------------------------------------------------------------------ shapes

    private static Map<String, Object> requests(Map<String, Object> m) {
        return new LinkedHashMap<>(m);
    }

    private static Map<String, Object> elicit(String message, String field, String type) {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", Map.of(field, Map.of("type", type)));
        schema.put("required", List.of(field));
        return Map.of("method", "elicitation/create", "params", Map.of("message", message, "requestedSchema",
                schema));
    }

    private static Map<String, Object> sampling(String question, int maxTokens) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("messages", List.of(Map.of("role", "user", "content", Map.of("type", "text", "text",
                question))));
        params.put("maxTokens", maxTokens);
        return Map.of("method", "sampling/createMessage", "params", params);
    }

    private static Map<String, Object> roots() {
        return Map.of("method", "roots/list", "params", Map.of());
    }

    private static String uris(JsonNode rootsResult) {
        Set<String> out = new LinkedHashSet<>();
        rootsResult.path("roots").forEach(r -> out.add(r.path("uri").asString("?")));
        return out.isEmpty() ? "(none)" : String.join(", ", out);
    }

    private static Map<String, Object> text(String text) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("content", List.of(Map.of("type", "text", "text", text)));
        r.put("isError", false);
        return r;
    }

    private void record(Caller caller, String name, Map<String, Object> args, Outcome outcome, Instant started,
            long start, String error) {
        try {
            audit.record(ToolCallAudit.ofCall(caller, name, args, outcome, started, start, error));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not audit a conformance fixture call", e);
        }
    }
}
