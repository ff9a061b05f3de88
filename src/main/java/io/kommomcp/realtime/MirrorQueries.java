package io.kommomcp.realtime;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.kommomcp.core.Json;
import io.kommomcp.kommo.KommoCrm;
import io.kommomcp.kommo.MirrorReads;
import io.kommomcp.tenancy.TenantService;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import tools.jackson.databind.JsonNode;

/**
 * Answers reads from a tenant's mirror when it can: the mirror is on, the entity's backfill is done and it was
 * current within {@code kommo.realtime.max-staleness-seconds} (a stalled sync sends reads back to Kommo rather than
 * answering from old data). The answer says as of when (the last sweep's end; webhooks applied since make it fresher).
 */
@ApplicationScoped
public class MirrorQueries implements MirrorReads {

    @Resource(lookup = "jdbc/kommo")
    DataSource ds;

    @Inject
    TenantService tenants;

    @Inject
    @ConfigProperty(name = "kommo.realtime.max-staleness-seconds", defaultValue = "300")
    long maxStaleness;

    @Override
    public Optional<Mirrored> leads(String tenant, KommoCrm.LeadCriteria c) {
        if (!tenants.mirrorEnabled(tenant) || (c.text() != null && !c.text().isBlank())) {
            // free text goes to Kommo: its search covers contacts' phones and more, which the mirror does not match
            // the same way
            return Optional.empty();
        }
        try (Connection conn = ds.getConnection()) {
            Optional<Instant> asOf = current(conn, tenant, "leads");
            if (asOf.isEmpty()) {
                return Optional.empty();
            }
            int limit = c.limit() == null ? 50 : c.limit();
            try (PreparedStatement ps = conn.prepareStatement("select data from mirror_record where tenant_id = ? and"
                    + " entity = 'leads' and not deleted"
                    + " and (cast(? as bigint) is null or (data->>'pipeline_id')::bigint = ?)"
                    + " and (cast(? as bigint) is null or (data->>'status_id')::bigint = ?)"
                    + " and (cast(? as bigint) is null or (data->>'responsible_user_id')::bigint = ?)"
                    + " order by id limit ? offset ?")) {
                int i = 1;
                ps.setString(i++, tenant);
                for (Long v : new Long[] {c.pipelineId(), c.stageId(), c.responsibleUserId()}) {
                    ps.setObject(i++, v, java.sql.Types.BIGINT);
                    ps.setObject(i++, v, java.sql.Types.BIGINT);
                }
                ps.setInt(i++, limit + 1);
                ps.setInt(i, (Math.max(1, c.page()) - 1) * limit);
                List<JsonNode> items = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        items.add(Json.mapper().readTree(rs.getString(1)));
                    }
                }
                boolean more = items.size() > limit;
                return Optional.of(new Mirrored(more ? items.subList(0, limit) : items, more, asOf.get()));
            }
        } catch (SQLException e) {
            return Optional.empty(); // the mirror cannot answer now: Kommo does
        }
    }

    @Override
    public Optional<Counted> openByUser(String tenant, String entity, java.util.Collection<Long> users) {
        if (!tenants.mirrorEnabled(tenant) || !("leads".equals(entity) || "tasks".equals(entity))) {
            return Optional.empty();
        }
        String open = "leads".equals(entity) ? "coalesce((data->>'status_id')::bigint, 0) not in (142, 143)"
                : "not coalesce((data->>'is_completed')::boolean, false)";
        try (Connection conn = ds.getConnection()) {
            Optional<Instant> asOf = current(conn, tenant, entity);
            if (asOf.isEmpty()) {
                return Optional.empty();
            }
            java.util.Map<Long, Long> counts = new java.util.LinkedHashMap<>();
            users.forEach(u -> counts.put(u, 0L));
            try (PreparedStatement ps = conn.prepareStatement("select (data->>'responsible_user_id')::bigint, count(*)"
                    + " from mirror_record where tenant_id = ? and entity = ? and not deleted and"
                    + " (data->>'responsible_user_id')::bigint = any (?) and " + open + " group by 1")) {
                ps.setString(1, tenant);
                ps.setString(2, entity);
                ps.setArray(3, conn.createArrayOf("bigint", users.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        counts.put(rs.getLong(1), rs.getLong(2));
                    }
                }
            }
            return Optional.of(new Counted(counts, asOf.get()));
        } catch (SQLException e) {
            return Optional.empty(); // the mirror cannot answer now: Kommo does
        }
    }

    /** When the entity was last known current, if its backfill is done and that was recent enough. */
    private Optional<Instant> current(Connection conn, String tenant, String entity) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("select backfilled, synced_at from mirror_sync where"
                + " tenant_id = ? and entity = ?")) {
            ps.setString(1, tenant);
            ps.setString(2, entity);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !rs.getBoolean(1) || rs.getTimestamp(2) == null) {
                    return Optional.empty();
                }
                Instant synced = rs.getTimestamp(2).toInstant();
                return Duration.between(synced, Instant.now()).toSeconds() > maxStaleness ? Optional.empty()
                        : Optional.of(synced);
            }
        }
    }
}
