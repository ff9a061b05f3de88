package io.kommomcp.analytics;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import io.kommomcp.analytics.FlowAnalytics.Duration;
import io.kommomcp.analytics.Results.Factor;
import io.kommomcp.analytics.Results.LeadScore;
import io.kommomcp.analytics.StageCatalog.Stage;

/**
 * A 0-100 score per open lead from five factors, each a value from 0 to 1 explained in one line, weighted
 * ({@link ScoreWeights}) and summed (docs/analytics.md): activity recency, stage progress against the pipeline's
 * median pace, value, completeness of the fields its pipeline requires, open tasks. A factor without a basis (no
 * finished stays to measure a pace against) is left out and the others' weights carry the score. Works on a
 * workspace with {@code a_lead} (every lead of the pipelines concerned; {@code selected}: the leads to score),
 * {@code a_stay} (the whole history), {@code a_task} and {@code a_note}.
 */
final class LeadScoring {

    private LeadScoring() {
    }

    /** What scoring is told besides the data. */
    record Settings(ScoreWeights weights, double recencyDays, int baselineDays) {
    }

    /** One candidate's inputs, as the query reads them. */
    private record Inputs(long id, String name, long pipelineId, long stageId, long price, Long createdAt,
            Long lastActivity, String activity, long openTasks, long onTimeTasks, double valueRank, long filled) {
    }

