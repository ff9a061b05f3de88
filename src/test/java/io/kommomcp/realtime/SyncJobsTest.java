package io.kommomcp.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.kommomcp.testing.Fields;
import io.kommomcp.testing.UnitDatabase;

/**
 * Sync jobs on the real database, claimed by two instances: a tenant's configuration snapshot and its mirror never
 * run at once (each takes the sync's share of the tenant's Kommo budget, so together they would take twice it).
 */
class SyncJobsTest {

    private final SyncJobs jobs = Fields.set(new SyncJobs(), "ds", UnitDatabase.app());
    private final String tenant = "jobs-" + UUID.randomUUID().toString().substring(0, 8);

    private void sql(String sql) throws Exception {
        try (Connection c = UnitDatabase.owner(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.executeUpdate();
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        sql("delete from sync_job where tenant_id = '" + tenant + "'");
    }

    @Test
    void aTenantsSecondJobWaitsWhileAnotherInstanceRunsItsFirst() throws Exception {
        sql("insert into sync_job (tenant_id, job, run_after) values ('" + tenant + "', 'MIRROR', '2000-01-01'),"
                + " ('" + tenant + "', 'CONFIG_SNAPSHOT', '2000-01-02')");
        Optional<SyncJobs.Claim> first = jobs.claim("instance-a", 60);
        assertTrue(first.isPresent());
        assertEquals(tenant, first.get().tenant(), "the longest due job goes first");
        assertEquals(SyncJobs.Job.MIRROR, first.get().job());

        Optional<SyncJobs.Claim> second = jobs.claim("instance-b", 60);
        assertFalse(second.isPresent() && second.get().tenant().equals(tenant),
                "the snapshot is due, but the tenant's mirror is running on instance a: " + second);

        sql("update sync_job set locked_by = null, locked_until = null, run_after = now() + interval '1 hour'"
                + " where tenant_id = '" + tenant + "' and job = 'MIRROR'");
        Optional<SyncJobs.Claim> after = jobs.claim("instance-b", 60);
        assertTrue(after.isPresent());
        assertEquals(tenant, after.get().tenant(), "once the mirror's slice is over, the snapshot runs");
        assertEquals(SyncJobs.Job.CONFIG_SNAPSHOT, after.get().job());
    }
}
