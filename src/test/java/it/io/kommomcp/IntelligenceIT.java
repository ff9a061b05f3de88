package it.io.kommomcp;

import static it.io.kommomcp.ItServer.err;
import static it.io.kommomcp.ItServer.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import it.io.kommomcp.ItServer.Tenant;
import tools.jackson.databind.JsonNode;

/**
 * Sales intelligence (issue 14) against the sandbox's own data, read straight from it: a lead's timeline is every
 * event, note and task the sandbox holds for it, in order, with who; its summary and status agree with its tasks,
 * fields and stage; the tenant's thresholds are set through the admin API and judge by; inactive leads, live and from
 * the mirror, are the ones the sandbox's records say, highest value first; the statuses and the stages' medians from
 * the mirror are those worked out here from the sandbox's stage histories.
 */
@ExtendWith(ArquillianExtension.class)
class IntelligenceIT {

    private static final long DAY = 86_400;
    /** Leads whose activity lies this close to a day boundary are not compared (the test's clock and the server's). */
    private static final long MARGIN = 300;

    private final ItServer server = ItServer.local();

    // ------------------------------------------------------------------ the timeline

    @Test
    void theTimelineIsEveryEventNoteAndTaskTheSandboxHoldsForTheLeadInOrderWithWho() throws Exception {
        Tenant t = server.newTenant("intel-");
        McpHttp c = server.mcp(t.id(), "kommo.writer");
        Map<String, Long> stages = stages(c, "Sales pipeline");
        long pipeline = stages.get("_pipeline");
        long lead = ok(c.call("leads_create", Map.of("name", "Timeline deal", "price", 1000, "pipeline_id", pipeline,
                "stage_id", stages.get("Initial contact")))).path("lead_id").asLong();
        Map<String, Long> users = users(t);
        ui(t, "update_lead", "{\"user_id\":" + users.get("Boris Sales") + ",\"lead_id\":" + lead + ",\"status_id\":"
                + stages.get("Qualification") + ",\"pipeline_id\":" + pipeline + ",\"price\":1500}");
        ok(c.call("notes_add", Map.of("entity_type", "leads", "entity_id", lead, "text", "Wants a discount")));
        ok(c.call("notes_add", Map.of("entity_type", "leads", "entity_id", lead, "kind", "call_out", "phone",
                "+31 20 555 1000", "duration_seconds", 95, "text", "Agreed on a demo")));
        long done = ok(c.call("tasks_create", Map.of("text", "Prepare the demo", "due", tomorrow(), "entity_type",
                "leads", "entity_id", lead))).path("task_id").asLong();
        ok(c.call("tasks_complete", Map.of("task_id", done, "result", "Demo ready")));
        ok(c.call("tasks_create", Map.of("text", "Send the quote", "due", tomorrow(), "entity_type", "leads",
                "entity_id", lead)));
        long contact = sandboxItems(t, "contacts?limit=250", "contacts").get(0).path("id").asLong();
        ok(c.call("links_link", Map.of("entity_type", "leads", "entity_id", lead, "to_entity_type", "contacts",
                "to_entity_id", contact)));
        Thread.sleep(1_100); // Kommo's times are seconds: the second move comes a second after the first
        ui(t, "update_lead", "{\"user_id\":" + users.get("Clara Sales") + ",\"lead_id\":" + lead + ",\"status_id\":"
                + stages.get("Negotiation") + ",\"pipeline_id\":" + pipeline + "}"); // skips Proposal sent

        // the sandbox's own record of the lead
        List<JsonNode> events = sandboxItems(t, "events?filter%5Bentity%5D%5B%5D=lead&filter%5Bentity_id%5D%5B%5D="
                + lead + "&limit=100", "events");
        List<JsonNode> notes = sandboxItems(t, "leads/" + lead + "/notes?limit=250", "notes");
        List<JsonNode> tasks = sandboxItems(t, "tasks?filter%5Bentity_type%5D=leads&filter%5Bentity_id%5D=" + lead
                + "&limit=250", "tasks");
        Set<Long> noteIds = new HashSet<>();
        notes.forEach(n -> noteIds.add(n.path("id").asLong()));
        long noteEvents = events.stream().filter(e -> noteIds.contains(e.path("value_after").path(0).path("note")
                .path("id").asLong(-1))).count();
        long completed = tasks.stream().filter(x -> x.path("is_completed").asBoolean()).count();
        assertEquals(2, notes.size());
        assertEquals(2, tasks.size());
        assertEquals(1, completed);
        long expected = events.size() - noteEvents + notes.size() + tasks.size() + completed;

        JsonNode oldest = ok(c.call("leads_timeline", Map.of("lead_id", lead, "oldest_first", true, "limit", 100)));
        assertEquals(expected, oldest.path("total").asLong(), oldest.toString());
        assertEquals(expected, oldest.path("entries").size());
        assertFalse(oldest.has("as_of"), "read from Kommo: the mirror is off");
        Instant previous = Instant.EPOCH;
        Map<String, Integer> kinds = new HashMap<>();
        for (JsonNode e : oldest.path("entries")) {
            Instant at = Instant.parse(e.path("at").asString());
            assertFalse(at.isBefore(previous), "oldest first: " + oldest);
            previous = at;
            kinds.merge(e.path("kind").asString(), 1, Integer::sum);
        }
        assertEquals("created", oldest.path("entries").get(0).path("kind").asString());
        assertEquals(2, kinds.get("stage_change"), kinds.toString());
        assertEquals(1, kinds.get("note"));
        assertEquals(1, kinds.get("call"));
        assertEquals(2, kinds.get("task_created"));
        assertEquals(1, kinds.get("task_completed"));
        assertEquals(1, kinds.get("link"));
        assertTrue(kinds.get("field_change") >= 1, "the price change: " + kinds);

        List<JsonNode> moves = new ArrayList<>();
        oldest.path("entries").forEach(e -> {
            if (e.path("kind").asString().equals("stage_change")) {
                moves.add(e);
            }
        });
        assertEquals("Boris Sales", moves.get(0).path("user").asString(), "who moved it, as the sandbox says");
        assertEquals(stages.get("Qualification"), moves.get(0).path("stage_change").path("to_stage_id").asLong());
        assertEquals("Clara Sales", moves.get(1).path("user").asString());
        assertEquals(stages.get("Qualification"), moves.get(1).path("stage_change").path("from_stage_id").asLong());
        assertEquals(stages.get("Negotiation"), moves.get(1).path("stage_change").path("to_stage_id").asLong());
        assertTrue(moves.get(1).path("summary").asString().contains("Negotiation (Sales pipeline)"), moves.toString());
        String all = oldest.path("entries").toString();
        for (String text : List.of("Wants a discount", "Agreed on a demo", "Demo ready", "Send the quote",
                "Linked to contact " + contact, "Value: 1000 to 1500")) {
            assertTrue(all.contains(text), text + " in " + all);
        }

        JsonNode newest = ok(c.call("leads_timeline", Map.of("lead_id", lead, "limit", 100)));
        List<String> reversed = entries(newest);
        List<String> forward = entries(oldest);
        Collections.reverse(forward);
        assertEquals(forward, reversed, "newest first is oldest first reversed");
        List<String> paged = new ArrayList<>();
        for (int page = 1; page < 20; page++) {
            JsonNode p = ok(c.call("leads_timeline", Map.of("lead_id", lead, "limit", 3, "page", page)));
            paged.addAll(entries(p));
            if (!p.path("has_more").asBoolean()) {
                break;
            }
            assertEquals(page + 1, p.path("next_page").asInt());
        }
        assertEquals(reversed, paged, "pages of 3 neither overlap nor skip");
        assertTrue(ItServer.kommoCalls(t.id(), "leads_timeline") <= 8, "a handful of Kommo requests");

        assertTrue(McpHttp.text(err(c.call("leads_timeline", Map.of("lead_id", 999_999_999L)))).contains(
                "no lead with id 999999999"));
    }

