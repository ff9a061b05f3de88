package io.kommomcp.audit;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.kommomcp.core.Caller;
import io.kommomcp.core.ChangeLog;
import io.kommomcp.core.KommoCallLog;

/**
 * Everything the audit trail records about one tool call (or one step of it). Arguments are made safe (secrets
 * masked, personal data per policy) when written.
 */
public record ToolCallAudit(Instant startedAt, String tenantId, String subject, Set<String> roles, String clientName,
        String clientVersion, String sessionId, String tool, Map<String, Object> arguments, Outcome outcome,
        Long durationMillis, String error, List<KommoCallLog.Entry> kommoCalls, List<ChangeLog.Change> changes) {

    public ToolCallAudit {
        kommoCalls = kommoCalls == null ? List.of() : List.copyOf(kommoCalls);
        changes = changes == null ? List.of() : List.copyOf(changes);
        arguments = arguments == null ? Map.of() : arguments;
    }

    /**
     * A tool call (or a refusal at the registry) by {@code caller}, with the Kommo calls and changes it made so far;
     * {@code startNanos} (System.nanoTime at the start) gives the duration, null for an intent.
     */
    public static ToolCallAudit ofCall(Caller caller, String tool, Map<String, Object> arguments, Outcome outcome,
            Instant startedAt, Long startNanos, String error) {
        Long millis = startNanos == null ? null : (System.nanoTime() - startNanos) / 1_000_000L;
        return new ToolCallAudit(startedAt, caller.tenantId(), caller.subject(), caller.roles(), caller.clientName(),
                caller.clientVersion(), caller.sessionId(), tool, arguments, outcome, millis, error,
                caller.kommoCalls().entries(), caller.changes().changes());
    }

    /** A step of a governed change (plan, elicitation, confirmation, approval) by {@code caller}. */
    public static ToolCallAudit governanceStep(Caller caller, String tool, Map<String, Object> details,
            Outcome outcome) {
        return new ToolCallAudit(Instant.now(), caller.tenantId(), caller.subject(), caller.roles(),
                caller.clientName(), caller.clientVersion(), caller.sessionId(), tool, details, outcome, null, null,
                List.of(), List.of());
    }

    /** A request refused at a gate, before any tool ran: no client details, no Kommo calls, no changes. */
    public static ToolCallAudit refusal(String tenantId, String subject, Set<String> roles, String sessionId,
            String what, Map<String, Object> details, Outcome outcome, String reason) {
        return new ToolCallAudit(Instant.now(), tenantId, subject, roles, null, null, sessionId, what, details,
                outcome, 0L, reason, List.of(), List.of());
    }
}
