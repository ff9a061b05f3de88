package io.kommomcp.mcp;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.kommomcp.audit.AuditLog;
import io.kommomcp.audit.Outcome;
import io.kommomcp.audit.ToolCallAudit;
import io.kommomcp.core.AuditNote;
import io.kommomcp.core.Caller;
import io.kommomcp.core.Describe;
import io.kommomcp.core.Json;
import io.kommomcp.core.JsonErrors;
import io.kommomcp.core.PartiallyApplied;
import io.kommomcp.core.Rendered;
import io.kommomcp.core.ToolException;
import io.kommomcp.core.ToolPolicy;
import io.kommomcp.core.Toolset;
import io.kommomcp.governance.Governor;
import io.kommomcp.governance.IdempotentCalls;
import io.kommomcp.governance.PlanResult;
import io.kommomcp.governance.Proposal;
import io.kommomcp.kommo.Applied;
import io.kommomcp.kommo.KommoApiException;
import io.kommomcp.kommo.KommoWriter;
import io.kommomcp.kommo.RecordOutcome;
import io.kommomcp.kommo.WriteFailure;
import io.kommomcp.security.Roles;
import io.kommomcp.tenancy.TenantException;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;

/**
 * Everything around one tool call, in this order and in this one place: the role and the tenant's policy, the
 * arguments checked against the schema and bound, the audit intent of a change, the tool, then for a tool that
 * proposes a change either applying it at once or governing it (plan, confirmation, approval, apply: {@link Governor}),
 * the audit outcome committed before the answer leaves, and every failure turned into a clear tool error. Plain Java:
 * the SDK glue ({@link ToolRegistry}) makes the {@link Caller} and the tenant's {@link Context}.
 */
final class ToolCalls {

    private static final Logger LOG = Logger.getLogger(ToolCalls.class.getName());

    /** What the gate learned about the caller's tenant. */
    record Context(boolean tenantReadOnly, ToolPolicy policy) {

        Context {
            policy = policy == null ? ToolPolicy.OPEN : policy;
        }
    }

    private final AuditLog audit;
    private final Governor governor;
    private final KommoWriter writer;
    private final IdempotentCalls idempotency;
    private final int maxResultChars;
    private final JsonSchemaValidator validator = McpJsonDefaults.getSchemaValidator();

    ToolCalls(AuditLog audit, Governor governor, KommoWriter writer, int maxResultChars) {
        this(audit, governor, writer, null, maxResultChars);
    }

    /** {@code idempotency} may be null when no tool declares an idempotency key (tests). */
    ToolCalls(AuditLog audit, Governor governor, KommoWriter writer, IdempotentCalls idempotency, int maxResultChars) {
        this.audit = audit;
        this.governor = governor;
        this.writer = writer;
        this.idempotency = idempotency;
        this.maxResultChars = maxResultChars;
    }

    /** Whether {@code tools/list} shows the tool to this caller (the same rules refuse a call). */
    static boolean visible(ToolSpec tool, java.util.Set<String> roles, Context ctx) {
        return Roles.grants(roles, tool.meta().role()) && policyRefusal(tool, ctx) == null;
    }

