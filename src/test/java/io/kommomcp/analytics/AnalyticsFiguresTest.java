package io.kommomcp.analytics;

import static io.kommomcp.analytics.AnalyticsFixture.DAY;
import static io.kommomcp.analytics.AnalyticsFixture.NOW;
import static io.kommomcp.analytics.AnalyticsFixture.PARTNERS;
import static io.kommomcp.analytics.AnalyticsFixture.SALES;
import static io.kommomcp.testing.AnalyticsReference.round1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.kommomcp.analytics.Results.StageFigures;
import io.kommomcp.testing.AnalyticsReference;
import io.kommomcp.testing.AnalyticsReference.Filter;
import io.kommomcp.testing.AnalyticsReference.Lead;

/**
 * Every analytics figure on the real database (the mirror's tables as MirrorStore writes them) against the same
 * figure computed lead by lead by {@link AnalyticsReference}, on a seeded random account ({@link AnalyticsData}):
 * skipped stages, stages gone back to, reopened won and lost leads, moves between pipelines, changes in the same
 * second, an empty fortnight, a user no longer in the account, deleted leads, robots' tasks and notes. Several periods
 * and filters each.
 */
class AnalyticsFiguresTest {

    static AnalyticsFixture fx;
    static AnalyticsReference ref;
    static Analytics analytics;

    /** A past period of 61 days, the last 30 days (the tools' default), and one that holds the empty fortnight. */
    static final Period PAST = Period.days(LocalDate.parse("2026-04-01"), LocalDate.parse("2026-05-31"));
    static final Period RECENT = Period.lastDays(30, java.time.Instant.ofEpochSecond(NOW));
    static final Period QUIET = new Period(java.time.Instant.ofEpochSecond(AnalyticsData.QUIET_FROM - DAY
            - AnalyticsData.QUIET_FROM % DAY), java.time.Instant.ofEpochSecond(AnalyticsData.QUIET_TO
                    - AnalyticsData.QUIET_TO % DAY));

    static final List<Filter> FILTERS = List.of(Filter.ALL, new Filter(SALES, null, null), new Filter(null, 12L,
            null), new Filter(null, null, "PRIORITY"), new Filter(PARTNERS, 99L, null));

    @BeforeAll
    static void data() throws Exception {
        fx = AnalyticsData.random(20260615, 400);
        fx.store(true);
        ref = fx.reference();
        analytics = fx.analytics(30);
    }

    static LeadFilter filter(Filter f) {
        return new LeadFilter(f.pipelineId(), f.userId(), f.tag());
    }

    @Test
    void theDataHasWhatTheDefinitionsMustHandle() {
        long reopened = 0;
        long skipped = 0;
        long sameSecond = 0;
        Map<Long, List<AnalyticsReference.Change>> byLead = new HashMap<>();
        fx.changes.forEach(c -> byLead.computeIfAbsent(c.leadId(), k -> new ArrayList<>()).add(c));
        for (AnalyticsReference.Change c : fx.changes) {
            if ((c.fromStatus() == 142 || c.fromStatus() == 143) && c.toStatus() != 142 && c.toStatus() != 143) {
                reopened++;
            }
        }
        for (List<AnalyticsReference.Change> cs : byLead.values()) {
            for (int i = 1; i < cs.size(); i++) {
                if (cs.get(i).at() == cs.get(i - 1).at()) {
                    sameSecond++;
                }
            }
            for (AnalyticsReference.Change c : cs) {
                List<Long> w = AnalyticsData.working(fx, c.fromPipeline());
                if (c.fromPipeline() == c.toPipeline() && w.contains(c.toStatus())
                        && w.indexOf(c.toStatus()) - w.indexOf(c.fromStatus()) > 1) {
                    skipped++;
                }
            }
        }
        assertTrue(reopened > 5, "reopened leads: " + reopened);
        assertTrue(skipped > 5, "skipped stages: " + skipped);
        assertTrue(sameSecond > 3, "changes in the same second: " + sameSecond);
        assertTrue(fx.leads.stream().anyMatch(Lead::deleted));
        assertTrue(fx.leads.stream().anyMatch(l -> Long.valueOf(99).equals(l.userId())));
        assertTrue(fx.changes.stream().noneMatch(c -> c.at() >= AnalyticsData.QUIET_FROM
                && c.at() < AnalyticsData.QUIET_TO), "a quiet fortnight");
    }

