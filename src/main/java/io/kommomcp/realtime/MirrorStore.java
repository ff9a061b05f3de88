package io.kommomcp.realtime;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.kommomcp.core.Json;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The mirror's tables: records as Kommo's API v4 shows them ({@code mirror_record}, the {@code _links} left out),
 * stage changes and deletions ({@code mirror_event}), and each entity's progress ({@code mirror_sync}). A write never
 * replaces a record with an older state of it ({@code updated_at}), so a sweep and a webhook may arrive in any order
 * and the same page or delivery may be applied twice.
 */
@ApplicationScoped
public class MirrorStore {

    @Resource(lookup = "jdbc/kommo-background")
    DataSource ds;

    /** One entity's progress. */
    public record Progress(String entity, boolean backfilled, int nextPage, Long backfillTo, long highWater,
            long records, Instant lastChangeAt, Instant syncedAt) {
    }

    /** Every entity's progress for the tenant, creating what is missing. */
    public Map<String, Progress> progress(String tenant, List<String> entities) {
        Map<String, Progress> out = new LinkedHashMap<>();
        try (Connection c = ds.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("insert into mirror_sync (tenant_id, entity) values (?, ?)"
                    + " on conflict do nothing")) {
                for (String e : entities) {
                    ps.setString(1, tenant);
                    ps.setString(2, e);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement("select entity, backfilled, next_page, backfill_to,"
                    + " high_water, records, last_change_at, synced_at from mirror_sync where tenant_id = ?")) {
                ps.setString(1, tenant);
                try (ResultSet rs = ps.executeQuery()) {
                    Map<String, Progress> all = new LinkedHashMap<>();
                    while (rs.next()) {
                        all.put(rs.getString(1), new Progress(rs.getString(1), rs.getBoolean(2), rs.getInt(3),
                                (Long) rs.getObject(4), rs.getLong(5), rs.getLong(6), instant(rs.getTimestamp(7)),
                                instant(rs.getTimestamp(8))));
                    }
                    entities.forEach(e -> out.put(e, all.get(e)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the mirror's progress could not be read: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * Starts another pass of {@code entity}'s backfill (from page 1, bounded by {@code to}) unless it has had
     * {@code maxPasses} already; true if it did.
     */
    public boolean anotherPass(String tenant, String entity, long to, int maxPasses) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("update mirror_sync set"
                + " backfilled = false, next_page = 1, backfill_to = ?, passes = passes + 1 where tenant_id = ? and"
                + " entity = ? and passes + 1 < ?")) {
            ps.setLong(1, to);
            ps.setString(2, tenant);
            ps.setString(3, entity);
            ps.setInt(4, maxPasses);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("the mirror's progress could not be stored: " + e.getMessage(), e);
        }
    }

    public void save(String tenant, Progress p) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("update mirror_sync set"
                + " backfilled = ?, next_page = ?, backfill_to = ?, high_water = ?, records = ?, synced_at = ?"
                + " where tenant_id = ? and entity = ?")) {
            ps.setBoolean(1, p.backfilled());
            ps.setInt(2, p.nextPage());
            ps.setObject(3, p.backfillTo());
            ps.setLong(4, p.highWater());
            ps.setLong(5, p.records());
            ps.setTimestamp(6, p.syncedAt() == null ? null : Timestamp.from(p.syncedAt()));
            ps.setString(7, tenant);
            ps.setString(8, p.entity());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the mirror's progress could not be stored: " + e.getMessage(), e);
        }
    }

    /** A record that a sweep found changed: as the mirror had it (null if it had none) and as Kommo has it now. */
    public record Swept(long id, Map<String, Object> before, JsonNode after, Long updatedAt) {
    }

    /**
     * Stores records a sweep read from Kommo, as {@link #upsert}, and returns those that were not in the mirror or
     * were older there (what a webhook already brought is not a change any more).
     */
    public List<Swept> upsertChanged(String tenant, String entity, List<JsonNode> items) {
        List<Swept> out = new java.util.ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement read = c.prepareStatement("select data, updated_at"
                + " from mirror_record where tenant_id = ? and entity = ? and id = ?")) {
            for (JsonNode item : items) {
                long id = item.path("id").asLong(0);
                if (id == 0) {
                    continue;
                }
                Long updated = number(item, "updated_at");
                Map<String, Object> before = null;
                Long storedAt = null;
                boolean known = false;
                read.setString(1, tenant);
                read.setString(2, entity);
                read.setLong(3, id);
                try (ResultSet rs = read.executeQuery()) {
                    if (rs.next()) {
                        known = true;
                        before = Json.mapper().readValue(rs.getString(1), new TypeReference<Map<String, Object>>() {
                        });
                        storedAt = rs.getObject(2) == null ? null : rs.getLong(2);
                    }
                }
                if (!known || (updated != null && (storedAt == null || updated > storedAt))) {
                    out.add(new Swept(id, before, item, updated));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the mirror could not read " + entity + ": " + e.getMessage(), e);
        }
        upsert(tenant, entity, items);
        return out;
    }

    /** Stores records read from Kommo; an older state never replaces a newer one. Returns how many were new. */
    public int upsert(String tenant, String entity, List<JsonNode> items) {
        if (items.isEmpty()) {
            return 0;
        }
        int added = 0;
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("insert into mirror_record"
                + " (tenant_id, entity, id, created_at, updated_at, deleted, data, synced_at) values (?, ?, ?, ?, ?,"
                + " false, ?::jsonb, now()) on conflict (tenant_id, entity, id) do update set created_at ="
                + " excluded.created_at, updated_at = excluded.updated_at, data = excluded.data, deleted = false,"
                + " synced_at = now() where mirror_record.updated_at is null or excluded.updated_at >="
                + " mirror_record.updated_at returning (xmax = 0)")) {
            for (JsonNode item : items) {
                long id = item.path("id").asLong(0);
                if (id == 0) {
                    continue;
                }
                ps.setString(1, tenant);
                ps.setString(2, entity);
                ps.setLong(3, id);
                ps.setObject(4, number(item, "created_at"));
                ps.setObject(5, number(item, "updated_at"));
                ps.setString(6, withoutLinks(item));
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getBoolean(1)) {
                        added++;
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the mirror could not store " + entity + ": " + e.getMessage(), e);
        }
        return added;
    }

    /**
     * Applies what a webhook says of a record: its fields merged into the stored record (or a new one), unless the
     * stored state is newer; {@code deleted} marks it deleted. Returns the record as it was before (null if unknown).
     */
    public Map<String, Object> apply(String tenant, String entity, long id, Map<String, Object> fields, Long updatedAt,
            boolean deleted) {
        try (Connection c = ds.getConnection()) {
            Map<String, Object> before = null;
            try (PreparedStatement ps = c.prepareStatement("select data from mirror_record where tenant_id = ? and"
                    + " entity = ? and id = ?")) {
                ps.setString(1, tenant);
                ps.setString(2, entity);
                ps.setLong(3, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        before = Json.mapper().readValue(rs.getString(1), new TypeReference<Map<String, Object>>() {
                        });
                    }
                }
            }
            Map<String, Object> data = new LinkedHashMap<>(fields);
            data.put("id", id);
            try (PreparedStatement ps = c.prepareStatement("insert into mirror_record (tenant_id, entity, id,"
                    + " created_at, updated_at, deleted, data, synced_at) values (?, ?, ?, ?, ?, ?, ?::jsonb, now())"
                    + " on conflict (tenant_id, entity, id) do update set updated_at = coalesce(excluded.updated_at,"
                    + " mirror_record.updated_at), deleted = excluded.deleted, data = mirror_record.data ||"
                    + " excluded.data, synced_at = now() where mirror_record.updated_at is null or"
                    + " excluded.updated_at is null or excluded.updated_at >= mirror_record.updated_at")) {
                ps.setString(1, tenant);
                ps.setString(2, entity);
                ps.setLong(3, id);
                ps.setObject(4, fields.get("created_at") instanceof Number n ? n.longValue() : null);
                ps.setObject(5, updatedAt);
                ps.setBoolean(6, deleted);
                ps.setString(7, Json.mapper().writeValueAsString(data));
                ps.executeUpdate();
            }
            touch(c, tenant, entity);
            return before;
        } catch (SQLException e) {
            throw new IllegalStateException("the mirror could not apply a change: " + e.getMessage(), e);
        }
    }

    /** Stores events (each once) and applies the deletions and restorations among them. */
    public int events(String tenant, List<JsonNode> events) {
        int added = 0;
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("insert into mirror_event"
                + " (tenant_id, id, type, entity_type, entity_id, created_by, created_at, data) values"
                + " (?, ?, ?, ?, ?, ?, ?, ?::jsonb) on conflict do nothing"); PreparedStatement del = c.prepareStatement(
                        // a deletion or restoration older than what the mirror knows of the record changes nothing
                        "update mirror_record set deleted = ?, updated_at = greatest(coalesce(updated_at, 0), ?),"
                                + " synced_at = now() where tenant_id = ? and entity = ? and id = ? and"
                                + " coalesce(updated_at, 0) <= ?")) {
            List<JsonNode> oldestFirst = new java.util.ArrayList<>(events);
            oldestFirst.sort(java.util.Comparator.comparingLong(e -> e.path("created_at").asLong(0)));
            for (JsonNode e : oldestFirst) {
                String id = e.path("id").asString("");
                if (id.isEmpty()) {
                    continue;
                }
                String type = e.path("type").asString("");
                ps.setString(1, tenant);
                ps.setString(2, id.length() > 64 ? id.substring(0, 64) : id);
                ps.setString(3, type.length() > 80 ? type.substring(0, 80) : type);
                ps.setString(4, e.path("entity_type").asString(null));
                ps.setObject(5, number(e, "entity_id"));
                ps.setObject(6, number(e, "created_by"));
                ps.setLong(7, e.path("created_at").asLong(0));
                ps.setString(8, withoutLinks(e));
                added += ps.executeUpdate();
                String entity = switch (e.path("entity_type").asString("")) {
                    case "lead" -> "leads";
                    case "contact" -> "contacts";
                    case "company" -> "companies";
                    case "task" -> "tasks";
                    default -> null;
                };
                if (entity != null && (type.endsWith("_deleted") || type.endsWith("_restored"))) {
                    long at = e.path("created_at").asLong(0);
                    del.setBoolean(1, type.endsWith("_deleted"));
                    del.setLong(2, at);
                    del.setString(3, tenant);
                    del.setString(4, entity);
                    del.setLong(5, e.path("entity_id").asLong());
                    del.setLong(6, at);
                    del.executeUpdate();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the mirror could not store events: " + e.getMessage(), e);
        }
        return added;
    }

    /** What a purge removed. */
    public record Purged(long records, long events) {
    }

    /** Removes everything mirrored of the tenant. */
    public Purged purge(String tenant) {
        try (Connection c = ds.getConnection()) {
            long records = delete(c, "delete from mirror_record where tenant_id = ?", tenant);
            long events = delete(c, "delete from mirror_event where tenant_id = ?", tenant);
            delete(c, "delete from mirror_sync where tenant_id = ?", tenant);
            return new Purged(records, events);
        } catch (SQLException e) {
            throw new IllegalStateException("the mirror could not be purged: " + e.getMessage(), e);
        }
    }

    /**
     * Tenants with mirrored data whose mirror is off (or who are gone). Rows, not only sync state, are looked for: a
     * page or a webhook that was being applied while the mirror was turned off may land after the purge, and is
     * purged the next time.
     */
    public List<String> orphaned() {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("select distinct s.tenant_id"
                + " from mirror_sync s where not exists (select 1 from tenant t where t.id = s.tenant_id and"
                + " t.mirror_enabled) union select t.id from tenant t where not t.mirror_enabled and (exists"
                + " (select 1 from mirror_record r where r.tenant_id = t.id) or exists (select 1 from mirror_event e"
                + " where e.tenant_id = t.id))")) {
            try (ResultSet rs = ps.executeQuery()) {
                List<String> out = new java.util.ArrayList<>();
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
                return out;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the mirror's tenants could not be read: " + e.getMessage(), e);
        }
    }

    /** Records of the entity (not deleted), for progress reports. */
    public long count(String tenant, String entity) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(entity.equals("events")
                ? "select count(*) from mirror_event where tenant_id = ?"
                : "select count(*) from mirror_record where tenant_id = ? and entity = ? and not deleted")) {
            ps.setString(1, tenant);
            if (!entity.equals("events")) {
                ps.setString(2, entity);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the mirror could not be counted: " + e.getMessage(), e);
        }
    }

    private static void touch(Connection c, String tenant, String entity) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update mirror_sync set last_change_at = now() where"
                + " tenant_id = ? and entity = ?")) {
            ps.setString(1, tenant);
            ps.setString(2, entity);
            ps.executeUpdate();
        }
    }

    private static long delete(Connection c, String sql, String tenant) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tenant);
            return ps.executeUpdate();
        }
    }

    private static Long number(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || !v.isNumber() && !(v.isString() && v.asString().matches("-?\\d{1,18}")) ? null
                : v.asLong();
    }

    private static String withoutLinks(JsonNode item) {
        if (item instanceof ObjectNode o && o.has("_links")) {
            ObjectNode copy = o.deepCopy();
            copy.remove("_links");
            return copy.toString();
        }
        return item.toString();
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
