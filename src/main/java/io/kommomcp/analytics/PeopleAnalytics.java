package io.kommomcp.analytics;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.kommomcp.analytics.Results.UserFigures;

/**
 * What each user's leads and tasks did in a period (docs/analytics.md): leads created, won and lost (by the lead's
 * current responsible user), win rate, median days to win, tasks done and overdue (by the task's responsible user),
 * and the response to new leads: the time from a lead's creation to the first stage change, note or task a person
 * made on it. Works on a workspace with {@code a_lead}, {@code a_stay} (from the period's start), {@code a_task} and
 * {@code a_note}.
 */
final class PeopleAnalytics {

    private PeopleAnalytics() {
    }

    /** Mutable row while the queries fill it. */
    private static final class Row {
        long created;
        long won;
        long lost;
        long wonValue;
        Double medianDaysToClose;
        long tasksDone;
        long tasksOverdue;
        Double medianResponseHours;
        long responded;
        long notResponded;
    }

    /**
     * Every user with a figure in the period (or only {@code only} when given), busiest first. {@code tasksOnLeads}:
     * count only tasks on selected leads (when a pipeline or tag narrows the leads).
     */
    static List<UserFigures> users(Workspace ws, Period p, boolean tasksOnLeads, List<Long> only,
            Map<Long, String> names) throws SQLException {
        Map<Long, Row> rows = new TreeMap<>();
        long from = p.fromSecond();
        long to = p.toSecond();
        Sql.of("select user_id, count(*) from a_lead where selected and created_at >= ? and created_at < ?"
                + " and user_id is not null group by 1", from, to).list(ws.connection(), rs -> rows.computeIfAbsent(
                        rs.getLong(1), k -> new Row()).created = rs.getLong(2));
        Sql.of("select l.user_id, count(*) filter (where s.status_id = 142), count(*) filter (where s.status_id = 143),"
                + " coalesce(sum(l.price) filter (where s.status_id = 142), 0),"
                + " percentile_cont(0.5) within group (order by greatest(0, s.entered - l.created_at))"
                + " filter (where s.status_id = 142) / 86400.0 as med_close from a_stay s"
                + " join a_lead l on l.id = s.lead_id and l.selected where s.status_id in (142, 143)"
                + " and s.entered >= ? and s.entered < ? and (s.left_at is null or s.left_at >= ?)"
                + " and l.user_id is not null group by 1", from, to, to).list(ws.connection(), rs -> {
                    Row r = rows.computeIfAbsent(rs.getLong(1), k -> new Row());
                    r.won = rs.getLong(2);
                    r.lost = rs.getLong(3);
                    r.wonValue = rs.getLong(4);
                    r.medianDaysToClose = Figures.round1(Sql.doubleOrNull(rs, "med_close"));
                    return r;
                });
        String onLeads = tasksOnLeads ? " and exists (select 1 from a_lead l where l.id = t.lead_id and l.selected)"
                : "";
        Sql.of("select t.user_id, count(*) filter (where t.completed and t.updated_at >= ? and t.updated_at < ?),"
                + " count(*) filter (where not t.completed and t.due < ?) from a_task t where t.user_id is not null"
                + onLeads + " group by 1", from, to, ws.nowSecond()).list(ws.connection(), rs -> {
                    if (rs.getLong(2) > 0 || rs.getLong(3) > 0) {
                        Row r = rows.computeIfAbsent(rs.getLong(1), k -> new Row());
                        r.tasksDone = rs.getLong(2);
                        r.tasksOverdue = rs.getLong(3);
                    }
                    return null;
                });
        Sql.of("with nl as (select id, user_id, created_at from a_lead where selected and created_at >= ?"
                + " and created_at < ? and user_id is not null),"
                + " act as (select t.lead_id, min(t.created_at) as at from a_task t join nl on nl.id = t.lead_id"
                + " where t.created_at >= nl.created_at and coalesce(t.created_by, 0) <> 0 group by 1"
                + " union all select n.lead_id, min(n.created_at) from a_note n join nl on nl.id = n.lead_id"
                + " where n.created_at >= nl.created_at and coalesce(n.created_by, 0) <> 0 group by 1"
                + " union all select s.lead_id, min(s.entered) from a_stay s join nl on nl.id = s.lead_id"
                + " where s.seq > 0 and s.entered >= nl.created_at and coalesce(s.by, 0) <> 0 group by 1),"
                + " first_act as (select lead_id, min(at) as at from act group by 1)"
                + " select nl.user_id, count(f.lead_id), count(*) - count(f.lead_id),"
                + " percentile_cont(0.5) within group (order by f.at - nl.created_at) / 3600.0 as hours"
                + " from nl left join first_act f on f.lead_id = nl.id group by 1", from, to)
                .list(ws.connection(), rs -> {
                    Row r = rows.computeIfAbsent(rs.getLong(1), k -> new Row());
                    r.responded = rs.getLong(2);
                    r.notResponded = rs.getLong(3);
                    r.medianResponseHours = Figures.round1(Sql.doubleOrNull(rs, "hours"));
                    return r;
                });
        List<UserFigures> out = new ArrayList<>();
        List<Long> ids = only != null ? only : List.copyOf(rows.keySet());
        for (long id : ids) {
            Row r = rows.getOrDefault(id, new Row());
            out.add(new UserFigures(id, names.get(id), names.containsKey(id), r.created, r.won, r.lost, r.wonValue,
                    Figures.pct(r.won, r.won + r.lost), r.medianDaysToClose, r.tasksDone, r.tasksOverdue,
                    r.medianResponseHours, r.responded, r.notResponded));
        }
        if (only == null) {
            out.sort(Comparator.comparingLong((UserFigures u) -> -u.wonValue()).thenComparingLong(u -> -u.won())
                    .thenComparingLong(u -> -u.leadsCreated()).thenComparingLong(UserFigures::userId));
        }
        return out;
    }
}