    // ------------------------------------------------------------------ summary and status of one lead

    @Test
    void theSummaryAndTheStatusAgreeWithTheLeadsTasksFieldsAndStage() throws Exception {
        Tenant t = server.newTenant("intel-");
        McpHttp c = server.mcp(t.id(), "kommo.writer");
        Map<String, Long> stages = stages(c, "Sales pipeline");
        long lead = ok(c.call("leads_create", Map.of("name", "Summary deal", "price", 4200, "pipeline_id",
                stages.get("_pipeline"), "stage_id", stages.get("Proposal sent")))).path("lead_id").asLong();
        long now = Instant.now().getEpochSecond();
        sandbox(t, "POST", "tasks", "[{\"text\":\"Late follow-up\",\"complete_till\":" + (now - 7200)
                + ",\"entity_type\":\"leads\",\"entity_id\":" + lead + "},{\"text\":\"Next week\",\"complete_till\":"
                + (now + 7 * DAY) + ",\"entity_type\":\"leads\",\"entity_id\":" + lead + "}]");
        for (String text : List.of("one", "two", "three", "four")) {
            ok(c.call("notes_add", Map.of("entity_type", "leads", "entity_id", lead, "text", "Note " + text)));
        }
        List<JsonNode> tasks = sandboxItems(t, "tasks?filter%5Bentity_type%5D=leads&filter%5Bentity_id%5D=" + lead,
                "tasks");
        long late = tasks.stream().filter(x -> x.path("text").asString().equals("Late follow-up")).findFirst()
                .orElseThrow().path("id").asLong();

        JsonNode s = ok(c.call("lead_context_summary", Map.of("lead_id", lead)));
        assertEquals("Proposal sent", s.path("stage").path("stage").asString());
        assertEquals("Sales pipeline", s.path("stage").path("pipeline").asString());
        assertEquals(4200, s.path("value").asLong());
        assertEquals("Anna Admin", s.path("responsible").path("name").asString(), "the integration's user");
        assertEquals(2, s.path("open_tasks").asInt());
        assertEquals(1, s.path("overdue_tasks").asInt());
        assertEquals(late, s.path("next_step").path("task_id").asLong(), "the overdue task comes first");
        assertTrue(s.path("next_step").path("overdue").asBoolean());
        assertEquals(List.of("Seats"), strings(s.path("missing_fields")), "Proposal sent requires Seats");
        assertEquals("Negotiation", s.path("next_stage").path("stage").asString());
        assertEquals(Set.of("Seats", "Budget confirmed"), new HashSet<>(strings(s.path("next_stage")
                .path("missing_fields"))));
        assertEquals(List.of("Note four", "Note three", "Note two"), s.path("last_interactions").findValuesAsString(
                "summary"), "the newest three, newest first");
        assertEquals("at_risk", s.path("status").asString());
        List<String> risks = s.path("risks").findValuesAsString("kind");
        assertTrue(risks.contains("overdue_tasks") && risks.contains("missing_fields"), risks.toString());
        assertFalse(risks.contains("no_next_step"));
        assertEquals(0, s.path("days_in_stage").asInt());
        assertFalse(s.has("median_days_in_stage"), "no mirror, no stage histories");
        assertTrue(s.path("gaps").toString().contains("No stage medians"), s.toString());

        long won = 0;
        long lost = 0;
        for (JsonNode l : sandboxItems(t, "leads?limit=250", "leads")) {
            long stage = l.path("status_id").asLong();
            won = stage == 142 && won == 0 ? l.path("id").asLong() : won;
            lost = stage == 143 && lost == 0 ? l.path("id").asLong() : lost;
        }
        JsonNode st = ok(c.call("lead_status", Map.of("lead_ids", List.of(lead, won, lost, 999_999_999L))));
        assertEquals(List.of("at_risk", "won", "lost"), st.path("leads").findValuesAsString("status"));
        assertEquals(List.of(999_999_999L), List.of(st.path("not_found").get(0).asLong()));
        assertEquals(1, st.path("leads").get(0).path("evidence").path("overdue_tasks").asInt());
        assertEquals(7, st.path("thresholds").path("active_days").asInt(), "the defaults");
        assertEquals(21, st.path("thresholds").path("cooling_days").asInt());

        ok(c.call("tasks_complete", Map.of("task_id", late, "result", "Called")));
        JsonNode after = ok(c.call("lead_status", Map.of("lead_ids", List.of(lead))));
        assertEquals("active", after.path("leads").get(0).path("status").asString(), after.toString());

        List<Long> eleven = new ArrayList<>();
        for (long i = 0; i < 11; i++) {
            eleven.add(lead + i);
        }
        assertTrue(McpHttp.text(err(c.call("lead_status", Map.of("lead_ids", eleven)))).contains("at most 10"),
                "without the mirror, at most 10 leads a call");
        assertTrue(McpHttp.text(err(c.call("lead_status", Map.of("lead_ids", List.of())))).contains("1 to 25"));
        McpHttp auditor = server.mcp(t.id(), "audit.reader");
        assertTrue(McpHttp.text(err(auditor.call("lead_status", Map.of("lead_ids", List.of(lead)))))
                .contains("kommo.reader"));
    }