    CallToolResult call(ToolSpec tool, Caller caller, Context ctx, Map<String, Object> given) {
        Instant startedAt = Instant.now();
        long start = System.nanoTime();
        Map<String, Object> arguments = given == null ? Map.of() : given;
        String name = tool.meta().name();
        String denial = denial(tool, caller, ctx);
        if (denial != null) {
            return refused(caller, name, arguments, Outcome.DENIED, startedAt, start, denial);
        }
        // Arguments are checked before anything is recorded as an intent: a refused call is one audit entry, and
        // nothing reaches Kommo. The flow arguments of a change go to governance, never to the tool.
        Flow flow = tool.changes() ? Flow.of(arguments) : Flow.NONE;
        Map<String, Object> toolArguments = tool.changes() ? flow.without(arguments) : arguments;
        Object args;
        try {
            args = bind(tool, arguments, toolArguments);
        } catch (ToolException e) {
            return refused(caller, name, arguments, Outcome.FAILED, startedAt, start, e.getMessage());
        } catch (RuntimeException e) {
            String ref = UUID.randomUUID().toString();
            LOG.log(Level.SEVERE, "Arguments of " + name + " could not be bound; reference " + ref, e);
            return refused(caller, name, arguments, Outcome.FAILED, startedAt, start, "The arguments of " + name
                    + " could not be read. Send values of the types tools/list shows. Nothing was sent to Kommo."
                    + " Reference " + ref + ".");
        }
        // A change with an idempotency key runs once per key: a repeat gets the first answer, other arguments are
        // refused, a concurrent repeat waits for the first (IdempotentCalls).
        String key = tool.meta().idempotencyKey() ? flow.idempotencyKey() : null;
        if (key == null) {
            return run(tool, caller, flow, arguments, toolArguments, args, startedAt, start).result();
        }
        IdempotentCalls.Claim claim;
        try {
            claim = idempotency.claim(caller, name, key, toolArguments);
        } catch (ToolException e) {
            return refused(caller, name, arguments, Outcome.FAILED, startedAt, start, e.getMessage());
        } catch (RuntimeException e) {
            String ref = UUID.randomUUID().toString();
            LOG.log(Level.SEVERE, "Idempotency key of " + name + " could not be read; reference " + ref, e);
            return refused(caller, name, arguments, Outcome.FAILED, startedAt, start, "The idempotency key could not"
                    + " be checked, so nothing was attempted. Nothing was changed. Try again later; reference " + ref
                    + ".");
        }
        if (!claim.run()) {
            return replayed(caller, name, arguments, startedAt, start, claim);
        }
        Ran ran = null;
        try {
            ran = run(tool, caller, flow, arguments, toolArguments, args, startedAt, start);
            return ran.result();
        } finally {
            try {
                if (ran != null && ran.landed()) {
                    idempotency.finish(caller, name, key, stored(ran.result()), ran.outcome().name());
                } else {
                    idempotency.release(caller, name, key);
                }
            } catch (RuntimeException e) { // a repeat then waits, and is told the outcome is unknown
                LOG.log(Level.SEVERE, "The idempotency key of a call of " + name + " could not be settled", e);
            }
        }
    }

    /** A call's answer, its outcome, and whether it changed (or may have changed) anything in Kommo. */
    private record Ran(CallToolResult result, Outcome outcome, boolean landed) {
    }

