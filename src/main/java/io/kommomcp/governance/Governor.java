package io.kommomcp.governance;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import io.kommomcp.audit.AuditLog;
import io.kommomcp.audit.EntryKind;
import io.kommomcp.audit.Outcome;
import io.kommomcp.audit.ToolCallAudit;
import io.kommomcp.core.ApprovalPolicy;
import io.kommomcp.core.Caller;
import io.kommomcp.core.Elicitor;
import io.kommomcp.core.Json;
import io.kommomcp.core.PartiallyApplied;
import io.kommomcp.core.ToolException;
import io.kommomcp.kommo.Applied;
import io.kommomcp.kommo.KommoApiException;
import io.kommomcp.kommo.KommoWriter;
import io.kommomcp.kommo.RecordOutcome;
import io.kommomcp.kommo.WriteFailure;
import io.kommomcp.tenancy.TenantService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The one way a governed change happens, applied by the registry around every governed call (tools only propose,
 * {@link Proposal}):
 * <ol>
 * <li>{@code dry_run}: the plan, nothing else.</li>
 * <li>Without a token: if the tenant's four-eyes policy covers the tool, the plan is stored awaiting approval and its
 * token returned (refused while another plan for the same target waits). Otherwise, if the client can be asked
 * (elicitation), the person sees the plan and must accept it explicitly; the account is then read again and the
 * plan applied. Otherwise the plan and a single-use token are returned, for the model to show the person.</li>
 * <li>With a token: it is redeemed (same tenant, subject, tool and arguments, unexpired, unchanged account, approved
 * as asked if approval was required), the person is asked too when the client can be asked, and the plan is
 * applied.</li>
 * </ol>
 * Nothing confirms itself: no answer, a failed elicitation, decline and cancel all mean no. Every step (plan,
 * elicitation answer, confirmation) is an audit entry correlated by the plan's id; applying goes through the Kommo
 * write layer, which records before and after of each object and says exactly what was done if it fails part-way.
 */
@ApplicationScoped
public class Governor {

    @Inject
    PlanStore plans;

    @Inject
    AuditLog audit;

    @Inject
    KommoWriter writer;

    @Inject
    TenantService tenants;

    /** Where a governed call stands after this call. */
    public enum Status {
        PLANNED, AWAITING_APPROVAL, DRY_RUN, DECLINED, APPLIED
    }

    /**
     * One governed call, as the registry hands it over.
     *
     * @param tool        the tool's name
     * @param arguments   the tool's arguments, without the flow arguments
     * @param token       the confirmation token, if any
     * @param dryRun      plan only
     * @param destructive whether the change deletes or erases (four-eyes covers those by default)
     * @param proposal    what the tool proposes, from a fresh read
     * @param again       the tool's proposal computed again (after the person answered: a stale plan is refused)
     */
    public record Call(String tool, Map<String, Object> arguments, String token, boolean dryRun, boolean destructive,
            Proposal<?> proposal, Supplier<Proposal<?>> again) {
    }

    /** The outcome: the plan as it stands, its token and id while it waits, what was applied once applied. */
    public record Governed(Status status, Plan plan, String token, Instant expiresAt, UUID planId, Applied applied) {
    }

    /** The plan a proposal makes: the exact Kommo requests, before and after, and its consequences. */
    public Plan plan(Proposal<?> p) {
        return new Plan(p.action(), writer.describe(p.writes()), p.before(), p.after(), p.consequences().get());
    }

    /** Whether the tenant's four-eyes policy names {@code tool}, which it then governs even if not declared so. */
    public boolean policyNames(Caller caller, String tool) {
        return tenants.approvalPolicy(caller.tenantId()).names(tool);
    }