    // ------------------------------------------------------------------ the tenant's thresholds

    @Test
    void theTenantsThresholdsAreSetThroughTheAdminApiAndJudgeByThem() throws Exception {
        Tenant t = server.newTenant("intel-");
        seed(t, 120, 360, 21);
        JsonNode view = McpHttp.JSON.readTree(server.admin("GET", "/api/admin/tenants/" + t.id(), null).body());
        assertEquals(McpHttp.JSON.readTree("{\"active_days\":7,\"cooling_days\":21,\"stuck_factor\":2.0,"
                + "\"overdue_tasks\":1}"), view.path("lead_status_thresholds"));

        HttpResponse<String> refused = server.admin("PATCH", "/api/admin/tenants/" + t.id(),
                "{\"lead_status_thresholds\":{\"cooling_days\":5}}");
        assertEquals(400, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("cooling_days"), refused.body());
        assertEquals(400, server.admin("PATCH", "/api/admin/tenants/" + t.id(),
                "{\"lead_status_thresholds\":{\"stuck_factor\":0.5}}").statusCode());

        McpHttp c = server.mcp(t.id(), "kommo.reader");
        List<JsonNode> sample = openLeads(t).stream().filter(IntelligenceIT::bulk)
                .sorted(Comparator.comparingLong(l -> l.path("id").asLong())).limit(10).toList();
        assertEquals(10, sample.size());
        assertStatusesByActivity(c, sample, 7, 21);

        HttpResponse<String> changed = server.admin("PATCH", "/api/admin/tenants/" + t.id(),
                "{\"lead_status_thresholds\":{\"active_days\":30,\"cooling_days\":90}}");
        assertEquals(200, changed.statusCode(), changed.body());
        assertEquals(McpHttp.JSON.readTree("{\"active_days\":30,\"cooling_days\":90,\"stuck_factor\":2.0,"
                + "\"overdue_tasks\":1}"), McpHttp.JSON.readTree(changed.body()).path("lead_status_thresholds"),
                "only what was sent changed");
        assertStatusesByActivity(c, sample, 30, 90);
    }

