package io.kommomcp.analytics;

import static io.kommomcp.analytics.AnalyticsFixture.SALES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.kommomcp.testing.AnalyticsReference.Lead;
import io.kommomcp.testing.UnitDatabase;

/**
 * Small accounts whose figures were worked out by hand from docs/analytics.md (the comments show the working), so
 * that each definition is pinned by an example: a lead that skips a stage, is won, reopened and won again; a lead
 * lost then reopened; changes in the same second; a deleted lead; a user no longer in the account; robots' notes and
 * tasks. And an account with one of each anomaly.
 */
class AnalyticsScenarioTest {

    /** Unix seconds of a day in June 2026 (or May/April with day <= 0 going back) at an hour, UTC. */
    static long jun(int day, int hour) {
        return LocalDate.of(2026, 6, 1).plusDays(day - 1).atStartOfDay(java.time.ZoneOffset.UTC).toEpochSecond()
                + hour * 3600L;
    }

    static long may(int day, int hour) {
        return jun(day - 31, hour);
    }

    static long apr(int day, int hour) {
        return jun(day - 61, hour);
    }

    static final Period JUNE_1_14 = Period.days(LocalDate.parse("2026-06-01"), LocalDate.parse("2026-06-14"));

    /**
     * Sales stages: 2001 Incoming (unsorted), 2002 First contact, 2003 Qualified, 2004 Proposal, 2005 Negotiation,
     * then 142 won and 143 lost. Now is 2026-06-15 12:00.
     */
    static AnalyticsFixture june() throws Exception {
        AnalyticsFixture fx = new AnalyticsFixture();
        // L1: created May 20 in 2002; May 25 -> 2003; Jun 2 -> 2005 (skips 2004); Jun 4 won; Jun 9 reopened to 2004;
        // Jun 12 won again
        Lead l1 = fx.lead(1, SALES, 142, 1000, 11L, null, may(20, 12), jun(12, 12), List.of(), false);
        fx.history(l1, SALES, 2002, new long[][] {{SALES, 2003}, {SALES, 2005}, {SALES, 142}, {SALES, 2004},
            {SALES, 142}}, new long[] {may(25, 12), jun(2, 12), jun(4, 12), jun(9, 12), jun(12, 12)},
                new Long[] {11L, 11L, 11L, 11L, 11L});
        // L2: created Jun 3 in 2002; Jun 5 -> 2003; Jun 10 lost (Too expensive)
        Lead l2 = fx.lead(2, SALES, 143, 500, 12L, 901L, jun(3, 12), jun(10, 12), List.of("priority"), false);
        fx.history(l2, SALES, 2002, new long[][] {{SALES, 2003}, {SALES, 143}}, new long[] {jun(5, 12),
            jun(10, 12)}, new Long[] {12L, 12L});
        // L3: created Jun 8 in Incoming, no change since; its user 99 is no longer in the account
        fx.lead(3, SALES, 2001, 300, 99L, null, jun(8, 12), jun(8, 12), List.of(), false);
        // L4: created Apr 1 in 2002; Apr 3 -> 2003, still there
        Lead l4 = fx.lead(4, SALES, 2003, 400, 11L, null, apr(1, 12), apr(3, 12), List.of(), false);
        fx.history(l4, SALES, 2002, new long[][] {{SALES, 2003}}, new long[] {apr(3, 12)}, new Long[] {11L});
        // L5: created May 1 in 2003; May 4 -> 2004; Jun 6 lost; Jun 7 reopened to 2004 (Kommo drops the reason)
        Lead l5 = fx.lead(5, SALES, 2004, 800, 11L, null, may(1, 12), jun(7, 12), List.of(), false);
        fx.history(l5, SALES, 2003, new long[][] {{SALES, 2004}, {SALES, 143}, {SALES, 2004}}, new long[] {
            may(4, 12), jun(6, 12), jun(7, 12)}, new Long[] {11L, 11L, 11L});
        // L6: created Jun 1 00:00 in 2002; at Jun 2 10:00, in the same second, -> 2003 and -> 2004
        Lead l6 = fx.lead(6, SALES, 2004, 700, 13L, null, jun(1, 0), jun(2, 10), List.of(), false);
        fx.history(l6, SALES, 2002, new long[][] {{SALES, 2003}, {SALES, 2004}}, new long[] {jun(2, 10),
            jun(2, 10)}, new Long[] {13L, 13L});
        // L7: created Jun 1, won Jun 3, deleted: counts nowhere
        Lead l7 = fx.lead(7, SALES, 142, 9999, 11L, null, jun(1, 12), jun(3, 12), List.of(), true);
        fx.history(l7, SALES, 2002, new long[][] {{SALES, 142}}, new long[] {jun(3, 12)}, new Long[] {11L});
        // L8: created Jun 2 in 2002; Jun 5 won
        Lead l8 = fx.lead(8, SALES, 142, 2000, 12L, null, jun(2, 12), jun(5, 12), List.of("priority"), false);
        fx.history(l8, SALES, 2002, new long[][] {{SALES, 142}}, new long[] {jun(5, 12)}, new Long[] {12L});
        fx.note(1, 8, jun(2, 18), 13L); // a person's note on L8 six hours after it came
        fx.note(2, 3, jun(8, 13), 0L); // a robot's note on L3: not a response
        fx.task(1, 11L, 4L, false, jun(10, 12), jun(5, 12), jun(5, 12), 11L, 11L); // overdue, on L4
        fx.task(2, 11L, 1L, true, jun(4, 12), may(28, 12), jun(5, 9), 11L, 11L); // done Jun 5
        fx.task(3, 12L, 5L, false, jun(20, 12), jun(6, 12), jun(6, 12), 12L, 12L); // not due yet, on L5
        fx.task(4, 99L, 3L, false, jun(9, 12), jun(8, 12), jun(8, 12), 0L, 0L); // a robot's, overdue, on L3
        fx.store(true);
        return fx;
    }

