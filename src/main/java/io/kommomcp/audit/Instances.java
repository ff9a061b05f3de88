package io.kommomcp.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * This server instance among the others on the database (table {@code server_instance}): it renews its row every
 * {@code kommo.instance.heartbeat-seconds} and is alive while the row is younger than three heartbeats. Each change in
 * flight is owned by the instance running it ({@code intent_owner}), so that reconciliation closes only the intents
 * of instances that are gone ({@link AuditReconciler}).
 */
@ApplicationScoped
public class Instances {

    private static final Logger LOG = Logger.getLogger(Instances.class.getName());

    @Resource(lookup = "jdbc/kommo-background")
    DataSource ds;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    @ConfigProperty(name = "kommo.instance.heartbeat-seconds", defaultValue = "10")
    long heartbeatSeconds;

    private final String id = UUID.randomUUID().toString();
    private volatile ScheduledFuture<?> beat;

    /** This instance's id. */
    public String id() {
        return id;
    }

    /** How long an instance counts as alive after its last heartbeat. */
    public long aliveSeconds() {
        return 3 * Math.max(1, heartbeatSeconds);
    }

    /** Registers this instance and starts its heartbeat (at start-up, before reconciliation). */
    public void start() {
        heartbeat();
        beat = scheduler.scheduleWithFixedDelay(this::heartbeat, heartbeatSeconds, heartbeatSeconds,
                TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        if (beat != null) {
            beat.cancel(false);
        }
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("delete from"
                + " server_instance where instance_id = ?")) {
            ps.setString(1, id);
            ps.executeUpdate();
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.FINE, "instance row not removed at shutdown", e);
        }
    }

    void heartbeat() {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("insert into"
                + " server_instance (instance_id) values (?) on conflict (instance_id) do update set last_seen ="
                + " now()"); PreparedStatement gone = c.prepareStatement("delete from server_instance where last_seen"
                        + " < now() - interval '1 day'")) {
            ps.setString(1, id);
            ps.executeUpdate();
            gone.executeUpdate();
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.WARNING, "Instance heartbeat failed: {0}", e.getMessage());
        }
    }

    /**
     * Notes that this instance runs the change {@code correlationId}. A failure is logged, not thrown: the change
     * then has no owner and counts as any old intent does (reconciled once older than the minimum age).
     */
    void own(UUID correlationId) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("insert into intent_owner"
                + " (correlation_id, instance_id) values (?, ?) on conflict do nothing")) {
            ps.setObject(1, correlationId);
            ps.setString(2, id);
            ps.executeUpdate();
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.WARNING, "The owner of intent " + correlationId + " could not be noted: " + e.getMessage());
        }
    }

    /** Forgets owners of changes older than a day (they have long been answered or reconciled). */
    public int purge() {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("delete from intent_owner"
                + " where created_at < now() - interval '1 day'")) {
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("intent owners could not be purged: " + e.getMessage(), e);
        }
    }
}
