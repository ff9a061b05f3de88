package io.kommomcp.governance;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.kommomcp.audit.AuditLog;
import io.kommomcp.audit.EntryKind;
import io.kommomcp.audit.Outcome;
import io.kommomcp.audit.ToolCallAudit;
import io.kommomcp.core.Caller;
import io.kommomcp.core.Elicitor;
import io.kommomcp.core.PartiallyApplied;
import io.kommomcp.core.ToolException;
import io.kommomcp.kommo.KommoApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The one way an administrative change happens (issue 4), written once and used by every governed tool:
 * <ol>
 * <li>{@code dry_run}: the plan, nothing else.</li>
 * <li>Without a token: if the tenant's four-eyes policy covers the tool, the plan is stored awaiting approval and its
 * token returned. Otherwise, if the client can be asked (elicitation), the person sees the plan and must accept it
 * explicitly; the account is then checked again and the plan applied. Otherwise the plan and a single-use token are
 * returned, for the model to show the person and confirm.</li>
 * <li>With a token: it is redeemed (same tenant, subject, tool and arguments, unexpired, unchanged account, approved
 * if approval is required), the person is asked too when the client can be asked (shown the plan as it was made),
 * and the plan is applied; the answer shows the plan as confirmed.</li>
 * </ol>
 * Nothing confirms itself: no answer, a failed elicitation, decline and cancel all mean no. Every step (plan,
 * elicitation answer, confirmation) is an audit entry correlated by the plan's id; applying records before and after
 * of each object changed, and an apply that fails part-way says exactly what was done.
 */
@ApplicationScoped
public class Governor {

    private static final Logger LOG = Logger.getLogger(Governor.class.getName());

    @Inject
    PlanStore plans;

    @Inject
    AuditLog audit;

    /** Carries out a confirmed plan through {@link Steps}; returns the ids of what it created or changed. */
    @FunctionalInterface
    public interface Apply {
        List<Long> run(Steps steps);
    }

    /**
     * One governed call.
     *
     * @param tool        the tool's name
     * @param arguments   the tool's arguments (flow arguments are left out of the hash)
     * @param token       the confirmation token, if any
     * @param dryRun      plan only
     * @param destructive whether the change deletes (four-eyes applies to deletes by default)
     * @param state       what the plan was computed from, read fresh from Kommo
     * @param reread      reads that state again (after the person answered), to refuse a stale plan
     * @param plan        the plan
     * @param afterApply  runs after any attempt to apply (e.g. drop cached metadata), even a failed one
     */
    public record Request(String tool, Object arguments, String token, Boolean dryRun, boolean destructive,
            Object state, Supplier<Object> reread, Plan plan, Runnable afterApply) {
    }

    public PlanResult govern(Caller caller, Request r, Apply apply) {
        Plan plan = r.plan();
        if (Boolean.TRUE.equals(r.dryRun())) {
            return PlanResult.dryRun(plan);
        }
        String fingerprint = PlanStore.fingerprint(r.state());
        UUID planId;
        Plan shown = plan;
        if (r.token() == null || r.token().isBlank()) {
            if (plans.approvalPolicy(caller.tenantId()).requires(r.tool(), r.destructive())) {
                PlanStore.Issued issued = plans.issue(caller, r.tool(), r.arguments(), fingerprint, plan, true);
                step(EntryKind.PLAN, caller, r.tool(), issued.planId(), Outcome.SUCCEEDED,
                        details(plan, "awaiting_approval", null));
                return new PlanResult("awaiting_approval", plan, issued.token(), issued.expiresAt(),
                        issued.planId().toString(), List.of(), List.of());
            }
            if (!caller.elicitor().supported()) {
                PlanStore.Issued issued = plans.issue(caller, r.tool(), r.arguments(), fingerprint, plan, false);
                step(EntryKind.PLAN, caller, r.tool(), issued.planId(), Outcome.SUCCEEDED,
                        details(plan, "planned", null));
                return new PlanResult("planned", plan, issued.token(), issued.expiresAt(),
                        issued.planId().toString(), List.of(), List.of());
            }
            Elicitor.Answer answer = ask(caller, plan);
            boolean yes = accepted(answer);
            planId = plans.elicited(caller, r.tool(), r.arguments(), fingerprint, plan, recorded(answer), yes);
            step(EntryKind.PLAN, caller, r.tool(), planId, Outcome.SUCCEEDED, details(plan, "elicited", null));
            step(EntryKind.ELICITATION, caller, r.tool(), planId, yes ? Outcome.SUCCEEDED : Outcome.DENIED,
                    details(null, answer.action(), yes ? "confirmed" : "not confirmed"));
            if (!yes) {
                return new PlanResult("declined", plan, null, null, planId.toString(), List.of(), List.of());
            }
            if (!PlanStore.fingerprint(r.reread().get()).equals(fingerprint)) {
                plans.finish(planId, "FAILED", Map.of("error", "the account changed while the person decided"));
                throw new ToolException("The account changed while the plan was shown, so it may no longer be"
                        + " right. Nothing was changed. Call " + r.tool() + " again for a new plan.");
            }
        } else {
            if (caller.elicitor().supported()) {
                // the person sees the plan as it was made for them (with its counts), not a recomputation
                PlanStore.Stored known = plans.planOf(caller, r.token());
                Plan asMade = known == null ? plan : known.plan();
                Elicitor.Answer answer = ask(caller, asMade);
                boolean yes = accepted(answer);
                if (known != null) {
                    plans.answered(known.id(), recorded(answer));
                }
                UUID knownId = known == null ? null : known.id();
                step(EntryKind.ELICITATION, caller, r.tool(), knownId, yes ? Outcome.SUCCEEDED : Outcome.DENIED,
                        details(null, answer.action(), yes ? "confirmed" : "not confirmed"));
                if (!yes) {
                    return new PlanResult("declined", asMade, null, null, knownId == null ? null : knownId.toString(),
                            List.of(), List.of());
                }
            }
            PlanStore.Stored redeemed = plans.redeem(caller, r.tool(), r.arguments(), r.token(), fingerprint);
            planId = redeemed.id();
            shown = redeemed.plan();
            step(EntryKind.CONFIRMATION, caller, r.tool(), planId, Outcome.SUCCEEDED, details(null, "token",
                    "confirmed"));
        }
        return applyPlan(caller, r, planId, shown, apply);
    }