    @Test
    void pipelineStatsByHand() throws Exception {
        AnalyticsFixture fx = june();
        Results.PipelineStats r = fx.analytics(30).pipelineStats(fx.caller(), JUNE_1_14, new LeadFilter(SALES, null,
                null), 2, 10);
        Map<Long, Results.StageFigures> s = r.pipelines().get(0).stages().stream().collect(Collectors.toMap(
                Results.StageFigures::stageId, x -> x));
        // now: Incoming L3; Qualified L4; Proposal L5 and L6. Closed in the period: won L1 (again, Jun 12) and L8;
        // lost L2. L5's loss on Jun 6 was undone on Jun 7; L7 is deleted.
        assertEquals(1, s.get(2001L).leads());
        assertEquals(300, s.get(2001L).value());
        assertEquals(1, s.get(2003L).leads());
        assertEquals(2, s.get(2004L).leads());
        assertEquals(1500, s.get(2004L).value());
        assertEquals(2, s.get(142L).leads());
        assertEquals(3000, s.get(142L).value());
        assertEquals(1, s.get(143L).leads());
        assertEquals(500, s.get(143L).value());
        // stays that ended in the period: First contact L2 2 d, L6 1.42 d (Jun 1 00:00 to Jun 2 10:00), L8 3 d
        assertEquals(3, s.get(2002L).stays());
        assertEquals(2.0, s.get(2002L).medianDays());
        assertEquals(2.1, s.get(2002L).avgDays()); // (2 + 1.4167 + 3) / 3 = 2.139
        // Qualified: L1 8 d (May 25 to Jun 2), L2 5 d, L6 0 d (left in the second it came)
        assertEquals(3, s.get(2003L).stays());
        assertEquals(5.0, s.get(2003L).medianDays());
        assertEquals(4.3, s.get(2003L).avgDays());
        // Proposal: L1 3 d (Jun 9 to Jun 12, after its reopening), L5 33 d (May 4 to Jun 6)
        assertEquals(2, s.get(2004L).stays());
        assertEquals(18.0, s.get(2004L).medianDays());
        // Negotiation: L1 2 d; it skipped Proposal on the way, which gives Proposal no stay then
        assertEquals(1, s.get(2005L).stays());
        assertEquals(2.0, s.get(2005L).medianDays());
        // stuck at 2 x the median: only Qualified has 3 stays; L4 has been there since Apr 3 12:00, 73 days
        assertEquals(1, r.stuckTotal());
        assertEquals(4, r.stuck().get(0).leadId());
        assertEquals(73.0, r.stuck().get(0).daysInStage());
        assertEquals(5.0, r.stuck().get(0).medianDays());
        assertEquals(1, s.get(2003L).stuck());
        assertTrue(r.source().mirrored());
    }

