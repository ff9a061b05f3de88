package io.kommomcp.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class ChainHashTest {

    private static AuditEntry entry(String subject, Instant at) {
        return new AuditEntry("t1", 0, at, EntryKind.CALL, UUID.fromString("00000000-0000-0000-0000-000000000001"),
                "t1", subject, "kommo.reader", "c", "1", null, "leads_get", "{\"lead_id\":1}", Outcome.SUCCEEDED, 5,
                null, null, null, null, null, "[]", 0, 0, 0, null, null).chained(1, at, ChainHash.GENESIS);
    }

    @Test
    void canonicalFormSortsKeysAndKeepsMicroseconds() {
        AuditEntry e = entry("alice", Instant.parse("2026-11-22T10:00:00.123456789Z"));
        String c = ChainHash.canonical(e);
        assertTrue(c.startsWith("{\"after_state\":null,\"arguments\":\"{\\\"lead_id\\\":1}\""), c);
        assertTrue(c.contains("\"recorded_at\":\"2026-11-22T10:00:00.123456Z\""), c);
        assertEquals(64, e.hash().length());
        assertEquals(ChainHash.sha256(c), e.hash());
    }

    @Test
    void anyChangeChangesTheHashAndNanosecondsBelowWhatPostgresKeepsDoNot() {
        Instant t = Instant.parse("2026-11-22T10:00:00.123456Z");
        assertEquals(entry("alice", t).hash(), entry("alice", t.plusNanos(999)).hash());
        assertNotEquals(entry("alice", t).hash(), entry("alice2", t).hash());
        assertNotEquals(entry("alice", t).hash(), entry("alice", t.plusNanos(1000)).hash());
    }

    @Test
    void canonicalJsonSortsMapKeysAtEveryDepth() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("b", 1);
        inner.put("a", 2);
        Map<String, Object> outer = new LinkedHashMap<>();
        outer.put("z", inner);
        outer.put("y", "x");
        assertEquals("{\"y\":\"x\",\"z\":{\"a\":2,\"b\":1}}", ChainHash.canonicalJson(outer));
    }
}
