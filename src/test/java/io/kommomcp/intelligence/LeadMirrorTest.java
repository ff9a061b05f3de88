package io.kommomcp.intelligence;

import static io.kommomcp.intelligence.MirrorRows.DAY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kommomcp.core.LeadStatusThresholds;
import io.kommomcp.intelligence.LeadMirror.Filter;
import io.kommomcp.intelligence.StageMedians.Stage;
import io.kommomcp.intelligence.StageMedians.StageMedian;
import io.kommomcp.kommo.KommoActivity;
import io.kommomcp.kommo.wire.Lead;
import io.kommomcp.kommo.wire.Note;
import io.kommomcp.kommo.wire.Task;
import io.kommomcp.testing.Fields;
import io.kommomcp.testing.UnitDatabase;

/**
 * Leads' activity, inactivity and status from the mirror, on the real database, with rows written by the mirror's
 * own store: each lead's status and its place in the inactive lists were worked out by hand from the rows below
 * (default thresholds: active up to 7 days, cooling up to 21, at risk from 1 overdue task or beyond twice the
 * stage's median stay); the SQL's signals equal those computed in Java from the same lead's history; the mirror
 * answers only when every part of it is current.
 */
class LeadMirrorTest {

    static final long P = 100;
    static final long S1 = 11;
    static final long S2 = 12;
    static final long SLOW = 13;
    static final long WON = 142;
    static final long LOST = 143;
    static final long BORIS = 7;
    static final long CLARA = 8;
    static final long GONE = 999; // a user the account no longer has

    private final long now = Instant.now().getEpochSecond();
    private MirrorRows rows;
    private LeadMirror mirror;

    private long ago(double days) {
        return now - Math.round(days * DAY);
    }

    @BeforeEach
    void setUp() {
        rows = new MirrorRows();
        mirror = Fields.set(new LeadMirror(), "ds", UnitDatabase.app());
        // five leads that spent 5 days each in SLOW, now won: SLOW's median stay is 5 days, over 5 stays
        for (long id = 1; id <= 5; id++) {
            rows.lead(id, "Won " + id, 100L, P, WON, BORIS, ago(200), ago(195));
            rows.move(id, ago(195), P, SLOW, P, WON, BORIS);
        }
        rows.lead(101, "Active: changed 3 days ago", 5000L, P, S1, BORIS, ago(50), ago(3));
        rows.lead(102, "Cooling: a note 10 days ago", 8000L, P, S1, BORIS, ago(60), ago(40));
        rows.note(102, "Asked for a discount", ago(10), BORIS);
        rows.lead(103, "At risk: an overdue task", 3000L, P, S2, CLARA, ago(70), ago(60));
        rows.task(103, "Send the proposal", ago(55), ago(50), ago(45), false, CLARA);
        rows.lead(104, "Won", 9000L, P, WON, BORIS, ago(100), ago(90));
        rows.lead(105, "Lost", 1000L, P, LOST, BORIS, ago(100), ago(90));
        rows.lead(106, "Cold: moved 25 days ago by a user now gone", 7000L, P, S2, GONE, ago(120), ago(100));
        rows.move(106, ago(25), P, S1, P, S2, GONE);
        rows.lead(107, "Deleted", 99_999L, P, S1, BORIS, ago(90), ago(80));
        rows.deleted(107, ago(79), BORIS);
        rows.lead(108, "At risk: 30 days in SLOW", 4000L, P, SLOW, BORIS, ago(40), ago(30));
        rows.move(108, ago(30), P, S2, P, SLOW, BORIS);
        rows.note(108, "Still thinking", ago(0.5), BORIS);
        rows.lead(109, "Cooling: reopened 20 days ago", 2000L, P, S2, CLARA, ago(90), ago(20));
        rows.move(109, ago(40), P, S2, P, WON, CLARA);
        rows.move(109, ago(20), P, WON, P, S2, CLARA);
        rows.lead(110, "Active: a task done 2 days ago", null, P, S1, BORIS, ago(30), ago(15));
        rows.task(110, "Call back", ago(20), ago(2), ago(3), true, BORIS);
        rows.lead(111, "Cooling: a task due in 3 days", 6000L, P, S1, CLARA, ago(10), ago(10));
        rows.task(111, "Demo", ago(9), ago(9), now + 3 * DAY, false, CLARA);
    }

    private List<Long> inactive(Filter f) {
        return mirror.signals(rows.tenant, f, now).leads().stream().map(LeadSignals::leadId).toList();
    }

    private static Filter inactiveFor(long cutoff) {
        return new Filter(null, null, null, null, true, cutoff, 100, 0);
    }

    @Test
    void inactiveLeadsAreTheOpenOnesWithoutActivityHighestValueFirst() {
        assertEquals(List.of(102L, 106L, 111L, 103L, 109L), inactive(inactiveFor(ago(7))));
        assertEquals(List.of(106L, 103L), inactive(inactiveFor(ago(21))), "109's last activity was 20 days ago");
        assertEquals(List.of(102L, 106L, 111L, 101L, 103L, 109L, 110L), inactive(inactiveFor(ago(1))),
                "a lead without a price comes last; 108 had a note 12 hours ago");
        assertEquals(List.of(106L), inactive(new Filter(null, null, null, GONE, true, ago(7), 100, 0)),
                "by a responsible user the account no longer has");
        assertEquals(List.of(102L, 111L), inactive(new Filter(null, P, S1, null, true, ago(7), 100, 0)), "by stage");
        LeadMirror.SignalPage second = mirror.signals(rows.tenant, new Filter(null, P, null, null, true, ago(7), 2,
                2), now);
        assertEquals(List.of(111L, 103L), second.leads().stream().map(LeadSignals::leadId).toList(), "page 2 of 2");
        assertEquals(5, second.total());
        LeadMirror.SignalPage beyond = mirror.signals(rows.tenant, new Filter(null, P, null, null, true, ago(7), 2,
                10), now);
        assertTrue(beyond.leads().isEmpty());
        assertEquals(5, beyond.total(), "past the end, the total still counts them");
        assertTrue(inactive(new Filter(null, 999L, null, null, true, ago(7), 100, 0)).isEmpty(), "another pipeline");
    }