    @Test
    void conversionByHand() throws Exception {
        AnalyticsFixture fx = june();
        Results.ConversionRates r = fx.analytics(30).conversion(fx.caller(), JUNE_1_14, LeadFilter.ALL,
                Bucket.week);
        assertEquals(SALES, r.pipelineId(), "the main pipeline by default");
        assertEquals(2, r.buckets().size(), "weeks of Jun 1 and Jun 8 (Mondays)");
        Results.BucketConversion w1 = r.buckets().get(0);
        Results.BucketConversion w2 = r.buckets().get(1);
        assertEquals("2026-06-01", w1.from());
        assertEquals("2026-06-07", w1.to());
        // created in week 1: L2, L6, L8 (L7 is deleted); won at the end of the period: L8
        assertEquals(3, w1.created());
        assertEquals(1, w1.won());
        assertEquals(33.3, w1.wonPct());
        // week 2: L3, not won
        assertEquals(1, w2.created());
        assertEquals(0, w2.won());
        Map<Long, Results.StageConversion> s1 = byStage(w1.stages());
        // First contact entered by L2 (then Qualified), L6 (then Qualified), L8 (then won): 3 of 3
        assertEquals(3, s1.get(2002L).entered());
        assertEquals(3, s1.get(2002L).progressed());
        // Qualified: L2 (then lost: not progress), L6 (then Proposal, the same second): 1 of 2
        assertEquals(2, s1.get(2003L).entered());
        assertEquals(1, s1.get(2003L).progressed());
        assertEquals(50.0, s1.get(2003L).ratePct());
        // Proposal: L5 (back from lost on Jun 7, a Sunday), L6: neither moved on
        assertEquals(2, s1.get(2004L).entered());
        assertEquals(0, s1.get(2004L).progressed());
        // Negotiation: L1, skipping Proposal, then won: 1 of 1
        assertEquals(1, s1.get(2005L).entered());
        assertEquals(1, s1.get(2005L).progressed());
        Map<Long, Results.StageConversion> s2 = byStage(w2.stages());
        assertEquals(1, s2.get(2001L).entered(), "L3 came in");
        assertEquals(0, s2.get(2001L).progressed());
        assertEquals(1, s2.get(2004L).entered(), "L1 reopened into Proposal...");
        assertEquals(1, s2.get(2004L).progressed(), "...and won again");
        // the whole period: Proposal entered by L5, L6 and L1 (each once), one moved on
        Map<Long, Results.StageConversion> all = byStage(r.stages());
        assertEquals(3, all.get(2004L).entered());
        assertEquals(1, all.get(2004L).progressed());
        assertEquals(4, r.created());
        assertEquals(1, r.won());
        assertEquals("unknown", r.trend().direction(), "two buckets are too few for a trend");
    }

    private static Map<Long, Results.StageConversion> byStage(List<Results.StageConversion> stages) {
        return stages.stream().collect(Collectors.toMap(Results.StageConversion::stageId, x -> x));
    }

