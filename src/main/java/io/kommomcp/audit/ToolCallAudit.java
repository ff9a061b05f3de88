package io.kommomcp.audit;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

    /** A request refused at a gate, before any tool ran: no client details, no Kommo calls, no changes. */
    public static ToolCallAudit refusal(String tenantId, String subject, Set<String> roles, String sessionId,
            String what, Map<String, Object> details, Outcome outcome, String reason) {
        return new ToolCallAudit(Instant.now(), tenantId, subject, roles, null, null, sessionId, what, details,
                outcome, 0L, reason, List.of(), List.of());
    }
}
