package io.kommomcp.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

import tools.jackson.databind.json.JsonMapper;

/**
 * The canonical serialisation of an audit entry and its SHA-256 hash. Canonical form: a JSON object of every
 * field except {@code hash}, keys in code-point order, no whitespace, nulls written as null, times as ISO-8601
 * instants at microsecond precision (what PostgreSQL keeps), JSON-valued fields as the exact text stored.
 * The first entry of a chain has {@link #GENESIS} as its previous hash.
 */
public final class ChainHash {

    public static final String GENESIS = "0".repeat(64);

    private static final JsonMapper CANONICAL = JsonMapper.builder().build();

    private ChainHash() {
    }

    public static Instant truncate(Instant t) {
        return t.truncatedTo(ChronoUnit.MICROS);
    }

    public static String canonical(AuditEntry e) {
        Map<String, Object> m = new TreeMap<>();
        m.put("arguments", e.arguments());
        m.put("after_state", e.afterState());
        m.put("before_state", e.beforeState());
        m.put("chain_key", e.chainKey());
        m.put("client_name", e.clientName());
        m.put("client_version", e.clientVersion());
        m.put("correlation_id", e.correlationId() == null ? null : e.correlationId().toString());
        m.put("duration_ms", e.durationMs());
        m.put("error_text", e.errorText());
        m.put("kind", e.kind().name());
        m.put("kommo_429_count", e.kommo429Count());
        m.put("kommo_call_count", e.kommoCallCount());
        m.put("kommo_calls", e.kommoCalls());
        m.put("kommo_error_count", e.kommoErrorCount());
        m.put("outcome", e.outcome().name());
        m.put("prev_hash", e.prevHash());
        m.put("recorded_at", truncate(e.recordedAt()).toString());
        m.put("roles", e.roles());
        m.put("seq", e.seq());
        m.put("session_id", e.sessionId());
        m.put("subject", e.subject());
        m.put("target_id", e.targetId());
        m.put("target_type", e.targetType());
        m.put("tenant_id", e.tenantId());
        m.put("tool", e.tool());
        if (e.traceId() != null) { // entries written outside a trace (and all before V18) hash as they always did
            m.put("trace_id", e.traceId());
        }
        return CANONICAL.writeValueAsString(m);
    }

    public static String hash(AuditEntry e) {
        return sha256(canonical(e));
    }

    public static String sha256(String text) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(d.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Any JSON-able value as canonical JSON text: map keys sorted at every depth. */
    public static String canonicalJson(Object value) {
        return CANONICAL.writeValueAsString(sortKeys(value));
    }

    @SuppressWarnings("unchecked")
    private static Object sortKeys(Object v) {
        if (v instanceof Map<?, ?> map) {
            Map<String, Object> sorted = new TreeMap<>();
            ((Map<Object, Object>) map).forEach((k, val) -> sorted.put(String.valueOf(k), sortKeys(val)));
            return sorted;
        }
        if (v instanceof java.util.List<?> list) {
            return list.stream().map(ChainHash::sortKeys).toList();
        }
        return v;
    }
}