    /** Applies {@code r}'s requests; the answer shows {@code shown}, the plan as the person confirmed it. */
    private PlanResult applyPlan(Caller caller, Request r, UUID planId, Plan shown, Apply apply) {
        Steps steps = new Steps(r.plan().kommoChanges());
        try {
            List<Long> ids = apply.run(steps);
            plans.finish(planId, "APPLIED", Map.of("done", steps.done(), "ids", ids));
            return new PlanResult("applied", shown, null, null, planId.toString(), ids, steps.done());
        } catch (RuntimeException e) {
            if (steps.done().isEmpty()) {
                plans.finish(planId, "FAILED", Map.of("failed", String.valueOf(steps.failed())));
                throw e;
            }
            String why = e instanceof KommoApiException k ? k.toolMessage()
                    : e instanceof ToolException ? e.getMessage() : "an internal error";
            if (!(e instanceof KommoApiException) && !(e instanceof ToolException)) {
                LOG.log(Level.SEVERE, "Applying plan " + planId + " failed part-way", e);
            }
            boolean maybe = e instanceof KommoApiException k && k.mayHaveApplied();
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("done", steps.done());
            result.put("failed", steps.failed());
            result.put("not_attempted", steps.notAttempted());
            plans.finish(planId, "PARTIALLY_APPLIED", result);
            throw new PartiallyApplied("Partially applied (plan " + planId + "): " + steps.done().size() + " of "
                    + r.plan().kommoChanges().size() + " Kommo requests were carried out before one failed."
                    + "\nDone: " + String.join("; ", steps.done())
                    + "\nFailed: " + steps.failed() + " (" + why + ")" + (maybe ? " - it may or may not have been"
                            + " applied; check before repeating it." : "")
                    + "\nNot attempted: " + (steps.notAttempted().isEmpty() ? "nothing"
                            : String.join("; ", steps.notAttempted()))
                    + "\nThe account is now between the old and the planned state. Check it, then plan the rest"
                    + " again.");
        } finally {
            if (r.afterApply() != null) {
                r.afterApply().run();
            }
        }
    }

    /** The answer as the plan keeps it: accept, decline, cancel, failed, or unticked (accepted without the tick). */
    private static String recorded(Elicitor.Answer a) {
        return "accept".equals(a.action()) && !accepted(a) ? "unticked" : a.action();
    }

    private static boolean accepted(Elicitor.Answer a) {
        return "accept".equals(a.action()) && Boolean.TRUE.equals(a.content().get("confirm"));
    }

    private static Elicitor.Answer ask(Caller caller, Plan plan) {
        Map<String, Object> confirm = new LinkedHashMap<>();
        confirm.put("type", "boolean");
        confirm.put("title", "Apply this change");
        confirm.put("description", "Tick to apply exactly the change shown. Leave unticked, decline or cancel to"
                + " change nothing.");
        confirm.put("default", false);
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", Map.of("confirm", confirm));
        schema.put("required", List.of("confirm"));
        return caller.elicitor().ask("An AI assistant asks to change your Kommo account's configuration.\n\n"
                + plan.describe() + "\n\nApply this change?", schema);
    }

    private static Map<String, Object> details(Plan plan, String status, String answer) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("status", status);
        if (answer != null) {
            d.put("answer", answer);
        }
        if (plan != null) {
            d.put("plan", plan);
        }
        return d;
    }

    /** One governance audit entry; a failure to write it stops the change (nothing unrecorded happens). */
    private void step(EntryKind kind, Caller caller, String tool, UUID planId, Outcome outcome,
            Map<String, Object> details) {
        @SuppressWarnings("unchecked")
        Map<String, Object> args = io.kommomcp.core.Json.mapper().convertValue(details, Map.class);
        if (planId != null) {
            args.put("plan_id", planId.toString());
        }
        audit.governance(kind, new ToolCallAudit(Instant.now(), caller.tenantId(), caller.subject(), caller.roles(),
                caller.clientName(), caller.clientVersion(), caller.sessionId(), tool, args, outcome, null, null,
                List.of(), List.of()), planId);
    }
}