    @Test
    void lossesPeopleOverviewAndTasksByHand() throws Exception {
        AnalyticsFixture fx = june();
        Analytics a = fx.analytics(30);
        Results.LossReasonStats lost = a.lossReasons(fx.caller(), JUNE_1_14, LeadFilter.ALL, Bucket.week);
        // only L2 is lost at the end of the period (L5 was reopened), in week 2, for "Too expensive"
        assertEquals(1, lost.lost());
        assertEquals(500, lost.lostValue());
        assertEquals(901L, lost.reasons().get(0).lossReasonId());
        assertEquals("Too expensive", lost.reasons().get(0).name());
        assertEquals(List.of(0L, 1L), lost.reasons().get(0).perBucket());

        Map<Long, Results.UserFigures> users = a.usersCompare(fx.caller(), JUNE_1_14, LeadFilter.ALL, null).users()
                .stream().collect(Collectors.toMap(Results.UserFigures::userId, u -> u));
        Results.UserFigures anna = users.get(11L);
        assertEquals(0, anna.leadsCreated());
        assertEquals(1, anna.won(), "L1, won again on Jun 12");
        assertEquals(1000, anna.wonValue());
        assertEquals(100.0, anna.winRatePct());
        assertEquals(23.0, anna.medianDaysToClose(), "May 20 to Jun 12");
        assertEquals(1, anna.tasksDone(), "task 2, done Jun 5");
        assertEquals(1, anna.tasksOverdue(), "task 1, due Jun 10");
        Results.UserFigures boris = users.get(12L);
        assertEquals(2, boris.leadsCreated());
        assertEquals(1, boris.won());
        assertEquals(1, boris.lost());
        assertEquals(50.0, boris.winRatePct());
        assertEquals(3.0, boris.medianDaysToClose(), "L8: Jun 2 to Jun 5");
        // L2 first touched by its stage change after 48 h, L8 by a note after 6 h: median 27 h
        assertEquals(27.0, boris.medianResponseHours());
        assertEquals(2, boris.responded());
        Results.UserFigures gone = users.get(99L);
        assertFalse(gone.inAccount());
        assertNull(gone.name());
        assertEquals(1, gone.leadsCreated());
        assertEquals(0, gone.responded(), "the robot's note and task are no response");
        assertEquals(1, gone.notResponded());
        assertEquals(1, gone.tasksOverdue(), "the robot's task is theirs and overdue");
        assertEquals(34.0, users.get(13L).medianResponseHours(), "L6: Jun 1 00:00 to Jun 2 10:00");

        Results.SalesOverview o = a.overview(fx.caller(), JUNE_1_14, LeadFilter.ALL);
        assertEquals(2, o.current().wonCount());
        assertEquals(3000, o.current().wonValue());
        assertEquals(1, o.current().lostCount());
        assertEquals(4, o.current().newLeads(), "L2, L3, L6, L8");
        assertEquals(66.7, o.current().winRatePct());
        assertEquals("2026-05-18", o.previous().from());
        assertEquals("2026-05-31", o.previous().to());
        assertEquals(0, o.previous().wonCount());
        assertEquals(1, o.previous().newLeads(), "L1");
        assertNull(o.change().wonCountPct(), "no change against nothing");
        assertEquals(300.0, o.change().newLeadsPct());
        assertEquals(4, o.openLeads(), "L3, L4, L5, L6");
        assertEquals(2200, o.openValue());

        Results.TasksOverdue overdue = a.tasksOverdue(fx.caller(), null, LeadFilter.ALL, 10);
        assertEquals(List.of(4L, 1L), overdue.tasks().stream().map(Results.OverdueTask::taskId).toList());
        assertEquals(6.0, overdue.tasks().get(0).daysOverdue(), "due Jun 9 12:00");
        Results.LeadsWithoutTasks without = a.leadsWithoutTasks(fx.caller(), null, LeadFilter.ALL, 10);
        assertEquals(List.of(6L), without.leads().stream().map(Results.LeadWithoutTask::leadId).toList(),
                "L3, L4 and L5 have an open task (overdue or not); L1, L2 and L8 are closed");
        assertEquals(700, without.value());
    }

    @Test
    void aScoreExplainsEachFactorAndFollowsItsWeights() throws Exception {
        AnalyticsFixture fx = june();
        Analytics a = fx.analytics(30);
        Results.LeadScores r = a.score(fx.caller(), List.of(4L, 5L, 1L), LeadFilter.ALL, a.defaultWeights(), false,
                10);
        assertEquals(2, r.scored(), "L1 is won: only open leads are scored");
        Results.LeadScore l4 = r.leads().stream().filter(x -> x.leadId() == 4).findFirst().orElseThrow();
        Map<String, Results.Factor> f = l4.factors().stream().collect(Collectors.toMap(Results.Factor::name,
                x -> x));
        // L4: no activity by a person in the last 30 days (its change was Apr 3, its task's creation Jun 5 counts)
        assertEquals(Math.round(100 * (1 - 10.0 / 30)) / 100.0, f.get("recency").value(),
                f.get("recency").why());
        assertTrue(f.get("recency").why().startsWith("last task by a person 10.0 days ago"), f.get("recency").why());
        assertEquals(0.5, f.get("tasks").value(), "only an overdue task");
        assertEquals(0.0, f.get("completeness").value(), "neither Budget nor Seats");
        assertEquals(0.5, f.get("value").value(), "400 is at or above 2 of the 4 open leads (300, 400)");
        double sum = l4.factors().stream().filter(x -> x.value() != null).mapToDouble(Results.Factor::points).sum();
        assertEquals(l4.score(), sum, 0.6, "the points add up to the score");
        Results.LeadScores onlyTasks = a.score(fx.caller(), List.of(4L), LeadFilter.ALL, new ScoreWeights(0, 0, 0, 0,
                1), false, 10);
        assertEquals(50, onlyTasks.leads().get(0).score());
    }

