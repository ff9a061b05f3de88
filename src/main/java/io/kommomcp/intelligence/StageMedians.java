package io.kommomcp.intelligence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The median time leads spend in each open stage of a pipeline, from the stage histories in a tenant's mirror
 * ({@code mirror_event}, {@code lead_status_changed}: {@code value_before} and {@code value_after} name the stage as
 * {@code [{"lead_status": {"id", "pipeline_id"}}]}, API.md §16).
 *
 * <p>A <b>stay</b> in a stage begins when a lead enters it (a change whose {@code value_after} is that stage) and ends
 * at the lead's next stage change, whatever stage that goes to (a skipped stage has no stay; a lead moved back and
 * forth has several stays; one reopened after won or lost starts a new stay). The stay before a lead's first change
 * runs from its creation in the stage that change leaves. Stays still running count for nothing. The median is over
 * the stays that ended within the last {@code windowDays} days; won and lost are not stages one stays in.
 */
@ApplicationScoped
public class StageMedians {

    /** Stays ending within this many days count. */
    public static final int WINDOW_DAYS = 365;
    /** A median of fewer stays says little: it is shown, but never makes a lead "stuck". */
    public static final int MIN_STAYS = 5;

    @Resource(lookup = "jdbc/kommo")
    DataSource ds;

    /** A stage of a pipeline. */
    public record Stage(long pipelineId, long stageId) {
    }

    /** The median stay in a stage in days, and how many stays it is the median of. */
    public record StageMedian(long pipelineId, long stageId, double medianDays, int stays) {

        /** Whether the median rests on enough stays to judge a lead by. */
        public boolean reliable() {
            return stays >= MIN_STAYS;
        }
    }

    /**
     * The medians of the pipeline's stages (every pipeline's when {@code pipelineId} is null), from the stays that
     * ended at or after {@code endedFrom} (Unix seconds).
     */
    public Map<Stage, StageMedian> medians(String tenant, Long pipelineId, long endedFrom) {
        String sql = """
                with changes as (
                    select entity_id as lead_id, id as event_id, created_at,
                           data->'value_before'->0->'lead_status'->>'pipeline_id' as from_pipeline,
                           data->'value_before'->0->'lead_status'->>'id' as from_stage,
                           data->'value_after'->0->'lead_status'->>'pipeline_id' as to_pipeline,
                           data->'value_after'->0->'lead_status'->>'id' as to_stage
                    from mirror_event
                    where tenant_id = ? and type = 'lead_status_changed' and entity_type = 'lead'
                      and entity_id is not null
                ), ordered as (
                    select c.*, row_number() over w as n, lead(created_at) over w as left_at
                    from changes c
                    window w as (partition by lead_id order by created_at, event_id)
                ), stays as (
                    select to_pipeline as pipeline_id, to_stage as stage_id, created_at as entered_at, left_at
                    from ordered
                    union all
                    select o.from_pipeline, o.from_stage, r.created_at, o.created_at
                    from ordered o
                    join mirror_record r on r.tenant_id = ? and r.entity = 'leads' and r.id = o.lead_id
                    where o.n = 1 and r.created_at is not null and r.created_at <= o.created_at
                )
                select pipeline_id::bigint, stage_id::bigint,
                       percentile_cont(0.5) within group (order by left_at - entered_at) as median_seconds,
                       count(*) as stays
                from stays
                where left_at is not null and left_at >= ?
                  and pipeline_id ~ '^[0-9]{1,18}$' and stage_id ~ '^[0-9]{1,18}$'
                  and stage_id not in ('142', '143')
                  and (cast(? as text) is null or pipeline_id = cast(? as text))
                group by pipeline_id, stage_id
                order by 1, 2""";
        Map<Stage, StageMedian> out = new LinkedHashMap<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tenant);
            ps.setString(2, tenant);
            ps.setLong(3, endedFrom);
            String pipeline = pipelineId == null ? null : String.valueOf(pipelineId);
            ps.setObject(4, pipeline, Types.VARCHAR);
            ps.setObject(5, pipeline, Types.VARCHAR);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    StageMedian m = new StageMedian(rs.getLong(1), rs.getLong(2), rs.getDouble(3) / 86_400.0,
                            rs.getInt(4));
                    out.put(new Stage(m.pipelineId(), m.stageId()), m);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the stages' medians could not be read from the mirror: "
                    + e.getMessage(), e);
        }
        return out;
    }
}
