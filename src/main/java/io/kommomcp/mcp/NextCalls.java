package io.kommomcp.mcp;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import io.kommomcp.audit.AuditLog;
import io.kommomcp.core.Caller;
import io.kommomcp.core.ChangeLog;
import io.kommomcp.core.Elicitor;
import io.kommomcp.core.Json;
import io.kommomcp.core.KommoCallLog;
import io.kommomcp.governance.Governor;
import io.kommomcp.governance.Plan;
import io.kommomcp.governance.PlanStore;
import io.kommomcp.mcp.NextRevision.Meta;
import io.kommomcp.mcp.NextRevision.Principal;
import io.kommomcp.mcp.NextRevision.RpcError;
import io.kommomcp.mcp.RequestStates.Binding;
import io.kommomcp.mcp.RequestStates.State;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;

/**
 * {@code tools/call} on the 2026-07-28 lane: the same pipeline as the 2025 lane ({@link ToolRegistry#callAs}), with
 * governed changes confirmed by the multi-round-trip pattern instead of a server-initiated elicitation. An
 * input-required result is this revision's form of "planned, confirm to apply", and the plan behind it is the one
 * {@link Governor} and {@link PlanStore} keep today:
 * <ol>
 * <li><b>First round.</b> The call runs with nobody to ask, so the governor stores the plan with a single-use
 * confirmation token (PLAN on the audit trail) exactly as for a client without elicitation. If the client declared
 * form elicitation for this request, the answer is not that plan but an input-required result: an
 * {@code elicitation/create} request showing the plan with the "Apply this change" checkbox, and a
 * {@link RequestStates requestState} that carries the token (encrypted) and is bound to tenant, subject, tool, the
 * arguments' digest and an expiry no later than the plan's. Without the capability the plan and its token are the
 * answer, as for any client that cannot be asked.</li>
 * <li><b>The retry</b> with {@code inputResponses.confirm} and the state: the state is verified and spent (once, in
 * PostgreSQL), and the call runs again with the token and the person's answer, through the governor's token path:
 * only an accepted tick redeems the token (same tenant, subject, tool, arguments, unexpired, unused, approved when
 * four-eyes applies, account unchanged since the plan) and applies exactly the stored plan; decline, cancel or an
 * unticked box change nothing (ELICITATION, CONFIRMATION and the outcome on the audit trail).</li>
 * </ol>
 * A call that brings a {@code confirmation_token} itself (after a four-eyes approval) from a client that can be asked
 * gets the same input-required confirmation of the stored plan first, as the 2025 lane asks such a person in
 * session. A retry without the answer is asked again with the same state.
 */
final class NextCalls {

    /** The key of the confirmation in {@code inputRequests}, and the purpose of its state. */
    static final String CONFIRM = "confirm";

    private final ToolRegistry registry;
    private final RequestStates states;
    private final PlanStore plans;
    private final ConformanceFixtures fixtures;

    NextCalls(ToolRegistry registry, RequestStates states, PlanStore plans, AuditLog audit,
            ConformanceFixtures fixtures) {
        this.registry = registry;
        this.states = states;
        this.plans = plans;
        this.fixtures = fixtures;
    }

