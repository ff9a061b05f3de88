package io.kommomcp.analytics;

import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.kommomcp.analytics.FlowAnalytics.Duration;
import io.kommomcp.analytics.Results.Anomaly;

/**
 * Unusual patterns in a period against the {@value #BASELINE_PERIODS} periods of the same length before it, each
 * with its evidence (docs/analytics.md). Works on a workspace with every lead ({@code a_lead}), the whole stage
 * history ({@code a_stay}), tasks ({@code a_task}) and the deletions among the mirror's events; configuration changes
 * made outside kommo-mcp come from the tenant's audit trail (EXTERNAL entries).
 */
final class AnomalyDetector {

    static final int BASELINE_PERIODS = 8;
    /** Closed leads the period needs before its win rate is compared. */
    static final int MIN_CLOSED = 5;
    /** A win rate this many percentage points below the baseline's median is a drop. */
    static final double DROP_PP = 10;
    /** A count over this many times the baseline's median is a spike... */
    static final double SPIKE_FACTOR = 2;
    /** ...when it is at least this (lost leads), or {@link #MIN_REASON_SPIKE} (one loss reason). */
    static final int MIN_LOST_SPIKE = 5;
    static final int MIN_REASON_SPIKE = 3;
    /** High value: at or above this percentile of the open leads' prices in the pipeline. */
    static final double HIGH_VALUE_PERCENTILE = 0.9;
    /** A user's overdue tasks are abnormal from this many, and over {@link #SPIKE_FACTOR} x the users' median. */
    static final int MIN_OVERDUE = 5;
    /** Mass changes: this many stage changes or lead edits by one user within one hour (UTC)... */
    static final int MASS_CHANGES = 50;
    /** ...or this many deletions. */
    static final int MASS_DELETIONS = 10;
    /** Configuration changes: the EXTERNAL entries of these types. */
    static final List<String> CONFIG_TYPES = List.of("pipeline", "stage", "field", "field_group", "loss_reason",
            "user");

    private AnomalyDetector() {
    }

    static Results.Anomalies detect(Workspace ws, StageCatalog cat, Period p, double stuckFactor,
            Map<Long, String> users, Map<Long, String> reasons) throws SQLException {
        Period baseline = new Period(p.back(BASELINE_PERIODS).from(), p.from());
        List<Anomaly> out = new ArrayList<>();
        closedLeads(ws, p, reasons, out);
        stuckHighValue(ws, cat, p, baseline, stuckFactor, out);
        overdueTasks(ws, users, out);
        massChanges(ws, p, users, out);
        externalConfiguration(ws, p, out);
        return new Results.Anomalies(p.firstDay().toString(), p.lastDay().toString(), baseline.firstDay().toString(),
                out, List.of("conversion_drop", "lost_spike", "loss_reason_spike", "stuck_high_value",
                        "overdue_tasks", "mass_changes", "external_configuration_changes"), ws.source());
    }

