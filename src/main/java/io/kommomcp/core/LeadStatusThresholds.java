package io.kommomcp.core;

/**
 * A tenant's thresholds for classifying leads (lead_status): active while the last activity is at most
 * {@code activeDays} old, cooling up to {@code coolingDays}, cold beyond; at risk with at least {@code overdueTasks}
 * overdue tasks (0: never for overdue tasks alone) or after more than {@code stuckFactor} times the median stay in
 * its stage. As a change (the admin API's PATCH), a null component keeps the current value.
 */
public record LeadStatusThresholds(Integer activeDays, Integer coolingDays, Double stuckFactor,
        Integer overdueTasks) {

    /** What a tenant starts with. */
    public static final LeadStatusThresholds DEFAULTS = new LeadStatusThresholds(7, 21, 2.0, 1);

    /** These thresholds with the non-null components of {@code changes}. */
    public LeadStatusThresholds with(LeadStatusThresholds changes) {
        if (changes == null) {
            return this;
        }
        return new LeadStatusThresholds(changes.activeDays != null ? changes.activeDays : activeDays,
                changes.coolingDays != null ? changes.coolingDays : coolingDays,
                changes.stuckFactor != null ? changes.stuckFactor : stuckFactor,
                changes.overdueTasks != null ? changes.overdueTasks : overdueTasks);
    }

    /** What is wrong with these thresholds as a tenant's settings, or null when they can be stored. */
    public String problem() {
        if (activeDays == null || coolingDays == null || stuckFactor == null || overdueTasks == null) {
            return "lead_status_thresholds needs active_days, cooling_days, stuck_factor and overdue_tasks.";
        }
        if (activeDays < 1 || activeDays > 365) {
            return "lead_status_thresholds.active_days must be 1 to 365 (days since the last activity).";
        }
        if (coolingDays < activeDays || coolingDays > 730) {
            return "lead_status_thresholds.cooling_days must be at least active_days (" + activeDays
                    + ") and at most 730.";
        }
        if (stuckFactor.isNaN() || stuckFactor < 1.0 || stuckFactor > 20.0) {
            return "lead_status_thresholds.stuck_factor must be 1 to 20 (times the stage's median stay).";
        }
        if (overdueTasks < 0 || overdueTasks > 100) {
            return "lead_status_thresholds.overdue_tasks must be 0 to 100 (0: overdue tasks alone never make a"
                    + " lead at risk).";
        }
        return null;
    }
}
