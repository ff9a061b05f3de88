package io.kommomcp.intelligence;

import java.time.Instant;
import java.util.List;

import io.kommomcp.core.LeadStatusThresholds;
import io.kommomcp.core.Rendered;

/** What the intelligence tools answer. */
public final class Views {

    private Views() {
    }

    /** A user by id and name (a user the account no longer lists is named by id). */
    public record UserRef(Long id, String name) {
    }

    /** A lead's pipeline and stage, ids and names. */
    public record StageRef(Long pipelineId, String pipeline, Long stageId, String stage) {

        String label() {
            return (stage == null ? "stage " + stageId : stage) + " (" + (pipeline == null ? "pipeline " + pipelineId
                    : pipeline) + ")";
        }
    }

    /**
     * A page of a lead's timeline. {@code asOf}: stage changes, notes and tasks came from the tenant's mirror, current
     * as of then; absent: everything was read from Kommo just now. {@code gaps}: what the timeline is known to lack.
     */
    public record LeadTimeline(long leadId, String leadName, boolean deleted, List<Timeline.Entry> entries,
            String order, int page, boolean hasMore, Integer nextPage, int total, Instant asOf, List<String> gaps)
            implements Rendered {

        @Override
        public String toText() {
            StringBuilder sb = new StringBuilder("Timeline of lead " + leadId + " \"" + leadName + "\""
                    + (deleted ? " (in the trash)" : "") + ", " + order.replace('_', ' ') + ", " + total
                    + " entries" + (asOf == null ? "" : " (stage changes, notes and tasks from the mirror, current as"
                            + " of " + asOf + ")") + ":");
            if (entries.isEmpty()) {
                sb.append("\n(nothing on this page)");
            }
            entries.forEach(e -> sb.append("\n- ").append(e.at()).append(' ').append(e.kind()).append(": ")
                    .append(e.summary()).append(e.user() == null ? "" : " [" + e.user() + "]"));
            if (hasMore) {
                sb.append("\nMore on page ").append(nextPage).append('.');
            }
            gaps.forEach(g -> sb.append("\nNote: ").append(g));
            return sb.toString();
        }
    }

    /** An open task. */
    public record TaskItem(long taskId, String text, Instant due, boolean overdue, UserRef responsible) {
    }

    /** The stage after the lead's current one, and the fields it requires that the lead has not filled. */
    public record NextStage(long stageId, String stage, List<String> missingFields) {
    }

    /** Something that makes the deal less likely to close, in words. */
    public record Risk(String kind, String detail) {
    }

    /**
     * A lead in brief, for a model's context. Days are whole days; the median is the stage's median stay from the
     * mirror's stage histories (absent without them). {@code nextStep}: the open task due first (an overdue one
     * first of all).
     */
    public record LeadContext(long leadId, String name, Long value, StageRef stage, Instant enteredStageAt,
            int daysInStage, Double medianDaysInStage, Integer stageStays, UserRef responsible,
            Instant lastActivityAt, int daysSinceActivity, String status, List<String> statusReasons,
            List<Timeline.Entry> lastInteractions, int openTasks, int overdueTasks, List<TaskItem> tasks,
            TaskItem nextStep, List<String> missingFields, NextStage nextStage, List<Risk> risks, Instant asOf,
            List<String> gaps) implements Rendered {

        @Override
        public String toText() {
            StringBuilder sb = new StringBuilder("Lead " + leadId + " \"" + name + "\"");
            sb.append(value == null ? "" : ", value " + value).append(", ").append(status.replace('_', ' '));
            sb.append("\nStage: ").append(stage.label()).append(" for ").append(daysInStage).append(" days")
                    .append(medianDaysInStage == null ? "" : " (median stay " + medianDaysInStage + " days)")
                    .append(". Responsible: ").append(responsible.name() == null ? "nobody" : responsible.name())
                    .append(". Last activity ").append(daysSinceActivity).append(" days ago.");
            if (!lastInteractions.isEmpty()) {
                sb.append("\nLast interactions:");
                lastInteractions.forEach(e -> sb.append("\n- ").append(e.at()).append(' ').append(e.summary()));
            }
            sb.append("\nTasks: ").append(openTasks).append(" open, ").append(overdueTasks).append(" overdue.")
                    .append(nextStep == null ? " No next step planned." : " Next step: \"" + nextStep.text()
                            + "\" due " + nextStep.due() + (nextStep.overdue() ? " (overdue)" : "") + ".");
            if (!missingFields.isEmpty()) {
                sb.append("\nMissing for this stage: ").append(String.join(", ", missingFields)).append('.');
            }
            if (nextStage != null && !nextStage.missingFields().isEmpty()) {
                sb.append("\nMissing for ").append(nextStage.stage()).append(": ")
                        .append(String.join(", ", nextStage.missingFields())).append('.');
            }
            if (!risks.isEmpty()) {
                sb.append("\nRisks:");
                risks.forEach(r -> sb.append("\n- ").append(r.detail()));
            }
            if (asOf != null) {
                sb.append("\nFrom the mirror, current as of ").append(asOf).append('.');
            }
            gaps.forEach(g -> sb.append("\nNote: ").append(g));
            return sb.toString();
        }
    }

