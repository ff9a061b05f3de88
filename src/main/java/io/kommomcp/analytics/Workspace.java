package io.kommomcp.analytics;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * One answer's working sets, as temporary tables of one database transaction (dropped when it ends, which is always
 * a rollback: an answer changes nothing): the leads it reads ({@code a_lead}, with {@code selected} for those its
 * filters select), the account's stages ({@code a_stage}), the leads' stage stays ({@code a_stay}), tasks
 * ({@code a_task}) and notes of leads ({@code a_note}). They are read from the mirror's tables under {@link #key}:
 * the tenant's own mirror, or the records read from Kommo for this answer under a key no tenant can have.
 *
 * <p>A stay is a lead's time in one stage: the first from its creation in the stage its first stage change left
 * (or, without any, its current stage), then one per stage change, from the change to the next one; the last is
 * open ({@code left_at} null). {@code seq} orders a lead's stays (0 the first), {@code by} is who made the change.
 */
public final class Workspace implements AutoCloseable {

    private final Connection c;
    private final String key;
    private final String tenant;
    private final Instant now;
    private final boolean autoCommit;
    private final int isolation;
    private Source source;

    Workspace(Connection c, String key, String tenant, Instant now) throws SQLException {
        this.c = c;
        this.key = key;
        this.tenant = tenant;
        this.now = now;
        this.autoCommit = c.getAutoCommit();
        this.isolation = c.getTransactionIsolation();
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ); // one consistent view of the mirror
        try (Statement s = c.createStatement()) {
            // the planner's estimates for these queries are far off and JIT compiling them costs more than it saves
            s.execute("set local jit = off");
            s.execute("set local work_mem = '32MB'");
        }
    }

    Connection connection() {
        return c;
    }

    /** The tenant id the mirror's rows of this answer carry. */
    String key() {
        return key;
    }

    /** The tenant asking. */
    String tenant() {
        return tenant;
    }

    /** The moment the answer is computed for (open stays and overdue tasks are measured up to it). */
    public Instant now() {
        return now;
    }

    long nowSecond() {
        return now.getEpochSecond();
    }

    public Source source() {
        return source;
    }

    void source(Source s) {
        this.source = s;
    }

    /** {@code a_lead}: the leads {@code scope} matches (not deleted); {@code selected}: those {@code selected} does. */
    void leads(LeadFilter scope, LeadFilter selected) throws SQLException {
        create(n -> {
            Sql q = Sql.of("create temp table a_lead on commit drop as select m.id,"
                    + " coalesce(m.created_at, " + n.apply("created_at") + ") as created_at,"
                    + " coalesce(m.updated_at, " + n.apply("updated_at") + ") as updated_at,"
                    + n.apply("pipeline_id") + " as pipeline_id, " + n.apply("status_id") + " as status_id,"
                    + " coalesce(" + n.apply("price") + ", 0) as price, " + n.apply("responsible_user_id")
                    + " as user_id, " + n.apply("loss_reason_id") + " as loss_reason_id, " + n.apply("updated_by")
                    + " as updated_by, left(m.data->>'name', 200) as name, ");
            matches(q, selected, n);
            q.add(" as selected from mirror_record m where m.tenant_id = ? and m.entity = 'leads'"
                    + " and not m.deleted and ", key);
            matches(q, scope, n);
            return q;
        });
        analyze("a_lead");
    }

    private static void matches(Sql q, LeadFilter f, UnaryOperator<String> n) {
        q.add("(true");
        if (f.pipelineId() != null) {
            q.add(" and " + n.apply("pipeline_id") + " = ?", f.pipelineId());
        }
        if (f.responsibleUserId() != null) {
            q.add(" and " + n.apply("responsible_user_id") + " = ?", f.responsibleUserId());
        }
        if (f.tag() != null) {
            q.add(" and exists (select 1 from jsonb_array_elements(case when jsonb_typeof(m.data #> '{_embedded,tags}')"
                    + " = 'array' then m.data #> '{_embedded,tags}' else '[]'::jsonb end) t"
                    + " where lower(t->>'name') = lower(?))", f.tag());
        }
        q.add(")");
    }

    /**
     * Runs the statement {@code build} makes with plain casts of the records' numbers (fast), and when a record holds
     * a number PostgreSQL cannot read that way (a string that is no number, a fraction, out of range), once more with
     * {@code analytics_bigint} (which reads such a value as null), from a savepoint.
     */
    private void create(Function<UnaryOperator<String>, Sql> build) throws SQLException {
        Savepoint sp = c.setSavepoint();
        try {
            build.apply(field -> "(m.data->>'" + field + "')::bigint").update(c);
        } catch (SQLException e) {
            if (e.getSQLState() == null || !e.getSQLState().startsWith("22")) {
                throw e;
            }
            c.rollback(sp);
            build.apply(field -> "analytics_bigint(m.data->'" + field + "')").update(c);
        }
        c.releaseSavepoint(sp);
    }

    /** {@code a_stage}: every stage of the account with its rank and kind. */
    void stages(StageCatalog catalog) throws SQLException {
        List<StageCatalog.Stage> all = catalog.all();
        Sql.of("create temp table a_stage on commit drop as select * from unnest(?::bigint[], ?::bigint[],"
                + " ?::integer[], ?::text[]) as s(pipeline_id, status_id, rank, kind)",
                all.stream().mapToLong(StageCatalog.Stage::pipelineId).toArray(),
                all.stream().mapToLong(StageCatalog.Stage::stageId).toArray(),
                all.stream().mapToInt(StageCatalog.Stage::rank).toArray(),
                all.stream().map(s -> s.kind().name()).toArray(String[]::new)).update(c);
    }

    /**
     * {@code a_stay}: the stays of the leads in {@code a_lead}, from their stage changes made at or after
     * {@code from} (Unix seconds; 0 for the whole history). Changes in the same second are ordered by their id (byte
     * by byte).
     */
    void stays(long from) throws SQLException {
        // one pass over the tenant's stage changes in lead and time order (the V14 index), then each lead's first stay
        Sql.of("create temp table a_stay on commit drop as select e.entity_id as lead_id, row_number() over w as seq,"
                + " coalesce(e.to_pipeline, e.from_pipeline) as pipeline_id, e.to_status as status_id,"
                + " e.created_at as entered, lead(e.created_at) over w as left_at, e.created_by as by,"
                + " e.from_pipeline as fp, e.from_status as fs from mirror_event e where e.tenant_id = ?"
                + " and e.type = 'lead_status_changed' and e.to_status is not null and e.created_at >= ?"
                + " and e.entity_id in (select id from a_lead)"
                + " window w as (partition by e.entity_id order by e.created_at, e.id collate \"C\")", key, from)
                .update(c);
        Sql.of("insert into a_stay (lead_id, seq, pipeline_id, status_id, entered, left_at) select l.id, 0,"
                + " coalesce(f.fp, l.pipeline_id), coalesce(f.fs, l.status_id), l.created_at, f.entered from a_lead l"
                + " left join a_stay f on f.lead_id = l.id and f.seq = 1").update(c);
        analyze("a_stay");
    }

    /** {@code a_task}: the tasks (the mirror's, or those read from Kommo for this answer). */
    void tasks() throws SQLException {
        create(n -> Sql.of("create temp table a_task on commit drop as select m.id, " + n.apply("responsible_user_id")
                + " as user_id, m.data->>'entity_type' as entity_type, " + n.apply("entity_id") + " as entity_id,"
                + " case when m.data->>'entity_type' = 'leads' then " + n.apply("entity_id") + " end as lead_id,"
                + " coalesce(m.data->'is_completed' in ('true'::jsonb, '1'::jsonb, '\"1\"'::jsonb,"
                + " '\"true\"'::jsonb), false) as completed, " + n.apply("complete_till") + " as due,"
                + " coalesce(m.created_at, " + n.apply("created_at") + ") as created_at,"
                + " coalesce(m.updated_at, " + n.apply("updated_at") + ") as updated_at, " + n.apply("created_by")
                + " as created_by, " + n.apply("updated_by") + " as updated_by, left(m.data->>'text', 200) as text"
                + " from mirror_record m where m.tenant_id = ? and m.entity = 'tasks' and not m.deleted", key));
    }

    /** {@code a_note}: the notes of leads, with who made them when. */
    void notes() throws SQLException {
        create(n -> Sql.of("create temp table a_note on commit drop as select " + n.apply("entity_id")
                + " as lead_id, coalesce(m.created_at, " + n.apply("created_at") + ") as created_at, "
                + n.apply("created_by") + " as created_by from mirror_record m where m.tenant_id = ?"
                + " and m.entity = 'lead_notes' and not m.deleted", key));
    }

    /** Statistics for the planner: without them it misjudges joins of a few thousand leads (seconds, not tenths). */
    private void analyze(String table) throws SQLException {
        Sql.of("analyze " + table).update(c);
    }

    /** Ends the transaction without a trace: the temporary tables and anything read from Kommo go with it. */
    @Override
    public void close() {
        try {
            c.rollback();
            c.setTransactionIsolation(isolation);
            c.setAutoCommit(autoCommit);
        } catch (SQLException ignored) {
            // the connection goes back to the pool, which discards a broken one
        } finally {
            try {
                c.close();
            } catch (SQLException ignored) {
                // nothing to do
            }
        }
    }
}
