package io.kommomcp.audit;

import java.time.Instant;
import java.util.UUID;

/**
 * One entry of the audit trail, exactly as stored and hashed. JSON-valued fields ({@code arguments},
 * {@code kommoCalls}, {@code beforeState}, {@code afterState}) hold canonical JSON text.
 */
public record AuditEntry(String chainKey, long seq, Instant recordedAt, EntryKind kind, UUID correlationId,
        String tenantId, String subject, String roles, String clientName, String clientVersion, String sessionId,
        String tool, String arguments, Outcome outcome, Integer durationMs, String errorText, String targetType,
        String targetId, String beforeState, String afterState, String kommoCalls, int kommoCallCount,
        int kommoErrorCount, int kommo429Count, String prevHash, String hash, String traceId) {

    /** An entry written outside any trace. */
    public AuditEntry(String chainKey, long seq, Instant recordedAt, EntryKind kind, UUID correlationId,
            String tenantId, String subject, String roles, String clientName, String clientVersion, String sessionId,
            String tool, String arguments, Outcome outcome, Integer durationMs, String errorText, String targetType,
            String targetId, String beforeState, String afterState, String kommoCalls, int kommoCallCount,
            int kommoErrorCount, int kommo429Count, String prevHash, String hash) {
        this(chainKey, seq, recordedAt, kind, correlationId, tenantId, subject, roles, clientName, clientVersion,
                sessionId, tool, arguments, outcome, durationMs, errorText, targetType, targetId, beforeState,
                afterState, kommoCalls, kommoCallCount, kommoErrorCount, kommo429Count, prevHash, hash, null);
    }

    /**
     * This entry as PostgreSQL can store it exactly ({@link StoredText}): every text within its column's length,
     * without U+0000 or lone surrogates. Applied before the hash, so the hash covers what is stored.
     */
    AuditEntry storable() {
        return new AuditEntry(StoredText.text(chainKey, 64), seq, recordedAt, kind, correlationId,
                StoredText.text(tenantId, 64), StoredText.text(subject, 300), StoredText.text(roles, 500),
                StoredText.text(clientName, 200), StoredText.text(clientVersion, 100), StoredText.text(sessionId, 100),
                StoredText.text(tool, 100), StoredText.json(arguments), outcome, durationMs,
                StoredText.text(errorText, 4000), StoredText.text(targetType, 40), StoredText.text(targetId, 100),
                StoredText.json(beforeState), StoredText.json(afterState), StoredText.json(kommoCalls),
                kommoCallCount, kommoErrorCount, kommo429Count, prevHash, hash, traceId);
    }

    /** This entry placed in its chain: sequence number, time, previous hash, and its own hash computed. */
    AuditEntry chained(long newSeq, Instant at, String prev) {
        AuditEntry e = new AuditEntry(chainKey, newSeq, at, kind, correlationId, tenantId, subject, roles,
                clientName, clientVersion, sessionId, tool, arguments, outcome, durationMs, errorText, targetType,
                targetId, beforeState, afterState, kommoCalls, kommoCallCount, kommoErrorCount, kommo429Count, prev,
                null, traceId);
        return e.withHash(ChainHash.hash(e));
    }

    private AuditEntry withHash(String h) {
        return new AuditEntry(chainKey, seq, recordedAt, kind, correlationId, tenantId, subject, roles, clientName,
                clientVersion, sessionId, tool, arguments, outcome, durationMs, errorText, targetType, targetId,
                beforeState, afterState, kommoCalls, kommoCallCount, kommoErrorCount, kommo429Count, prevHash, h,
                traceId);
    }
}
