package io.kommomcp.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kommomcp.kommo.WriteLog;
import io.kommomcp.testing.Fields;
import io.kommomcp.testing.RecordingAudit;
import io.kommomcp.testing.UnitDatabase;

/**
 * Configuration snapshots on the real database: the first reading is a baseline; a reading equal to the last (whatever
 * Java number types it holds) finds nothing; a change nobody here made is one EXTERNAL entry, recorded once; a change
 * this server wrote in the interval is not.
 */
class ConfigSnapshotsTest {

    private ConfigSnapshots snapshots;
    private RecordingAudit audit;
    private String tenant;

    @BeforeEach
    void setUp() {
        audit = new RecordingAudit();
        ExternalChanges external = new ExternalChanges();
        external.ds = UnitDatabase.app();
        external.audit = audit;
        WriteLog writes = Fields.set(new WriteLog(), "ds", UnitDatabase.app());
        snapshots = new ConfigSnapshots();
        snapshots.ds = UnitDatabase.app();
        snapshots.writes = writes;
        snapshots.external = external;
        tenant = "cfg-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A reading as KommoConfiguration makes it: longs and nested lists. */
    private static Map<String, Map<String, Map<String, Object>>> reading(String pipelineName, long sort) {
        Map<String, Map<String, Map<String, Object>>> r = new TreeMap<>();
        Map<String, Object> pipeline = new TreeMap<>();
        pipeline.put("name", pipelineName);
        pipeline.put("sort", sort);
        pipeline.put("is_main", true);
        Map<String, Object> field = new TreeMap<>();
        field.put("name", "Source");
        field.put("enums", new ArrayList<>(List.of(new LinkedHashMap<>(Map.of("id", 7L, "value", "Web")))));
        field.put("group_id", null);
        r.put("pipeline", new TreeMap<>(Map.of("10", pipeline)));
        r.put("field", new TreeMap<>(Map.of("55", field)));
        r.put("user", new TreeMap<>());
        return r;
    }

    @Test
    void aBaselineThenNothingThenOneChangeRecordedOnce() throws Exception {
        Instant t0 = Instant.now().minusSeconds(30);
        assertTrue(snapshots.take(tenant, reading("Sales", 1L), t0, t0).baseline());
        ConfigSnapshots.Result same = snapshots.take(tenant, reading("Sales", 1L), t0.plusSeconds(9),
                t0.plusSeconds(10));
        assertEquals(0, same.differences(), "equal readings compare equal, Long or Integer");

        ConfigSnapshots.Result renamed = snapshots.take(tenant, reading("Sales (EU)", 1L),
                t0.plusSeconds(19), t0.plusSeconds(20));
        assertEquals(1, renamed.differences());
        assertEquals(1, renamed.external());
        assertEquals(List.of("EXTERNAL kommo.pipeline.changed SUCCEEDED"), audit.entries);
        assertEquals("Sales", audit.calls.get(0).changes().get(0).before().get("name"));
        assertEquals("Sales (EU)", audit.calls.get(0).changes().get(0).after().get("name"));
        assertEquals(1, count("select count(*) from external_change where tenant_id = ?"));
    }

    @Test
    void aChangeThisServerWroteIsNotRecorded() throws Exception {
        Instant t0 = Instant.now().minusSeconds(20);
        snapshots.take(tenant, reading("Sales", 1L), t0, t0);
        snapshots.writes.record(tenant, List.of(new io.kommomcp.kommo.Written("pipeline", "10", Map.of("name",
                "Sales"), Map.of("name", "Renamed here"))));
        ConfigSnapshots.Result r = snapshots.take(tenant, reading("Renamed here", 1L), Instant.now(),
                Instant.now().plusSeconds(1));
        assertEquals(1, r.differences());
        assertEquals(0, r.external(), "explained by this server's own write");
        assertTrue(audit.entries.isEmpty());
    }

    @Test
    void theStagesOfAPipelineCreatedHereAreNotRecordedEither() {
        Instant t0 = Instant.now().minusSeconds(20);
        snapshots.take(tenant, reading("Sales", 1L), t0, t0);
        snapshots.writes.record(tenant, List.of(new io.kommomcp.kommo.Written("pipeline", "11", null, Map.of("name",
                "Partners"))));
        Map<String, Map<String, Map<String, Object>>> after = reading("Sales", 1L);
        after.get("pipeline").put("11", new TreeMap<>(Map.of("name", "Partners")));
        after.put("stage", new TreeMap<>(Map.of("501", new TreeMap<>(Map.of("name", "New", "pipeline_id", 11L)),
                "11:142", new TreeMap<>(Map.of("name", "Won", "pipeline_id", 11L)))));
        ConfigSnapshots.Result r = snapshots.take(tenant, after, Instant.now(), Instant.now().plusSeconds(1));
        assertEquals(3, r.differences(), "the pipeline and its two stages");
        assertEquals(0, r.external(), "all three made by this server's one write");
        assertTrue(audit.entries.isEmpty(), audit.entries.toString());
    }

    @Test
    void aWriteMadeWhileThePreviousReadingRanIsExplainedToo() {
        Instant readFrom = Instant.now().minusSeconds(60);
        // the write lands while the reading runs (after its start, before its end), too late for what it read
        snapshots.writes.record(tenant, List.of(new io.kommomcp.kommo.Written("pipeline", "10", Map.of("name",
                "Sales"), Map.of("name", "Renamed here"))));
        snapshots.take(tenant, reading("Sales", 1L), readFrom, Instant.now().plusSeconds(30));
        ConfigSnapshots.Result r = snapshots.take(tenant, reading("Renamed here", 1L), Instant.now().plusSeconds(40),
                Instant.now().plusSeconds(45));
        assertEquals(1, r.differences());
        assertEquals(0, r.external(), "the snapshot is dated from its reading's start");
    }

    @Test
    void addedAndRemovedObjectsAreDifferencesToo() {
        Map<String, Map<String, Map<String, Object>>> a = reading("Sales", 1L);
        Map<String, Map<String, Map<String, Object>>> b = reading("Sales", 1L);
        b.get("user").put("3", new TreeMap<>(Map.of("name", "New admin")));
        b.get("field").clear();
        List<ConfigSnapshots.Difference> d = ConfigSnapshots.diff(a, b);
        assertEquals(2, d.size());
        assertEquals("removed", d.get(0).change());
        assertEquals("field", d.get(0).type());
        assertEquals("added", d.get(1).change());
        assertEquals("user", d.get(1).type());
    }

    private long count(String sql) throws Exception {
        try (Connection c = UnitDatabase.owner(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
