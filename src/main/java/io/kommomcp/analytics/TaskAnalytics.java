package io.kommomcp.analytics;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.kommomcp.analytics.Results.LeadWithoutTask;
import io.kommomcp.analytics.Results.OverdueTask;
import io.kommomcp.analytics.Results.UserCount;

/**
 * Open work (docs/analytics.md): tasks not done whose due time has passed, and open leads without any open task.
 * Works on a workspace with {@code a_lead} and {@code a_task}.
 */
final class TaskAnalytics {

    private TaskAnalytics() {
    }

    /**
     * Open tasks due before now (and within {@code due} when given), of one user when {@code userId} is given, on
     * selected leads only when {@code onLeads}; the oldest first.
     */
    static Results.TasksOverdue overdue(Workspace ws, Period due, Long userId, boolean onLeads, int limit,
            Map<Long, String> names) throws SQLException {
        long now = ws.nowSecond();
        Sql q = Sql.of("select t.id, t.text, t.due, t.user_id, t.entity_type, t.entity_id, l.name from a_task t"
                + " left join a_lead l on l.id = t.lead_id where not t.completed and t.due < ?", now);
        if (due != null) {
            q.add(" and t.due >= ? and t.due < ?", due.fromSecond(), due.toSecond());
        }
        if (userId != null) {
            q.add(" and t.user_id = ?", userId);
        }
        if (onLeads) {
            q.add(" and l.selected");
        }
        q.add(" order by t.due, t.id");
        List<OverdueTask> all = q.list(ws.connection(), rs -> new OverdueTask(rs.getLong(1), rs.getString(2),
                Instant.ofEpochSecond(rs.getLong(3)).toString(), Figures.round1((now - rs.getLong(3)) / 86_400.0),
                Sql.longOrNull(rs, "user_id"), rs.getString(5), Sql.longOrNull(rs, "entity_id"), rs.getString(7)));
        Map<Long, Long> perUser = new LinkedHashMap<>();
        all.forEach(t -> perUser.merge(t.responsibleUserId() == null ? -1L : t.responsibleUserId(), 1L, Long::sum));
        return new Results.TasksOverdue(all.size(), byUser(perUser, names), List.copyOf(all.subList(0, Math.min(limit,
                all.size()))), ws.source());
    }

    /** Selected open leads (created within {@code created} when given) without an open task; highest price first. */
    static Results.LeadsWithoutTasks withoutTasks(Workspace ws, StageCatalog cat, Period created, int limit,
            Map<Long, String> names) throws SQLException {
        long now = ws.nowSecond();
        Sql q = Sql.of("select l.id, l.name, l.pipeline_id, l.status_id, l.price, l.user_id, l.created_at"
                + " from a_lead l where l.selected and l.status_id not in (142, 143)"
                + " and not exists (select 1 from a_task t where t.lead_id = l.id and not t.completed)");
        if (created != null) {
            q.add(" and l.created_at >= ? and l.created_at < ?", created.fromSecond(), created.toSecond());
        }
        q.add(" order by l.price desc, l.id");
        List<LeadWithoutTask> all = q.list(ws.connection(), rs -> new LeadWithoutTask(rs.getLong(1),
                rs.getString(2), cat.pipelineName(rs.getLong(3)), cat.stageName(rs.getLong(3), rs.getLong(4)),
                rs.getLong(5), Sql.longOrNull(rs, "user_id"), Figures.round1((now - rs.getLong(7)) / 86_400.0)));
        Map<Long, Long> perUser = new LinkedHashMap<>();
        long value = 0;
        for (LeadWithoutTask l : all) {
            perUser.merge(l.responsibleUserId() == null ? -1L : l.responsibleUserId(), 1L, Long::sum);
            value += l.price();
        }
        return new Results.LeadsWithoutTasks(all.size(), value, byUser(perUser, names), List.copyOf(all.subList(0,
                Math.min(limit, all.size()))), ws.source());
    }

    private static List<UserCount> byUser(Map<Long, Long> perUser, Map<Long, String> names) {
        List<UserCount> out = new ArrayList<>();
        perUser.forEach((id, n) -> out.add(new UserCount(id == -1L ? null : id, id == -1L ? null : names.get(id), n)));
        out.sort(Comparator.comparingLong((UserCount u) -> -u.count()).thenComparing(u -> u.userId() == null
                ? Long.MAX_VALUE : u.userId()));
        return out;
    }
}