    @Test
    void oddValuesInRecordsNeverBreakAnAnswer() throws Exception {
        AnalyticsFixture fx = june();
        try (Connection c = UnitDatabase.owner()) {
            try (PreparedStatement ps = c.prepareStatement("insert into mirror_record (tenant_id, entity, id,"
                    + " created_at, updated_at, deleted, data) values (?, 'leads', 77, ?, ?, false, ?::jsonb)")) {
                ps.setString(1, fx.tenant);
                ps.setLong(2, jun(9, 12));
                ps.setLong(3, jun(9, 12));
                ps.setString(4, "{\"id\": 77, \"name\": \"Odd\", \"price\": \"n/a\", \"status_id\": \"2003\","
                        + " \"pipeline_id\": 1001, \"responsible_user_id\": 12, \"updated_by\": 1.5e1,"
                        + " \"created_at\": " + jun(9, 12) + "}");
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("insert into mirror_event (tenant_id, id, type,"
                    + " entity_type, entity_id, created_by, created_at, data) values (?, 'odd', 'lead_status_changed',"
                    + " 'lead', 77, 12, ?, ?::jsonb)")) {
                ps.setString(1, fx.tenant);
                ps.setLong(2, jun(10, 12));
                ps.setString(3, "{\"value_before\": [{\"lead_status\": {\"id\": \"2002\", \"pipeline_id\": \"1001\"}}],"
                        + " \"value_after\": [{\"lead_status\": {\"id\": \"x\", \"pipeline_id\": 1e3}}]}");
                ps.executeUpdate();
            }
        }
        Results.PipelineStats r = fx.analytics(30).pipelineStats(fx.caller(), JUNE_1_14, LeadFilter.ALL, 2, 10);
        Results.StageFigures qualified = r.pipelines().get(0).stages().stream().filter(s -> s.stageId() == 2003)
                .findFirst().orElseThrow();
        assertEquals(2, qualified.leads(), "L4 and the odd lead, its stage a string of digits");
        assertEquals(400, qualified.value(), "a price that is no number counts as none");
        Results.UsersComparison users = fx.analytics(30).usersCompare(fx.caller(), JUNE_1_14, LeadFilter.ALL, null);
        assertEquals(3, users.users().stream().filter(u -> u.userId() == 12).findFirst().orElseThrow()
                .leadsCreated(), "L2, L8 and the odd lead");
    }

    // ------------------------------------------------------------------ anomalies

    /** Eight calm weeks and an unusual one (Jun 9-15). */
    static AnalyticsFixture unusual() throws Exception {
        AnalyticsFixture fx = new AnalyticsFixture();
        long id = 100;
        long weekStart = jun(9, 0);
        for (int w = 8; w >= 0; w--) {
            long base = weekStart - w * 7L * 86_400;
            int won = w == 0 ? 2 : 6;
            int lost = w == 0 ? 6 : 2;
            for (int i = 0; i < won + lost; i++) {
                long created = base + 3600L * (i + 1);
                boolean isWon = i < won;
                Long reason = isWon ? null : w == 0 && i - won < 5 ? Long.valueOf(902) : Long.valueOf(901);
                Lead l = fx.lead(++id, SALES, isWon ? 142 : 143, 1000, 11L, reason, created, created + 3 * 86_400,
                        List.of(), false);
                // two days in Qualified, then closed
                fx.history(l, SALES, 2002, new long[][] {{SALES, 2003}, {SALES, isWon ? 142 : 143}}, new long[] {
                    created + 86_400, created + 3 * 86_400}, new Long[] {11L, 11L});
            }
        }
        // a big lead in Qualified for 60 days, and two small ones there for as long
        Lead big = fx.lead(900, SALES, 2003, 500_000, 12L, null, jun(15, 0) - 61 * 86_400L, jun(15, 0) - 60 * 86_400L,
                List.of(), false);
        fx.history(big, SALES, 2002, new long[][] {{SALES, 2003}}, new long[] {jun(15, 0) - 60 * 86_400L},
                new Long[] {12L});
        for (long small = 901; small <= 902; small++) {
            Lead l = fx.lead(small, SALES, 2003, 10, 12L, null, jun(15, 0) - 61 * 86_400L, jun(15, 0) - 60 * 86_400L,
                    List.of(), false);
            fx.history(l, SALES, 2002, new long[][] {{SALES, 2003}}, new long[] {jun(15, 0) - 60 * 86_400L},
                    new Long[] {12L});
        }
        // 55 leads of user 12 moved by them within one hour (Jun 10, 14:00-14:59): stage changes and lead edits
        for (int i = 0; i < 55; i++) {
            Lead l = fx.lead(2000 + i, SALES, 2004, 100, 12L, null, may(1, 12), jun(10, 14), List.of(), false);
            fx.history(l, SALES, 2003, new long[][] {{SALES, 2004}}, new long[] {jun(10, 14) + i * 60L},
                    new Long[] {12L});
        }
        // user 13 has 8 overdue tasks, users 11 and 12 one each
        long task = 0;
        for (long user : new long[] {11, 12, 13, 13, 13, 13, 13, 13, 13, 13}) {
            fx.task(++task, user, null, false, jun(1, 12), may(20, 12), may(20, 12), 11L, 11L);
        }
        fx.store(true);
        try (Connection c = UnitDatabase.owner(); PreparedStatement ps = c.prepareStatement("insert into audit_entry"
                + " (chain_key, seq, recorded_at, kind, tenant_id, subject, tool, outcome, target_type, target_id,"
                + " prev_hash, hash) values (?, ?, ?, 'EXTERNAL', ?, 'kommo-user:unknown', ?, 'SUCCEEDED', ?, ?, ?,"
                + " ?)")) {
            Object[][] rows = {{1, jun(11, 9), "kommo.pipeline.changed", "pipeline", "1001"},
                {2, jun(11, 10), "kommo.lead.update", "lead", "101"}, {3, may(1, 10), "kommo.stage.added", "stage",
                    "2009"}};
            for (Object[] row : rows) {
                ps.setString(1, fx.tenant);
                ps.setLong(2, ((Number) row[0]).longValue());
                ps.setTimestamp(3, Timestamp.from(Instant.ofEpochSecond((Long) row[1])));
                ps.setString(4, fx.tenant);
                ps.setString(5, (String) row[2]);
                ps.setString(6, (String) row[3]);
                ps.setString(7, (String) row[4]);
                ps.setString(8, "0".repeat(64));
                ps.setString(9, "1".repeat(64));
                ps.executeUpdate();
            }
        }
        return fx;
    }