    static Results.LeadScores score(Workspace ws, StageCatalog cat, Map<Long, Set<Long>> required, Settings s,
            List<Long> leadIds, boolean lowestFirst, int limit) throws SQLException {
        long now = ws.nowSecond();
        Map<String, Duration> medians = FlowAnalytics.durations(ws, now - s.baselineDays() * 86_400L, now, false);
        List<Long> reqPipelines = new ArrayList<>();
        List<Long> reqFields = new ArrayList<>();
        required.forEach((p, fields) -> fields.forEach(f -> {
            reqPipelines.add(p);
            reqFields.add(f);
        }));
        Sql q = Sql.of("with cand as (select * from a_lead where selected and status_id not in (142, 143)");
        if (leadIds != null) {
            q.add(" and id = any(?::bigint[])", leadIds.stream().mapToLong(Long::longValue).toArray());
        }
        long since = now - Math.round(s.recencyDays() * 86_400);
        q.add("), act as (select s.lead_id, max(s.entered) as at, 'stage change' as what from a_stay s"
                + " join cand c on c.id = s.lead_id where s.seq > 0 and coalesce(s.by, 0) <> 0 and s.entered >= ?"
                + " group by 1 union all select n.lead_id, max(n.created_at), 'note' from a_note n"
                + " join cand c on c.id = n.lead_id where coalesce(n.created_by, 0) <> 0 and n.created_at >= ?"
                + " group by 1 union all select t.lead_id, max(t.created_at), 'task' from a_task t"
                + " join cand c on c.id = t.lead_id where coalesce(t.created_by, 0) <> 0 and t.created_at >= ?"
                + " group by 1 union all select t.lead_id, max(t.updated_at), 'task completed' from a_task t"
                + " join cand c on c.id = t.lead_id where t.completed and coalesce(t.updated_by, 0) <> 0"
                + " and t.updated_at >= ? group by 1),", since, since, since, since);
        q.add(""
                + " last_act as (select distinct on (lead_id) lead_id, at, what from act where at is not null"
                + " order by lead_id, at desc, what),"
                + " open_tasks as (select t.lead_id, count(*) as n, count(*) filter (where t.due is null or t.due >= ?)"
                + " as on_time from a_task t join cand c on c.id = t.lead_id where not t.completed group by 1),"
                + " val as (select id, cume_dist() over (partition by pipeline_id order by price) as rank from a_lead"
                + " where status_id not in (142, 143)),"
                + " req as (select * from unnest(?::bigint[], ?::bigint[]) as r(pipeline_id, field_id)),"
                // each candidate's field values once (one lookup per lead), then those its pipeline requires
                + " cf as materialized (select c.id, c.pipeline_id, analytics_bigint(f->'field_id') as field_id,"
                + " f->'values' as vals from cand c join mirror_record m on m.tenant_id = ? and m.entity = 'leads'"
                + " and m.id = c.id cross join lateral jsonb_array_elements(case when"
                + " jsonb_typeof(m.data->'custom_fields_values') = 'array' then m.data->'custom_fields_values'"
                + " else '[]'::jsonb end) f),"
                + " filled as (select cf.id, count(distinct cf.field_id) as n from cf join req r"
                + " on r.pipeline_id = cf.pipeline_id and r.field_id = cf.field_id where exists (select 1 from"
                + " jsonb_array_elements(case when jsonb_typeof(cf.vals) = 'array' then cf.vals else '[]'::jsonb end)"
                + " v where jsonb_typeof(v->'value') in ('string', 'number', 'boolean', 'object', 'array')"
                + " and v->'value' <> 'false'::jsonb and btrim(v->>'value') <> '') group by cf.id)"
                + " select c.id, c.name, c.pipeline_id, c.status_id, c.price, c.created_at, la.at, la.what,"
                + " coalesce(o.n, 0), coalesce(o.on_time, 0), coalesce(v.rank, 0), coalesce(fl.n, 0) from cand c"
                + " left join last_act la on la.lead_id = c.id left join open_tasks o on o.lead_id = c.id"
                + " left join val v on v.id = c.id left join filled fl on fl.id = c.id",
                now, reqPipelines.stream().mapToLong(Long::longValue).toArray(),
                reqFields.stream().mapToLong(Long::longValue).toArray(), ws.key());
        List<Inputs> inputs = q.list(ws.connection(), rs -> new Inputs(rs.getLong(1), rs.getString(2),
                rs.getLong(3), rs.getLong(4), rs.getLong(5), Sql.longOrNull(rs, "created_at"),
                Sql.longOrNull(rs, "at"), rs.getString(8), rs.getLong(9), rs.getLong(10), rs.getDouble(11),
                rs.getLong(12)));
        // every candidate's score; the one-line explanations only for those in the answer
        List<LeadScore> scored = new ArrayList<>();
        Map<Long, Inputs> byId = new java.util.HashMap<>();
        for (Inputs in : inputs) {
            byId.put(in.id(), in);
            scored.add(total(in, factors(in, cat, medians, now, s, required), false));
        }
        Comparator<LeadScore> order = Comparator.comparingInt(LeadScore::score);
        if (!lowestFirst) {
            order = order.reversed();
        }
        scored.sort(order.thenComparingLong(LeadScore::leadId));
        List<LeadScore> shown = new ArrayList<>();
        for (LeadScore l : scored.subList(0, Math.min(limit, scored.size()))) {
            Inputs in = byId.get(l.leadId());
            shown.add(total(in, factors(in, cat, medians, now, s, required), true));
        }
        return new Results.LeadScores(s.weights().asMap(), scored.size(), shown, ws.source());
    }

    /** A factor's value, and how to say why in one line. */
    private record Raw(String name, double weight, Double value, Supplier<String> why) {
    }

    private static List<Raw> factors(Inputs in, StageCatalog cat, Map<String, Duration> medians, long now,
            Settings s, Map<Long, Set<Long>> required) {
        return List.of(recency(in, now, s), pace(in, cat, medians, now, s.weights().pace(), s.baselineDays()),
                value(in, s.weights().value()), completeness(in, required.getOrDefault(in.pipelineId(), Set.of())
                        .size(), s.weights().completeness()), tasks(in, s.weights().tasks()));
    }

    /** Weighted sum: each factor's points are 100 x weight x value / the weights of the factors that have a value. */
    private static LeadScore total(Inputs in, List<Raw> raw, boolean explain) {
        double weights = raw.stream().filter(f -> f.value() != null).mapToDouble(Raw::weight).sum();
        List<Factor> out = new ArrayList<>();
        double sum = 0;
        for (Raw f : raw) {
            double points = f.value() == null || weights == 0 ? 0 : 100 * f.weight() * f.value() / weights;
            sum += points;
            out.add(new Factor(f.name(), f.weight(), f.value() == null ? null : Math.round(f.value() * 100) / 100.0,
                    Figures.round1(points), explain ? f.why().get() : null));
        }
        return new LeadScore(in.id(), in.name(), (int) Math.round(sum), out);
    }