    @Test
    void pipelineStatsMatchTheReference() {
        for (Period p : List.of(PAST, RECENT, QUIET)) {
            for (Filter f : FILTERS) {
                String at = p + " " + f;
                Results.PipelineStats r = analytics.pipelineStats(fx.caller(), p, filter(f), 2, 10_000);
                Map<String, long[]> leads = ref.leadsPerStage(f, p.fromSecond(), p.toSecond());
                Map<String, List<Double>> days = ref.stayDays(f, p.fromSecond(), p.toSecond());
                long stuckShown = 0;
                for (Results.PipelineFigures pf : r.pipelines()) {
                    for (StageFigures s : pf.stages()) {
                        String key = pf.pipelineId() + ":" + s.stageId();
                        long[] lv = leads.getOrDefault(key, new long[2]);
                        assertEquals(lv[0], s.leads(), at + " leads in " + key);
                        assertEquals(lv[1], s.value(), at + " value in " + key);
                        List<Double> d = days.get(key);
                        assertEquals(d == null ? 0 : d.size(), s.stays(), at + " stays in " + key);
                        if (d == null) {
                            assertNull(s.medianDays(), at);
                        } else {
                            assertEquals(round1(AnalyticsReference.median(d)), s.medianDays(), at + " median " + key);
                            assertEquals(round1(d.stream().mapToDouble(Double::doubleValue).average().orElseThrow()),
                                    s.avgDays(), at + " average " + key);
                        }
                        stuckShown += s.stuck();
                    }
                }
                Map<Long, Double> stuck = ref.stuck(f, p.fromSecond(), p.toSecond(), 2);
                assertEquals(stuck.size(), r.stuckTotal(), at + " stuck");
                assertEquals(stuck.size(), stuckShown, at + " stuck per stage");
                for (Results.StuckLead s : r.stuck()) {
                    assertEquals(round1(stuck.get(s.leadId())), s.daysInStage(), at + " stuck lead " + s.leadId());
                }
            }
        }
        Results.PipelineStats all = analytics.pipelineStats(fx.caller(), PAST, LeadFilter.ALL, 2, 10_000);
        assertTrue(all.stuckTotal() > 0 && all.pipelines().size() == 2, "something to compare");
        assertTrue(all.source().mirrored(), "answered from the mirror");
    }

    @Test
    void conversionMatchesTheReferenceByWeekAndByMonth() {
        for (Bucket b : Bucket.values()) {
            for (Period p : List.of(PAST, RECENT, QUIET)) {
                for (Filter f : FILTERS) {
                    long pipeline = f.pipelineId() == null ? SALES : f.pipelineId();
                    Filter in = new Filter(pipeline, f.userId(), f.tag());
                    String at = b + " " + p + " " + in;
                    Results.ConversionRates r = analytics.conversion(fx.caller(), p, filter(f), b);
                    long[] starts = p.bucketStarts(b);
                    assertEquals(starts.length, r.buckets().size(), at);
                    Map<Integer, Map<Long, long[]>> stages = ref.stageConversion(in, pipeline, starts, p.toSecond());
                    Map<Integer, long[]> created = ref.createdAndWon(in, starts, p.toSecond());
                    long allCreated = 0;
                    long allWon = 0;
                    for (int i = 0; i < starts.length; i++) {
                        Results.BucketConversion bc = r.buckets().get(i);
                        long[] cw = created.getOrDefault(i + 1, new long[2]);
                        assertEquals(cw[0], bc.created(), at + " created in bucket " + (i + 1));
                        assertEquals(cw[1], bc.won(), at + " won in bucket " + (i + 1));
                        allCreated += cw[0];
                        allWon += cw[1];
                        compare(stages.getOrDefault(i + 1, Map.of()), bc.stages(), at + " bucket " + (i + 1));
                    }
                    assertEquals(allCreated, r.created(), at);
                    assertEquals(allWon, r.won(), at);
                    compare(stages.getOrDefault(0, Map.of()), r.stages(), at + " period");
                }
            }
        }
        Results.ConversionRates quiet = analytics.conversion(fx.caller(), QUIET, LeadFilter.ALL, Bucket.week);
        assertTrue(quiet.buckets().stream().anyMatch(b -> b.created() == 0 && b.wonPct() == null
                && b.stages().stream().allMatch(s -> s.entered() == 0 && s.ratePct() == null)), "an empty week");
    }