    Map<String, Object> call(Principal p, Meta meta, JsonNode params) {
        JsonNode nameNode = params.path("name");
        if (!nameNode.isString() || nameNode.asString().isBlank()) {
            throw RpcError.invalidParams("Invalid params: tools/call needs params.name, the tool's name.");
        }
        String name = nameNode.asString();
        Map<String, Object> args = arguments(params);
        JsonNode responses = inputResponses(params);
        String sealed = requestState(params);
        if (fixtures != null && fixtures.hasTool(name)) {
            return fixtures.callTool(p, meta, name, args, responses, sealed);
        }
        ToolSpec spec = registry.spec(name);
        if (spec == null) {
            throw new RpcError(200, JsonRpcErrors.INVALID_PARAMS, "Unknown tool '" + NextRevision.shown(name)
                    + "'. Call tools/list for the tools available to you.", null, true);
        }
        Binding binding = new Binding(p.tenant(), p.subject(), "tools/call", name, digest(args));
        if (sealed != null) {
            return retry(p, meta, spec, args, binding, sealed, responses);
        }
        boolean canAsk = spec.changes() && meta.canElicitForm();
        String token = args.get(ToolSpec.TOKEN) instanceof String t && !t.isBlank() ? t.strip() : null;
        if (canAsk && token != null) {
            PlanStore.Stored known = plans.planOf(caller(p, meta, Elicitor.NONE), token);
            if (known != null) { // confirm the stored plan in person before the token is redeemed
                return inputRequired(known.plan(), states.seal(binding, CONFIRM, 1, token, Map.of("plan_id",
                        known.id().toString()), states.defaultExpiry()));
            }
        }
        CallToolResult result = registry.callAs(name, caller(p, meta, Elicitor.NONE), p.context(), args);
        if (canAsk) {
            Planned planned = planned(spec, result);
            if (planned != null) {
                Instant expires = states.defaultExpiry();
                if (planned.expiresAt() != null && planned.expiresAt().isBefore(expires)) {
                    expires = planned.expiresAt();
                }
                return inputRequired(planned.plan(), states.seal(binding, CONFIRM, 1, planned.token(),
                        planned.planId() == null ? Map.of() : Map.of("plan_id", planned.planId()), expires));
            }
        }
        return complete(result);
    }

    /** The retry of a confirmation: the state verified and spent, then the governor's token path with the answer. */
    private Map<String, Object> retry(Principal p, Meta meta, ToolSpec spec, Map<String, Object> args,
            Binding binding, String sealed, JsonNode responses) {
        State state = open(sealed, binding);
        if (!CONFIRM.equals(state.purpose()) || state.secret() == null) {
            throw new RpcError(200, JsonRpcErrors.INVALID_PARAMS, "This requestState does not belong to a"
                    + " confirmation of " + spec.meta().name() + ". Nothing was done.", null, true);
        }
        JsonNode answer = responses == null ? null : responses.get(CONFIRM);
        if (answer == null || answer.isNull()) { // the answer is missing: ask again, same state
            PlanStore.Stored known = plans.planOf(caller(p, meta, Elicitor.NONE), state.secret());
            if (known == null) {
                throw new RpcError(200, JsonRpcErrors.INVALID_PARAMS, "The plan of this requestState is no longer"
                        + " known. Nothing was done. Call " + spec.meta().name() + " again without requestState.",
                        null, true);
            }
            return inputRequired(known.plan(), sealed);
        }
        Elicitor.Answer given = elicitResult(answer, CONFIRM);
        try {
            states.use(state);
        } catch (RequestStates.Refused e) {
            throw new RpcError(200, JsonRpcErrors.INVALID_PARAMS, e.getMessage(), null, true);
        }
        Map<String, Object> withToken = flowless(args);
        withToken.put(ToolSpec.TOKEN, state.secret());
        CallToolResult result = registry.callAs(spec.meta().name(), caller(p, meta, new Answered(given)),
                p.context(), withToken);
        return complete(result);
    }

    /** A governed call's answer that is a plan waiting for the person's confirmation (status planned), or null. */
    record Planned(Plan plan, String token, String planId, Instant expiresAt) {
    }

    static Planned planned(ToolSpec spec, CallToolResult result) {
        if (Boolean.TRUE.equals(result.isError()) || result.structuredContent() == null) {
            return null;
        }
        JsonNode structured = Json.mapper().valueToTree(result.structuredContent());
        JsonNode g = spec.meta().governed() ? structured : structured.path("governance");
        if (!"planned".equals(g.path("status").asString(null)) || !g.path("confirmation_token").isString()
                || !g.path("plan").isObject()) {
            return null;
        }
        Plan plan;
        try {
            plan = Json.mapper().treeToValue(g.path("plan"), Plan.class);
        } catch (JacksonException e) {
            return null;
        }
        Instant expires = null;
        if (g.path("expires_at").isString()) {
            try {
                expires = Instant.parse(g.path("expires_at").asString());
            } catch (DateTimeParseException e) {
                expires = null;
            }
        }
        return new Planned(plan, g.path("confirmation_token").asString(), g.path("plan_id").asString(null),
                expires);
    }

