package io.kommomcp.tools.admin;

import java.util.List;
import java.util.Map;

import io.kommomcp.core.Caller;
import io.kommomcp.core.Describe;
import io.kommomcp.core.Elicitor;
import io.kommomcp.core.Rendered;
import io.kommomcp.core.Tool;
import io.kommomcp.core.ToolException;
import io.kommomcp.core.ToolSet;
import io.kommomcp.governance.Approvals;
import io.kommomcp.governance.Plan;
import io.kommomcp.governance.PlanStore;
import io.kommomcp.security.Roles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The four-eyes rule from the approver's side: what waits, and approving or rejecting it (never one's own plan). */
@ToolSet
@ApplicationScoped
public class ApprovalTools {

    @Inject
    Approvals approvals;

    public record Pending(List<PlanStore.PendingPlan> plans) implements Rendered {

        @Override
        public String toText() {
            if (plans.isEmpty()) {
                return "No plans wait for approval.";
            }
            StringBuilder b = new StringBuilder(plans.size() + " plan(s) wait for approval:");
            plans.forEach(p -> b.append("\n- ").append(p.planId()).append(": ").append(p.tool()).append(" by ")
                    .append(p.requestedBy()).append(" at ").append(p.requestedAt()).append(" - ")
                    .append(p.plan().get("action")).append(" (expires ").append(p.expiresAt()).append(")")
                    .append(requests(p.plan().get("kommo_changes"))));
            return b.toString();
        }
    }

    /** The exact Kommo requests of a plan, as the approver decides on them. */
    private static String requests(Object lines) {
        StringBuilder b = new StringBuilder();
        if (lines instanceof List<?> l) {
            l.forEach(x -> b.append("\n    ").append(x));
        }
        return b.toString();
    }

    public record DecideArgs(
            @Describe(value = "From approvals_list.", required = true) String planId,
            @Describe(value = "approve or reject.", required = true) String decision,
            @Describe("Why, for the requester and the audit trail.") String note) {
    }

    public record Decided(PlanStore.Decision decision) implements Rendered {

        @Override
        public String toText() {
            return "Plan " + decision.planId() + " (" + decision.tool() + " by " + decision.requestedBy() + ") is "
                    + decision.decision().toLowerCase(java.util.Locale.ROOT) + "."
                    + (decision.decision().equals("APPROVED") ? " The requester can now apply it with their"
                            + " confirmation token." : " Its token can no longer be used.");
        }
    }

    @Tool(name = "approvals_list", title = "Plans waiting for approval", role = Roles.APPROVER, readOnly = true,
            description = "Governed changes waiting for a second person (four-eyes rule), oldest first, with their"
                    + " exact Kommo requests.")
    public Pending list(Caller caller) {
        return new Pending(approvals.pending(caller.tenantId()));
    }

    @Tool(name = "approvals_decide", title = "Approve or reject a plan", role = Roles.APPROVER, readOnly = false,
            description = "Approves or rejects a plan waiting for a second person. Show the person the plan and"
                    + " decide only on their word (a client with elicitation asks them). Nobody decides their own plan."
                    + " Approving changes nothing in Kommo: the requester then applies the plan.")
    public Decided decide(DecideArgs a, Caller caller) {
        if (caller.elicitor().supported()) {
            Plan plan = approvals.waiting(caller.tenantId(), a.planId()).orElse(null);
            if (plan != null) {
                String verb = "approve".equalsIgnoreCase(String.valueOf(a.decision()).strip()) ? "Approve"
                        : "Reject";
                Elicitor.Answer answer = caller.elicitor().ask("An AI assistant asks you to decide, as the second"
                        + " administrator, on this change:\n\n" + plan.describe() + "\n\n" + verb + " it?",
                        Map.of("type", "object", "properties", Map.of("confirm", Map.of("type", "boolean", "title",
                                verb + " this plan", "default", false)), "required", List.of("confirm")));
                if (!"accept".equals(answer.action()) || !Boolean.TRUE.equals(answer.content().get("confirm"))) {
                    throw new ToolException("The person did not confirm the decision, so none was taken; plan "
                            + a.planId() + " still waits.");
                }
            }
        }
        return new Decided(approvals.decide(caller.tenantId(), caller.subject(), caller.roles(), a.planId(),
                a.decision(), a.note(), "approvals_decide", caller.clientName(), caller.sessionId()));
    }
}
