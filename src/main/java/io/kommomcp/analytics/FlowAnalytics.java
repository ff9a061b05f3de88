package io.kommomcp.analytics;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.kommomcp.analytics.Results.BucketConversion;
import io.kommomcp.analytics.Results.PipelineFigures;
import io.kommomcp.analytics.Results.StageConversion;
import io.kommomcp.analytics.Results.StageFigures;
import io.kommomcp.analytics.Results.StuckLead;
import io.kommomcp.analytics.StageCatalog.Stage;

/**
 * How leads flow through the pipelines (docs/analytics.md): leads and value per stage, time in stages and stuck
 * leads; conversion from stage to stage and to won; leads lost and why; the period against the one before. Each
 * works on a {@link Workspace} whose {@code a_lead} and {@code a_stay} the caller made.
 */
final class FlowAnalytics {

    /** Stays a stage needs in the period before its median is used to call leads stuck. */
    static final int STUCK_MIN_STAYS = 3;

    private FlowAnalytics() {
    }

    /** A stage's median and average stay (days) and how many stays ended in the period. */
    record Duration(long pipelineId, long stageId, long stays, double avgDays, double medianDays) {
    }

    /**
     * The stays of selected leads (of every lead in {@code a_lead} when not {@code selectedOnly}) that ended between
     * {@code from} and {@code to}, per stage (won and lost are not stages one stays in).
     */
    static Map<String, Duration> durations(Workspace ws, long from, long to, boolean selectedOnly)
            throws SQLException {
        Map<String, Duration> out = new LinkedHashMap<>();
        for (Duration d : Sql.of("select s.pipeline_id, s.status_id, count(*) as n,"
                + " avg(greatest(0, s.left_at - s.entered)) / 86400.0 as avg_days,"
                + " percentile_cont(0.5) within group (order by greatest(0, s.left_at - s.entered)) / 86400.0 as med"
                + " from a_stay s join a_lead l on l.id = s.lead_id" + (selectedOnly ? " and l.selected" : "")
                + " where s.left_at >= ? and s.left_at < ? and s.status_id not in (142, 143) and s.entered is not null"
                + " group by s.pipeline_id, s.status_id", from, to).list(ws.connection(), rs -> new Duration(
                        rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getDouble(4), rs.getDouble(5)))) {
            out.put(d.pipelineId() + ":" + d.stageId(), d);
        }
        return out;
    }

    /** Leads and value per (pipeline, stage) key: working stages now, won and lost closed in the period. */
    static Map<String, long[]> leadsPerStage(Workspace ws, Period p) throws SQLException {
        Map<String, long[]> out = new HashMap<>();
        Sql.of("select pipeline_id, status_id, count(*), sum(price) from a_lead where selected"
                + " and status_id not in (142, 143) group by 1, 2").list(ws.connection(), rs -> out.put(rs.getLong(1)
                        + ":" + rs.getLong(2), new long[] {rs.getLong(3), rs.getLong(4)}));
        closedIn(ws, p).list(ws.connection(), rs -> out.put(rs.getLong(1) + ":" + rs.getLong(2),
                new long[] {rs.getLong(3), rs.getLong(4)}));
        return out;
    }

    /** Leads closed (won or lost) in the period, per the stage they closed in: pipeline, stage, leads, value. */
    private static Sql closedIn(Workspace ws, Period p) {
        return Sql.of("select s.pipeline_id, s.status_id, count(*), sum(l.price) from a_stay s"
                + " join a_lead l on l.id = s.lead_id and l.selected where s.status_id in (142, 143)"
                + " and s.entered >= ? and s.entered < ? and (s.left_at is null or s.left_at >= ?) group by 1, 2",
                p.fromSecond(), p.toSecond(), p.toSecond());
    }