    /** Activity older than the recency horizon counts as none (its value would be 0 anyway). */
    private static Raw recency(Inputs in, long now, Settings s) {
        double w = s.weights().recency();
        Long activity = in.lastActivity();
        boolean active = activity != null && (in.createdAt() == null || activity >= in.createdAt());
        if (!active && (in.createdAt() == null || (now - in.createdAt()) / 86_400.0 >= s.recencyDays())) {
            return new Raw("recency", w, 0.0, () -> "no activity by a person in the last "
                    + Figures.round1(s.recencyDays()) + " days: 0.00");
        }
        long last = active ? activity : in.createdAt();
        double days = Math.max(0, (now - last) / 86_400.0);
        double v = Math.max(0, 1 - days / s.recencyDays());
        return new Raw("recency", w, v, () -> (active ? "last " + in.activity() + " by a person "
                + Figures.round1(days) + " days ago" : "no activity by a person since it was created "
                        + Figures.round1(days) + " days ago") + " (0 at " + Figures.round1(s.recencyDays())
                + " days): " + two(v));
    }

    private static Raw pace(Inputs in, StageCatalog cat, Map<String, Duration> medians, long now, double weight,
            int baselineDays) {
        List<Stage> stages = cat.workingStages(in.pipelineId());
        int at = -1;
        for (int i = 0; i < stages.size(); i++) {
            if (stages.get(i).stageId() == in.stageId()) {
                at = i + 1;
            }
        }
        int current = at;
        boolean basis = stages.stream().anyMatch(st -> medians.containsKey(in.pipelineId() + ":" + st.stageId()));
        if (current < 0 || !basis || in.createdAt() == null) {
            return new Raw("pace", weight, null, () -> current < 0 ? "its stage is not a working stage of the"
                    + " pipeline: left out" : "no stays finished in the last " + baselineDays
                            + " days to measure a pace against: left out");
        }
        double age = Math.max(0, (now - in.createdAt()) / 86_400.0);
        double reach = 0; // median days to reach stage i
        int reached = 1;
        for (int i = 1; i < stages.size(); i++) {
            Duration d = medians.get(in.pipelineId() + ":" + stages.get(i - 1).stageId());
            reach += d == null ? 0 : d.medianDays();
            if (reach <= age) {
                reached = i + 1;
            }
        }
        int expected = reached;
        double v = Math.min(1, (double) current / expected);
        return new Raw("pace", weight, v, () -> "stage " + current + " of " + stages.size() + " after "
                + Figures.round1(age) + " days; at the pipeline's median pace a lead is in stage " + expected
                + " by then: " + two(v));
    }

    private static Raw value(Inputs in, double weight) {
        if (in.price() <= 0) {
            return new Raw("value", weight, 0.0, () -> "no price: 0.00");
        }
        return new Raw("value", weight, in.valueRank(), () -> "price " + in.price() + " is at or above "
                + Math.round(in.valueRank() * 100) + "% of the pipeline's open leads: " + two(in.valueRank()));
    }

    private static Raw completeness(Inputs in, int required, double weight) {
        if (required == 0) {
            return new Raw("completeness", weight, 1.0, () -> "no fields are required in its pipeline: 1.00");
        }
        double v = (double) in.filled() / required;
        return new Raw("completeness", weight, v, () -> in.filled() + " of the " + required
                + " fields its pipeline requires are filled: " + two(v));
    }

    private static Raw tasks(Inputs in, double weight) {
        if (in.onTimeTasks() > 0) {
            return new Raw("tasks", weight, 1.0, () -> in.openTasks() + " open task(s), " + in.onTimeTasks()
                    + " not overdue: 1.00");
        }
        if (in.openTasks() > 0) {
            return new Raw("tasks", weight, 0.5, () -> "only overdue open tasks (" + in.openTasks() + "): 0.50");
        }
        return new Raw("tasks", weight, 0.0, () -> "no open task: 0.00");
    }

    private static String two(double v) {
        return String.format(java.util.Locale.ROOT, "%.2f", v);
    }
}