    @Test
    void eachAnomalyIsFoundWithItsEvidence() throws Exception {
        AnalyticsFixture fx = unusual();
        Period week = Period.lastDays(7, Instant.ofEpochSecond(AnalyticsFixture.NOW));
        assertEquals("2026-06-09", week.firstDay().toString());
        Results.Anomalies r = fx.analytics(30).anomalies(fx.caller(), week, 2);
        Map<String, List<Results.Anomaly>> byKind = r.anomalies().stream().collect(Collectors.groupingBy(
                Results.Anomaly::kind));
        assertEquals("2026-04-14", r.baselineFrom(), "eight weeks before");
        Results.Anomaly drop = byKind.get("conversion_drop").get(0);
        assertEquals(25.0, drop.evidence().get("win_rate_pct"), drop.summary());
        assertEquals(75.0, drop.evidence().get("baseline_median_pct"));
        assertEquals(6L, byKind.get("lost_spike").get(0).evidence().get("lost"));
        assertEquals(2.0, byKind.get("lost_spike").get(0).evidence().get("baseline_median"));
        assertEquals(1, byKind.get("loss_reason_spike").size(), byKind.get("loss_reason_spike").toString());
        assertEquals(902L, byKind.get("loss_reason_spike").get(0).evidence().get("loss_reason_id"));
        Results.Anomaly stuck = byKind.get("stuck_high_value").get(0);
        assertEquals(1, stuck.evidence().get("count"), stuck.summary());
        assertTrue(stuck.summary().contains("lead 900"), stuck.summary());
        Results.Anomaly overdue = byKind.get("overdue_tasks").get(0);
        assertEquals(1, byKind.get("overdue_tasks").size());
        assertEquals(13L, overdue.evidence().get("user_id"));
        assertEquals(8L, overdue.evidence().get("overdue"));
        List<Results.Anomaly> mass = byKind.get("mass_changes");
        assertEquals(2, mass.size(), mass.toString());
        assertEquals(java.util.Set.of("stage changes", "lead edits"), mass.stream().map(m -> m.evidence().get("kind"))
                .collect(Collectors.toSet()));
        for (Results.Anomaly m : mass) {
            assertEquals(12L, m.evidence().get("user_id"));
            assertEquals(55L, m.evidence().get("count"));
            assertEquals("2026-06-10T14:00:00Z", m.evidence().get("hour"));
        }
        Results.Anomaly config = byKind.get("external_configuration_changes").get(0);
        assertEquals(1, config.evidence().get("count"), "the pipeline change; not the lead's, nor May's");
        assertEquals(7, byKind.size(), r.toText());
    }
}
