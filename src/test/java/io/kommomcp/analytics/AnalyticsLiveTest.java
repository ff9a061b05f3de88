package io.kommomcp.analytics;

import static io.kommomcp.analytics.AnalyticsFixture.NOW;
import static io.kommomcp.analytics.AnalyticsFixture.SALES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.kommomcp.core.Json;
import io.kommomcp.core.ToolException;
import io.kommomcp.testing.UnitDatabase;
import tools.jackson.databind.node.ObjectNode;

/**
 * Without the mirror: the same records read from Kommo (faked, page by page, each page a request of the call) give
 * exactly the mirror's figures; the answer says how many requests it used of its budget; an answer whose estimated
 * cost is above the budget is refused with that estimate, after a few requests only; a mirror that is on but not
 * current is not used (and the refusal says so); nothing read from Kommo stays in the database.
 */
class AnalyticsLiveTest {

    static final Period PERIOD = Period.lastDays(30, Instant.ofEpochSecond(NOW));

    /** Every tool's computation, by name. */
    static Map<String, Function<Analytics, Object>> tools(AnalyticsFixture fx) {
        Map<String, Function<Analytics, Object>> t = new LinkedHashMap<>();
        t.put("pipeline_stats", a -> a.pipelineStats(fx.caller(), PERIOD, LeadFilter.ALL, 2, 50));
        t.put("conversion_rates", a -> a.conversion(fx.caller(), PERIOD, new LeadFilter(SALES, null, "priority"),
                Bucket.week));
        t.put("loss_reasons_stats", a -> a.lossReasons(fx.caller(), PERIOD, LeadFilter.ALL, Bucket.week));
        t.put("user_performance", a -> a.userPerformance(fx.caller(), PERIOD, LeadFilter.ALL, 12));
        t.put("users_compare", a -> a.usersCompare(fx.caller(), PERIOD, new LeadFilter(SALES, null, null), null));
        t.put("sales_overview", a -> a.overview(fx.caller(), PERIOD, LeadFilter.ALL));
        t.put("tasks_overdue", a -> a.tasksOverdue(fx.caller(), null, new LeadFilter(null, 11L, null), 50));
        t.put("leads_without_tasks", a -> a.leadsWithoutTasks(fx.caller(), null, LeadFilter.ALL, 50));
        t.put("leads_score", a -> a.score(fx.caller(), null, LeadFilter.ALL, a.defaultWeights(), false, 50));
        t.put("anomalies_detect", a -> a.anomalies(fx.caller(), Period.lastDays(7, Instant.ofEpochSecond(NOW)), 2));
        return t;
    }

    private static ObjectNode figures(Object result) {
        ObjectNode n = (ObjectNode) Json.mapper().valueToTree(result);
        n.remove("source");
        return n;
    }

    private static Source source(Object result) {
        return Json.mapper().convertValue(Json.mapper().valueToTree(result).get("source"), Source.class);
    }

