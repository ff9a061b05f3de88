package it.io.kommomcp;

import static it.io.kommomcp.ItServer.err;
import static it.io.kommomcp.ItServer.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.kommomcp.testing.AnalyticsReference;
import io.kommomcp.testing.AnalyticsReference.Filter;
import it.io.kommomcp.ItServer.Tenant;
import tools.jackson.databind.JsonNode;

/**
 * The analytics tools (issue 14) through MCP against the sandbox. A bulk-seeded account (600 leads with 3,000 stage
 * changes over 12 months) with changes made in Kommo's interface (a won lead reopened, a lead won, a lead deleted),
 * tasks (overdue, due later, done) and a note; its mirror turned on and backfilled; every tool's figures checked
 * against the same figures computed by {@link AnalyticsReference} from the sandbox's own records read straight from
 * its API (/api/v4/leads, /events, /tasks, /leads/notes, /leads/pipelines, /leads/custom_fields). Without the
 * mirror: a small account answered from Kommo within the request budget (the answer says how many requests, the
 * audit trail agrees), a 2,000-lead account refused with the estimated cost after a few requests; bad input.
 */
@ExtendWith(ArquillianExtension.class)
class AnalyticsIT {

    private static final long DAY = 86_400;
    private final ItServer server = ItServer.local();