    private static void compare(Map<Long, long[]> expected, List<Results.StageConversion> actual, String at) {
        for (Results.StageConversion s : actual) {
            long[] ep = expected.getOrDefault(s.stageId(), new long[2]);
            assertEquals(ep[0], s.entered(), at + " entered " + s.stageId());
            assertEquals(ep[1], s.progressed(), at + " progressed " + s.stageId());
        }
        long expectedStages = expected.values().stream().filter(v -> v[0] > 0).count();
        assertEquals(expectedStages, actual.stream().filter(s -> s.entered() > 0).count(), at + " stages");
    }

    @Test
    void lossReasonsMatchTheReference() {
        for (Bucket b : Bucket.values()) {
            for (Period p : List.of(PAST, RECENT)) {
                for (Filter f : FILTERS) {
                    String at = b + " " + p + " " + f;
                    Results.LossReasonStats r = analytics.lossReasons(fx.caller(), p, filter(f), b);
                    long[] starts = p.bucketStarts(b);
                    Map<Long, long[]> lost = ref.lost(f, starts, p.toSecond());
                    assertEquals(lost.size(), r.reasons().size(), at);
                    long total = 0;
                    for (Results.ReasonFigures rf : r.reasons()) {
                        long[] e = lost.get(rf.lossReasonId() == null ? -1L : rf.lossReasonId());
                        assertEquals(e[0], rf.leads(), at + " " + rf.name());
                        assertEquals(e[1], rf.value(), at + " " + rf.name());
                        for (int i = 0; i < starts.length; i++) {
                            assertEquals(e[2 + i], rf.perBucket().get(i), at + " " + rf.name() + " bucket " + i);
                        }
                        total += e[0];
                    }
                    assertEquals(total, r.lost(), at);
                }
            }
        }
        Results.LossReasonStats all = analytics.lossReasons(fx.caller(), PAST, LeadFilter.ALL, Bucket.week);
        assertTrue(all.reasons().stream().anyMatch(r -> r.lossReasonId() == null && r.name().equals("(no reason)")));
        assertTrue(all.reasons().stream().anyMatch(r -> "Competitor".equals(r.name())));
    }