    @Test
    void everyLeadsStatusIsTheOneWorkedOutByHand() {
        StageMedians medians = Fields.set(new StageMedians(), "ds", UnitDatabase.app());
        Map<Stage, StageMedian> m = medians.medians(rows.tenant, P, now - StageMedians.WINDOW_DAYS * DAY);
        assertEquals(new StageMedian(P, SLOW, 5.0, 5), m.get(new Stage(P, SLOW)));

        List<Long> ids = List.of(101L, 102L, 103L, 104L, 105L, 106L, 107L, 108L, 109L, 110L, 111L);
        Map<Long, String> got = new LinkedHashMap<>();
        Map<Long, LeadStatusRules.Assessment> assessments = new LinkedHashMap<>();
        for (LeadSignals s : mirror.signals(rows.tenant, new Filter(ids, null, null, null, false, null, 100, 0), now)
                .leads()) {
            LeadStatusRules.Assessment a = LeadStatusRules.assess(s, s.closed() ? null : m.get(new Stage(
                    s.pipelineId(), s.stageId())), LeadStatusThresholds.DEFAULTS, now);
            got.put(s.leadId(), a.status().name());
            assessments.put(s.leadId(), a);
        }
        Map<Long, String> expected = new LinkedHashMap<>();
        expected.put(101L, "active");
        expected.put(102L, "cooling");
        expected.put(103L, "at_risk");
        expected.put(104L, "won");
        expected.put(105L, "lost");
        expected.put(106L, "cold");
        expected.put(108L, "at_risk");
        expected.put(109L, "cooling");
        expected.put(110L, "active");
        expected.put(111L, "cooling");
        assertEquals(new java.util.TreeMap<>(expected), new java.util.TreeMap<>(got), "107 is in the trash");

        LeadStatusRules.Evidence stuck = assessments.get(108L).evidence();
        assertEquals(30, stuck.daysInStage());
        assertEquals(5.0, stuck.medianDaysInStage());
        assertEquals(6.0, stuck.timesMedian());
        assertEquals(0, stuck.daysSinceActivity());
        assertTrue(assessments.get(108L).reasons().get(0).startsWith("30 days in its stage, 6.0 times"),
                assessments.get(108L).reasons().toString());
        LeadStatusRules.Evidence overdue = assessments.get(103L).evidence();
        assertEquals(1, overdue.overdueTasks());
        assertEquals(1, overdue.openTasks());
        assertEquals(50, overdue.daysSinceActivity(), "the task's last change");
        assertEquals(20, assessments.get(109L).evidence().daysInStage(), "since it was reopened");
        assertEquals(25, assessments.get(106L).evidence().daysInStage());
        assertEquals(50, assessments.get(101L).evidence().daysInStage(), "never moved: since its creation");

        LeadStatusThresholds relaxed = LeadStatusThresholds.DEFAULTS.with(new LeadStatusThresholds(30, 60, 10.0, 0));
        LeadSignals s103 = mirror.signals(rows.tenant, new Filter(List.of(103L, 108L), null, null, null, false, null,
                10, 0), now).leads().stream().filter(s -> s.leadId() == 103).findFirst().orElseThrow();
        assertEquals("cooling", LeadStatusRules.assess(s103, null, relaxed, now).status().name(),
                "overdue tasks alone do not make it at risk with overdue_tasks 0");
    }

    @Test
    void theSqlsSignalsEqualThoseComputedFromEachLeadsHistory() {
        List<Long> ids = List.of(1L, 101L, 102L, 103L, 104L, 106L, 108L, 109L, 110L, 111L);
        for (LeadSignals fromSql : mirror.signals(rows.tenant, new Filter(ids, null, null, null, false, null, 100, 0),
                now).leads()) {
            long id = fromSql.leadId();
            Lead lead = Lead.from(mirror.lead(rows.tenant, id).orElseThrow().data());
            LeadSignals fromJava = LeadSignals.of(lead, mirror.events(rows.tenant, id).stream()
                    .map(KommoActivity::event).toList(), mirror.notes(rows.tenant, id).stream().map(Note::from)
                    .toList(), mirror.tasks(rows.tenant, id).stream().map(Task::from).toList(), now);
            assertEquals(fromJava, fromSql, "lead " + id);
        }
        assertTrue(mirror.lead(rows.tenant, 107).orElseThrow().deleted(), "the deletion event reached the record");
    }

    @Test
    void theMirrorAnswersOnlyWhenEveryPartIsBackfilledAndCurrent() {
        Instant at = Instant.ofEpochSecond(now);
        assertTrue(mirror.asOf(rows.tenant, at).isEmpty(), "not backfilled");
        rows.current(at.minusSeconds(30));
        assertEquals(at.minusSeconds(30), mirror.asOf(rows.tenant, at).orElseThrow());
        assertTrue(mirror.asOf(rows.tenant, at.plusSeconds(600)).isEmpty(), "stale after 300 s");
        assertTrue(mirror.asOf("intel-nobody", at).isEmpty());
        assertTrue(mirror.hasStageHistory(rows.tenant));
        assertFalse(mirror.hasStageHistory("intel-nobody"));
    }
}