    @Test
    void everyToolAnswersFromTheMirrorWithTheSandboxsOwnFigures() throws Exception {
        Tenant t = server.newTenant("an-");
        bulkSeed(t, 600, 3_000, 11);
        long[] userIds = userIds(t);
        long anna = userIds[0];
        long boris = userIds[1];
        long clara = userIds[2];
        Map<Long, List<Long>> pipelineStages = pipelineStages(t);
        List<JsonNode> leads = pages(t, "leads", "leads", 250);
        JsonNode won = leads.stream().filter(l -> l.path("status_id").asLong() == 142).findFirst().orElseThrow();
        JsonNode open = leads.stream().filter(l -> l.path("status_id").asLong() != 142
                && l.path("status_id").asLong() != 143 && l.path("id").asLong() != won.path("id").asLong())
                .findFirst().orElseThrow();
        JsonNode gone = leads.stream().filter(l -> l.path("id").asLong() != won.path("id").asLong()
                && l.path("id").asLong() != open.path("id").asLong()).skip(5).findFirst().orElseThrow();
        long reopenTo = working(pipelineStages.get(won.path("pipeline_id").asLong())).get(1);
        ui(t, "update_lead", "{\"user_id\":" + boris + ",\"lead_id\":" + won.path("id").asLong() + ",\"status_id\":"
                + reopenTo + ",\"pipeline_id\":" + won.path("pipeline_id").asLong() + "}");
        ui(t, "update_lead", "{\"user_id\":" + clara + ",\"lead_id\":" + open.path("id").asLong()
                + ",\"status_id\":142,\"pipeline_id\":" + open.path("pipeline_id").asLong() + "}");
        ui(t, "delete", "{\"user_id\":" + anna + ",\"entity\":\"leads\",\"id\":" + gone.path("id").asLong() + "}");
        long now = Instant.now().getEpochSecond();
        long lead = open.path("id").asLong();
        long other = won.path("id").asLong();
        String tasks = "[" + task("Late", now - 3 * DAY, boris, lead) + "," + task("Later", now + 5 * DAY, boris, lead)
                + "," + task("Very late", now - 9 * DAY, clara, other) + "," + task("Done", now - DAY, anna, other)
                + "]";
        JsonNode made = McpHttp.JSON.readTree(sandbox(t, "POST", "tasks", tasks).body());
        long done = made.path("_embedded").path("tasks").get(3).path("id").asLong();
        assertTrue(sandbox(t, "PATCH", "tasks/" + done, "{\"is_completed\":true,\"result\":{\"text\":\"ok\"}}")
                .statusCode() < 300);
        assertTrue(sandbox(t, "POST", "leads/notes", "[{\"entity_id\":" + lead + ",\"note_type\":\"common\","
                + "\"params\":{\"text\":\"Called back\"}}]").statusCode() < 300);

        mirrorOn(t);
        McpHttp reader = server.mcp(t.id(), "kommo.reader");
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        LocalDate first = today.minusDays(60);
        LocalDate last = today.minusDays(1);
        long from = first.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        long to = last.plusDays(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        Map<String, Object> period = Map.of("from", first.toString(), "to", last.toString());
        AnalyticsReference ref = reference(t, Instant.now().getEpochSecond());
        long main = mainPipeline(t);

        // pipeline_stats
        JsonNode ps = ok(reader.call("pipeline_stats", with(period, "limit", 100)));
        assertMirrored(ps);
        Map<String, long[]> perStage = ref.leadsPerStage(Filter.ALL, from, to);
        Map<String, List<Double>> days = ref.stayDays(Filter.ALL, from, to);
        long stuckShown = 0;
        for (JsonNode p : ps.path("pipelines")) {
            for (JsonNode s : p.path("stages")) {
                String key = p.path("pipeline_id").asLong() + ":" + s.path("stage_id").asLong();
                long[] lv = perStage.getOrDefault(key, new long[2]);
                assertEquals(lv[0], s.path("leads").asLong(), "leads in " + key);
                assertEquals(lv[1], s.path("value").asLong(), "value in " + key);
                List<Double> d = days.get(key);
                assertEquals(d == null ? 0 : d.size(), s.path("stays").asLong(), "stays in " + key);
                if (d != null) {
                    assertEquals(AnalyticsReference.round1(AnalyticsReference.median(d)), s.path("median_days")
                            .asDouble(), 1e-9, "median in " + key);
                }
                stuckShown += s.path("stuck").asLong();
            }
        }
        Map<Long, Double> stuck = ref.stuck(Filter.ALL, from, to, 2);
        assertEquals(stuck.size(), ps.path("stuck_total").asLong(), "stuck leads");
        assertEquals(stuck.size(), stuckShown);
        for (JsonNode s : ps.path("stuck")) {
            assertTrue(stuck.containsKey(s.path("lead_id").asLong()), "stuck: " + s);
        }
        assertFalse(perStage.isEmpty(), "the seed gave figures to compare");

        // conversion_rates, week by week, in the main pipeline
        JsonNode cr = ok(reader.call("conversion_rates", period));
        assertMirrored(cr);
        assertEquals(main, cr.path("pipeline_id").asLong());
        long[] starts = weekStarts(first, last);
        assertEquals(starts.length, cr.path("buckets").size());
        Filter inMain = new Filter(main, null, null);
        Map<Integer, Map<Long, long[]>> stages = ref.stageConversion(inMain, main, starts, to);
        Map<Integer, long[]> created = ref.createdAndWon(inMain, starts, to);
        for (int b = 0; b < starts.length; b++) {
            JsonNode bucket = cr.path("buckets").get(b);
            long[] cw = created.getOrDefault(b + 1, new long[2]);
            assertEquals(cw[0], bucket.path("created").asLong(), "created in week " + (b + 1));
            assertEquals(cw[1], bucket.path("won").asLong(), "won of week " + (b + 1));
            for (JsonNode s : bucket.path("stages")) {
                long[] ep = stages.getOrDefault(b + 1, Map.of()).getOrDefault(s.path("stage_id").asLong(),
                        new long[2]);
                assertEquals(ep[0], s.path("entered").asLong(), "entered, week " + (b + 1) + " " + s);
                assertEquals(ep[1], s.path("progressed").asLong(), "moved on, week " + (b + 1) + " " + s);
            }
        }
        for (JsonNode s : cr.path("stages")) {
            long[] ep = stages.getOrDefault(0, Map.of()).getOrDefault(s.path("stage_id").asLong(), new long[2]);
            assertEquals(ep[0], s.path("entered").asLong(), "entered in the period: " + s);
            assertEquals(ep[1], s.path("progressed").asLong(), "moved on in the period: " + s);
        }

        // loss_reasons_stats
        JsonNode lr = ok(reader.call("loss_reasons_stats", period));
        assertMirrored(lr);
        Map<Long, long[]> lost = ref.lost(Filter.ALL, starts, to);
        assertEquals(lost.size(), lr.path("reasons").size(), lr.toString());
        for (JsonNode r : lr.path("reasons")) {
            long[] e = lost.get(r.has("loss_reason_id") ? r.path("loss_reason_id").asLong() : -1L);
            assertEquals(e[0], r.path("leads").asLong(), r.toString());
            assertEquals(e[1], r.path("value").asLong(), r.toString());
            for (int b = 0; b < starts.length; b++) {
                assertEquals(e[2 + b], r.path("per_bucket").get(b).asLong(), r.toString());
            }
        }

        // users_compare and user_performance
        JsonNode uc = ok(reader.call("users_compare", period));
        assertMirrored(uc);
        Map<Long, long[]> users = ref.users(Filter.ALL, from, to, false);
        assertEquals(users.size(), uc.path("users").size(), uc.toString());
        String[] names = {"leads_created", "won", "lost", "won_value", "tasks_done", "tasks_overdue", "responded",
            "not_responded"};
        for (JsonNode u : uc.path("users")) {
            long[] e = users.get(u.path("user_id").asLong());
            for (int i = 0; i < names.length; i++) {
                assertEquals(e[i], u.path(names[i]).asLong(), names[i] + " of " + u);
            }
            Double medianDays = ref.medianDaysToWin(Filter.ALL, u.path("user_id").asLong(), from, to);
            if (medianDays != null) {
                assertEquals(AnalyticsReference.round1(medianDays), u.path("median_days_to_close").asDouble(), 1e-9,
                        u.toString());
            }
        }
        JsonNode up = ok(reader.call("user_performance", with(period, "user_id", boris)));
        assertEquals(users.getOrDefault(boris, new long[8])[1], up.path("user").path("won").asLong());
        assertEquals("Boris Sales", up.path("user").path("name").asString());

        // sales_overview
        JsonNode so = ok(reader.call("sales_overview", period));
        assertMirrored(so);
        long prevFrom = from - (to - from);
        long[] current = ref.periodFigures(Filter.ALL, from, to, prevFrom);
        long[] before = ref.periodFigures(Filter.ALL, prevFrom, from, prevFrom);
        assertEquals(current[0], so.path("current").path("won_count").asLong());
        assertEquals(current[1], so.path("current").path("won_value").asLong());
        assertEquals(current[2], so.path("current").path("lost_count").asLong());
        assertEquals(current[3], so.path("current").path("new_leads").asLong());
        assertEquals(before[0], so.path("previous").path("won_count").asLong());
        assertEquals(before[3], so.path("previous").path("new_leads").asLong());
        assertEquals(ref.leads(Filter.ALL).stream().filter(l -> l.statusId() != 142 && l.statusId() != 143).count(),
                so.path("open_leads").asLong());

        // tasks_overdue, leads_without_tasks
        JsonNode od = ok(reader.call("tasks_overdue", Map.of("limit", 100)));
        assertMirrored(od);
        List<AnalyticsReference.Task> overdue = ref.overdue(null);
        assertEquals(2, overdue.size(), "the two late tasks; the done one and the later one are not");
        assertEquals(overdue.size(), od.path("total").asLong());
        assertEquals(overdue.stream().map(AnalyticsReference.Task::id).toList(), ids(od.path("tasks"), "task_id"));
        JsonNode wt = ok(reader.call("leads_without_tasks", Map.of("limit", 100)));
        assertMirrored(wt);
        List<AnalyticsReference.Lead> without = ref.withoutTasks(Filter.ALL);
        assertEquals(without.size(), wt.path("total").asLong());
        assertEquals(without.stream().limit(100).map(AnalyticsReference.Lead::id).toList(), ids(wt.path("leads"),
                "lead_id"), "highest price first");

        // leads_score: every factor of the 20 best
        JsonNode sc = ok(reader.call("leads_score", Map.of("limit", 20)));
        assertMirrored(sc);
        long scoreNow = Instant.now().getEpochSecond();
        AnalyticsReference atScore = reference(t, scoreNow);
        Map<Long, Set<Long>> required = required(t);
        Map<Long, Set<Long>> filled = filled(pages(t, "leads", "leads", 250));
        Map<Long, AnalyticsReference.Lead> byId = new HashMap<>();
        atScore.leads(Filter.ALL).forEach(l -> byId.put(l.id(), l));
        assertEquals(byId.values().stream().filter(l -> l.statusId() != 142 && l.statusId() != 143).count(),
                sc.path("scored").asLong());
        double[] weights = {25, 25, 20, 15, 15};
        for (JsonNode s : sc.path("leads")) {
            Double[] v = atScore.factors(byId.get(s.path("lead_id").asLong()), required, filled, 30, 90, 0);
            for (int i = 0; i < 5; i++) {
                JsonNode f = s.path("factors").get(i);
                if (v[i] == null) {
                    assertTrue(f.path("value").isMissingNode() || f.path("value").isNull(), f.toString());
                } else {
                    assertEquals(v[i], f.path("value").asDouble(), 0.011, f.toString()); // recency moves with time
                }
                assertFalse(f.path("why").asString().isBlank());
            }
            assertEquals(AnalyticsReference.score(v, weights), s.path("score").asInt(), 1, s.toString());
        }

        // anomalies_detect: a configuration change made in Kommo's interface is found, with the checks made
        snapshot(t, 1);
        ui(t, "update_pipeline", "{\"user_id\":" + anna + ",\"pipeline_id\":" + main + ",\"name\":\"Sales (renamed"
                + " in Kommo)\"}");
        snapshot(t, 2);
        JsonNode an = ok(reader.call("anomalies_detect", Map.of()));
        assertMirrored(an);
        assertEquals(7, an.path("checked").size(), an.toString());
        boolean external = false;
        for (JsonNode a : an.path("anomalies")) {
            if (a.path("kind").asString().equals("external_configuration_changes")) {
                external = a.path("evidence").path("count").asLong() >= 1;
            }
        }
        assertTrue(external, "the pipeline renamed in Kommo: " + an);
    }

    @Test
    void withoutTheMirrorAnAnswerStaysWithinItsBudgetOrStatesItsCost() throws Exception {
        // a small account: answered from Kommo, saying how many requests it made
        Tenant small = server.newTenant("an-");
        McpHttp reader = server.mcp(small.id(), "kommo.reader");
        JsonNode ps = ok(reader.call("pipeline_stats", Map.of()));
        assertEquals("kommo", ps.path("source").path("answered_from").asString(), ps.toString());
        long requests = ps.path("source").path("kommo_requests").asLong();
        assertTrue(requests > 0 && requests <= ps.path("source").path("request_budget").asLong(), ps.toString());
        assertEquals(requests, ItServer.kommoCalls(small.id(), "pipeline_stats"), "the audit trail agrees");
        AnalyticsReference ref = reference(small, Instant.now().getEpochSecond());
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        long from = today.minusDays(29).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        long to = today.plusDays(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        Map<String, long[]> perStage = ref.leadsPerStage(Filter.ALL, from, to);
        for (JsonNode p : ps.path("pipelines")) {
            for (JsonNode s : p.path("stages")) {
                long[] lv = perStage.getOrDefault(p.path("pipeline_id").asLong() + ":" + s.path("stage_id").asLong(),
                        new long[2]);
                assertEquals(lv[0], s.path("leads").asLong(), s.toString());
                assertEquals(lv[1], s.path("value").asLong(), s.toString());
            }
        }

        // 2,000 leads and 10,000 stage changes: 9 pages of leads and 100 of events, far over 30 requests (the estimate:
        // the schema, the first pages, the leads' pages extrapolated from the first, the events' pages found)
        Tenant big = server.newTenant("an-");
        bulkSeed(big, 2_000, 10_000, 5);
        McpHttp bigReader = server.mcp(big.id(), "kommo.reader");
        String refused = McpHttp.text(err(bigReader.call("pipeline_stats", Map.of())));
        Matcher m = Pattern.compile("needs about (\\d+) Kommo requests \\(~(\\d+) s at Kommo's 7 per second\\)")
                .matcher(refused);
        assertTrue(m.find(), refused);
        long estimate = Long.parseLong(m.group(1));
        assertTrue(estimate >= 90 && estimate <= 160, "about 110 requests: " + refused);
        assertEquals((estimate + 6) / 7, Long.parseLong(m.group(2)));
        assertTrue(refused.contains("at most 30") && refused.contains("turn the tenant's mirror on"), refused);
        // the first pages, the oldest lead, and at most 12 single pages to find how many pages of events there are
        assertTrue(ItServer.kommoCalls(big.id(), "pipeline_stats") <= 20, "refused after a few requests");
        JsonNode cheap = ok(bigReader.call("tasks_overdue", Map.of()));
        assertEquals("kommo", cheap.path("source").path("answered_from").asString(), "no history needed: it fits");

        // bad input, refused in plain words before any Kommo request
        assertTrue(McpHttp.text(err(bigReader.call("conversion_rates", Map.of("from", "2026-06-02", "to",
                "2026-06-01")))).contains("after"));
        assertTrue(McpHttp.text(err(bigReader.call("sales_overview", Map.of("from", "last week"))))
                .contains("2026-06-01"));
        assertTrue(McpHttp.text(err(bigReader.call("pipeline_stats", Map.of("pipeline_id", 999_999_999))))
                .contains("no pipeline"));
        List<Long> many = new ArrayList<>();
        for (long i = 1; i <= 51; i++) {
            many.add(i);
        }
        assertTrue(McpHttp.text(err(bigReader.call("leads_score", Map.of("lead_ids", many)))).contains("1 to 50"));
        assertTrue(McpHttp.text(err(bigReader.call("pipeline_stats", Map.of("stuck_factor", 0.5))))
                .contains("between 1 and 100"));
    }

    // ------------------------------------------------------------------ the sandbox's own records

    /** The account's records as the reference model takes them, read straight from the sandbox's API. */
    private static AnalyticsReference reference(Tenant t, long now) throws Exception {
        List<AnalyticsReference.Lead> leads = new ArrayList<>();
        for (JsonNode l : pages(t, "leads", "leads", 250)) {
            List<String> tags = new ArrayList<>();
            l.path("_embedded").path("tags").forEach(x -> tags.add(x.path("name").asString()));
            leads.add(new AnalyticsReference.Lead(l.path("id").asLong(), l.path("name").asString(),
                    l.path("pipeline_id").asLong(), l.path("status_id").asLong(), l.path("price").asLong(0),
                    longOrNull(l, "responsible_user_id"), longOrNull(l, "loss_reason_id"),
                    l.path("created_at").asLong(), l.path("updated_at").asLong(), longOrNull(l, "updated_by"), tags,
                    false));
        }
        List<AnalyticsReference.Change> changes = new ArrayList<>();
        for (JsonNode e : pages(t, "events?filter%5Btype%5D%5B%5D=lead_status_changed", "events", 100)) {
            JsonNode b = e.path("value_before").path(0).path("lead_status");
            JsonNode a = e.path("value_after").path(0).path("lead_status");
            changes.add(new AnalyticsReference.Change(e.path("id").asString(), e.path("entity_id").asLong(),
                    e.path("created_at").asLong(), longOrNull(e, "created_by"), b.path("pipeline_id").asLong(),
                    b.path("id").asLong(), a.path("pipeline_id").asLong(), a.path("id").asLong()));
        }
        List<AnalyticsReference.Task> tasks = new ArrayList<>();
        for (JsonNode x : pages(t, "tasks", "tasks", 250)) {
            tasks.add(new AnalyticsReference.Task(x.path("id").asLong(), longOrNull(x, "responsible_user_id"),
                    x.path("entity_type").isString() ? x.path("entity_type").asString() : null,
                    longOrNull(x, "entity_id"), x.path("is_completed").asBoolean(), longOrNull(x, "complete_till"),
                    x.path("created_at").asLong(), x.path("updated_at").asLong(), longOrNull(x, "created_by"),
                    longOrNull(x, "updated_by")));
        }
        List<AnalyticsReference.Note> notes = new ArrayList<>();
        for (JsonNode n : pages(t, "leads/notes", "notes", 250)) {
            notes.add(new AnalyticsReference.Note(n.path("id").asLong(), n.path("entity_id").asLong(),
                    n.path("created_at").asLong(), longOrNull(n, "created_by")));
        }
        List<AnalyticsReference.Pipe> pipes = new ArrayList<>();
        pipelineStages(t).forEach((id, stages) -> pipes.add(new AnalyticsReference.Pipe(id, stages)));
        return new AnalyticsReference(leads, changes, tasks, notes, pipes, now);
    }

    /** Each pipeline's stages in Kommo's order (sort). */
    private static Map<Long, List<Long>> pipelineStages(Tenant t) throws Exception {
        Map<Long, List<Long>> out = new LinkedHashMap<>();
        for (JsonNode p : McpHttp.JSON.readTree(sandbox(t, "GET", "leads/pipelines", null).body()).path("_embedded")
                .path("pipelines")) {
            List<JsonNode> statuses = new ArrayList<>();
            p.path("_embedded").path("statuses").forEach(statuses::add);
            statuses.sort((x, y) -> Long.compare(x.path("sort").asLong(), y.path("sort").asLong()));
            out.put(p.path("id").asLong(), statuses.stream().map(s -> s.path("id").asLong()).toList());
        }
        return out;
    }

    private static long mainPipeline(Tenant t) throws Exception {
        for (JsonNode p : McpHttp.JSON.readTree(sandbox(t, "GET", "leads/pipelines", null).body()).path("_embedded")
                .path("pipelines")) {
            if (p.path("is_main").asBoolean()) {
                return p.path("id").asLong();
            }
        }
        throw new AssertionError("no main pipeline");
    }

    private static List<Long> working(List<Long> stages) {
        return stages.stream().filter(s -> s != 142 && s != 143).toList();
    }

    /** The fields each pipeline requires (required_statuses of the leads' custom fields). */
    private static Map<Long, Set<Long>> required(Tenant t) throws Exception {
        Map<Long, Set<Long>> out = new HashMap<>();
        for (JsonNode f : pages(t, "leads/custom_fields", "custom_fields", 250)) {
            for (JsonNode r : f.path("required_statuses")) {
                out.computeIfAbsent(r.path("pipeline_id").asLong(), k -> new HashSet<>()).add(f.path("id").asLong());
            }
        }
        return out;
    }

    /** Per lead, the fields it holds a value of: not null, not false, not blank. */
    private static Map<Long, Set<Long>> filled(List<JsonNode> leads) {
        Map<Long, Set<Long>> out = new HashMap<>();
        for (JsonNode l : leads) {
            for (JsonNode f : l.path("custom_fields_values")) {
                for (JsonNode v : f.path("values")) {
                    JsonNode value = v.path("value");
                    boolean blank = value.isMissingNode() || value.isNull() || value.isBoolean() && !value.asBoolean()
                            || value.isString() && value.asString().isBlank();
                    if (!blank) {
                        out.computeIfAbsent(l.path("id").asLong(), k -> new HashSet<>()).add(f.path("field_id")
                                .asLong());
                    }
                }
            }
        }
        return out;
    }

    /** The account's users (Anna Admin, Boris Sales, Clara Sales in the sandbox's seed), in that order. */
    private static long[] userIds(Tenant t) throws Exception {
        JsonNode users = McpHttp.JSON.readTree(sandbox(t, "GET", "users?limit=250", null).body()).path("_embedded")
                .path("users");
        long[] out = new long[3];
        for (JsonNode u : users) {
            String name = u.path("name").asString();
            int i = name.startsWith("Anna") ? 0 : name.startsWith("Boris") ? 1 : name.startsWith("Clara") ? 2 : -1;
            if (i >= 0) {
                out[i] = u.path("id").asLong();
            }
        }
        return out;
    }

    private static long[] weekStarts(LocalDate first, LocalDate last) {
        List<Long> out = new ArrayList<>();
        out.add(first.atStartOfDay(ZoneOffset.UTC).toEpochSecond());
        for (LocalDate d = first.with(TemporalAdjusters.next(DayOfWeek.MONDAY)); !d.isAfter(last); d = d.plusWeeks(1)) {
            out.add(d.atStartOfDay(ZoneOffset.UTC).toEpochSecond());
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    private static Long longOrNull(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isNumber() ? Long.valueOf(v.asLong()) : null;
    }

    private static List<Long> ids(JsonNode items, String field) {
        List<Long> out = new ArrayList<>();
        items.forEach(i -> out.add(i.path(field).asLong()));
        return out;
    }

    private static String task(String text, long due, long user, long lead) {
        return "{\"text\":\"" + text + "\",\"complete_till\":" + due + ",\"responsible_user_id\":" + user
                + ",\"entity_type\":\"leads\",\"entity_id\":" + lead + "}";
    }

    private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
        Map<String, Object> out = new LinkedHashMap<>(base);
        out.put(key, value);
        return out;
    }

    private static void assertMirrored(JsonNode answer) {
        assertEquals("mirror", answer.path("source").path("answered_from").asString(), answer.toString());
        assertTrue(answer.path("source").has("as_of"), answer.toString());
    }

    // ------------------------------------------------------------------ sandbox and server

    private void bulkSeed(Tenant t, int leads, int events, int seed) throws Exception {
        HttpResponse<String> r = server.http("POST", "/sandbox/_control/accounts/" + t.account() + "/bulk-seed",
                "{\"leads\":" + leads + ",\"contacts\":0,\"companies\":0,\"events\":" + events + ",\"seed\":" + seed
                        + "}", null);
        assertEquals(200, r.statusCode(), r.body());
    }

    private void ui(Tenant t, String action, String body) throws Exception {
        HttpResponse<String> r = server.http("POST", "/sandbox/_control/accounts/" + t.account() + "/ui/" + action,
                body, null);
        assertTrue(r.statusCode() < 300, action + ": " + r.statusCode() + " " + r.body());
    }

    /** Turns the tenant's mirror on and waits until every entity is backfilled. */
    private void mirrorOn(Tenant t) throws Exception {
        assertEquals(200, server.admin("PATCH", "/api/admin/tenants/" + t.id(), "{\"mirror\":true}").statusCode());
        server.admin("POST", "/api/admin/tenants/" + t.id() + "/realtime/sync", null);
        waitFor(() -> {
            JsonNode entities = status(t).path("entities");
            boolean all = entities.size() > 0;
            for (JsonNode e : entities) {
                all &= e.path("backfilled").asBoolean();
            }
            return all;
        }, "backfilled");
    }

    private JsonNode status(Tenant t) throws Exception {
        HttpResponse<String> r = server.admin("GET", "/api/admin/tenants/" + t.id() + "/realtime", null);
        assertEquals(200, r.statusCode(), r.body());
        return McpHttp.JSON.readTree(r.body());
    }

    /** Runs the configuration snapshot now and waits until it ran {@code runs} times in all. */
    private void snapshot(Tenant t, int runs) throws Exception {
        server.admin("POST", "/api/admin/tenants/" + t.id() + "/realtime/sync", null);
        waitFor(() -> ItServer.count("select count(*) from sync_job where tenant_id = ? and job = 'CONFIG_SNAPSHOT'"
                + " and runs >= ? and locked_by is null", t.id(), runs) == 1, "snapshot " + runs);
    }

    /** Every item of a collection, page by page, straight from the sandbox. */
    private static List<JsonNode> pages(Tenant t, String path, String key, int limit) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        String sep = path.contains("?") ? "&" : "?";
        for (int page = 1; page < 1_000; page++) {
            HttpResponse<String> r = sandbox(t, "GET", path + sep + "limit=" + limit + "&page=" + page, null);
            if (r.statusCode() == 204) {
                break;
            }
            assertEquals(200, r.statusCode(), path + ": " + r.body());
            JsonNode doc = McpHttp.JSON.readTree(r.body());
            doc.path("_embedded").path(key).forEach(out::add);
            if (!doc.path("_links").has("next")) {
                break;
            }
        }
        return out;
    }

    /** A request straight to the sandbox account, as another integration would make it (resent after a 429). */
    private static HttpResponse<String> sandbox(Tenant t, String method, String path, String body) throws Exception {
        for (int attempt = 0; ; attempt++) {
            HttpResponse<String> r = McpHttp.HTTP.send(HttpRequest.newBuilder(URI.create(t.kommoBaseUrl() + "/api/v4/"
                    + path)).header("Authorization", "Bearer " + t.kommoToken()).header("Content-Type",
                            "application/json").method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 429 || attempt >= 10) {
                return r;
            }
            Thread.sleep(1_100); // the mirror's sync shares the account's 7 requests/s with us
        }
    }

    private static void waitFor(Callable<Boolean> condition, String what) throws Exception {
        Instant until = Instant.now().plus(Duration.ofSeconds(180));
        while (Instant.now().isBefore(until)) {
            if (Boolean.TRUE.equals(condition.call())) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("timed out waiting: " + what);
    }
}