    @Test
    void usersMatchTheReferenceIncludingOneNoLongerInTheAccount() {
        for (Period p : List.of(PAST, RECENT)) {
            for (Filter f : List.of(Filter.ALL, new Filter(SALES, null, null), new Filter(null, null, "renewal"))) {
                String at = p + " " + f;
                boolean onLeads = f.pipelineId() != null || f.tag() != null;
                Results.UsersComparison r = analytics.usersCompare(fx.caller(), p, filter(f), null);
                Map<Long, long[]> expected = ref.users(f, p.fromSecond(), p.toSecond(), onLeads);
                assertEquals(expected.keySet(), Set.copyOf(r.users().stream().map(Results.UserFigures::userId)
                        .toList()), at);
                for (Results.UserFigures u : r.users()) {
                    long[] e = expected.get(u.userId());
                    String who = at + " user " + u.userId();
                    assertEquals(e[0], u.leadsCreated(), who + " created");
                    assertEquals(e[1], u.won(), who + " won");
                    assertEquals(e[2], u.lost(), who + " lost");
                    assertEquals(e[3], u.wonValue(), who + " won value");
                    assertEquals(e[4], u.tasksDone(), who + " tasks done");
                    assertEquals(e[5], u.tasksOverdue(), who + " overdue");
                    assertEquals(e[6], u.responded(), who + " responded");
                    assertEquals(e[7], u.notResponded(), who + " not responded");
                    Filter mine = new Filter(f.pipelineId(), u.userId(), f.tag());
                    Double days = ref.medianDaysToWin(mine, u.userId(), p.fromSecond(), p.toSecond());
                    assertEquals(days == null ? null : round1(days), u.medianDaysToClose(), who + " days to win");
                    Double hours = ref.medianResponseHours(mine, u.userId(), p.fromSecond(), p.toSecond());
                    assertEquals(hours == null ? null : round1(hours), u.medianResponseHours(), who + " response");
                    assertEquals(u.userId() != 99, u.inAccount(), who);
                    assertEquals(fx.users.get(u.userId()), u.name(), who);
                }
            }
        }
        Results.UserPerformance gone = analytics.userPerformance(fx.caller(), PAST, LeadFilter.ALL, 99);
        long[] e = ref.users(Filter.ALL, PAST.fromSecond(), PAST.toSecond(), false).get(99L);
        assertEquals(e[0], gone.user().leadsCreated());
        assertEquals(e[1], gone.user().won());
        assertFalse(gone.user().inAccount(), "a user no longer in the account keeps their figures");
        assertTrue(e[0] + e[1] + e[2] > 0, "user 99 has figures to compare");
        Results.UserPerformance nobody = analytics.userPerformance(fx.caller(), PAST, LeadFilter.ALL, 4242);
        assertEquals(0, nobody.user().leadsCreated());
        assertNull(nobody.user().winRatePct());
    }

    @Test
    void theOverviewComparesWithThePreviousPeriodOfEqualLength() {
        for (Period p : List.of(PAST, RECENT, QUIET)) {
            for (Filter f : FILTERS) {
                String at = p + " " + f;
                Results.SalesOverview r = analytics.overview(fx.caller(), p, filter(f));
                Period prev = p.previous();
                assertEquals(p.lengthDays(), prev.lengthDays());
                long[] now = ref.periodFigures(f, p.fromSecond(), p.toSecond(), prev.fromSecond());
                long[] before = ref.periodFigures(f, prev.fromSecond(), prev.toSecond(), prev.fromSecond());
                assertEquals(now[0], r.current().wonCount(), at);
                assertEquals(now[1], r.current().wonValue(), at);
                assertEquals(now[2], r.current().lostCount(), at);
                assertEquals(now[3], r.current().newLeads(), at);
                assertEquals(before[0], r.previous().wonCount(), at);
                assertEquals(before[1], r.previous().wonValue(), at);
                assertEquals(before[2], r.previous().lostCount(), at);
                assertEquals(before[3], r.previous().newLeads(), at);
                assertEquals(before[0] == 0 ? null : round1(100.0 * (now[0] - before[0]) / before[0]),
                        r.change().wonCountPct(), at);
                long open = ref.leads(f).stream().filter(l -> l.statusId() != 142 && l.statusId() != 143).count();
                assertEquals(open, r.openLeads(), at);
                assertEquals(ref.leads(f).stream().filter(l -> l.statusId() != 142 && l.statusId() != 143)
                        .mapToLong(Lead::price).sum(), r.openValue(), at);
            }
        }
    }

