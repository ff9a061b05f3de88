package io.kommomcp.intelligence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.kommomcp.core.LeadStatusThresholds;
import io.kommomcp.intelligence.LeadStatusRules.Assessment;
import io.kommomcp.intelligence.StageMedians.StageMedian;
import io.kommomcp.intelligence.Views.LeadContext;
import io.kommomcp.intelligence.Views.NextStage;
import io.kommomcp.intelligence.Views.Risk;
import io.kommomcp.intelligence.Views.StageRef;
import io.kommomcp.intelligence.Views.TaskItem;
import io.kommomcp.intelligence.Views.UserRef;
import io.kommomcp.kommo.wire.CustomFieldValue;
import io.kommomcp.kommo.wire.FieldDef;
import io.kommomcp.kommo.wire.Lead;
import io.kommomcp.kommo.wire.Pipeline;
import io.kommomcp.kommo.wire.Task;

/**
 * A lead's context in brief, from its history and assessment. Risks of an open lead, in this order:
 * {@code overdue_tasks} (any open task past its due time), {@code stuck} (in its stage longer than the tenant's
 * factor times the stage's median stay), {@code no_activity} (no activity for more than the tenant's active days),
 * {@code no_next_step} (no open task), {@code missing_fields} (its stage requires fields it has not filled). A won or
 * lost lead has none.
 */
public final class ContextSummaries {

    /** Open tasks listed at most. */
    static final int MAX_TASKS = 10;
    /** Interactions shown. */
    static final int LAST_INTERACTIONS = 3;

    private ContextSummaries() {
    }

    public static LeadContext build(LeadHistory h, Assessment a, StageMedian median, LeadStatusThresholds t,
            List<Pipeline> pipelines, List<FieldDef> fields, Names names, long now) {
        Lead lead = h.lead();
        LeadStatusRules.Evidence ev = a.evidence();
        List<Timeline.Entry> all = Timeline.entries(h, names);
        List<Timeline.Entry> interactions = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0 && interactions.size() < LAST_INTERACTIONS; i--) {
            if (Timeline.INTERACTIONS.contains(all.get(i).kind())) {
                interactions.add(all.get(i));
            }
        }
        List<Task> open = h.tasks().stream().filter(x -> !x.completed())
                .sorted(Comparator.comparing((Task x) -> x.completeTill() == null ? Long.MAX_VALUE : x.completeTill())
                        .thenComparingLong(Task::id)).toList();
        List<TaskItem> tasks = open.stream().limit(MAX_TASKS).map(x -> task(x, names, now)).toList();
        int overdue = (int) open.stream().filter(x -> x.completeTill() != null && x.completeTill() < now).count();
        TaskItem next = tasks.isEmpty() ? null : tasks.get(0);

        boolean closed = lead.statusId() != null && (lead.statusId() == Pipeline.Stage.WON
                || lead.statusId() == Pipeline.Stage.LOST);
        List<String> missing = lead.pipelineId() == null || lead.statusId() == null ? List.of()
                : missing(lead, fields, lead.pipelineId(), lead.statusId());
        NextStage nextStage = null;
        Pipeline.Stage after = closed ? null : nextStage(pipelines, lead.pipelineId(), lead.statusId());
        if (after != null) {
            nextStage = new NextStage(after.id(), after.name(), missing(lead, fields, lead.pipelineId(), after.id()));
        }

        List<Risk> risks = new ArrayList<>();
        if (!closed) {
            if (overdue > 0) {
                Task first = open.get(0);
                risks.add(new Risk("overdue_tasks", overdue + " overdue task" + (overdue == 1 ? "" : "s")
                        + ", the first \"" + first.text() + "\" due " + Instant.ofEpochSecond(first.completeTill())));
            }
            if (LeadStatusRules.stuck(now - (ev.enteredStageAt().getEpochSecond()), median, t)) {
                risks.add(new Risk("stuck", ev.daysInStage() + " days in " + names.stageLabel(lead.pipelineId(),
                        lead.statusId()) + ", " + ev.timesMedian() + " times its median stay of "
                        + ev.medianDaysInStage() + " days"));
            }
            if (ev.daysSinceActivity() > t.activeDays()) {
                risks.add(new Risk("no_activity", "no activity for " + ev.daysSinceActivity() + " days (active means"
                        + " within " + t.activeDays() + ")"));
            }
            if (open.isEmpty()) {
                risks.add(new Risk("no_next_step", "no open task: no next step is planned"));
            }
            if (!missing.isEmpty()) {
                risks.add(new Risk("missing_fields", "its stage requires " + String.join(", ", missing)
                        + ", still empty"));
            }
        }
        return new LeadContext(lead.id(), lead.name(), lead.price(), new StageRef(lead.pipelineId(),
                lead.pipelineId() == null ? null : names.pipeline(lead.pipelineId()), lead.statusId(),
                lead.pipelineId() == null || lead.statusId() == null ? null
                        : names.stage(lead.pipelineId(), lead.statusId())),
                ev.enteredStageAt(), ev.daysInStage(), ev.medianDaysInStage(), ev.stageStays(),
                new UserRef(lead.responsibleUserId(), names.userLabel(lead.responsibleUserId())), ev.lastActivityAt(),
                ev.daysSinceActivity(), a.status().name(), a.reasons(), List.copyOf(interactions), open.size(),
                overdue, tasks, next, missing, nextStage, List.copyOf(risks), h.asOf(), h.gaps());
    }

    /** The stage after {@code stageId} in the pipeline's order (won after the last open stage), or null. */
    static Pipeline.Stage nextStage(List<Pipeline> pipelines, Long pipelineId, Long stageId) {
        if (pipelineId == null || stageId == null) {
            return null;
        }
        Pipeline p = pipelines.stream().filter(x -> x.id() == pipelineId).findFirst().orElse(null);
        if (p == null) {
            return null;
        }
        List<Pipeline.Stage> stages = p.stages();
        int at = -1;
        for (int i = 0; i < stages.size(); i++) {
            if (stages.get(i).id() == stageId) {
                at = i;
            }
        }
        if (at < 0) {
            return null;
        }
        for (int i = at + 1; i < stages.size(); i++) {
            Pipeline.Stage s = stages.get(i);
            if (s.id() != Pipeline.Stage.LOST && s.type() != 1) {
                return s;
            }
        }
        return null;
    }

    /** The names of the fields the stage requires that the lead has not filled. */
    static List<String> missing(Lead lead, List<FieldDef> fields, long pipelineId, long stageId) {
        return fields.stream().filter(d -> d.requiredIn().stream().anyMatch(r -> r.pipelineId() == pipelineId
                && r.stageId() == stageId)).filter(d -> lead.customFields().stream().noneMatch(v -> v.fieldId()
                        == d.id() && v.values().stream().anyMatch(ContextSummaries::filled))).map(FieldDef::name)
                .toList();
    }

    /** A value counts as filled as fields_required_for_stage counts it: text that is not blank or "false", or an option. */
    static boolean filled(CustomFieldValue.Item i) {
        return (i.value() != null && !i.value().isBlank() && !i.value().equals("false")) || i.enumId() != null;
    }

    private static TaskItem task(Task x, Names names, long now) {
        return new TaskItem(x.id(), x.text(), x.completeTill() == null ? null : Instant.ofEpochSecond(
                x.completeTill()), x.completeTill() != null && x.completeTill() < now,
                new UserRef(x.responsibleUserId(), names.userLabel(x.responsibleUserId())));
    }
}