    /** Win rate, lost leads and loss reasons of the period against the baseline periods' medians. */
    private static void closedLeads(Workspace ws, Period p, Map<Long, String> reasons, List<Anomaly> out)
            throws SQLException {
        int n = BASELINE_PERIODS + 1;
        long[] starts = new long[n];
        long[] ends = new long[n];
        int[] ks = new int[n];
        for (int k = 0; k < n; k++) {
            starts[k] = p.back(k).fromSecond();
            ends[k] = p.back(k).toSecond();
            ks[k] = k;
        }
        long[] won = new long[n];
        long[] lost = new long[n];
        Map<Long, long[]> perReason = new HashMap<>(); // reason (-1: none) -> lost per period
        Sql.of("select p.k, s.status_id, l.loss_reason_id, count(*) from unnest(?::bigint[], ?::bigint[],"
                + " ?::integer[]) as p(s0, e0, k) join a_stay s on s.status_id in (142, 143) and s.entered >= p.s0"
                + " and s.entered < p.e0 and (s.left_at is null or s.left_at >= p.e0)"
                + " join a_lead l on l.id = s.lead_id group by 1, 2, 3", starts, ends, ks)
                .list(ws.connection(), rs -> {
                    int k = rs.getInt(1);
                    long c = rs.getLong(4);
                    if (rs.getLong(2) == 142) {
                        won[k] += c;
                    } else {
                        lost[k] += c;
                        Long r = Sql.longOrNull(rs, "loss_reason_id");
                        perReason.computeIfAbsent(r == null ? -1L : r, x -> new long[n])[k] += c;
                    }
                    return null;
                });
        List<Double> rates = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        for (int k = 1; k < n; k++) {
            if (won[k] + lost[k] > 0) {
                rates.add(100.0 * won[k] / (won[k] + lost[k]));
            }
            losses.add((double) lost[k]);
        }
        Double medianRate = Figures.median(rates);
        if (won[0] + lost[0] >= MIN_CLOSED && medianRate != null) {
            double rate = 100.0 * won[0] / (won[0] + lost[0]);
            if (rate <= medianRate - DROP_PP) {
                out.add(new Anomaly("conversion_drop", "win rate " + Figures.round1(rate) + "% (" + won[0] + " won, "
                        + lost[0] + " lost) against a median of " + Figures.round1(medianRate) + "% in the "
                        + BASELINE_PERIODS + " periods before", evidence("win_rate_pct", Figures.round1(rate),
                                "won", won[0], "lost", lost[0], "baseline_median_pct", Figures.round1(medianRate),
                                "baseline_win_rates_pct", rates.stream().map(Figures::round1).toList())));
            }
        }
        double medianLost = Figures.median(losses);
        if (lost[0] >= MIN_LOST_SPIKE && lost[0] > SPIKE_FACTOR * medianLost) {
            out.add(new Anomaly("lost_spike", lost[0] + " leads lost against a median of " + Figures.round1(medianLost)
                    + " per period before", evidence("lost", lost[0], "baseline_median", Figures.round1(medianLost),
                            "baseline_lost", losses.stream().map(Double::longValue).toList())));
        }
        for (Map.Entry<Long, long[]> e : perReason.entrySet()) {
            long[] c = e.getValue();
            List<Double> before = new ArrayList<>();
            for (int k = 1; k < n; k++) {
                before.add((double) c[k]);
            }
            double median = Figures.median(before);
            if (c[0] >= MIN_REASON_SPIKE && c[0] > SPIKE_FACTOR * median) {
                String name = e.getKey() == -1L ? "(no reason)" : reasons.getOrDefault(e.getKey(), "loss reason "
                        + e.getKey());
                out.add(new Anomaly("loss_reason_spike", c[0] + " leads lost for \"" + name + "\" against a median of "
                        + Figures.round1(median) + " per period before", evidence("loss_reason_id", e.getKey() == -1L
                                ? null : e.getKey(), "loss_reason", name, "lost", c[0], "baseline_median",
                                Figures.round1(median), "baseline_lost", before.stream().map(Double::longValue)
                                        .toList())));
            }
        }
    }

    /** Open leads priced in the top tenth of their pipeline that sit in a stage over the stuck factor x its median. */
    private static void stuckHighValue(Workspace ws, StageCatalog cat, Period p, Period baseline, double factor,
            List<Anomaly> out) throws SQLException {
        Map<String, Duration> medians = FlowAnalytics.durations(ws, baseline.fromSecond(), p.toSecond(), true);
        List<Results.StuckLead> stuck = FlowAnalytics.stuck(ws, cat, medians, factor);
        if (stuck.isEmpty()) {
            return;
        }
        Map<Long, Double> threshold = new HashMap<>();
        Sql.of("select pipeline_id, percentile_cont(?) within group (order by price) from a_lead"
                + " where status_id not in (142, 143) group by 1", HIGH_VALUE_PERCENTILE).list(ws.connection(),
                        rs -> threshold.put(rs.getLong(1), rs.getDouble(2)));
        List<Map<String, Object>> leads = new ArrayList<>();
        for (Results.StuckLead s : stuck) { // most overdue first
            Double t = threshold.get(s.pipelineId());
            if (t != null && s.price() > 0 && s.price() >= t) {
                leads.add(evidence("lead_id", s.leadId(), "name", s.name(), "price", s.price(), "pipeline_price_p90",
                        Figures.round1(t), "stage", s.stage(), "days_in_stage", s.daysInStage(), "median_days",
                        s.medianDays(), "responsible_user_id", s.responsibleUserId()));
            }
        }
        if (!leads.isEmpty()) {
            Map<String, Object> first = leads.get(0);
            out.add(new Anomaly("stuck_high_value", leads.size() + " lead(s) priced in the top tenth of their pipeline"
                    + " sit in a stage over " + Figures.round1(factor) + " x its median; the furthest: lead "
                    + first.get("lead_id") + " (price " + first.get("price") + ") in " + first.get("stage") + " for "
                    + first.get("days_in_stage") + " days against a median of " + first.get("median_days"),
                    evidence("count", leads.size(), "leads", List.copyOf(leads.subList(0, Math.min(10,
                            leads.size()))))));
        }
    }

