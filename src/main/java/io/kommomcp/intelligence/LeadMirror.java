package io.kommomcp.intelligence;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.kommomcp.core.Json;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import tools.jackson.databind.JsonNode;

/**
 * A tenant's leads as its mirror holds them ({@code mirror_record}: leads, lead notes and tasks as Kommo's API v4
 * shows them; {@code mirror_event}: stage changes, deletions, restorations), read with SQL. Whether the tenant's mirror
 * is on is the caller's question ({@link LeadIntelligence}); {@link #asOf} says whether what it holds is current.
 */
@ApplicationScoped
public class LeadMirror {

    /** What the lead tools read from the mirror; all must be current for the mirror to answer. */
    static final List<String> ENTITIES = List.of("leads", "lead_notes", "tasks", "events");

    @Resource(lookup = "jdbc/kommo")
    DataSource ds;

    @Inject
    @ConfigProperty(name = "kommo.realtime.max-staleness-seconds", defaultValue = "300")
    long maxStaleness = 300;

    /** Which leads {@link #signals} reads; null is "any". */
    public record Filter(List<Long> ids, Long pipelineId, Long stageId, Long responsibleUserId, boolean openOnly,
            Long inactiveSince, int limit, int offset) {
    }

    /** A page of leads' signals, and how many leads match in all. */
    public record SignalPage(List<LeadSignals> leads, long total) {
    }

    /** A lead as the mirror holds it: Kommo's JSON, and whether it is in Kommo's trash. */
    public record MirroredLead(JsonNode data, boolean deleted) {
    }

