package io.kommomcp.governance;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.kommomcp.audit.AuditLog;
import io.kommomcp.audit.EntryKind;
import io.kommomcp.audit.Outcome;
import io.kommomcp.audit.ToolCallAudit;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Four-eyes decisions on waiting plans, for the approvals tools and the admin REST API alike: list what waits, and
 * approve or reject a plan (never one's own). Each decision is an APPROVAL audit entry correlated by the plan's id.
 */
@ApplicationScoped
public class Approvals {

    @Inject
    PlanStore plans;

    @Inject
    AuditLog audit;

    public List<PlanStore.PendingPlan> pending(String tenantId) {
        return plans.pending(tenantId);
    }

    /** The plan waiting under {@code planId} in the tenant, if any. */
    public java.util.Optional<Plan> waiting(String tenantId, String planId) {
        return plans.pending(tenantId).stream().filter(p -> p.planId().equals(planId == null ? "" : planId.strip()))
                .findFirst().map(p -> io.kommomcp.core.Json.mapper().convertValue(p.plan(), Plan.class));
    }

    /** Decides a plan; {@code via} says where the decision came from (a tool name or the REST path). */
    public PlanStore.Decision decide(String tenantId, String approver, Set<String> roles, String planId,
            String decision, String note, String via, String clientName, String sessionId) {
        String d = decision == null ? "" : decision.strip().toLowerCase(java.util.Locale.ROOT);
        if (!d.equals("approve") && !d.equals("reject")) {
            throw new DecisionRefused(400, "decision must be approve or reject, not '" + decision + "'.");
        }
        PlanStore.Decision done = plans.decide(tenantId, approver, planId, d.equals("approve"),
                note == null || note.isBlank() ? null : note.strip());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("plan_id", done.planId());
        details.put("planned_tool", done.tool());
        details.put("requested_by", done.requestedBy());
        details.put("decision", done.decision());
        if (done.note() != null) {
            details.put("note", done.note());
        }
        audit.governance(EntryKind.APPROVAL, new ToolCallAudit(Instant.now(), tenantId, approver, roles, clientName,
                null, sessionId, via, details, d.equals("approve") ? Outcome.SUCCEEDED : Outcome.DENIED, null, null,
                null, null), UUID.fromString(done.planId()));
        return done;
    }
}