    /** Without the mirror, the bulk leads (no notes, no tasks) are judged by their last change alone. */
    private void assertStatusesByActivity(McpHttp c, List<JsonNode> leads, int active, int cooling)
            throws Exception {
        JsonNode st = ok(c.call("lead_status", Map.of("lead_ids", leads.stream().map(l -> l.path("id").asLong())
                .toList())));
        long now = Instant.now().getEpochSecond();
        int compared = 0;
        for (JsonNode l : leads) {
            long idle = now - l.path("updated_at").asLong();
            if (nearDayBoundary(idle)) {
                continue;
            }
            long days = idle / DAY;
            String expected = days <= active ? "active" : days <= cooling ? "cooling" : "cold";
            JsonNode got = find(st.path("leads"), l.path("id").asLong());
            assertEquals(expected, got.path("status").asString(), got.toString());
            assertEquals(days, got.path("evidence").path("days_since_activity").asLong());
            compared++;
        }
        assertTrue(compared >= 8, "compared " + compared);
    }

    // ------------------------------------------------------------------ inactive leads, live and from the mirror

    @Test
    void inactiveLeadsLiveAndFromTheMirrorAreTheSandboxsOwnAndTheMirrorsStatusesAndMediansAreWorkedOutHere()
            throws Exception {
        Tenant t = server.newTenant("intel-");
        seed(t, 300, 900, 7);
        McpHttp c = server.mcp(t.id(), "kommo.reader");
        long now = Instant.now().getEpochSecond();
        List<JsonNode> open = openLeads(t);
        List<Long> expected = inactiveByValue(open, now - 30 * DAY);
        assertTrue(expected.size() > 100, "most bulk leads changed more than 30 days ago: " + expected.size());

        JsonNode live = ok(c.call("leads_inactive", Map.of("days", 30, "limit", 100)));
        assertFalse(live.has("as_of"));
        assertTrue(live.path("note").asString().contains("Read from Kommo"), live.toString());
        assertEquals(expected.size(), live.path("total").asLong(), "every open lead without activity for 30 days");
        assertEquals(comparable(expected.subList(0, 100), open, now - 30 * DAY), comparable(ids(live), open,
                now - 30 * DAY), "highest value first");
        assertTrue(ItServer.kommoCalls(t.id(), "leads_inactive") <= 8, "within the stated budget");
        long boris = users(t).get("Boris Sales");
        List<Long> borisExpected = inactiveByValue(open.stream().filter(l -> l.path("responsible_user_id").asLong()
                == boris).toList(), now - 30 * DAY);
        JsonNode borisLive = ok(c.call("leads_inactive", Map.of("days", 30, "responsible_user_id", boris, "limit",
                100)));
        assertEquals(borisExpected.size(), borisLive.path("total").asLong());

        assertEquals(200, server.admin("PATCH", "/api/admin/tenants/" + t.id(), "{\"mirror\":true}").statusCode());
        server.admin("POST", "/api/admin/tenants/" + t.id() + "/realtime/sync", null);
        waitFor(() -> {
            JsonNode e = realtime(t).path("entities");
            for (String entity : List.of("leads", "lead_notes", "tasks", "events")) {
                if (!e.path(entity).path("backfilled").asBoolean()) {
                    return false;
                }
            }
            return true;
        }, "the mirror backfilled");
        now = Instant.now().getEpochSecond();
        expected = inactiveByValue(open, now - 30 * DAY);
        JsonNode mirrored = ok(c.call("leads_inactive", Map.of("days", 30, "limit", 100)));
        assertTrue(mirrored.has("as_of"), "from the mirror: " + mirrored);
        assertEquals(expected.size(), mirrored.path("total").asLong());
        assertEquals(comparable(expected.subList(0, 100), open, now - 30 * DAY), comparable(ids(mirrored), open,
                now - 30 * DAY));
        for (JsonNode l : mirrored.path("leads")) {
            assertTrue(Set.of("cooling", "cold", "at_risk").contains(l.path("status").asString()), l.toString());
        }

        // the medians and statuses, worked out here from the sandbox's stage histories
        Map<Long, List<Long>> stays = staysByStage(t, open);
        List<JsonNode> byId = open.stream().sorted(Comparator.comparingLong(l -> l.path("id").asLong())).toList();
        List<JsonNode> sample = new ArrayList<>(byId.stream().filter(l -> !bulk(l)).limit(10).toList());
        sample.addAll(byId.stream().filter(IntelligenceIT::bulk).limit(15).toList()); // changed now, and long ago
        JsonNode st = ok(c.call("lead_status", Map.of("lead_ids", sample.stream().map(l -> l.path("id").asLong())
                .toList())));
        assertTrue(st.has("as_of"), st.toString());
        long at = Instant.now().getEpochSecond();
        int compared = 0;
        for (JsonNode l : sample) {
            JsonNode got = find(st.path("leads"), l.path("id").asLong());
            long idle = at - l.path("updated_at").asLong();
            long stage = l.path("status_id").asLong();
            List<Long> s = stays.getOrDefault(stage, List.of());
            long inStage = at - entered(t, l);
            if (nearDayBoundary(idle)) {
                continue;
            }
            boolean stuck = s.size() >= 5 && inStage > 2.0 * median(s);
            long days = idle / DAY;
            String expectedStatus = stuck ? "at_risk" : days <= 7 ? "active" : days <= 21 ? "cooling" : "cold";
            assertEquals(expectedStatus, got.path("status").asString(), got.toString());
            if (!s.isEmpty()) {
                assertEquals(Math.round(median(s) / DAY * 10) / 10.0, got.path("evidence").path("median_days_in_stage")
                        .asDouble(), 1e-9, "median of stage " + stage);
                assertEquals(s.size(), got.path("evidence").path("stage_stays").asInt());
            }
            compared++;
        }
        assertTrue(compared >= 20, "compared " + compared);

        long one = sample.stream().filter(IntelligenceIT::bulk).filter(l -> !stageEventsOf(l).isEmpty()).findFirst()
                .orElseThrow().path("id").asLong();
        JsonNode summary = ok(c.call("lead_context_summary", Map.of("lead_id", one)));
        assertTrue(summary.has("as_of"));
        ok(c.call("lead_context_summary", Map.of("lead_id", one)));
        assertEquals(0, ItServer.kommoCalls(t.id(), "lead_context_summary"), "from the mirror and the schema cache");
        JsonNode timeline = ok(c.call("leads_timeline", Map.of("lead_id", one, "oldest_first", true)));
        assertTrue(timeline.has("as_of"));
        List<JsonNode> history = stageEvents(t, one);
        List<Long> toStages = new ArrayList<>();
        timeline.path("entries").forEach(e -> {
            if (e.path("kind").asString().equals("stage_change")) {
                toStages.add(e.path("stage_change").path("to_stage_id").asLong());
            }
        });
        assertEquals(history.stream().map(e -> e.path("value_after").path(0).path("lead_status").path("id").asLong())
                .toList(), toStages, "the stage changes of the mirror, oldest first");
    }