    /** Users whose overdue open tasks are many and over twice the median of the users with open tasks. */
    private static void overdueTasks(Workspace ws, Map<Long, String> users, List<Anomaly> out) throws SQLException {
        Map<Long, Long> overdue = new LinkedHashMap<>();
        Sql.of("select user_id, count(*) filter (where due < ?) from a_task where not completed"
                + " and user_id is not null group by 1 order by 1", ws.nowSecond()).list(ws.connection(),
                        rs -> overdue.put(rs.getLong(1), rs.getLong(2)));
        double median = overdue.isEmpty() ? 0 : Figures.median(overdue.values().stream().map(Long::doubleValue)
                .toList());
        overdue.forEach((user, n) -> {
            if (n >= MIN_OVERDUE && n > SPIKE_FACTOR * median) {
                out.add(new Anomaly("overdue_tasks", name(users, user) + " has " + n + " overdue tasks; the median of"
                        + " users with open tasks is " + Figures.round1(median), evidence("user_id", user,
                                "overdue", n, "users_median", Figures.round1(median))));
            }
        });
    }

    /** Many stage changes, lead edits or deletions by one user within one hour. */
    private static void massChanges(Workspace ws, Period p, Map<Long, String> users, List<Anomaly> out)
            throws SQLException {
        Sql.of("select kind, by, hour, n, ids from ("
                + " select 'stage changes' as kind, s.by, s.entered / 3600 as hour, count(*) as n,"
                + " (array_agg(s.lead_id order by s.lead_id))[1:5] as ids from a_stay s where s.seq > 0"
                + " and s.entered >= ? and s.entered < ? and coalesce(s.by, 0) <> 0 group by 2, 3 having count(*) >= ?"
                + " union all select 'lead edits', l.updated_by, l.updated_at / 3600, count(*),"
                + " (array_agg(l.id order by l.id))[1:5] from a_lead l where l.updated_at >= ? and l.updated_at < ?"
                + " and coalesce(l.updated_by, 0) <> 0 group by 2, 3 having count(*) >= ?"
                + " union all select 'deletions', e.created_by, e.created_at / 3600, count(*),"
                + " (array_agg(e.entity_id order by e.entity_id))[1:5] from mirror_event e where e.tenant_id = ?"
                + " and e.type in ('lead_deleted', 'contact_deleted', 'company_deleted') and e.created_at >= ?"
                + " and e.created_at < ? and coalesce(e.created_by, 0) <> 0 group by 2, 3 having count(*) >= ?"
                + ") m order by hour, kind, by", p.fromSecond(), p.toSecond(), MASS_CHANGES, p.fromSecond(),
                p.toSecond(), MASS_CHANGES, ws.key(), p.fromSecond(), p.toSecond(), MASS_DELETIONS)
                .list(ws.connection(), rs -> {
                    long by = rs.getLong(2);
                    String hour = Instant.ofEpochSecond(rs.getLong(3) * 3600).toString();
                    Long[] ids = (Long[]) rs.getArray(5).getArray();
                    out.add(new Anomaly("mass_changes", name(users, by) + " made " + rs.getLong(4) + " "
                            + rs.getString(1) + " within the hour from " + hour, evidence("user_id", by, "kind",
                                    rs.getString(1), "hour", hour, "count", rs.getLong(4), "sample_ids",
                                    List.of(ids))));
                    return null;
                });
    }

    /** Configuration changed in Kommo outside kommo-mcp (EXTERNAL entries of the audit trail) in the period. */
    private static void externalConfiguration(Workspace ws, Period p, List<Anomaly> out) throws SQLException {
        List<Map<String, Object>> changes = Sql.of("select recorded_at, tool, target_type, target_id, subject"
                + " from audit_entry where tenant_id = ? and kind = 'EXTERNAL' and recorded_at >= ?::timestamptz"
                + " and recorded_at < ?::timestamptz and target_type = any(?::text[])"
                + " order by recorded_at desc, seq desc",
                ws.tenant(), p.from().toString(), p.to().toString(), CONFIG_TYPES.toArray(String[]::new))
                .list(ws.connection(), rs -> {
                    Map<String, Object> c = new LinkedHashMap<>();
                    Timestamp at = rs.getTimestamp(1);
                    c.put("at", at.toInstant().toString());
                    c.put("change", rs.getString(2));
                    c.put("target", rs.getString(3) + " " + rs.getString(4));
                    c.put("by", rs.getString(5));
                    return c;
                });
        if (!changes.isEmpty()) {
            out.add(new Anomaly("external_configuration_changes", changes.size() + " configuration change(s) made in"
                    + " Kommo outside kommo-mcp", evidence("count", changes.size(), "changes", changes.subList(0,
                            Math.min(20, changes.size())))));
        }
    }

    private static String name(Map<Long, String> users, long id) {
        String n = users.get(id);
        return n == null ? "user " + id : n + " (" + id + ")";
    }

    private static Map<String, Object> evidence(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
