package io.kommomcp.governance;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import javax.sql.DataSource;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.kommomcp.core.Caller;
import io.kommomcp.core.Json;
import io.kommomcp.core.ToolException;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Idempotency keys of changes (table {@code idempotent_call}): (tenant, tool, key) → the arguments' hash and, once a
 * change reached Kommo, its answer. The row is inserted before anything is sent (insert-first on a unique key), so of
 * two calls with one key exactly one runs; the other waits for its answer. A repeat with the same arguments gets the
 * stored answer and sends nothing; the same key with other arguments, or from another person, is refused. A call that
 * changed nothing in Kommo (refused, planned, failed before its first write landed) gives its key back, so that the
 * call can be made again with it (a plan's confirmation, for instance). Any server instance on the database honours a
 * key until it expires.
 */
@ApplicationScoped
public class IdempotentCalls {

    private static final String RUNNING = "RUNNING";
    private static final String DONE = "DONE";

    @Resource(lookup = "jdbc/kommo")
    DataSource ds;

    /** How long a key and its answer are kept. */
    @Inject
    @ConfigProperty(name = "kommo.idempotency.ttl-hours", defaultValue = "24")
    long ttlHours = 24;

    /** How long a repeat waits for the first call with its key to finish. */
    @Inject
    @ConfigProperty(name = "kommo.idempotency.wait-seconds", defaultValue = "60")
    long waitSeconds = 60;

    /** After this long, a call that never finished (its server stopped) is reported, not waited for. */
    /** This instance, whose heartbeat tells a repeat that the first call is still running (null in unit tests). */
    @Inject
    io.kommomcp.audit.Instances instances;

    @Inject
    @ConfigProperty(name = "kommo.idempotency.running-timeout-seconds", defaultValue = "900")
    long runningTimeoutSeconds = 900;

    /** The keys in {@code ds}, with the default settings, outside a container (tests of the registry). */
    public static IdempotentCalls over(DataSource ds) {
        IdempotentCalls keys = new IdempotentCalls();
        keys.ds = ds;
        return keys;
    }

    /** A stored answer: a tool error or not, its text, its structured content. */
    public record Answer(boolean error, String text, Map<String, Object> structured) {
    }

    /** What a key allows: run the call (the key is now held for it), or answer with the first call's answer. */
    public record Claim(boolean run, Answer answer, Instant firstCalledAt) {

        static final Claim RUN = new Claim(true, null, null);
    }

    /**
     * Holds {@code key} for this call, or returns the stored answer of the first call with it; refuses (a
     * {@link ToolException}, nothing is changed) the key with other arguments, from another person, or of a call that
     * never finished.
     */
    public Claim claim(Caller caller, String tool, String key, Object arguments) {
        String hash = PlanStore.argumentsHash(arguments);
        Instant giveUp = Instant.now().plusSeconds(Math.max(0, waitSeconds));
        for (int attempt = 0; ; attempt++) {
            try (Connection c = ds.getConnection()) {
                purgeExpired(c, caller.tenantId(), tool, key);
                if (insert(c, caller, tool, key, hash)) {
                    return Claim.RUN;
                }
                try (PreparedStatement ps = c.prepareStatement("select subject, arguments_hash, state, answer,"
                        + " created_at, instance_id is not null as owned, exists (select 1 from server_instance s"
                        + " where s.instance_id = k.instance_id and s.last_seen > now() - make_interval(secs => ?))"
                        + " as owner_alive from idempotent_call k where tenant_id = ? and tool = ? and"
                        + " idempotency_key = ?")) {
                    ps.setLong(1, instances == null ? 30 : instances.aliveSeconds());
                    ps.setString(2, caller.tenantId());
                    ps.setString(3, tool);
                    ps.setString(4, key);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            Instant at = rs.getTimestamp("created_at").toInstant();
                            if (!rs.getString("subject").equals(caller.subject())) {
                                throw new ToolException("idempotency_key '" + key + "' was used by someone else for "
                                        + tool + ". Nothing was sent to Kommo. Use a key of your own for each"
                                        + " change.");
                            }
                            if (!rs.getString("arguments_hash").equals(hash)) {
                                throw new ToolException("idempotency_key '" + key + "' was used at " + at + " for a"
                                        + " call of " + tool + " with other arguments. Nothing was sent to Kommo."
                                        + " Repeat that call with exactly its arguments, or use a new key for a"
                                        + " different change.");
                            }
                            if (DONE.equals(rs.getString("state"))) {
                                return new Claim(false, Json.mapper().readValue(rs.getString("answer"),
                                        Answer.class), at);
                            }
                            // never finished: its instance is gone (or, for a row that names none, it is old)
                            if (rs.getBoolean("owned") ? !rs.getBoolean("owner_alive")
                                    : Duration.between(at, Instant.now()).toSeconds() > runningTimeoutSeconds) {
                                throw new ToolException("The call of " + tool + " with idempotency_key '" + key
                                        + "' started at " + at + " and never finished (its server may have"
                                        + " stopped), so what it did in Kommo is unknown. Nothing was sent now."
                                        + " Check the current state in Kommo before you repeat any of it, with a"
                                        + " new key.");
                            }
                        }
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException("the idempotency key could not be read: " + e.getMessage(), e);
            }
            // the first call with this key is still running (or just gave its key back): wait for its answer
            if (Instant.now().isAfter(giveUp)) {
                throw new ToolException("A call of " + tool + " with idempotency_key '" + key + "' is still running."
                        + " Nothing was sent for this one. Wait for that call's answer, or repeat this call in a"
                        + " minute: it will get the same answer.");
            }
            sleep(Math.min(1_000, 50L << Math.min(attempt, 4)));
        }
    }

    /** Keeps the answer of a call that changed something in Kommo (or may have): repeats get it. */
    public void finish(Caller caller, String tool, String key, Answer answer, String outcome) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("update idempotent_call set"
                + " state = ?, answer = ?, outcome = ?, finished_at = now() where tenant_id = ? and tool = ? and"
                + " idempotency_key = ?")) {
            ps.setString(1, DONE);
            ps.setString(2, Json.mapper().writeValueAsString(answer));
            ps.setString(3, outcome);
            ps.setString(4, caller.tenantId());
            ps.setString(5, tool);
            ps.setString(6, key);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the idempotent answer could not be stored: " + e.getMessage(), e);
        }
    }

    /** Gives the key back after a call that changed nothing in Kommo: it can be used again. */
    public void release(Caller caller, String tool, String key) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("delete from idempotent_call"
                + " where tenant_id = ? and tool = ? and idempotency_key = ? and state = ?")) {
            ps.setString(1, caller.tenantId());
            ps.setString(2, tool);
            ps.setString(3, key);
            ps.setString(4, RUNNING);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the idempotency key could not be released: " + e.getMessage(), e);
        }
    }

    private boolean insert(Connection c, Caller caller, String tool, String key, String hash) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into idempotent_call (tenant_id, tool,"
                + " idempotency_key, subject, arguments_hash, state, created_at, expires_at, instance_id) values (?,"
                + " ?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing")) {
            Instant now = Instant.now();
            ps.setString(1, caller.tenantId());
            ps.setString(2, tool);
            ps.setString(3, key);
            ps.setString(4, caller.subject());
            ps.setString(5, hash);
            ps.setString(6, RUNNING);
            ps.setTimestamp(7, Timestamp.from(now));
            ps.setTimestamp(8, Timestamp.from(now.plus(Duration.ofHours(Math.max(1, ttlHours)))));
            ps.setString(9, instances == null ? null : instances.id());
            return ps.executeUpdate() == 1;
        }
    }

    /** The key's row once it expired, and a few other expired rows of the tenant, go. */
    private static void purgeExpired(Connection c, String tenant, String tool, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("delete from idempotent_call where tenant_id = ? and"
                + " expires_at < now() and (tool = ? and idempotency_key = ? or ctid in (select ctid from"
                + " idempotent_call where tenant_id = ? and expires_at < now() limit 100))")) {
            ps.setString(1, tenant);
            ps.setString(2, tool);
            ps.setString(3, key);
            ps.setString(4, tenant);
            ps.executeUpdate();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolException("Interrupted while waiting for the first call with this idempotency_key.");
        }
    }
}