    /**
     * When the mirror was last known current for leads, their notes, tasks and stage changes (the oldest of their
     * last sweeps), if every one is backfilled and was current within {@code kommo.realtime.max-staleness-seconds}
     * (the rule {@code leads_search} answers from the mirror by); empty when Kommo must answer.
     */
    public Optional<Instant> asOf(String tenant, Instant now) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("select count(*),"
                + " bool_and(backfilled and synced_at is not null), min(synced_at) from mirror_sync where tenant_id = ?"
                + " and entity = any(?)")) {
            ps.setString(1, tenant);
            ps.setArray(2, c.createArrayOf("varchar", ENTITIES.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getInt(1) != ENTITIES.size() || !rs.getBoolean(2)) {
                    return Optional.empty();
                }
                Instant synced = rs.getTimestamp(3).toInstant();
                return Duration.between(synced, now).toSeconds() > maxStaleness ? Optional.empty()
                        : Optional.of(synced);
            }
        } catch (SQLException e) {
            return Optional.empty(); // the mirror cannot answer now: Kommo does
        }
    }

    /** Whether the mirror holds the account's whole stage history (its events are backfilled), however fresh. */
    public boolean hasStageHistory(String tenant) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("select 1 from mirror_sync"
                + " where tenant_id = ? and entity = 'events' and backfilled")) {
            ps.setString(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * The signals of the leads {@code f} selects (deleted leads never; won and lost unless {@code f.openOnly()} is
     * false), highest price first, then least recently active, then by id; with {@code f.inactiveSince()}, only the
     * leads whose last activity was at or before it. Overdue: open tasks due before {@code now}.
     */
    public SignalPage signals(String tenant, Filter f, long now) {
        String sql = """
                with l as (
                    select id, data, created_at, updated_at
                    from mirror_record
                    where tenant_id = ? and entity = 'leads' and not deleted
                      and (cast(? as bigint[]) is null or id = any(cast(? as bigint[])))
                      and (cast(? as text) is null or data->>'pipeline_id' = cast(? as text))
                      and (cast(? as text) is null or data->>'status_id' = cast(? as text))
                      and (cast(? as text) is null or data->>'responsible_user_id' = cast(? as text))
                      and (not ? or coalesce(data->>'status_id', '') not in ('142', '143'))
                ), n as (
                    select data->>'entity_id' as lead, max(created_at) as at
                    from mirror_record
                    where tenant_id = ? and entity = 'lead_notes' and not deleted
                      and data->>'entity_id' in (select id::text from l)
                    group by 1
                ), t as (
                    select data->>'entity_id' as lead, max(updated_at) as at,
                           count(*) filter (where not done) as open,
                           count(*) filter (where not done and due < ?) as overdue,
                           min(due) filter (where not done) as next_due
                    from (select data, updated_at, coalesce(lower(data->>'is_completed') in ('true', '1'), false) as done,
                                 case when data->>'complete_till' ~ '^[0-9]{1,18}$'
                                      then (data->>'complete_till')::bigint end as due
                          from mirror_record
                          where tenant_id = ? and entity = 'tasks' and not deleted
                            and data->>'entity_type' = 'leads'
                            and data->>'entity_id' in (select id::text from l)) tasks
                    group by 1
                ), e as (
                    select ev.entity_id as lead, max(ev.created_at) as at,
                           max(ev.created_at) filter (where
                               ev.data->'value_after'->0->'lead_status'->>'id' = l.data->>'status_id'
                               and ev.data->'value_after'->0->'lead_status'->>'pipeline_id'
                                   = l.data->>'pipeline_id') as entered
                    from mirror_event ev join l on ev.entity_id = l.id
                    where ev.tenant_id = ? and ev.type = 'lead_status_changed' and ev.entity_type = 'lead'
                    group by ev.entity_id
                ), s as (
                    select l.id, l.data, l.created_at, l.updated_at, n.at as note_at, t.at as task_at, e.at as move_at,
                           coalesce(e.entered, e.at, l.created_at) as entered,
                           coalesce(t.open, 0) as open, coalesce(t.overdue, 0) as overdue, t.next_due,
                           greatest(l.created_at, l.updated_at, n.at, t.at, e.at) as active_at,
                           case when l.data->>'price' ~ '^[0-9]{1,18}$' then (l.data->>'price')::bigint end as price
                    from l
                    left join n on n.lead = l.id::text
                    left join t on t.lead = l.id::text
                    left join e on e.lead = l.id
                )
                select id, data, created_at, updated_at, note_at, task_at, move_at, entered, open, overdue, next_due,
                       count(*) over () as total
                from s
                where cast(? as bigint) is null or active_at <= cast(? as bigint)
                order by price desc nulls last, active_at, id
                limit ? offset ?""";
        List<LeadSignals> out = new ArrayList<>();
        long total = 0;
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setString(i++, tenant);
            if (f.ids() == null) {
                ps.setNull(i++, Types.ARRAY);
                ps.setNull(i++, Types.ARRAY);
            } else {
                Array ids = c.createArrayOf("bigint", f.ids().toArray());
                ps.setArray(i++, ids);
                ps.setArray(i++, ids);
            }
            for (Long v : new Long[] {f.pipelineId(), f.stageId(), f.responsibleUserId()}) {
                String text = v == null ? null : String.valueOf(v);
                ps.setObject(i++, text, Types.VARCHAR);
                ps.setObject(i++, text, Types.VARCHAR);
            }
            ps.setBoolean(i++, f.openOnly());
            ps.setString(i++, tenant);
            ps.setLong(i++, now);
            ps.setString(i++, tenant);
            ps.setString(i++, tenant);
            ps.setObject(i++, f.inactiveSince(), Types.BIGINT);
            ps.setObject(i++, f.inactiveSince(), Types.BIGINT);
            ps.setInt(i++, f.limit());
            ps.setInt(i, f.offset());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    JsonNode d = Json.mapper().readTree(rs.getString(2));
                    out.add(new LeadSignals(rs.getLong(1), text(d, "name"), number(d, "price"),
                            number(d, "pipeline_id"), number(d, "status_id"), number(d, "responsible_user_id"),
                            (Long) rs.getObject(3), (Long) rs.getObject(4), (Long) rs.getObject(5),
                            (Long) rs.getObject(6), (Long) rs.getObject(7), (Long) rs.getObject(8), rs.getInt(9),
                            rs.getInt(10), (Long) rs.getObject(11)));
                    total = rs.getLong(12);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the leads could not be read from the mirror: " + e.getMessage(), e);
        }
        if (out.isEmpty() && f.offset() > 0) { // past the end: the total still counts every lead that matches
            total = signals(tenant, new Filter(f.ids(), f.pipelineId(), f.stageId(), f.responsibleUserId(),
                    f.openOnly(), f.inactiveSince(), 1, 0), now).total();
        }
        return new SignalPage(out, total);
    }

    /** The lead as the mirror holds it (in the trash too), or empty when the mirror does not know it. */
    public Optional<MirroredLead> lead(String tenant, long leadId) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("select data, deleted from"
                + " mirror_record where tenant_id = ? and entity = 'leads' and id = ?")) {
            ps.setString(1, tenant);
            ps.setLong(2, leadId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new MirroredLead(Json.mapper().readTree(rs.getString(1)),
                        rs.getBoolean(2))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the lead could not be read from the mirror: " + e.getMessage(), e);
        }
    }

    /** The lead's notes (not deleted), oldest first. */
    public List<JsonNode> notes(String tenant, long leadId) {
        return items("select data from mirror_record where tenant_id = ? and entity = 'lead_notes' and not deleted"
                + " and data->>'entity_id' = ? order by created_at, id", tenant, leadId);
    }

    /** The tasks on the lead (not deleted), by id. */
    public List<JsonNode> tasks(String tenant, long leadId) {
        return items("select data from mirror_record where tenant_id = ? and entity = 'tasks' and not deleted"
                + " and data->>'entity_id' = ? and data->>'entity_type' = 'leads' order by id", tenant, leadId);
    }

    /** The lead's events the mirror keeps (stage changes, deletion, restoration), oldest first. */
    public List<JsonNode> events(String tenant, long leadId) {
        return items("select data from mirror_event where tenant_id = ? and entity_type = 'lead' and entity_id ="
                + " cast(? as bigint) order by created_at, id", tenant, leadId);
    }

    private List<JsonNode> items(String sql, String tenant, long leadId) {
        List<JsonNode> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tenant);
            ps.setString(2, String.valueOf(leadId));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(Json.mapper().readTree(rs.getString(1)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the lead's history could not be read from the mirror: "
                    + e.getMessage(), e);
        }
        return out;
    }

    private static String text(JsonNode d, String field) {
        JsonNode v = d.get(field);
        return v == null || v.isNull() ? null : v.asString();
    }

    private static Long number(JsonNode d, String field) {
        return io.kommomcp.kommo.wire.WireValues.longOrNull(d, field);
    }
}