    @Test
    void withoutTheMirrorKommoIsReadWithinTheBudgetAndGivesTheMirrorsFigures() throws Exception {
        AnalyticsFixture fx = AnalyticsData.random(4711, 90);
        fx.store(true);
        Map<String, Function<Analytics, Object>> tools = tools(fx);
        Map<String, Object> mirrored = new LinkedHashMap<>();
        for (Map.Entry<String, Function<Analytics, Object>> t : tools.entrySet()) {
            Object r = t.getValue().apply(fx.analytics(30));
            assertTrue(source(r).mirrored(), t.getKey());
            assertEquals(0, fx.calls.size(), t.getKey() + ": nothing read from Kommo");
            mirrored.put(t.getKey(), r);
        }
        fx.mirror(false);
        for (Map.Entry<String, Function<Analytics, Object>> t : tools.entrySet()) {
            Object r = t.getValue().apply(fx.analytics(30));
            Source s = source(r);
            assertEquals(Source.KOMMO, s.answeredFrom(), t.getKey());
            assertEquals(30, s.requestBudget());
            assertEquals(fx.calls.size(), s.kommoRequests(), t.getKey() + ": the requests it made");
            assertTrue(s.kommoRequests() > 0 && s.kommoRequests() <= 30, t.getKey() + ": " + s.kommoRequests());
            assertEquals(figures(mirrored.get(t.getKey())), figures(r), t.getKey() + ": the mirror's figures");
        }
        try (Connection c = UnitDatabase.owner(); PreparedStatement ps = c.prepareStatement("select count(*) from"
                + " mirror_record where tenant_id like '~live-%'"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            assertEquals(0, rs.getLong(1), "what was read from Kommo went with the answer's transaction");
        }
    }

    @Test
    void anAnswerAboveTheBudgetIsRefusedWithItsEstimatedCostAfterAFewRequests() throws Exception {
        AnalyticsFixture fx = AnalyticsData.random(99, 1500); // about 1,450 leads and 4,800 stage changes
        Analytics a = fx.analytics(30);
        ToolException e = assertThrows(ToolException.class, () -> a.pipelineStats(fx.caller(), PERIOD,
                LeadFilter.ALL, 2, 10));
        int actual = (int) Math.ceil(fx.leads.stream().filter(l -> !l.deleted()).count() / 250.0)
                + (int) Math.ceil(fx.changes.size() / 100.0) + 1;
        long estimate = estimate(e.getMessage());
        assertTrue(estimate >= actual * 0.8 && estimate <= actual * 1.25, "about " + actual + ": " + e.getMessage());
        assertTrue(e.getMessage().contains("(~" + (estimate + 6) / 7 + " s at Kommo's 7 per second)"),
                e.getMessage());
        assertTrue(e.getMessage().contains("at most 30") && e.getMessage().contains("turn the tenant's mirror on"),
                e.getMessage());
        assertTrue(fx.calls.size() <= 16, "refused after the first pages and a few to measure: " + fx.calls.size());

        // a smaller question of the same account fits: its open tasks and leads
        Results.LeadsWithoutTasks fits = a.leadsWithoutTasks(fx.caller(), null, new LeadFilter(null, 13L, null), 5);
        assertEquals(Source.KOMMO, fits.source().answeredFrom());
        assertTrue(fits.source().kommoRequests() <= 30);

        // a budget large enough answers it live
        Results.PipelineStats live = fx.analytics(1_000).pipelineStats(fx.caller(), PERIOD, LeadFilter.ALL, 2, 10);
        assertEquals(actual, live.source().kommoRequests(), "every page once, and the oldest lead");
        assertTrue(Math.abs(estimate - actual) <= actual * 0.25);
    }

    @Test
    void aMirrorThatIsOnButNotCurrentIsNotUsed() throws Exception {
        AnalyticsFixture fx = AnalyticsData.random(123, 1500);
        fx.store(true);
        fx.syncedAt(NOW - 301);
        ToolException e = assertThrows(ToolException.class, () -> fx.analytics(30).pipelineStats(fx.caller(),
                PERIOD, LeadFilter.ALL, 2, 10));
        assertTrue(e.getMessage().contains("mirror is on but not current"), e.getMessage());
        Results.PipelineStats live = fx.analytics(1_000).pipelineStats(fx.caller(), PERIOD, LeadFilter.ALL, 2, 10);
        assertFalse(live.source().mirrored(), "read from Kommo");
        fx.syncedAt(NOW - 299);
        Results.PipelineStats mirrored = fx.analytics(30).pipelineStats(fx.caller(), PERIOD, LeadFilter.ALL, 2, 10);
        assertEquals(Instant.ofEpochSecond(NOW - 299), mirrored.source().asOf());
        assertEquals(figures(mirrored), figures(live));
    }

    private static long estimate(String message) {
        Matcher m = Pattern.compile("needs about (\\d+) Kommo requests").matcher(message);
        assertTrue(m.find(), message);
        return Long.parseLong(m.group(1));
    }

    @Test
    void theSourceSaysWhereTheFiguresComeFrom() {
        assertEquals("from the mirror, current as of 2026-06-15T11:59:30Z", Source.mirror(Instant.ofEpochSecond(NOW
                - 30)).describe());
        assertEquals("read from Kommo just now: 12 requests of the 30 an answer may use without the mirror",
                Source.live(12, 30).describe());
        assertEquals(List.of("leads", "events", "tasks", "lead_notes"), Needs.leads(LeadFilter.ALL)
                .withStageChangesFrom(0).withOpenTasks().withNotesFrom(5).mirrorEntities());
    }
}
