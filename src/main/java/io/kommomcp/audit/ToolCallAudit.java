package io.kommomcp.audit;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.kommomcp.core.KommoCallLog;

/** Everything the audit log records about one tool call. Arguments are redacted when written. */
public record ToolCallAudit(Instant startedAt, String tenantId, String subject, Set<String> roles, String clientName,
        String clientVersion, String sessionId, String tool, Map<String, Object> arguments, Outcome outcome,
        long durationMillis, String error, List<KommoCallLog.Entry> kommoCalls) {
}
