package io.kommomcp.governance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kommomcp.core.Caller;
import io.kommomcp.core.ChangeLog;
import io.kommomcp.core.KommoCallLog;
import io.kommomcp.core.ToolException;
import io.kommomcp.testing.UnitDatabase;

/**
 * Idempotency keys on the real table ({@link UnitDatabase}): a key runs its call once; a repeat with the same
 * arguments gets the stored answer; other arguments or another person are refused; a key whose call changed nothing
 * is given back; concurrent calls with one key are serialised by the unique key (insert first), exactly one runs.
 */
class IdempotentCallsTest {

    private IdempotentCalls keys;
    private String tenant;

    @BeforeEach
    void setUp() {
        keys = new IdempotentCalls();
        keys.ds = UnitDatabase.app();
        keys.waitSeconds = 20;
        tenant = "idem-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private Caller caller(String subject) {
        return new Caller(tenant, subject, Set.of("kommo.writer"), "test", "1", "s", new KommoCallLog(),
                new ChangeLog(), null);
    }

    private static final Map<String, Object> ARGS = Map.of("leads", List.of(Map.of("name", "A"), Map.of("name",
            "B")));

    @Test
    void aKeyRunsItsCallOnceAndARepeatGetsTheStoredAnswer() throws SQLException {
        Caller alice = caller("alice");
        assertTrue(keys.claim(alice, "leads_bulk_create", "k1", ARGS).run());
        keys.finish(alice, "leads_bulk_create", "k1", new IdempotentCalls.Answer(false, "Created 2 leads.", Map.of(
                "done", 2)), "SUCCEEDED");

        IdempotentCalls.Claim again = keys.claim(alice, "leads_bulk_create", "k1", Map.of("leads", List.of(Map.of(
                "name", "A"), Map.of("name", "B"))));
        assertFalse(again.run(), "the same arguments: answered, not run");
        assertEquals("Created 2 leads.", again.answer().text());
        assertEquals(2, ((Number) again.answer().structured().get("done")).intValue());
        assertTrue(keys.claim(alice, "contacts_bulk_create", "k1", ARGS).run(), "keys are per tool");
        assertEquals("DONE", state("leads_bulk_create", "k1"));
    }

    @Test
    void otherArgumentsOrAnotherPersonAreRefused() {
        Caller alice = caller("alice");
        assertTrue(keys.claim(alice, "leads_bulk_create", "k2", ARGS).run());
        keys.finish(alice, "leads_bulk_create", "k2", new IdempotentCalls.Answer(false, "ok", null), "SUCCEEDED");
        String other = assertThrows(ToolException.class, () -> keys.claim(alice, "leads_bulk_create", "k2", Map.of(
                "leads", List.of(Map.of("name", "C"))))).getMessage();
        assertTrue(other.contains("other arguments") && other.contains("Nothing was sent"), other);
        String mallory = assertThrows(ToolException.class, () -> keys.claim(caller("mallory"), "leads_bulk_create",
                "k2", ARGS)).getMessage();
        assertTrue(mallory.contains("someone else"), mallory);
    }

    @Test
    void aKeyWhoseCallChangedNothingIsGivenBack() throws SQLException {
        Caller alice = caller("alice");
        assertTrue(keys.claim(alice, "leads_bulk_create", "k3", ARGS).run());
        keys.release(alice, "leads_bulk_create", "k3");
        assertEquals(null, state("leads_bulk_create", "k3"));
        assertTrue(keys.claim(alice, "leads_bulk_create", "k3", Map.of("leads", List.of())).run(),
                "free again, even for other arguments");
    }

    @Test
    void aCallThatNeverFinishedIsReportedNotRunAgain() throws SQLException {
        Caller alice = caller("alice");
        assertTrue(keys.claim(alice, "leads_bulk_create", "k4", ARGS).run());
        try (Connection c = UnitDatabase.owner(); PreparedStatement ps = c.prepareStatement("update idempotent_call"
                + " set created_at = now() - interval '2 hours' where tenant_id = ?")) {
            ps.setString(1, tenant);
            ps.executeUpdate();
        }
        String unknown = assertThrows(ToolException.class, () -> keys.claim(alice, "leads_bulk_create", "k4", ARGS))
                .getMessage();
        assertTrue(unknown.contains("never finished") && unknown.contains("new key"), unknown);
    }

    @Test
    void aLongCallWhoseInstanceIsAliveIsWaitedForAndOneWhoseInstanceIsGoneIsReported() throws SQLException {
        io.kommomcp.audit.Instances here = io.kommomcp.testing.Fields.set(new io.kommomcp.audit.Instances(),
                "heartbeatSeconds", 10L);
        keys.instances = here;
        keys.waitSeconds = 1;
        sql("insert into server_instance (instance_id) values ('" + here.id() + "')");
        Caller alice = caller("alice");
        assertTrue(keys.claim(alice, "leads_bulk_create", "k5", ARGS).run());
        sql("update idempotent_call set created_at = now() - interval '2 hours' where tenant_id = '" + tenant + "'");
        String waiting = assertThrows(ToolException.class, () -> keys.claim(alice, "leads_bulk_create", "k5", ARGS))
                .getMessage();
        assertTrue(waiting.contains("still running"), "two hours on a person's confirmation, its server alive: "
                + waiting);

        sql("update server_instance set last_seen = now() - interval '1 minute' where instance_id = '" + here.id()
                + "'");
        String gone = assertThrows(ToolException.class, () -> keys.claim(alice, "leads_bulk_create", "k5", ARGS))
                .getMessage();
        assertTrue(gone.contains("never finished"), gone);
        sql("delete from server_instance where instance_id = '" + here.id() + "'");
    }

    private static void sql(String sql) throws SQLException {
        try (Connection c = UnitDatabase.owner(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.executeUpdate();
        }
    }

    @Test
    void concurrentCallsWithOneKeyAreSerialisedExactlyOneRuns() throws Exception {
        int n = 8;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<IdempotentCalls.Claim>> claims = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                claims.add(pool.submit(() -> {
                    start.await();
                    IdempotentCalls.Claim c = keys.claim(caller("alice"), "leads_bulk_create", "race", ARGS);
                    if (c.run()) { // the one that runs takes a while, then keeps its answer
                        Thread.sleep(300);
                        keys.finish(caller("alice"), "leads_bulk_create", "race", new IdempotentCalls.Answer(false,
                                "Created 2 leads.", null), "SUCCEEDED");
                    }
                    return c;
                }));
            }
            start.countDown();
            int ran = 0;
            for (Future<IdempotentCalls.Claim> f : claims) {
                IdempotentCalls.Claim c = f.get(30, TimeUnit.SECONDS);
                if (c.run()) {
                    ran++;
                } else {
                    assertEquals("Created 2 leads.", c.answer().text(), "the others waited for the first answer");
                }
            }
            assertEquals(1, ran);
        } finally {
            pool.shutdownNow();
        }
    }

    private String state(String tool, String key) throws SQLException {
        try (Connection c = UnitDatabase.owner(); PreparedStatement ps = c.prepareStatement("select state from"
                + " idempotent_call where tenant_id = ? and tool = ? and idempotency_key = ?")) {
            ps.setString(1, tenant);
            ps.setString(2, tool);
            ps.setString(3, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