    /** The call once its arguments are bound: intent, the tool, apply or govern, outcome, answer. */
    private Ran run(ToolSpec tool, Caller caller, Flow flow, Map<String, Object> arguments,
            Map<String, Object> toolArguments, Object args, Instant startedAt, long start) {
        String name = tool.meta().name();
        // A state-changing call is recorded as an intent, committed, before anything reaches Kommo; if that
        // fails, nothing is attempted.
        boolean writes = !tool.meta().readOnly();
        UUID correlation = writes ? UUID.randomUUID() : null;
        if (writes) {
            try {
                audit.intent(ToolCallAudit.ofCall(caller, name, arguments, Outcome.PENDING, startedAt, null, null),
                        correlation);
            } catch (RuntimeException e) {
                String ref = UUID.randomUUID().toString();
                LOG.log(Level.SEVERE, "Audit intent failed for " + name + "; reference " + ref, e);
                return new Ran(errorResult("The change could not be recorded in the audit log, so it was not"
                        + " attempted. Nothing was changed. Try again later; reference " + ref + "."), Outcome.FAILED,
                        false);
            }
        }

        Outcome outcome;
        String error = null;
        Answer answer = null;
        try {
            Object result = invoke(tool, args, caller);
            answer = tool.changes() ? change(tool, caller, flow, toolArguments, (Proposal<?>) result, () -> invoke(
                    tool, args, caller)) : new Answer(result, null);
            outcome = Outcome.SUCCEEDED;
            if (answer.result() instanceof AuditNote note) { // e.g. the records a bulk call left out, and why
                error = note.auditNote();
            }
        } catch (PartiallyApplied e) {
            outcome = Outcome.PARTIAL;
            error = e.getMessage();
        } catch (WriteFailure e) {
            outcome = Outcome.PARTIAL;
            error = partial(name, e, caller);
        } catch (ToolException | TenantException e) {
            outcome = Outcome.FAILED;
            error = e.getMessage();
        } catch (KommoApiException e) {
            outcome = Outcome.FAILED;
            error = e.toolMessage();
            if (writes && e.mayHaveApplied()) {
                // Kommo may have carried out the write it did not answer properly: say so, and record it as such
                outcome = Outcome.UNKNOWN;
                error += " The change may or may not have been applied in Kommo: check the current state (for"
                        + " example with the matching _get or _list tool) before trying again.";
            }
        } catch (RuntimeException e) {
            String ref = UUID.randomUUID().toString();
            LOG.log(Level.SEVERE, "Tool " + name + " failed; reference " + ref, e);
            outcome = Outcome.FAILED;
            error = "Internal error in " + name + "; nothing more is known to the client."
                    + " Reference " + ref + " (for the server log).";
        }
        // what a repeat with the idempotency key must not do again: a change applied, or applied in part, or maybe
        boolean landed = writes && (outcome == Outcome.PARTIAL || outcome == Outcome.UNKNOWN
                || (outcome == Outcome.SUCCEEDED && (answer.governed() == null || answer.governed().applied() != null))
                || !caller.changes().changes().isEmpty()); // whatever failed after it, something was written
        ToolCallAudit done = ToolCallAudit.ofCall(caller, name, arguments, outcome, startedAt, start, error);
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
            return new Ran(errorResult("The call could not be recorded in the audit log, so its result is withheld."
                    + applied + " Reference " + ref + "."), outcome, landed);
        }
        return new Ran(outcome == Outcome.SUCCEEDED ? success(tool, answer, writes) : errorResult(error), outcome,
                landed);
    }

    /** A repeat of a call with its idempotency key: the first call's answer, one audit entry, nothing sent. */
    private CallToolResult replayed(Caller caller, String name, Map<String, Object> arguments, Instant startedAt,
            long start, IdempotentCalls.Claim claim) {
        String note = "Answered with the stored answer of the first call with this idempotency_key (at "
                + claim.firstCalledAt() + "); nothing was sent to Kommo again.";
        try {
            audit.record(ToolCallAudit.ofCall(caller, name, arguments, Outcome.SUCCEEDED, startedAt, start, note));
        } catch (RuntimeException e) {
            String ref = UUID.randomUUID().toString();
            LOG.log(Level.SEVERE, "Audit write failed for a repeated call of " + name + "; reference " + ref, e);
            return errorResult("The call could not be recorded in the audit log, so its result is withheld. Nothing"
                    + " was sent to Kommo. Reference " + ref + ".");
        }
        IdempotentCalls.Answer a = claim.answer();
        CallToolResult.Builder b = CallToolResult.builder().addTextContent((a.text() == null ? "" : a.text() + "\n")
                + note).isError(a.error());
        if (a.structured() != null) {
            b.structuredContent(a.structured());
        }
        return b.build();
    }

    /** A call's answer as an idempotency key keeps it. */
    @SuppressWarnings("unchecked")
    private static IdempotentCalls.Answer stored(CallToolResult r) {
        String text = r.content() == null || r.content().isEmpty() || !(r.content().get(0)
                instanceof io.modelcontextprotocol.spec.McpSchema.TextContent t) ? null : t.text();
        return new IdempotentCalls.Answer(Boolean.TRUE.equals(r.isError()), text, r.structuredContent()
                instanceof Map<?, ?> m ? (Map<String, Object>) m : null);
    }

    /** The flow arguments of a change: the confirmation token, dry run, and the idempotency key. */
    record Flow(String token, boolean dryRun, String idempotencyKey) {

        static final Flow NONE = new Flow(null, false, null);

        static Flow of(Map<String, Object> arguments) {
            Object token = arguments.get(ToolSpec.TOKEN);
            Object key = arguments.get(ToolSpec.IDEMPOTENCY_KEY);
            return new Flow(token instanceof String s && !s.isBlank() ? s : null,
                    Boolean.TRUE.equals(arguments.get(ToolSpec.DRY_RUN)),
                    key instanceof String k && !k.isBlank() ? k.strip() : null);
        }

        Map<String, Object> without(Map<String, Object> arguments) {
            Map<String, Object> out = new LinkedHashMap<>(arguments);
            out.remove(ToolSpec.TOKEN);
            out.remove(ToolSpec.DRY_RUN);
            out.remove(ToolSpec.IDEMPOTENCY_KEY);
            return out;
        }
    }

    /** A tool's answer, and the governance outcome when the call was governed. */
    private record Answer(Object result, Governor.Governed governed) {
    }

    /**
     * A proposed change: applied at once, or governed when the tool is declared so, the proposal says so, or the
     * tenant's four-eyes policy names the tool (and whenever the caller asks for a dry run or brings a token).
     */
    private Answer change(ToolSpec tool, Caller caller, Flow flow, Map<String, Object> arguments, Proposal<?> p,
            Supplier<Object> again) {
        String name = tool.meta().name();
        boolean governed = tool.meta().governed() || p.governed() || flow.dryRun() || flow.token() != null
                || governor.policyNames(caller, name);
        if (!governed) {
            Applied applied = writer.apply(caller, p.writes());
            return new Answer(p.result().apply(applied), null);
        }
        Governor.Governed g = governor.govern(caller, new Governor.Call(name, arguments, flow.token(), flow.dryRun(),
                tool.meta().destructive() || p.destructive(), p, () -> (Proposal<?>) again.get()));
        if (tool.meta().governed()) {
            return new Answer(PlanResult.of(g), g);
        }
        return new Answer(g.applied() == null ? null : p.result().apply(g.applied()), g);
    }

    /** The answer of a change that landed in part: what landed, what failed or may have, what to do. */
    private static String partial(String tool, WriteFailure f, Caller caller) {
        StringBuilder b = new StringBuilder("Partially applied: ").append(tool).append(" made ")
                .append(f.done().size()).append(" change").append(f.done().size() == 1 ? "" : "s")
                .append(" in Kommo before it failed.\nLanded: ");
        java.util.List<String> what = new java.util.ArrayList<>();
        caller.changes().changes().forEach(c -> what.add(c.targetType() + " " + c.targetId() + (c.before() == null
                ? " (created)" : " (changed)")));
        b.append(capped(what.isEmpty() || !f.records().isEmpty() ? f.done() : what)).append(".");
        b.append("\n").append(f.mayHaveApplied() ? "Outcome unknown: " : "Failed (not applied): ").append(f.failed())
                .append(" - ").append(f.failure().toolMessage());
        if (f.mayHaveApplied()) {
            b.append(" Kommo may have applied it anyway: check the current state (the matching _get or _list tool)"
                    + " before doing that step again.");
        }
        if (!f.notAttempted().isEmpty()) {
            b.append("\nNot attempted: ").append(capped(f.notAttempted())).append(".");
        }
        if (!f.records().isEmpty()) {
            b.append("\nPer record (its index in the list you sent): ").append(RecordOutcome.summary(f.records(),
                    null)).append(".");
        }
        b.append("\nDo not repeat the whole call: that would repeat what landed. Do only the missing step.");
        return b.toString();
    }

    /** A list as an answer shows it: the first ten, and how many more. */
    static String capped(java.util.List<String> items) {
        return items.size() <= 10 ? String.join("; ", items) : String.join("; ", items.subList(0, 10)) + "; and "
                + (items.size() - 10) + " more";
    }

    /** A call refused before it ran (role, policy, arguments): one audit entry, and the refusal as the answer. */
    private CallToolResult refused(Caller caller, String name, Map<String, Object> arguments, Outcome outcome,
            Instant startedAt, long start, String why) {
        try {
            audit.record(ToolCallAudit.ofCall(caller, name, arguments, outcome, startedAt, start, why));
        } catch (RuntimeException e) {
            String ref = UUID.randomUUID().toString();
            LOG.log(Level.SEVERE, "Audit write failed for a refused call of " + name + "; reference " + ref, e);
            return errorResult("The call was refused, and the refusal could not be recorded in the audit log."
                    + " Reference " + ref + ".");
        }
        return errorResult(why);
    }

    private static String denial(ToolSpec tool, Caller caller, Context ctx) {
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

    /** The tenant's read-only switch first (it overrides everything), then its allow- and deny-lists. */
    private static String policyRefusal(ToolSpec tool, Context ctx) {
        if (ctx.tenantReadOnly() && !tool.meta().readOnly()) {
            return "Tenant is read-only: " + tool.meta().name() + " changes data and is disabled. A platform"
                    + " administrator can lift the read-only flag.";
        }
        return ctx.policy().refusal(tool.meta().name(), Toolset.of(tool.meta()));
    }

    private static Object invoke(ToolSpec tool, Object args, Caller caller) {
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
     * The arguments checked against the published input schema (types, required, bounds, unknown names: no
     * coercion), then the tool's own arguments bound to its record; null for a tool without arguments.
     */
    private static Object bind(ToolSpec tool, Map<String, Object> published, Map<String, Object> own) {
        String problems = tool.check().problems(tool.meta().name(), Json.mapper().valueToTree(published));
        if (problems != null) {
            throw new ToolException(problems);
        }
        if (tool.argsType() == null) {
            return null;
        }
        Object args;
        try {
            args = Json.mapper().convertValue(own, tool.argsType());
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
        }
        return args;
    }

    private CallToolResult success(ToolSpec tool, Answer answer, boolean writes) {
        Object result = answer.result();
        Map<String, Object> structured = result == null ? new LinkedHashMap<>() : Json.mapper().convertValue(result,
                new TypeReference<Map<String, Object>>() {
                });
        PlanResult governance = answer.governed() == null || result instanceof PlanResult ? null
                : PlanResult.of(answer.governed());
        if (governance != null) {
            structured.put("governance", Json.mapper().convertValue(governance,
                    new TypeReference<Map<String, Object>>() {
                    }));
        }
        String cut = ResultBudget.fit(structured, maxResultChars);
        JsonSchemaValidator.ValidationResponse valid = validator.validate(tool.outputSchema(), structured);
        if (!valid.valid()) { // a bug of ours: the result is not of the type the tool declares
            String ref = UUID.randomUUID().toString();
            LOG.severe("Result of " + tool.meta().name() + " does not match its output schema (" + valid
                    .errorMessage() + "); reference " + ref);
            return errorResult("Internal error in " + tool.meta().name() + ": output validation failed for its result."
                    + (writes ? " The call itself succeeded and was recorded; check the current state before"
                            + " repeating it." : "") + " Reference " + ref + " (for the server log).");
        }
        Object shown = result;
        if (cut != null && result != null) { // the text rendering of what is left
            Map<String, Object> kept = new LinkedHashMap<>(structured);
            kept.remove("truncated");
            kept.remove("governance");
            shown = Json.mapper().convertValue(kept, result.getClass());
        }
        String text;
        if (shown instanceof Rendered r) {
            text = r.toText();
        } else if (shown == null) {
            text = governance == null ? "Done." : "";
        } else {
            text = Json.mapper().writeValueAsString(structured);
        }
        if (governance != null) {
            text = (text.isEmpty() ? "" : text + "\n") + governance.toText();
        }
        if (cut != null) {
            text += "\n" + cut;
        }
        return CallToolResult.builder().structuredContent(structured).addTextContent(text).isError(false).build();
    }

    private static CallToolResult errorResult(String message) {
        return CallToolResult.builder().addTextContent(message).isError(true).build();
    }
}