    static Results.PipelineStats pipelineStats(Workspace ws, StageCatalog cat, Period p, LeadFilter f,
            double factor, int limit) throws SQLException {
        Map<String, Duration> durations = durations(ws, p.fromSecond(), p.toSecond(), true);
        Map<String, long[]> leads = leadsPerStage(ws, p);
        List<StuckLead> stuck = stuck(ws, cat, durations, factor);
        Map<String, Long> stuckPerStage = new HashMap<>();
        for (StuckLead s : stuck) {
            stuckPerStage.merge(s.pipelineId() + ":" + s.stageId(), 1L, Long::sum);
        }
        List<PipelineFigures> pipelines = new ArrayList<>();
        for (long pid : f.pipelineId() != null ? List.of(f.pipelineId()) : cat.pipelineIds()) {
            List<StageFigures> stages = new ArrayList<>();
            for (Stage s : cat.stages(pid)) {
                String key = pid + ":" + s.stageId();
                long[] lv = leads.getOrDefault(key, new long[2]);
                Duration d = durations.get(key);
                stages.add(new StageFigures(s.stageId(), s.name(), s.kind().name(), lv[0], lv[1],
                        d == null ? 0 : d.stays(), d == null ? null : Figures.round1(d.avgDays()),
                        d == null ? null : Figures.round1(d.medianDays()),
                        stuckPerStage.getOrDefault(key, 0L)));
            }
            pipelines.add(new PipelineFigures(pid, cat.pipelineName(pid), stages));
        }
        return new Results.PipelineStats(p.firstDay().toString(), p.lastDay().toString(), pipelines, factor,
                stuck.size(), stuck.subList(0, Math.min(limit, stuck.size())), ws.source());
    }

    /**
     * Selected leads in a working stage now for longer than {@code factor} times the stage's median stay (which must
     * rest on at least {@link #STUCK_MIN_STAYS} stays and be above zero), most overdue first.
     */
    static List<StuckLead> stuck(Workspace ws, StageCatalog cat, Map<String, Duration> durations, double factor)
            throws SQLException {
        List<Duration> usable = durations.values().stream().filter(d -> d.stays() >= STUCK_MIN_STAYS
                && d.medianDays() > 0).toList();
        if (usable.isEmpty()) {
            return List.of();
        }
        long now = ws.nowSecond();
        List<StuckLead> out = Sql.of("select l.id, l.name, l.pipeline_id, l.status_id, l.price, l.user_id,"
                + " (? - s.entered) / 86400.0 as days, m.med from a_stay s"
                + " join a_lead l on l.id = s.lead_id and l.selected and l.pipeline_id = s.pipeline_id"
                + " and l.status_id = s.status_id"
                + " join unnest(?::bigint[], ?::bigint[], ?::float8[]) as m(pipeline_id, status_id, med)"
                + " on m.pipeline_id = s.pipeline_id and m.status_id = s.status_id"
                + " where s.left_at is null and s.status_id not in (142, 143)"
                + " and (? - s.entered) / 86400.0 > ? * m.med",
                now, usable.stream().mapToLong(Duration::pipelineId).toArray(),
                usable.stream().mapToLong(Duration::stageId).toArray(),
                usable.stream().mapToDouble(Duration::medianDays).toArray(), now, factor)
                .list(ws.connection(), rs -> new StuckLead(rs.getLong(1), rs.getString(2), rs.getLong(3),
                        rs.getLong(4), cat.stageName(rs.getLong(3), rs.getLong(4)), Figures.round1(rs.getDouble(7)),
                        Figures.round1(rs.getDouble(8)), rs.getLong(5), Sql.longOrNull(rs, "user_id")));
        List<StuckLead> sorted = new ArrayList<>(out);
        sorted.sort(Comparator.comparingDouble((StuckLead s) -> -s.daysInStage() / s.medianDays())
                .thenComparingLong(StuckLead::leadId));
        return sorted;
    }

    // ------------------------------------------------------------------ conversion

