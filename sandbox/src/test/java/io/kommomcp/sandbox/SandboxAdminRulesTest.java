package io.kommomcp.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/** The write rules for pipelines, stages and custom fields (API.md §10, §11, §23), exercised directly. */
class SandboxAdminRulesTest {

    private static final String BASE = "http://127.0.0.1:9080/sandbox/acme";
    private SandboxAccount account;
    private long sales;
    private long partners;

    @BeforeEach
    void seed() {
        account = new SandboxAccount("acme", 31_000_001L, "tok", 1000, 10_000_000L);
        SandboxSeed.seed(account);
        JsonNode ps = call("GET", "leads/pipelines", null).body().path("_embedded").path("pipelines");
        sales = ps.get(0).path("id").asLong();
        partners = ps.get(1).path("id").asLong();
    }

    private SandboxResponse call(String method, String path, String body) {
        JsonNode json = body == null ? null : Problems.JSON.readTree(body);
        return account.handle(new SandboxRequest(method, path, List.of(), json, body == null, "Bearer tok",
                BASE));
    }

    private List<String> stageNames(long pipelineId) {
        List<String> out = new ArrayList<>();
        call("GET", "leads/pipelines/" + pipelineId, null).body().path("_embedded").path("statuses")
                .forEach(s -> out.add(s.path("name").asString()));
        return out;
    }

    private long stage(long pipelineId, String name) {
        for (JsonNode s : call("GET", "leads/pipelines/" + pipelineId, null).body().path("_embedded")
                .path("statuses")) {
            if (s.path("name").asString().equals(name)) {
                return s.path("id").asLong();
            }
        }
        throw new AssertionError(name);
    }

    @Test
    void aNewPipelineGetsItsSystemStagesAndRenamedWonAndTheMainFlagMoves() {
        SandboxResponse r = call("POST", "leads/pipelines", "[{\"name\":\"Upsell\",\"sort\":30,\"is_main\":true,"
                + "\"is_unsorted_on\":true,\"request_id\":\"u\",\"_embedded\":{\"statuses\":[{\"id\":142,\"name\":"
                + "\"Upsold\"},{\"name\":\"Pitch\",\"sort\":10,\"color\":\"#fffeb2\"}]}}]");
        assertEquals(200, r.status(), String.valueOf(r.body()));
        JsonNode p = r.body().path("_embedded").path("pipelines").get(0);
        assertEquals("u", p.path("request_id").asString());
        long id = p.path("id").asLong();
        assertEquals(List.of("Incoming leads", "Pitch", "Upsold", "Closed - lost"), stageNames(id));
        assertFalse(call("GET", "leads/pipelines/" + sales, null).body().path("is_main").asBoolean(),
                "one main pipeline");
        assertEquals(400, call("POST", "leads/pipelines", "[{\"name\":\"No flags\"}]").status(),
                "sort, is_main and is_unsorted_on are required");
    }

    @Test
    void atMostFiftyPipelinesAndAHundredStages() {
        StringBuilder many = new StringBuilder("[");
        for (int i = 0; i < 49; i++) {
            many.append(i == 0 ? "" : ",").append("{\"name\":\"P").append(i).append("\",\"sort\":1,\"is_main\":false,"
                    + "\"is_unsorted_on\":false}");
        }
        SandboxResponse r = call("POST", "leads/pipelines", many.append("]").toString());
        assertEquals(400, r.status());
        assertTrue(r.body().toString().contains("at most 50"));
        StringBuilder stages = new StringBuilder("[");
        for (int i = 0; i < 94; i++) {
            stages.append(i == 0 ? "" : ",").append("{\"name\":\"S").append(i).append("\"}");
        }
        SandboxResponse s = call("POST", "leads/pipelines/" + sales + "/statuses", stages.append("]").toString());
        assertEquals(400, s.status());
        assertTrue(s.body().toString().contains("at most 100"));
    }

    @Test
    void coloursComeFromThePaletteAndSystemStagesCannotChange() {
        SandboxResponse bad = call("POST", "leads/pipelines/" + sales + "/statuses", "[{\"name\":\"X\",\"color\":"
                + "\"#99ccff\"}]");
        assertEquals(400, bad.status(), "#99ccff is a legacy colour, readable but not writable");
        assertEquals("color", bad.body().path("validation-errors").get(0).path("errors").get(0).path("path")
                .asString());
        assertEquals(400, call("PATCH", "leads/pipelines/" + sales + "/statuses/142", "{\"name\":\"Won\"}").status());
        assertEquals(400, call("DELETE", "leads/pipelines/" + sales + "/statuses/143", null).status());
        assertEquals(400, call("DELETE", "leads/pipelines/" + sales + "/statuses/" + stage(sales, "Incoming leads"),
                null).status());
        assertEquals(200, call("PATCH", "leads/pipelines/" + sales + "/statuses/" + stage(sales, "Negotiation"),
                "{\"name\":\"Deal talk\",\"color\":\"#FFC8C8\"}").status());
        assertTrue(stageNames(sales).contains("Deal talk"));
    }