    @Test
    void overdueTasksAndLeadsWithoutTasksMatchTheReference() {
        Results.TasksOverdue all = analytics.tasksOverdue(fx.caller(), null, LeadFilter.ALL, 10_000);
        List<AnalyticsReference.Task> expected = ref.overdue(null);
        assertEquals(expected.size(), all.total());
        assertEquals(expected.stream().map(AnalyticsReference.Task::id).toList(), all.tasks().stream()
                .map(Results.OverdueTask::taskId).toList(), "oldest due first");
        Results.TasksOverdue boris = analytics.tasksOverdue(fx.caller(), null, new LeadFilter(null, 12L, null), 5);
        assertEquals(ref.overdue(12L).size(), boris.total());
        assertEquals(5, boris.tasks().size());
        Results.TasksOverdue recent = analytics.tasksOverdue(fx.caller(), RECENT, LeadFilter.ALL, 10_000);
        assertEquals(expected.stream().filter(t -> t.due() >= RECENT.fromSecond() && t.due() < RECENT.toSecond())
                .count(), recent.total(), "due within the period");
        long onSales = expected.stream().filter(t -> t.entityId() != null && ref.leads(new Filter(SALES, null, null))
                .stream().anyMatch(l -> l.id() == t.entityId())).count();
        assertEquals(onSales, analytics.tasksOverdue(fx.caller(), null, new LeadFilter(SALES, null, null), 1).total());

        for (Filter f : FILTERS) {
            Results.LeadsWithoutTasks r = analytics.leadsWithoutTasks(fx.caller(), null, filter(f), 10_000);
            List<Lead> e = ref.withoutTasks(f);
            assertEquals(e.size(), r.total(), f.toString());
            assertEquals(e.stream().mapToLong(Lead::price).sum(), r.value(), f.toString());
            assertEquals(e.stream().map(Lead::id).toList(), r.leads().stream().map(Results.LeadWithoutTask::leadId)
                    .toList(), f + ": highest price first");
        }
    }

    @Test
    void scoresMatchTheReferenceFactorByFactor() {
        double[] w = {25, 25, 20, 15, 15};
        for (Filter f : List.of(Filter.ALL, new Filter(PARTNERS, null, null), new Filter(null, 13L, "priority"))) {
            Results.LeadScores r = analytics.score(fx.caller(), null, filter(f), analytics.defaultWeights(), false,
                    10_000);
            List<Lead> open = ref.leads(f).stream().filter(l -> l.statusId() != 142 && l.statusId() != 143).toList();
            assertEquals(open.size(), r.scored(), f.toString());
            Map<Long, Lead> byId = new HashMap<>();
            open.forEach(l -> byId.put(l.id(), l));
            int previous = Integer.MAX_VALUE;
            for (Results.LeadScore s : r.leads()) {
                Double[] v = ref.factors(byId.get(s.leadId()), fx.required(), fx.filled, 30, 90,
                        f.pipelineId() == null ? 0 : f.pipelineId());
                for (int i = 0; i < 5; i++) {
                    Results.Factor factor = s.factors().get(i);
                    assertEquals(v[i] == null ? null : Math.round(v[i] * 100) / 100.0, factor.value(), f + " lead "
                            + s.leadId() + " " + factor.name() + ": " + factor.why());
                    assertFalse(factor.why().isBlank());
                }
                assertEquals(AnalyticsReference.score(v, w), s.score(), f + " lead " + s.leadId());
                assertTrue(s.score() <= previous, "highest first");
                previous = s.score();
            }
        }
        Results.LeadScores some = analytics.score(fx.caller(), List.of(5_001L, 5_002L, 5_003L), LeadFilter.ALL,
                new ScoreWeights(0, 0, 100, 0, 0), true, 10);
        for (Results.LeadScore s : some.leads()) {
            assertEquals(Math.round(100 * s.factors().get(2).value()), s.score(), "only value counts");
        }
    }
}
