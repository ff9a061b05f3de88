package io.kommomcp.intelligence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.kommomcp.core.LeadStatusThresholds;
import io.kommomcp.intelligence.StageMedians.StageMedian;
import io.kommomcp.kommo.wire.Pipeline;

/**
 * What state a lead is in, with the evidence. In this order:
 * <ol>
 * <li><b>won</b>, <b>lost</b>: in stage 142 or 143;</li>
 * <li><b>at_risk</b>: at least the tenant's {@code overdue_tasks} open tasks past their due time (when that threshold
 * is above 0), or in its stage for more than {@code stuck_factor} times the stage's median stay (when the median
 * rests on at least {@value StageMedians#MIN_STAYS} stays);</li>
 * <li>by whole days since its last activity ({@link LeadSignals}): <b>active</b> up to {@code active_days},
 * <b>cooling</b> up to {@code cooling_days}, <b>cold</b> beyond.</li>
 * </ol>
 */
public final class LeadStatusRules {

    private static final long DAY = 86_400;

    private LeadStatusRules() {
    }

    public enum Status {
        active, cooling, cold, at_risk, won, lost
    }

    /**
     * The numbers behind a status: days are whole days (rounded down); {@code timesMedian} is the time in the stage
     * over its median stay; median and stays are absent when no median is known for the stage.
     */
    public record Evidence(Instant lastActivityAt, int daysSinceActivity, Instant enteredStageAt, int daysInStage,
            Double medianDaysInStage, Integer stageStays, Double timesMedian, int overdueTasks, int openTasks) {
    }

    /** A status, why (the deciding reason first), and the evidence. */
    public record Assessment(Status status, List<String> reasons, Evidence evidence) {
    }

    public static Assessment assess(LeadSignals s, StageMedian median, LeadStatusThresholds t, long now) {
        long lastActivity = s.lastActivity();
        int idleDays = days(now - lastActivity);
        long entered = s.enteredStageAt() != null ? s.enteredStageAt() : lastActivity;
        long inStage = Math.max(0, now - entered);
        Double times = median == null || median.medianDays() <= 0 ? null
                : round(inStage / (median.medianDays() * DAY));
        Evidence evidence = new Evidence(Instant.ofEpochSecond(lastActivity), idleDays, Instant.ofEpochSecond(entered),
                days(inStage), median == null ? null : round(median.medianDays()),
                median == null ? null : median.stays(), times, s.overdueTasks(), s.openTasks());

        List<String> reasons = new ArrayList<>();
        Status status = null;
        if (s.stageId() != null && s.stageId() == Pipeline.Stage.WON) {
            status = Status.won;
            reasons.add("closed as won");
        } else if (s.stageId() != null && s.stageId() == Pipeline.Stage.LOST) {
            status = Status.lost;
            reasons.add("closed as lost");
        }
        if (status == null && t.overdueTasks() > 0 && s.overdueTasks() >= t.overdueTasks()) {
            status = Status.at_risk;
            reasons.add(s.overdueTasks() + " overdue task" + (s.overdueTasks() == 1 ? "" : "s") + " (at risk from "
                    + t.overdueTasks() + ")");
        }
        if (status == null || status == Status.at_risk) {
            if (stuck(inStage, median, t)) {
                status = Status.at_risk;
                reasons.add(days(inStage) + " days in its stage, " + times + " times the stage's median stay of "
                        + round(median.medianDays()) + " days (at risk beyond " + t.stuckFactor() + " times)");
            }
        }
        Status byActivity = idleDays <= t.activeDays() ? Status.active
                : idleDays <= t.coolingDays() ? Status.cooling : Status.cold;
        String activity = idleDays + " day" + (idleDays == 1 ? "" : "s") + " since the last activity ("
                + switch (byActivity) {
                    case active -> "active up to " + t.activeDays();
                    case cooling -> "cooling from " + (t.activeDays() + 1) + " to " + t.coolingDays();
                    default -> "cold beyond " + t.coolingDays();
                } + " days)";
        if (status == null) {
            status = byActivity;
            reasons.add(0, activity);
        } else {
            reasons.add(activity);
        }
        return new Assessment(status, List.copyOf(reasons), evidence);
    }

    /** Whether {@code inStage} seconds exceed the tenant's factor times a median that rests on enough stays. */
    static boolean stuck(long inStage, StageMedian median, LeadStatusThresholds t) {
        return median != null && median.reliable() && median.medianDays() > 0
                && inStage > t.stuckFactor() * median.medianDays() * DAY;
    }

    static int days(long seconds) {
        return (int) Math.max(0, seconds / DAY);
    }

    static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