    /** One lead's status with the reasons (the deciding one first) and the evidence. */
    public record LeadStatusView(long leadId, String name, Long value, StageRef stage, UserRef responsible,
            String status, List<String> reasons, LeadStatusRules.Evidence evidence) {
    }

    /** Statuses of leads, the thresholds they were judged by, and the ids no lead has. */
    public record LeadStatuses(List<LeadStatusView> leads, List<Long> notFound, LeadStatusThresholds thresholds,
            Instant asOf, String note) implements Rendered {

        @Override
        public String toText() {
            StringBuilder sb = new StringBuilder(leads.isEmpty() ? "No leads." : "Lead statuses"
                    + (asOf == null ? "" : " (from the mirror, current as of " + asOf + ")") + ":");
            leads.forEach(l -> sb.append("\n- ").append(l.leadId()).append(" \"").append(l.name()).append("\": ")
                    .append(l.status().replace('_', ' ')).append(" - ").append(String.join("; ", l.reasons())));
            if (!notFound.isEmpty()) {
                sb.append("\nNo such leads: ").append(String.join(", ", notFound.stream().map(String::valueOf)
                        .toList())).append('.');
            }
            if (note != null) {
                sb.append('\n').append(note);
            }
            return sb.toString();
        }
    }

    /** A lead without activity for the days asked, with its status when it could be judged. */
    public record InactiveLead(long leadId, String name, Long value, StageRef stage, UserRef responsible,
            Instant lastActivityAt, int daysInactive, String status) {
    }

    /** Leads without activity for {@code days} days, highest value first; {@code total}: how many in all. */
    public record InactiveLeads(int days, List<InactiveLead> leads, long total, int page, boolean hasMore,
            Integer nextPage, Instant asOf, String note) implements Rendered {

        @Override
        public String toText() {
            StringBuilder sb = new StringBuilder(total == 0 ? "No open lead has been without activity for " + days
                    + " days" : total + " open lead" + (total == 1 ? "" : "s") + " without activity for " + days
                            + " days or more, highest value first" + (page > 1 ? ", page " + page : ""));
            sb.append(asOf == null ? "" : " (from the mirror, current as of " + asOf + ")").append(total == 0 ? "."
                    : ":");
            if (total > 0 && leads.isEmpty()) {
                sb.append("\n(none on this page)");
            }
            leads.forEach(l -> sb.append("\n- ").append(l.leadId()).append(" \"").append(l.name()).append("\"")
                    .append(l.value() == null ? "" : ", value " + l.value()).append(", ").append(l.stage().label())
                    .append(", ").append(l.responsible().name() == null ? "no responsible user"
                            : l.responsible().name())
                    .append(", inactive ").append(l.daysInactive()).append(" days")
                    .append(l.status() == null ? "" : ", " + l.status().replace('_', ' ')));
            if (hasMore) {
                sb.append("\nMore on page ").append(nextPage).append('.');
            }
            if (note != null) {
                sb.append('\n').append(note);
            }
            return sb.toString();
        }
    }
}
