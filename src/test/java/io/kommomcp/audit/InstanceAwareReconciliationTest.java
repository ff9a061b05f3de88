package io.kommomcp.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.kommomcp.testing.Fields;
import io.kommomcp.testing.UnitDatabase;

/**
 * Several instances on one database (issue 15): reconciliation closes the old intents of an instance that is gone,
 * never those of a live instance, however old (a long call, or an instance that started later).
 */
class InstanceAwareReconciliationTest {

    @Test
    void onlyIntentsOfInstancesThatAreGoneAreReconciled() throws Exception {
        String tenant = "inst-" + UUID.randomUUID().toString().substring(0, 8);
        Instances live = Fields.set(new Instances(), "ds", UnitDatabase.app());
        Fields.set(live, "heartbeatSeconds", 10L);
        live.heartbeat();
        UUID mine = UUID.randomUUID();
        UUID ofTheDead = UUID.randomUUID();
        UUID ownerless = UUID.randomUUID();
        Instant old = Instant.now().minusSeconds(600);
        try (Connection c = UnitDatabase.owner()) {
            intent(c, tenant, 1, mine, old);
            intent(c, tenant, 2, ofTheDead, old);
            intent(c, tenant, 3, ownerless, old);
            try (PreparedStatement ps = c.prepareStatement("insert into server_instance (instance_id, started_at,"
                    + " last_seen) values (?, now() - interval '1 hour', now() - interval '10 minutes')")) {
                ps.setString(1, "crashed-" + tenant);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("insert into intent_owner (correlation_id, instance_id)"
                    + " values (?, ?)")) {
                ps.setObject(1, ofTheDead);
                ps.setString(2, "crashed-" + tenant);
                ps.executeUpdate();
            }
        }
        live.own(mine);

        AuditReconciler reconciler = Fields.set(new AuditReconciler(), "ds", UnitDatabase.app());
        Fields.set(reconciler, "instances", live);
        List<String> found = reconciler.unresolved(tenant, 120).stream().map(AuditReconciler.Unresolved::correlationId)
                .toList();
        assertEquals(List.of(ofTheDead.toString(), ownerless.toString()), found,
                "the live instance's change is its own to finish");
        assertEquals(List.of(), reconciler.unresolved(tenant, 3600).stream().toList(), "none is that old");
    }

    private static void intent(Connection c, String tenant, long seq, UUID correlation, Instant at) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("insert into audit_entry (chain_key, seq, recorded_at, kind,"
                + " correlation_id, tenant_id, subject, tool, outcome, prev_hash, hash) values (?, ?, ?, 'INTENT', ?, ?,"
                + " 'alice', 'leads_update', 'PENDING', ?, ?)")) {
            ps.setString(1, tenant);
            ps.setLong(2, seq);
            ps.setTimestamp(3, Timestamp.from(at.plusMillis(seq)));
            ps.setObject(4, correlation);
            ps.setString(5, tenant);
            ps.setString(6, "0".repeat(64));
            ps.setString(7, String.valueOf(seq).repeat(64).substring(0, 64));
            ps.executeUpdate();
        }
    }
}