    public Governed govern(Caller caller, Call call) {
        Proposal<?> proposal = call.proposal();
        if (call.dryRun()) {
            return new Governed(Status.DRY_RUN, plan(proposal), null, null, null, null);
        }
        String fingerprint = PlanStore.fingerprint(proposal.state());
        ApprovalPolicy policy = tenants.approvalPolicy(caller.tenantId());
        PlanStore.Subject subject = new PlanStore.Subject(call.tool(), call.arguments(), fingerprint,
                writer.target(proposal.writes()), policy);
        UUID planId;
        Plan shown;
        if (call.token() == null || call.token().isBlank()) {
            Plan plan = plan(proposal);
            if (policy.requires(call.tool(), call.destructive())) {
                PlanStore.Issued issued = plans.issue(caller, subject, plan, true);
                step(EntryKind.PLAN, caller, call.tool(), issued.planId(), Outcome.SUCCEEDED,
                        details(plan, "awaiting_approval", null));
                return new Governed(Status.AWAITING_APPROVAL, plan, issued.token(), issued.expiresAt(),
                        issued.planId(), null);
            }
            if (!caller.elicitor().supported()) {
                PlanStore.Issued issued = plans.issue(caller, subject, plan, false);
                step(EntryKind.PLAN, caller, call.tool(), issued.planId(), Outcome.SUCCEEDED,
                        details(plan, "planned", null));
                return new Governed(Status.PLANNED, plan, issued.token(), issued.expiresAt(), issued.planId(), null);
            }
            Elicitor.Answer answer = ask(caller, plan);
            boolean yes = accepted(answer);
            planId = plans.elicited(caller, subject, plan, recorded(answer), yes);
            step(EntryKind.PLAN, caller, call.tool(), planId, Outcome.SUCCEEDED, details(plan, "elicited", null));
            step(EntryKind.ELICITATION, caller, call.tool(), planId, yes ? Outcome.SUCCEEDED : Outcome.DENIED,
                    details(null, answer.action(), yes ? "confirmed" : "not confirmed"));
            if (!yes) {
                return new Governed(Status.DECLINED, plan, null, null, planId, null);
            }
            if (!PlanStore.fingerprint(call.again().get().state()).equals(fingerprint)) {
                plans.finish(planId, PlanOutcome.FAILED, Map.of("error", "the account changed while the person"
                        + " decided"));
                throw new ToolException("The account changed while the plan was shown, so it may no longer be"
                        + " right. Nothing was changed. Call " + call.tool() + " again for a new plan.");
            }
            shown = plan;
        } else {
            if (caller.elicitor().supported()) {
                // the person sees the plan as it was made for them (with its counts), not a recomputation
                PlanStore.Stored known = plans.planOf(caller, call.token());
                Plan asMade = known == null ? plan(proposal) : known.plan();
                Elicitor.Answer answer = ask(caller, asMade);
                boolean yes = accepted(answer);
                if (known != null) {
                    plans.answered(known.id(), recorded(answer));
                }
                UUID knownId = known == null ? null : known.id();
                step(EntryKind.ELICITATION, caller, call.tool(), knownId, yes ? Outcome.SUCCEEDED : Outcome.DENIED,
                        details(null, answer.action(), yes ? "confirmed" : "not confirmed"));
                if (!yes) {
                    return new Governed(Status.DECLINED, asMade, null, null, knownId, null);
                }
            }
            PlanStore.Stored redeemed = plans.redeem(caller, call.tool(), call.arguments(), call.token(),
                    fingerprint);
            planId = redeemed.id();
            shown = redeemed.plan();
            step(EntryKind.CONFIRMATION, caller, call.tool(), planId, Outcome.SUCCEEDED, details(null, "token",
                    "confirmed"));
        }
        return new Governed(Status.APPLIED, shown, null, null, planId, apply(caller, proposal, planId, shown));
    }

    /** Applies the proposal's writes; the stored plan records how it ended. */
    private Applied apply(Caller caller, Proposal<?> proposal, UUID planId, Plan shown) {
        try {
            Applied applied = writer.apply(caller, proposal.writes());
            finish(planId, PlanOutcome.APPLIED, Map.of("done", applied.done(), "ids", applied.allCreated()));
            return applied;
        } catch (WriteFailure f) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("done", f.done());
            result.put("failed", f.failed());
            result.put("not_attempted", f.notAttempted());
            if (!f.records().isEmpty()) {
                result.put("records", RecordOutcome.summary(f.records(), null));
            }
            finish(planId, PlanOutcome.PARTIALLY_APPLIED, result);
            throw new PartiallyApplied("Partially applied (plan " + planId + "): " + f.done().size() + " of "
                    + shown.kommoChanges().size() + " Kommo requests were carried out before one failed."
                    + "\nDone: " + String.join("; ", f.done())
                    + "\nFailed: " + f.failed() + " (" + f.failure().toolMessage() + ")" + (f.mayHaveApplied()
                            ? " - it may or may not have been applied; check before repeating it." : "")
                    + "\nNot attempted: " + (f.notAttempted().isEmpty() ? "nothing" : String.join("; ",
                            f.notAttempted()))
                    + (f.records().isEmpty() ? "" : "\nPer record (its index in the list you sent): "
                            + RecordOutcome.summary(f.records(), null) + ".")
                    + "\nThe account is now between the old and the planned state. Check it, then plan the rest"
                    + " again.");
        } catch (KommoApiException e) {
            // a 5xx or no answer: Kommo may have applied it, and the plan says so (the call's outcome is UNKNOWN)
            finish(planId, PlanOutcome.FAILED, Map.of("failed", String.valueOf(e.getMessage()), "may_have_applied",
                    e.mayHaveApplied()));
            throw e;
        } catch (ToolException e) {
            finish(planId, PlanOutcome.FAILED, Map.of("failed", String.valueOf(e.getMessage())));
            throw e;
        }
    }

    /**
     * Stores how an applied plan ended. What happened in Kommo is already decided and recorded by the call's audit
     * outcome, so a failure to store it here is logged and does not replace that outcome (a call that landed must
     * not be reported as failed, nor its idempotency key given back).
     */
    private void finish(UUID planId, PlanOutcome outcome, Map<String, Object> result) {
        try {
            plans.finish(planId, outcome, result);
        } catch (RuntimeException e) {
            java.util.logging.Logger.getLogger(Governor.class.getName()).log(java.util.logging.Level.SEVERE,
                    "Plan " + planId + " ended " + outcome + " but that could not be stored", e);
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
        return caller.elicitor().ask(question(plan), confirmationSchema());
    }

    /** What the person is asked about a plan (over a session, or in a 2026-07-28 input-required result). */
    public static String question(Plan plan) {
        return "An AI assistant asks to change your Kommo account.\n\n" + plan.describe() + "\n\nApply this change?";
    }

    /** The form the person answers: one checkbox, unticked by default; only an accepted tick is a yes. */
    public static Map<String, Object> confirmationSchema() {
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
        return schema;
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
        Map<String, Object> args = Json.mapper().convertValue(details, Map.class);
        if (planId != null) {
            args.put("plan_id", planId.toString());
        }
        audit.governance(kind, ToolCallAudit.governanceStep(caller, tool, args, outcome), planId);
    }
}