    /** The input-required result that asks the person to confirm {@code plan}. */
    static Map<String, Object> inputRequired(Plan plan, String state) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("message", Governor.question(plan));
        params.put("requestedSchema", Governor.confirmationSchema());
        return inputRequired(Map.of(CONFIRM, Map.of("method", "elicitation/create", "params", params)), state);
    }

    static Map<String, Object> inputRequired(Map<String, Object> requests, String state) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("resultType", "input_required");
        r.put("inputRequests", requests);
        if (state != null) {
            r.put("requestState", state);
        }
        return r;
    }

    static Map<String, Object> complete(CallToolResult result) {
        return NextRevision.sdkMap(result);
    }

    State open(String sealed, Binding binding) {
        try {
            return states.open(sealed, binding);
        } catch (RequestStates.Refused e) {
            throw new RpcError(200, JsonRpcErrors.INVALID_PARAMS, e.getMessage(), null, true);
        }
    }

    /** The caller of a 2026-07-28 request: no session; the client as it named itself in {@code _meta}. */
    static Caller caller(Principal p, Meta meta, Elicitor elicitor) {
        return new Caller(p.tenant(), p.subject(), p.roles(), meta.clientName(), meta.clientVersion(), null,
                new KommoCallLog(), new ChangeLog(), elicitor);
    }

    /** The digest a state binds the arguments by: canonical JSON, the flow arguments left out. */
    static String digest(Map<String, Object> args) {
        return PlanStore.argumentsHash(flowless(args));
    }

    static Map<String, Object> flowless(Map<String, Object> args) {
        Map<String, Object> out = new LinkedHashMap<>(args);
        out.remove(ToolSpec.TOKEN);
        out.remove(ToolSpec.DRY_RUN);
        return out;
    }

    static Map<String, Object> arguments(JsonNode params) {
        JsonNode args = params.path("arguments");
        if (args.isMissingNode() || args.isNull()) {
            return new LinkedHashMap<>();
        }
        if (!args.isObject()) {
            throw RpcError.invalidParams("Invalid params: params.arguments must be an object.");
        }
        return new LinkedHashMap<>(Json.mapper().convertValue(args, new TypeReference<Map<String, Object>>() {
        }));
    }

    /** {@code params.inputResponses}: absent is null; anything but an object is a protocol error. */
    static JsonNode inputResponses(JsonNode params) {
        if (!params.has("inputResponses")) {
            return null;
        }
        JsonNode r = params.get("inputResponses");
        if (!r.isObject()) {
            throw RpcError.invalidParams("Invalid params: inputResponses must be an object mapping each key of the"
                    + " inputRequests to the client's result for it.");
        }
        return r;
    }

    /** {@code params.requestState}: absent is null; it must be the string the server sent. */
    static String requestState(JsonNode params) {
        if (!params.has("requestState") || params.get("requestState").isNull()) {
            return null;
        }
        JsonNode s = params.get("requestState");
        if (!s.isString()) {
            throw RpcError.invalidParams("Invalid params: requestState must be the string the server sent,"
                    + " echoed unchanged.");
        }
        return s.asString();
    }

    /** An {@code ElicitResult} from {@code inputResponses}, checked: action accept, decline or cancel. */
    static Elicitor.Answer elicitResult(JsonNode answer, String key) {
        JsonNode action = answer.path("action");
        JsonNode content = answer.path("content");
        if (!answer.isObject() || !action.isString() || !Set.of("accept", "decline", "cancel").contains(action
                .asString()) || (!content.isMissingNode() && !content.isNull() && !content.isObject())) {
            throw RpcError.invalidParams("Invalid params: inputResponses." + key + " must be an ElicitResult: {\"action\":"
                    + " \"accept\" | \"decline\" | \"cancel\", \"content\": {...}}.");
        }
        Map<String, Object> values = new LinkedHashMap<>();
        if (content.isObject()) {
            values.putAll(Json.mapper().convertValue(content, new TypeReference<Map<String, Object>>() {
            }));
            values.values().removeIf(java.util.Objects::isNull);
        }
        return new Elicitor.Answer(action.asString(), values);
    }

    /** The person's answer, given in the retry: what the governor asks gets it. */
    private record Answered(Elicitor.Answer answer) implements Elicitor {

        @Override
        public boolean supported() {
            return true;
        }

        @Override
        public Answer ask(String message, Map<String, Object> requestedSchema) {
            return answer;
        }
    }
}
