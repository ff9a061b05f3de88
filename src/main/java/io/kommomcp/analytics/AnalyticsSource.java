package io.kommomcp.analytics;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.kommomcp.core.Caller;
import io.kommomcp.kommo.KommoBulkReads;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Where an answer's records come from. From the tenant's mirror when it is on, the entities the answer needs are
 * backfilled and each was current within {@code kommo.realtime.max-staleness-seconds} (the answer says as of when);
 * otherwise from Kommo, read for this answer within {@code kommo.analytics.live-request-budget} requests
 * ({@link LiveLoader}), or refused with the estimated cost.
 */
@ApplicationScoped
public class AnalyticsSource {

    @Resource(lookup = "jdbc/kommo")
    DataSource ds;

    @Inject
    KommoBulkReads kommo;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "kommo.realtime.max-staleness-seconds", defaultValue = "300")
    long maxStaleness;

    @Inject
    @ConfigProperty(name = "kommo.analytics.live-request-budget", defaultValue = "30")
    int budget;

    /** The mirror's state for a tenant: on or off, and when the needed entities were last all current. */
    record MirrorState(boolean on, Instant asOf) {
    }

    /** A workspace whose mirror tables hold what {@code needs} names; close it when done. */
    public Workspace open(Caller caller, Needs needs) {
        Instant now = clock.instant();
        Connection c = null;
        try {
            c = ds.getConnection();
            MirrorState mirror = mirrorState(c, caller.tenantId(), needs.mirrorEntities(), now);
            if (mirror.asOf() != null) {
                Workspace w = new Workspace(c, caller.tenantId(), caller.tenantId(), now);
                w.source(Source.mirror(mirror.asOf()));
                return w;
            }
            // a key no tenant can have (tenant ids are lower-case letters, digits, '-' and '_')
            Workspace w = new Workspace(c, "~live-" + UUID.randomUUID(), caller.tenantId(), now);
            try {
                int used = new LiveLoader(kommo, caller, w, budget, mirror.on()).load(needs);
                w.source(Source.live(used, budget));
                return w;
            } catch (SQLException | RuntimeException e) {
                w.close();
                throw e;
            }
        } catch (SQLException e) {
            close(c);
            throw new IllegalStateException("analytics could not read the database: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            close(c);
            throw e;
        }
    }

    /** Whether the tenant's mirror is on, and as of when every one of {@code entities} is current (null: not). */
    MirrorState mirrorState(Connection c, String tenant, List<String> entities, Instant now) throws SQLException {
        boolean on;
        try (PreparedStatement ps = c.prepareStatement("select mirror_enabled from tenant where id = ?")) {
            ps.setString(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                on = rs.next() && rs.getBoolean(1);
            }
        }
        if (!on) {
            return new MirrorState(false, null);
        }
        Map<String, Instant> synced = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("select entity, synced_at from mirror_sync where tenant_id = ?"
                + " and backfilled and synced_at is not null")) {
            ps.setString(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Timestamp t = rs.getTimestamp(2);
                    synced.put(rs.getString(1), t.toInstant());
                }
            }
        }
        Instant asOf = null;
        for (String e : entities) {
            Instant t = synced.get(e);
            if (t == null || Duration.between(t, now).toSeconds() > maxStaleness) {
                return new MirrorState(true, null);
            }
            asOf = asOf == null || t.isBefore(asOf) ? t : asOf;
        }
        return new MirrorState(true, asOf);
    }

    private static void close(Connection c) {
        if (c != null) {
            try {
                if (!c.getAutoCommit()) {
                    c.rollback();
                    c.setAutoCommit(true);
                }
                c.close();
            } catch (SQLException ignored) {
                // the pool discards a broken connection
            }
        }
    }
}
