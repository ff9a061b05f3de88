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
    }
}