    static Results.ConversionRates conversion(Workspace ws, StageCatalog cat, Period p, long pipelineId,
            Bucket bucket) throws SQLException {
        long[] starts = p.bucketStarts(bucket);
        long end = p.toSecond();
        // per bucket (1..n) and for the whole period (0): stage -> {entered, progressed}
        Map<Integer, Map<Long, long[]>> stages = new HashMap<>();
        Sql.of("with st as (select s.lead_id, s.seq, s.status_id, s.entered, c.rank, c.kind,"
                + " max(case when c.kind <> 'lost' then c.rank end) over (partition by s.lead_id order by s.seq desc"
                + " rows between unbounded preceding and 1 preceding) as later"
                + " from a_stay s join a_lead l on l.id = s.lead_id and l.selected"
                + " join a_stage c on c.pipeline_id = s.pipeline_id and c.status_id = s.status_id"
                + " where s.pipeline_id = ? and s.entered < ?),"
                + " e as (select lead_id, status_id, rank, width_bucket(entered, ?::bigint[]) as b, max(later) as later"
                + " from st where entered >= ? and kind in ('open', 'unsorted') group by 1, 2, 3, 4)"
                + " select b, status_id, count(*), count(*) filter (where later > rank) from e group by 1, 2"
                + " union all select 0, status_id, count(*), count(*) filter (where later > rank)"
                + " from (select lead_id, status_id, rank, max(later) as later from e group by 1, 2, 3) t group by 2",
                pipelineId, end, starts, p.fromSecond()).list(ws.connection(), rs -> stages.computeIfAbsent(
                        rs.getInt(1), k -> new HashMap<>()).put(rs.getLong(2), new long[] {rs.getLong(3),
                            rs.getLong(4)}));
        Map<Integer, long[]> created = new HashMap<>(); // bucket -> {created, won}
        Sql.of("select width_bucket(l.created_at, ?::bigint[]), count(*), count(w.lead_id) from a_lead l"
                + " left join (select distinct lead_id from a_stay where status_id = 142 and entered < ?"
                + " and (left_at is null or left_at >= ?)) w on w.lead_id = l.id"
                + " where l.selected and l.created_at >= ? and l.created_at < ? group by 1", starts, end, end,
                p.fromSecond(), end).list(ws.connection(), rs -> created.put(rs.getInt(1), new long[] {
                    rs.getLong(2), rs.getLong(3)}));

        List<BucketConversion> buckets = new ArrayList<>();
        List<Double> rates = new ArrayList<>();
        long allCreated = 0;
        long allWon = 0;
        for (int b = 1; b <= starts.length; b++) {
            long[] cw = created.getOrDefault(b, new long[2]);
            allCreated += cw[0];
            allWon += cw[1];
            Double rate = Figures.pct(cw[1], cw[0]);
            rates.add(rate);
            long bucketEnd = b < starts.length ? starts[b] : end;
            buckets.add(new BucketConversion(day(starts[b - 1]), day(bucketEnd - 86_400), cw[0], cw[1], rate,
                    stageList(cat, pipelineId, stages.getOrDefault(b, Map.of()))));
        }
        return new Results.ConversionRates(p.firstDay().toString(), p.lastDay().toString(), pipelineId,
                cat.pipelineName(pipelineId), bucket.name(), allCreated, allWon, Figures.pct(allWon, allCreated),
                stageList(cat, pipelineId, stages.getOrDefault(0, Map.of())), buckets, Figures.rateTrend(rates),
                ws.source());
    }

    private static List<StageConversion> stageList(StageCatalog cat, long pipelineId, Map<Long, long[]> figures) {
        List<StageConversion> out = new ArrayList<>();
        for (Stage s : cat.workingStages(pipelineId)) {
            long[] ep = figures.getOrDefault(s.stageId(), new long[2]);
            out.add(new StageConversion(s.stageId(), s.name(), ep[0], ep[1], Figures.pct(ep[1], ep[0])));
        }
        return out;
    }

    static String day(long epochSecond) {
        return java.time.LocalDate.ofEpochDay(Math.floorDiv(epochSecond, 86_400)).toString();
    }

    // ------------------------------------------------------------------ loss reasons

