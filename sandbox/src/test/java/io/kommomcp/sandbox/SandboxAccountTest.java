package io.kommomcp.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/** The emulator's rules from API.md, exercised directly (the ITs exercise them over HTTP). */
class SandboxAccountTest {

    private static final String BASE = "http://127.0.0.1:9080/sandbox/acme";
    private SandboxAccount account;

    @BeforeEach
    void seed() {
        account = new SandboxAccount("acme", 31_000_001L, "tok", 1000, 10_000_000L);
        SandboxSeed.seed(account);
    }

    private SandboxResponse call(String method, String path, String body, String... query) {
        List<Map.Entry<String, String>> q = new ArrayList<>();
        for (int i = 0; i < query.length; i += 2) {
            q.add(new SimpleImmutableEntry<>(query[i], query[i + 1]));
        }
        JsonNode json = body == null ? null : Problems.JSON.readTree(body);
        return account.handle(new SandboxRequest(method, path, q, json, body == null, "Bearer tok", BASE));
    }

    @Test
    void addsLeadsFromAnArrayEchoingRequestIds() {
        SandboxResponse r = call("POST", "leads", "[{\"name\":\"A\",\"price\":10},{\"name\":\"B\",\"request_id\":\"x\"}]");
        assertEquals(200, r.status(), String.valueOf(r.body()));
        JsonNode items = r.body().path("_embedded").path("leads");
        assertEquals("0", items.get(0).path("request_id").asString());
        assertEquals("x", items.get(1).path("request_id").asString());
        long id = items.get(0).path("id").asLong();
        JsonNode lead = call("GET", "leads/" + id, null).body();
        assertEquals("A", lead.path("name").asString());
        assertTrue(lead.path("custom_fields_values").isNull(), "null, not [], when empty");
    }

    @Test
    void emptyListsAre204AndOver250Is422() {
        assertEquals(204, call("GET", "leads", null, "query", "no such thing anywhere").status());
        assertEquals(422, call("GET", "leads", null, "limit", "251").status());
        assertEquals(204, call("GET", "leads/1", null).status());
    }

    @Test
    void pagesHaveSelfAndNextLinksWithTheQuery() {
        JsonNode page = call("GET", "leads", null, "limit", "5", "with", "contacts").body();
        assertEquals(1, page.path("_page").asInt());
        assertTrue(page.path("_links").path("next").path("href").asString().endsWith("with=contacts&page=2&limit=5"));
        JsonNode first = page.path("_embedded").path("leads").get(0);
        assertTrue(first.path("_links").path("self").path("href").asString().contains("?with=contacts&page=1&limit=5"));
        assertFalse(first.path("_embedded").path("contacts").isEmpty());
        assertNull(page.path("_total_items").isMissingNode() ? null : "leads lists have no total");
    }

    @Test
    void statusMustBelongToThePipelineAndLossReasonNeedsLost() {
        JsonNode pipelines = call("GET", "leads/pipelines", null).body().path("_embedded").path("pipelines");
        long sales = pipelines.get(0).path("id").asLong();
        long partnerStage = pipelines.get(1).path("_embedded").path("statuses").get(1).path("id").asLong();
        long lead = call("POST", "leads", "[{\"name\":\"A\"}]", new String[0]).body().path("_embedded").path("leads")
                .get(0).path("id").asLong();
        SandboxResponse bad = call("PATCH", "leads/" + lead, "{\"pipeline_id\":" + sales + ",\"status_id\":"
                + partnerStage + "}");
        assertEquals(400, bad.status());
        assertEquals("status_id", bad.body().path("validation-errors").get(0).path("errors").get(0).path("path")
                .asString());
        SandboxResponse lossOnOpen = call("PATCH", "leads/" + lead, "{\"loss_reason_id\":"
                + account.lossReasons.ids().get(0) + "}");
        assertEquals(400, lossOnOpen.status());
        assertTrue(lossOnOpen.body().path("errors").has(String.valueOf(lead)));
        assertEquals(405, call("PATCH", "leads/" + lead, "[{\"name\":\"x\"}]").status());
        SandboxResponse won = call("PATCH", "leads/" + lead, "{\"status_id\":142}");
        assertEquals(200, won.status());
        assertFalse(call("GET", "leads/" + lead, null).body().path("closed_at").isNull());
    }

    @Test
    void notesNeedAnExistingEntityAndText() {
        long lead = account.leads.ids().get(0);
        assertEquals(200, call("POST", "leads/" + lead + "/notes", "[{\"note_type\":\"common\",\"params\":{\"text\":\"hi\"}}]").status());
        assertEquals(400, call("POST", "leads/999/notes", "[{\"note_type\":\"common\",\"params\":{\"text\":\"hi\"}}]").status());
        assertEquals(400, call("POST", "leads/" + lead + "/notes", "[{\"note_type\":\"common\",\"params\":{}}]").status());
        assertEquals(404, call("GET", "notes", null).status(), "there is no top-level /notes");
    }

    @Test
    void badTokenIs401AndUnknownPipelineIs404() {
        SandboxResponse r = account.handle(new SandboxRequest("GET", "leads", List.of(), null, true,
                "Bearer wrong", BASE));
        assertEquals(401, r.status());
        assertEquals(404, call("GET", "leads/pipelines/0/statuses", null).status());
        assertEquals("Pipeline not found", call("GET", "leads/pipelines/0/statuses", null).body().path("detail").asString());
    }

    @Test
    void moreThanTheBudgetPerSecondIs429() {
        SandboxAccount limited = new SandboxAccount("slow", 1, "tok", 7, 0);
        SandboxSeed.seed(limited);
        int tooMany = 0;
        for (int i = 0; i < 10; i++) {
            SandboxResponse r = limited.handle(new SandboxRequest("GET", "account", List.of(), null, true,
                    "Bearer tok", BASE));
            if (r.status() == 429) {
                tooMany++;
                assertTrue(r.body().has("retry_after"));
            }
        }
        assertEquals(3, tooMany);
    }

    @Test
    void eventsRecordChangesNewestFirstAndFilter() {
        long id = call("POST", "leads", "[{\"name\":\"E\"}]").body().path("_embedded").path("leads").get(0)
                .path("id").asLong();
        assertEquals(200, call("PATCH", "leads/" + id, "{\"price\":500,\"tags_to_add\":[{\"name\":\"x\"}]}")
                .status());
        SandboxResponse r = call("GET", "events", null, "filter[entity][]", "lead", "filter[entity_id][]",
                String.valueOf(id));
        assertEquals(200, r.status(), String.valueOf(r.body()));
        List<String> types = new ArrayList<>();
        r.body().path("_embedded").path("events").forEach(e -> types.add(e.path("type").asString()));
        assertEquals(List.of("entity_tag_added", "sale_field_changed", "lead_added"), types);
        JsonNode sale = r.body().path("_embedded").path("events").get(1);
        assertEquals(500, sale.path("value_after").get(0).path("sale_field_value").path("sale").asLong());
        assertEquals(26, sale.path("id").asString().length());
        assertEquals(400, call("GET", "events", null, "filter[entity_id][]", "1").status());
        assertEquals(204, call("GET", "events", null, "filter[type][]", "lead_deleted").status());
        assertEquals(422, call("GET", "events", null, "limit", "101").status());
    }
}
