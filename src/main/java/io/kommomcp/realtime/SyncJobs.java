package io.kommomcp.realtime;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

import javax.sql.DataSource;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The background work queue in PostgreSQL (table {@code sync_job}): one row per tenant and job, due at
 * {@code run_after}. Any instance claims a due job with {@code FOR UPDATE SKIP LOCKED} and holds it by a lease that
 * it renews while working; if the instance dies, the lease runs out and another instance takes the job over from the
 * progress it stored. No cluster protocol of our own: PostgreSQL decides who has what.
 */
@ApplicationScoped
public class SyncJobs {

    /** The jobs there are. */
    public enum Job {
        /** Read the account's configuration and record what changed outside kommo-mcp. */
        CONFIG_SNAPSHOT,
        /** Keep the tenant's mirror: backfill, then incremental sweeps. */
        MIRROR
    }

    /** A job this instance holds. */
    public record Claim(String tenant, Job job, String instance) {
    }

    @Resource(lookup = "jdbc/kommo-background")
    DataSource ds;

    /**
     * Makes sure every enabled tenant has a configuration snapshot job (the first due {@code firstDelaySeconds}
     * after the tenant appears), that tenants with the mirror on have a mirror job, and that tenants without it have
     * none. Cheap and idempotent: every instance runs it now and then.
     */
    public void reconcile(long firstDelaySeconds) {
        try (Connection c = ds.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("insert into sync_job (tenant_id, job, run_after) select"
                    + " id, 'CONFIG_SNAPSHOT', now() + make_interval(secs => ?) from tenant where enabled"
                    + " on conflict do nothing")) {
                ps.setLong(1, firstDelaySeconds);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("insert into sync_job (tenant_id, job, run_after) select"
                    + " id, 'MIRROR', now() from tenant where enabled and mirror_enabled on conflict do nothing")) {
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("delete from sync_job j where not exists (select 1 from"
                    + " tenant t where t.id = j.tenant_id and t.enabled and (j.job = 'CONFIG_SNAPSHOT'"
                    + " or t.mirror_enabled))")) {
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the sync jobs could not be reconciled: " + e.getMessage(), e);
        }
    }

    /** Claims the job that has been due longest, if any, for {@code leaseSeconds}. */
    public Optional<Claim> claim(String instance, int leaseSeconds) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("update sync_job set"
                + " locked_by = ?, locked_until = now() + make_interval(secs => ?), wanted = false where (tenant_id,"
                + " job) = (select"
                + " tenant_id, job from sync_job j where run_after <= now() and (locked_until is null or locked_until"
                + " < now())"
                // one job of a tenant at a time, across instances: the sync's share of the budget is per tenant
                + " and not exists (select 1 from sync_job o where o.tenant_id = j.tenant_id and o.job <> j.job and"
                + " o.locked_until > now())"
                + " order by run_after limit 1 for update skip locked) returning tenant_id, job")) {
            ps.setString(1, instance);
            ps.setInt(2, leaseSeconds);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Claim(rs.getString(1), Job.valueOf(rs.getString(2)), instance))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("a sync job could not be claimed: " + e.getMessage(), e);
        }
    }

    /** Keeps the claim for another {@code leaseSeconds}; false if it was lost (another instance took it over). */
    public boolean renew(Claim claim, int leaseSeconds) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("update sync_job set"
                + " locked_until = now() + make_interval(secs => ?) where tenant_id = ? and job = ? and locked_by = ?")) {
            ps.setInt(1, leaseSeconds);
            ps.setString(2, claim.tenant());
            ps.setString(3, claim.job().name());
            ps.setString(4, claim.instance());
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("a sync job could not be renewed: " + e.getMessage(), e);
        }
    }

    /**
     * Releases the claim. When it ran well ({@code error} null) it is due again at {@code next}; when it failed, after
     * a back-off that doubles with each failure in a row (a minute, two, four, ... at most an hour), so that a tenant
     * whose Kommo account is unreachable or whose credentials are gone does not cost a request a minute.
     */
    public void release(Claim claim, Instant next, String error) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("update sync_job set"
                + " locked_by = null, locked_until = null, runs = runs + 1, last_run_at = now(), last_error = ?,"
                + " run_after = case when wanted then now() when cast(? as varchar) is null then ? else now() +"
                + " least(interval '1 hour', interval '1 minute' * power(2, least(failures, 6))) end, wanted = false,"
                + " failures = case when cast(? as varchar) is null then 0 else failures + 1 end"
                + " where tenant_id = ? and job = ? and locked_by = ?")) {
            String e = error == null ? null : error.substring(0, Math.min(2000, error.length()));
            ps.setString(1, e);
            ps.setString(2, e);
            ps.setTimestamp(3, Timestamp.from(next));
            ps.setString(4, e);
            ps.setString(5, claim.tenant());
            ps.setString(6, claim.job().name());
            ps.setString(7, claim.instance());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("a sync job could not be released: " + e.getMessage(), e);
        }
    }

    /**
     * Makes the tenant's job due now (a webhook pointed at a change, or an administrator asked); if it is running,
     * it runs again as soon as it is given back.
     */
    public boolean runSoon(String tenant, Job job) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("insert into sync_job"
                + " (tenant_id, job, run_after, wanted) values (?, ?, now(), true) on conflict (tenant_id, job) do"
                + " update set run_after = now(), wanted = true")) {
            ps.setString(1, tenant);
            ps.setString(2, job.name());
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("a sync job could not be scheduled: " + e.getMessage(), e);
        }
    }

    /** When the tenant's job last ran, its error if it failed, and when it is due. */
    public record State(Instant lastRunAt, String lastError, Instant runAfter, long runs) {
    }

    public Optional<State> state(String tenant, Job job) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("select last_run_at,"
                + " last_error, run_after, runs from sync_job where tenant_id = ? and job = ?")) {
            ps.setString(1, tenant);
            ps.setString(2, job.name());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new State(rs.getTimestamp(1) == null ? null : rs.getTimestamp(1)
                        .toInstant(), rs.getString(2), rs.getTimestamp(3).toInstant(), rs.getLong(4)))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("a sync job could not be read: " + e.getMessage(), e);
        }
    }
}