    @Test
    void deletingAStageMovesItsLeadsToTheFirstStageAndDropsRequirements() {
        long qualification = stage(sales, "Qualification");
        long initial = stage(sales, "Initial contact");
        long before = account.leads.all().stream().filter(l -> l.get("status_id").asLong() == qualification)
                .count();
        assertTrue(before > 0);
        long negotiation = stage(sales, "Negotiation");
        assertEquals(204, call("DELETE", "leads/pipelines/" + sales + "/statuses/" + qualification, null).status());
        assertEquals(0, account.leads.all().stream().filter(l -> l.get("status_id").asLong() == qualification)
                .count());
        assertTrue(account.leads.all().stream().filter(l -> l.get("status_id").asLong() == initial).count()
                >= before);
        assertEquals(204, call("DELETE", "leads/pipelines/" + sales + "/statuses/" + negotiation, null).status());
        assertFalse(account.fields.all("leads").stream().anyMatch(f -> f.path("required_statuses").toString()
                .contains(String.valueOf(negotiation))), "requirements on a deleted stage go");
    }

    @Test
    void theLastTheMainAndAPipelineWithLeadsCannotBeDeleted() {
        assertEquals(400, call("DELETE", "leads/pipelines/" + sales, null).status(), "main");
        SandboxResponse withLeads = call("DELETE", "leads/pipelines/" + partners, null);
        assertEquals(400, withLeads.status());
        assertTrue(withLeads.body().path("detail").asString().contains("leads"));
        account.leads.removeIf(l -> l.get("pipeline_id").asLong() == partners);
        assertEquals(204, call("DELETE", "leads/pipelines/" + partners, null).status());
        assertEquals(404, call("GET", "leads/pipelines/" + partners, null).status());
        assertEquals(400, call("PATCH", "leads/pipelines/" + sales, "{\"is_main\":false}").status(),
                "the account keeps a main pipeline");
    }

    @Test
    void fieldOptionsAreReplacedAsAWholeAndRemovedOnesErased() {
        long source = account.fields.all("leads").stream().filter(f -> f.get("name").asString().equals(
                "Lead source")).findFirst().orElseThrow().get("id").asLong();
        JsonNode def = call("GET", "leads/custom_fields/" + source, null).body();
        long website = def.path("enums").get(0).path("id").asLong();
        long referral = def.path("enums").get(1).path("id").asLong();
        SandboxResponse r = call("PATCH", "leads/custom_fields/" + source, "{\"enums\":[{\"id\":" + website
                + ",\"value\":\"Web\"},{\"value\":\"Partner\"}]}");
        assertEquals(200, r.status(), String.valueOf(r.body()));
        assertEquals(2, r.body().path("enums").size());
        String leads = account.leads.all().toString();
        assertFalse(leads.contains("\"enum_id\":" + referral), "values of a removed option are erased");
        assertTrue(leads.contains("\"value\":\"Web\""), "values follow a renamed option");
        assertEquals(400, call("PATCH", "leads/custom_fields/" + source, "{\"type\":\"text\"}").status());
        assertEquals(400, call("PATCH", "leads/custom_fields/" + source, "{\"enums\":[{\"id\":1,\"value\":\"?\"}]}")
                .status(), "an unknown option id");
    }

    @Test
    void predefinedFieldsCannotBeDeletedOrRenamedAndDeletionErasesValues() {
        long phone = account.fields.all("contacts").stream().filter(f -> f.get("code").asString("").equals("PHONE"))
                .findFirst().orElseThrow().get("id").asLong();
        assertEquals(400, call("DELETE", "contacts/custom_fields/" + phone, null).status());
        assertEquals(400, call("PATCH", "contacts/custom_fields/" + phone, "{\"name\":\"Tel\"}").status());
        assertEquals(404, call("DELETE", "contacts/custom_fields/1", null).status());
        long seats = account.fields.all("leads").stream().filter(f -> f.get("name").asString().equals("Seats"))
                .findFirst().orElseThrow().get("id").asLong();
        assertTrue(account.leads.all().toString().contains("\"field_id\":" + seats));
        assertEquals(204, call("DELETE", "leads/custom_fields/" + seats, null).status());
        assertFalse(account.leads.all().toString().contains("\"field_id\":" + seats));
    }

    @Test
    void groupsAreCreatedRenamedAndDeletedWithTheirFieldsMovingToTheDefault() {
        SandboxResponse made = call("POST", "leads/custom_fields/groups", "[{\"name\":\"Contract\"}]");
        assertEquals(200, made.status());
        String id = made.body().path("_embedded").path("custom_field_groups").get(0).path("id").asString();
        assertTrue(id.startsWith("leads_"), "group ids are strings");
        long seats = account.fields.all("leads").stream().filter(f -> f.get("name").asString().equals("Seats"))
                .findFirst().orElseThrow().get("id").asLong();
        assertEquals(200, call("PATCH", "leads/custom_fields/" + seats, "{\"group_id\":\"" + id + "\"}").status());
        assertEquals(400, call("PATCH", "leads/custom_fields/" + seats, "{\"group_id\":\"leads_0\"}").status());
        assertEquals(200, call("PATCH", "leads/custom_fields/groups/" + id, "{\"name\":\"Contracts\"}").status());
        assertEquals(204, call("DELETE", "leads/custom_fields/groups/" + id, null).status());
        assertTrue(account.fields.get("leads", seats).get("group_id").isNull());
        assertEquals(404, call("GET", "leads/custom_fields/groups/" + id, null).status());
    }
}