    // ------------------------------------------------------------------ helpers

    /** Pipeline {@code name}'s stage ids by name, and its id under "_pipeline". */
    private static Map<String, Long> stages(McpHttp c, String name) throws Exception {
        Map<String, Long> out = new LinkedHashMap<>();
        for (JsonNode p : ok(c.call("pipelines_list", Map.of())).path("pipelines")) {
            if (p.path("name").asString().equals(name)) {
                out.put("_pipeline", p.path("id").asLong());
                p.path("stages").forEach(s -> out.put(s.path("name").asString(), s.path("id").asLong()));
            }
        }
        assertFalse(out.isEmpty(), "no pipeline " + name);
        return out;
    }

    private static Map<String, Long> users(Tenant t) throws Exception {
        Map<String, Long> out = new HashMap<>();
        sandboxItems(t, "users?limit=250", "users").forEach(u -> out.put(u.path("name").asString(),
                u.path("id").asLong()));
        return out;
    }

    private void ui(Tenant t, String action, String body) throws Exception {
        HttpResponse<String> r = server.http("POST", "/sandbox/_control/accounts/" + t.account() + "/ui/" + action,
                body, null);
        assertTrue(r.statusCode() < 300, r.statusCode() + " " + r.body());
    }

    /** Bulk leads with stage histories (no notes or tasks) over the past year, on top of the seeded account. */
    private void seed(Tenant t, int leads, int events, long seed) throws Exception {
        HttpResponse<String> r = server.http("POST", "/sandbox/_control/accounts/" + t.account() + "/bulk-seed",
                "{\"leads\":" + leads + ",\"contacts\":0,\"companies\":0,\"events\":" + events + ",\"seed\":" + seed
                        + "}", null);
        assertEquals(200, r.statusCode(), r.body());
    }

