package io.kommomcp.intelligence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.kommomcp.core.LeadStatusThresholds;
import io.kommomcp.intelligence.LeadStatusRules.Assessment;
import io.kommomcp.intelligence.StageMedians.StageMedian;

/** The rules at their edges: whole days, the order of the rules, a median too thin to judge by, the thresholds. */
class LeadStatusRulesTest {

    static final long D = 86_400;
    final long now = 1_770_000_000L;
    final LeadStatusThresholds t = LeadStatusThresholds.DEFAULTS;

    private LeadSignals lead(long stage, long idleSeconds, long inStageSeconds, int overdue) {
        return new LeadSignals(1, "L", 100L, 100L, stage, 7L, now - 400 * D, now - idleSeconds, null, null, null,
                now - inStageSeconds, overdue, overdue, null);
    }

    private String status(LeadSignals s, StageMedian m, LeadStatusThresholds th) {
        return LeadStatusRules.assess(s, m, th, now).status().name();
    }

    @Test
    void daysSinceTheLastActivityAreWholeDays() {
        assertEquals("active", status(lead(11, 7 * D + 23 * 3_600, 0, 0), null, t), "7 days and 23 hours");
        assertEquals("cooling", status(lead(11, 8 * D, 0, 0), null, t));
        assertEquals("cooling", status(lead(11, 21 * D + 3_600, 0, 0), null, t));
        assertEquals("cold", status(lead(11, 22 * D, 0, 0), null, t));
        Assessment a = LeadStatusRules.assess(lead(11, 22 * D, 0, 0), null, t, now);
        assertEquals(List.of("22 days since the last activity (cold beyond 21 days)"), a.reasons());
        assertNull(a.evidence().medianDaysInStage());
        assertNull(a.evidence().timesMedian());
    }

    @Test
    void closedBeforeAtRiskBeforeActivity() {
        assertEquals("won", status(lead(142, 90 * D, 90 * D, 3), new StageMedian(100, 142, 1, 50), t));
        assertEquals("lost", status(lead(143, 0, 0, 1), null, t));
        assertEquals("at_risk", status(lead(11, 0, 0, 1), null, t), "active, but a task is overdue");
        Assessment both = LeadStatusRules.assess(lead(11, 30 * D, 30 * D, 2), new StageMedian(100, 11, 3.0, 9), t,
                now);
        assertEquals("at_risk", both.status().name());
        assertEquals(List.of("2 overdue tasks (at risk from 1)", "30 days in its stage, 10.0 times the stage's median"
                + " stay of 3.0 days (at risk beyond 2.0 times)", "30 days since the last activity (cold beyond 21"
                        + " days)"), both.reasons());
    }

    @Test
    void stuckNeedsMoreThanTheFactorTimesAMedianOfEnoughStays() {
        StageMedian fiveDays = new StageMedian(100, 11, 5.0, StageMedians.MIN_STAYS);
        assertEquals("active", status(lead(11, 0, 10 * D, 0), fiveDays, t), "exactly twice the median");
        assertEquals("at_risk", status(lead(11, 0, 10 * D + 1, 0), fiveDays, t));
        assertEquals("active", status(lead(11, 0, 30 * D, 0), new StageMedian(100, 11, 5.0, 4), t),
                "4 stays are too few to judge by");
        assertEquals("active", status(lead(11, 0, 30 * D, 0), fiveDays, t.with(new LeadStatusThresholds(null, null,
                10.0, null))), "the tenant's factor");
    }

    @Test
    void overdueTasksCountFromTheTenantsThreshold() {
        LeadStatusThresholds two = t.with(new LeadStatusThresholds(null, null, null, 2));
        assertEquals("active", status(lead(11, 0, 0, 1), null, two));
        assertEquals("at_risk", status(lead(11, 0, 0, 2), null, two));
        LeadStatusThresholds never = t.with(new LeadStatusThresholds(null, null, null, 0));
        assertEquals("active", status(lead(11, 0, 0, 9), null, never));
    }

    @Test
    void thresholdsMergeAndAreCheckedAsATenantsSettings() {
        assertNull(LeadStatusThresholds.DEFAULTS.problem());
        assertEquals(new LeadStatusThresholds(10, 21, 2.0, 1), t.with(new LeadStatusThresholds(10, null, null,
                null)));
        assertEquals(t, t.with(null));
        assertEquals("lead_status_thresholds.cooling_days must be at least active_days (30) and at most 730.",
                t.with(new LeadStatusThresholds(30, null, null, null)).problem());
        assertEquals("lead_status_thresholds.active_days must be 1 to 365 (days since the last activity).",
                t.with(new LeadStatusThresholds(0, null, null, null)).problem());
        assertEquals("lead_status_thresholds.stuck_factor must be 1 to 20 (times the stage's median stay).",
                t.with(new LeadStatusThresholds(null, null, 0.5, null)).problem());
        assertEquals("lead_status_thresholds.stuck_factor must be 1 to 20 (times the stage's median stay).",
                t.with(new LeadStatusThresholds(null, null, Double.NaN, null)).problem());
        assertEquals("lead_status_thresholds.overdue_tasks must be 0 to 100 (0: overdue tasks alone never make a lead"
                + " at risk).", t.with(new LeadStatusThresholds(null, null, null, -1)).problem());
    }
}
