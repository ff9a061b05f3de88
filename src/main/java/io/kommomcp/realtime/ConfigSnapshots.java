package io.kommomcp.realtime;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

import javax.sql.DataSource;

import io.kommomcp.core.Json;
import io.kommomcp.kommo.KommoConfiguration;
import io.kommomcp.kommo.WriteLog;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import tools.jackson.core.type.TypeReference;

/**
 * Configuration changes made outside kommo-mcp, which Kommo keeps no record of (API.md §16): the account's
 * configuration is read ({@link KommoConfiguration}) every {@code kommo.realtime.config-snapshot-seconds} and after
 * webhooks that point at a change, compared with the previous reading, and every difference that no write of this
 * server explains ({@link WriteLog}: the same object written in the interval) goes on the
 * tenant's audit chain as an EXTERNAL entry with before, after and the interval in which it happened. The first
 * reading of a tenant is the baseline. A difference also drops the tenant's cached schema.
 */
@ApplicationScoped
public class ConfigSnapshots {

    /** type → id → attributes, as {@link KommoConfiguration} reads it. */
    public static final TypeReference<Map<String, Map<String, Map<String, Object>>>> SHAPE = new TypeReference<>() {
    };

    @Resource(lookup = "jdbc/kommo-background")
    DataSource ds;

    @Inject
    WriteLog writes;

    @Inject
    ExternalChanges external;

    /** One object that is not as it was: before null if added, after null if removed. */
    public record Difference(String type, String id, Map<String, Object> before, Map<String, Object> after) {

        public String change() {
            return before == null ? "added" : after == null ? "removed" : "changed";
        }
    }

    /** What a snapshot found. */
    public record Result(boolean baseline, int differences, int external) {
    }

    /**
     * Takes a reading of the tenant's configuration, begun at {@code readFrom} and finished at {@code now}, as the
     * new snapshot and records what changed outside kommo-mcp since the previous one. The snapshot is dated from the
     * reading's start, so that a write of this server made while it was read falls inside the next interval too.
     */
    public Result take(String tenant, Map<String, Map<String, Map<String, Object>>> fresh, Instant readFrom,
            Instant now) {
        // through JSON text, as the stored snapshot is read back, so that equal values compare equal (a Long and an
        // Integer of the same value do not; convertValue would hand the maps back unchanged)
        Map<String, Map<String, Map<String, Object>>> reading = Json.mapper().readValue(Json.mapper()
                .writeValueAsString(fresh), SHAPE);
        Stored previous = load(tenant);
        if (previous == null) {
            save(tenant, reading, readFrom);
            return new Result(true, 0, 0);
        }
        List<Difference> diffs = diff(previous.data(), reading);
        int recorded = 0;
        for (Difference d : diffs) {
            if (explained(tenant, d, previous.takenAt(), now)) {
                continue;
            }
            String key = "config:" + d.type() + ":" + d.id() + ":" + previous.takenAt().toEpochMilli() + ":"
                    + io.kommomcp.audit.ChainHash.sha256(Json.mapper().writeValueAsString(d));
            if (external.record(tenant, new ExternalChanges.Change(key, d.type(), d.id(), d.change(), d.before(),
                    d.after(), previous.takenAt(), now, ExternalChanges.Seen.SNAPSHOT, null))) {
                recorded++;
            }
        }
        // saved once every difference is on the record: a failure before this point sees them all again next time
        // (their keys keep any from being recorded twice)
        save(tenant, reading, readFrom);
        return new Result(false, diffs.size(), recorded);
    }

    /** Every object added, removed or changed between two readings, by type and id. */
    public static List<Difference> diff(Map<String, Map<String, Map<String, Object>>> before,
            Map<String, Map<String, Map<String, Object>>> after) {
        List<Difference> out = new ArrayList<>();
        TreeSet<String> types = new TreeSet<>(before.keySet());
        types.addAll(after.keySet());
        for (String type : types) {
            Map<String, Map<String, Object>> was = before.getOrDefault(type, Map.of());
            Map<String, Map<String, Object>> now = after.getOrDefault(type, Map.of());
            TreeSet<String> ids = new TreeSet<>(was.keySet());
            ids.addAll(now.keySet());
            for (String id : ids) {
                Map<String, Object> a = was.get(id);
                Map<String, Object> b = now.get(id);
                if (!Objects.equals(a, b)) {
                    out.add(new Difference(type, id, a, b));
                }
            }
        }
        return out;
    }

    /**
     * Whether this server made the difference: it wrote that object in the interval. (An object that this server
     * and someone else both changed between two readings is taken as this server's change; the reading after shows
     * the later state either way.)
     */
    private boolean explained(String tenant, Difference d, Instant from, Instant to) {
        String id = d.id().contains(":") ? d.id().substring(d.id().indexOf(':') + 1) : d.id();
        if (writes.wrote(tenant, d.type(), id, from.minusSeconds(5), to)) {
            return true;
        }
        // a pipeline created or deleted here adds or removes its stages (won and lost among them) with it
        Map<String, Object> stage = d.after() != null ? d.after() : d.before();
        return d.type().equals("stage") && stage != null && stage.get("pipeline_id") != null
                && writes.wrote(tenant, "pipeline", String.valueOf(stage.get("pipeline_id")), from.minusSeconds(5),
                        to);
    }

    private record Stored(Instant takenAt, Map<String, Map<String, Map<String, Object>>> data) {
    }

    private Stored load(String tenant) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("select taken_at, data"
                + " from config_snapshot where tenant_id = ?")) {
            ps.setString(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Stored(rs.getTimestamp(1).toInstant(), Json.mapper().readValue(rs.getString(2),
                        SHAPE)) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the configuration snapshot could not be read: " + e.getMessage(), e);
        }
    }

    private void save(String tenant, Map<String, Map<String, Map<String, Object>>> data, Instant at) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("insert into config_snapshot"
                + " (tenant_id, taken_at, data) values (?, ?, ?::jsonb) on conflict (tenant_id) do update set"
                + " taken_at = excluded.taken_at, data = excluded.data")) {
            ps.setString(1, tenant);
            ps.setTimestamp(2, Timestamp.from(at));
            ps.setString(3, Json.mapper().writeValueAsString(data));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the configuration snapshot could not be stored: " + e.getMessage(), e);
        }
    }

    /** Forgets the tenant's snapshot (the next reading is a new baseline). */
    public void forget(String tenant) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("delete from config_snapshot"
                + " where tenant_id = ?")) {
            ps.setString(1, tenant);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the configuration snapshot could not be removed: " + e.getMessage(), e);
        }
    }
}