    /** Whether {@code idle} seconds lie so close to a whole number of days (but the first) that a clock may differ. */
    private static boolean nearDayBoundary(long idle) {
        long r = idle % DAY;
        return idle > MARGIN && (r < MARGIN || r > DAY - MARGIN);
    }

    private static String tomorrow() {
        return Instant.now().plus(Duration.ofDays(1)).toString();
    }

    private static List<String> entries(JsonNode timeline) {
        List<String> out = new ArrayList<>();
        timeline.path("entries").forEach(e -> out.add(e.toString()));
        return out;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asString()));
        return out;
    }

    private static List<Long> ids(JsonNode inactive) {
        List<Long> out = new ArrayList<>();
        inactive.path("leads").forEach(l -> out.add(l.path("lead_id").asLong()));
        return out;
    }

    private static JsonNode find(JsonNode leads, long id) {
        for (JsonNode l : leads) {
            if (l.path("lead_id").asLong() == id) {
                return l;
            }
        }
        throw new AssertionError("lead " + id + " not in " + leads);
    }

    /** Whether a lead is one of the bulk seed's ("Name - need #n"), not of the account's first seed. */
    private static boolean bulk(JsonNode lead) {
        return lead.path("name").asString().matches(".* #\\d+");
    }

    private List<JsonNode> stageEventsOf(JsonNode lead) {
        return allMoves.getOrDefault(lead.path("id").asLong(), List.of());
    }

    /** Every open lead (not won, not lost) of the account, straight from the sandbox. */
    private static List<JsonNode> openLeads(Tenant t) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode l : sandboxItems(t, "leads?limit=250", "leads")) {
            long stage = l.path("status_id").asLong();
            if (stage != 142 && stage != 143) {
                out.add(l);
            }
        }
        return out;
    }

    /**
     * The open leads whose last change is at or before {@code cutoff}, highest price first, then least recently
     * changed, then by id (the bulk leads have no notes or tasks; the seeded ones were changed when the account was
     * made).
     */
    private static List<Long> inactiveByValue(List<JsonNode> open, long cutoff) {
        return open.stream().filter(l -> Math.max(l.path("updated_at").asLong(), l.path("created_at").asLong())
                <= cutoff).sorted(Comparator.comparingLong((JsonNode l) -> -l.path("price").asLong(0))
                        .thenComparingLong(l -> l.path("updated_at").asLong())
                        .thenComparingLong(l -> l.path("id").asLong()))
                .map(l -> l.path("id").asLong()).toList();
    }

    /** The ids without the leads whose last change lies within the margin of the cutoff. */
    private static List<Long> comparable(List<Long> ids, List<JsonNode> open, long cutoff) {
        Set<Long> borderline = new HashSet<>();
        open.forEach(l -> {
            if (Math.abs(l.path("updated_at").asLong() - cutoff) < MARGIN) {
                borderline.add(l.path("id").asLong());
            }
        });
        return ids.stream().filter(id -> !borderline.contains(id)).toList();
    }

    /** The lead's stage changes, oldest first, straight from the sandbox. */
    private static List<JsonNode> stageEvents(Tenant t, long lead) throws Exception {
        List<JsonNode> out = new ArrayList<>(sandboxItems(t, "events?filter%5Bentity%5D%5B%5D=lead"
                + "&filter%5Bentity_id%5D%5B%5D=" + lead + "&filter%5Btype%5D%5B%5D=lead_status_changed&limit=100",
                "events"));
        out.sort(Comparator.comparingLong((JsonNode e) -> e.path("created_at").asLong())
                .thenComparing(e -> e.path("id").asString()));
        return out;
    }

    private final Map<Long, Long> enteredCache = new HashMap<>();
    private Map<Long, List<JsonNode>> allMoves;

    /** When the lead entered its current stage: its latest stage change, or its creation. */
    private long entered(Tenant t, JsonNode lead) {
        return enteredCache.computeIfAbsent(lead.path("id").asLong(), id -> {
            List<JsonNode> moves = allMoves.getOrDefault(id, List.of());
            return moves.isEmpty() ? lead.path("created_at").asLong()
                    : moves.get(moves.size() - 1).path("created_at").asLong();
        });
    }

    /**
     * The finished stays of every open stage, from every lead's stage changes in the sandbox: a stay runs from entering
     * a stage (or the lead's creation in it) to the lead's next change.
     */
    private Map<Long, List<Long>> staysByStage(Tenant t, List<JsonNode> open) throws Exception {
        allMoves = new HashMap<>();
        for (JsonNode e : sandboxItems(t, "events?filter%5Btype%5D%5B%5D=lead_status_changed&limit=100", "events")) {
            allMoves.computeIfAbsent(e.path("entity_id").asLong(), k -> new ArrayList<>()).add(e);
        }
        Map<Long, Long> created = new HashMap<>();
        for (JsonNode l : sandboxItems(t, "leads?limit=250", "leads")) {
            created.put(l.path("id").asLong(), l.path("created_at").asLong());
        }
        Map<Long, List<Long>> stays = new HashMap<>();
        for (Map.Entry<Long, List<JsonNode>> m : allMoves.entrySet()) {
            List<JsonNode> moves = m.getValue();
            moves.sort(Comparator.comparingLong((JsonNode e) -> e.path("created_at").asLong())
                    .thenComparing(e -> e.path("id").asString()));
            Long enteredAt = created.get(m.getKey());
            long stage = moves.get(0).path("value_before").path(0).path("lead_status").path("id").asLong();
            for (JsonNode e : moves) {
                if (enteredAt != null && stage != 142 && stage != 143) {
                    stays.computeIfAbsent(stage, k -> new ArrayList<>()).add(e.path("created_at").asLong()
                            - enteredAt);
                }
                enteredAt = e.path("created_at").asLong();
                stage = e.path("value_after").path(0).path("lead_status").path("id").asLong();
            }
        }
        return stays;
    }

    private static double median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    }

    private JsonNode realtime(Tenant t) throws Exception {
        HttpResponse<String> r = server.admin("GET", "/api/admin/tenants/" + t.id() + "/realtime", null);
        assertEquals(200, r.statusCode(), r.body());
        return McpHttp.JSON.readTree(r.body());
    }

    /** Every item of a sandbox list, page by page (the path has its query; page and limit are appended). */
    private static List<JsonNode> sandboxItems(Tenant t, String path, String key) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (int page = 1; page < 200; page++) {
            HttpResponse<String> r = sandbox(t, "GET", path + (path.contains("?") ? "&" : "?") + "page=" + page,
                    null);
            if (r.statusCode() == 204) {
                break;
            }
            assertEquals(200, r.statusCode(), r.body());
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
            HttpResponse<String> r = McpHttp.HTTP.send(HttpRequest.newBuilder(URI.create(t.kommoBaseUrl()
                    + "/api/v4/" + path)).header("Authorization", "Bearer " + t.kommoToken())
                    .header("Content-Type", "application/json").method(method, body == null
                            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 429 || attempt >= 10) {
                assertNotNull(r);
                return r;
            }
            Thread.sleep(1_100);
        }
    }

    private static void waitFor(Callable<Boolean> condition, String what) throws Exception {
        Instant until = Instant.now().plus(Duration.ofSeconds(120));
        while (Instant.now().isBefore(until)) {
            if (Boolean.TRUE.equals(condition.call())) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("timed out waiting: " + what);
    }
}