    static Results.LossReasonStats lossReasons(Workspace ws, Period p, Bucket bucket, Map<Long, String> reasonNames)
            throws SQLException {
        long[] starts = p.bucketStarts(bucket);
        Map<Long, long[]> perReason = new LinkedHashMap<>(); // reason (-1: none) -> {leads, value, bucket counts...}
        Sql.of("select l.loss_reason_id, width_bucket(s.entered, ?::bigint[]), count(*), sum(l.price) from a_stay s"
                + " join a_lead l on l.id = s.lead_id and l.selected where s.status_id = 143 and s.entered >= ?"
                + " and s.entered < ? and (s.left_at is null or s.left_at >= ?) group by 1, 2", starts,
                p.fromSecond(), p.toSecond(), p.toSecond()).list(ws.connection(), rs -> {
                    Long reason = Sql.longOrNull(rs, "loss_reason_id");
                    long[] row = perReason.computeIfAbsent(reason == null ? -1L : reason,
                            k -> new long[2 + starts.length]);
                    row[0] += rs.getLong(3);
                    row[1] += rs.getLong(4);
                    row[1 + rs.getInt(2)] += rs.getLong(3);
                    return null;
                });
        long lost = perReason.values().stream().mapToLong(r -> r[0]).sum();
        long value = perReason.values().stream().mapToLong(r -> r[1]).sum();
        List<Results.ReasonFigures> reasons = new ArrayList<>();
        for (Map.Entry<Long, long[]> e : perReason.entrySet()) {
            long[] r = e.getValue();
            List<Long> per = new ArrayList<>();
            for (int b = 0; b < starts.length; b++) {
                per.add(r[2 + b]);
            }
            Long id = e.getKey() == -1L ? null : e.getKey();
            String name = id == null ? "(no reason)" : reasonNames.getOrDefault(id, "loss reason " + id);
            reasons.add(new Results.ReasonFigures(id, name, r[0], r[1], Figures.round1(100.0 * r[0] / lost), per,
                    Figures.countTrend(per)));
        }
        reasons.sort(Comparator.comparingLong((Results.ReasonFigures r) -> -r.leads()).thenComparing(
                r -> r.lossReasonId() == null ? Long.MAX_VALUE : r.lossReasonId()));
        List<Results.Span> spans = new ArrayList<>();
        for (int b = 0; b < starts.length; b++) {
            spans.add(new Results.Span(day(starts[b]), day((b + 1 < starts.length ? starts[b + 1] : p.toSecond())
                    - 86_400)));
        }
        return new Results.LossReasonStats(p.firstDay().toString(), p.lastDay().toString(), bucket.name(), lost,
                value, spans, reasons, ws.source());
    }

    // ------------------------------------------------------------------ overview

    static Results.SalesOverview overview(Workspace ws, StageCatalog cat, Period p) throws SQLException {
        Results.PeriodFigures current = periodFigures(ws, p);
        Results.PeriodFigures previous = periodFigures(ws, p.previous());
        List<Results.OpenStage> open = new ArrayList<>();
        Map<String, long[]> now = new HashMap<>();
        Sql.of("select pipeline_id, status_id, count(*), sum(price) from a_lead where selected"
                + " and status_id not in (142, 143) group by 1, 2").list(ws.connection(), rs -> now.put(rs.getLong(1)
                        + ":" + rs.getLong(2), new long[] {rs.getLong(3), rs.getLong(4)}));
        long leads = 0;
        long value = 0;
        for (long pid : cat.pipelineIds()) {
            for (Stage s : cat.workingStages(pid)) {
                long[] lv = now.remove(pid + ":" + s.stageId());
                if (lv != null) {
                    open.add(new Results.OpenStage(pid, cat.pipelineName(pid), s.stageId(), s.name(), lv[0], lv[1]));
                }
            }
        }
        for (Map.Entry<String, long[]> e : now.entrySet()) { // stages the account no longer has
            String[] k = e.getKey().split(":");
            open.add(new Results.OpenStage(Long.parseLong(k[0]), cat.pipelineName(Long.parseLong(k[0])),
                    Long.parseLong(k[1]), "stage " + k[1], e.getValue()[0], e.getValue()[1]));
        }
        for (Results.OpenStage s : open) {
            leads += s.leads();
            value += s.value();
        }
        return new Results.SalesOverview(current, previous, new Results.Changes(
                Figures.change(current.wonCount(), previous.wonCount()),
                Figures.change(current.wonValue(), previous.wonValue()),
                Figures.change(current.lostCount(), previous.lostCount()),
                Figures.change(current.newLeads(), previous.newLeads())), leads, value, open, ws.source());
    }

    private static Results.PeriodFigures periodFigures(Workspace ws, Period p) throws SQLException {
        long[] f = new long[3]; // won, won value, lost
        closedIn(ws, p).list(ws.connection(), rs -> {
            if (rs.getLong(2) == 142) {
                f[0] += rs.getLong(3);
                f[1] += rs.getLong(4);
            } else {
                f[2] += rs.getLong(3);
            }
            return null;
        });
        long created = Sql.of("select count(*) from a_lead where selected and created_at >= ? and created_at < ?",
                p.fromSecond(), p.toSecond()).one(ws.connection(), rs -> rs.getLong(1));
        return new Results.PeriodFigures(p.firstDay().toString(), p.lastDay().toString(), f[0], f[1], f[2], created,
                Figures.pct(f[0], f[0] + f[2]));
    }
}
