package io.kommomcp.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/** Changes made "in Kommo's UI" (UiActions): configuration sends nothing; records change as through the API. */
class UiActionsTest {

    private final TestAccount t = new TestAccount();
    private long boris;

    @BeforeEach
    void subscribeToEverything() {
        boris = t.account.users.all().get(1).get("id").asLong();
        t.account.outbox.retryDelays(List.of());
        StringBuilder sb = new StringBuilder("{\"destination\":\"http://127.0.0.1:9/never\",\"settings\":[");
        String sep = "";
        for (String code : WebhookStore.SETTINGS) {
            sb.append(sep).append('"').append(code).append('"');
            sep = ",";
        }
        t.expect(200, "POST", "webhooks", sb.append("]}").toString());
    }

    private SandboxResponse ui(String action, String body) {
        return t.account.ui(action, Problems.JSON.readTree(body));
    }

    private List<String> sentEvents() {
        List<String> out = new ArrayList<>();
        t.account.outbox.deliveries().path("deliveries").forEach(d -> out.add(d.path("event").asString()));
        return out;
    }

    private Map<String, String> lastBody() {
        JsonNode all = t.account.outbox.deliveries().path("deliveries");
        return WebhookFormTest.decode(all.get(all.size() - 1).path("body").asString());
    }

    @Test
    void configurationChangesSendNoWebhookAndRecordNoEvent() {
        long sales = t.pipeline(0);
        long initial = t.stage(sales, "Initial contact");
        int events = t.account.events.size();
        assertEquals(200, ui("update_pipeline", "{\"user_id\":" + boris + ",\"pipeline_id\":" + sales
                + ",\"name\":\"Direct sales\"}").status());
        assertEquals("Direct sales", t.expect(200, "GET", "leads/pipelines/" + sales, null).path("name")
                .asString());
        assertEquals(200, ui("update_stage", "{\"pipeline_id\":" + sales + ",\"status_id\":" + initial
                + ",\"name\":\"First call\",\"color\":\"#87f2c0\"}").status());
        JsonNode stage = t.expect(200, "GET", "leads/pipelines/" + sales + "/statuses/" + initial, null);
        assertEquals("First call", stage.path("name").asString());
        assertEquals("#87f2c0", stage.path("color").asString());
        JsonNode added = ui("add_stage", "{\"pipeline_id\":" + sales + ",\"name\":\"Demo\",\"color\":\"#fffeb2\"}")
                .body();
        long demo = added.path("_embedded").path("statuses").get(0).path("id").asLong();
        assertEquals("Demo", t.expect(200, "GET", "leads/pipelines/" + sales + "/statuses/" + demo, null)
                .path("name").asString());
        assertEquals(204, ui("delete_stage", "{\"pipeline_id\":" + sales + ",\"status_id\":" + demo + "}")
                .status());
        assertEquals(400, ui("update_stage", "{\"pipeline_id\":" + sales + ",\"status_id\":" + initial
                + ",\"color\":\"#123456\"}").status(), "the API's rules: the palette");

        long source = t.field("leads", "Lead source");
        JsonNode options = t.account.fields.get("leads", source).get("enums");
        assertEquals(200, ui("update_field", "{\"entity\":\"leads\",\"field_id\":" + source + ",\"name\":\"Origin\","
                + "\"enums\":[{\"id\":" + options.get(0).get("id").asLong() + ",\"value\":\"Web\"},{\"value\":"
                + "\"Partner\"}]}").status());
        JsonNode field = t.expect(200, "GET", "leads/custom_fields/" + source, null);
        assertEquals("Origin", field.path("name").asString());
        assertEquals(List.of("Web", "Partner"), List.of(field.path("enums").get(0).path("value").asString(),
                field.path("enums").get(1).path("value").asString()));

        long reason = ui("add_loss_reason", "{\"name\":\"Went silent\"}").body().path("_embedded")
                .path("loss_reasons").get(0).path("id").asLong();
        assertEquals("Went silent", t.expect(200, "GET", "leads/loss_reasons/" + reason, null).path("name")
                .asString());
        assertEquals(204, ui("delete_loss_reason", "{\"loss_reason_id\":" + reason + "}").status());
        assertEquals(404, t.call("GET", "leads/loss_reasons/" + reason, null).status());

        JsonNode user = ui("update_user_rights", "{\"target_user_id\":" + boris + ",\"rights\":{\"leads\":"
                + "{\"edit\":\"D\"},\"is_admin\":true}}").body();
        assertEquals("D", user.path("rights").path("leads").path("edit").asString());
        assertEquals("A", user.path("rights").path("leads").path("view").asString(), "merged, not replaced");
        assertTrue(t.expect(200, "GET", "users/" + boris, null).path("rights").path("is_admin").asBoolean());

        assertEquals(events, t.account.events.size(), "no event for configuration");
        assertEquals(List.of(), sentEvents(), "no webhook for configuration");
    }

    @Test
    void aLeadChangedInTheUiIsAuthoredByThatPersonInEventsAndWebhooks() {
        long lead = t.account.leads.ids().get(0);
        long negotiation = t.stage(t.pipeline(0), "Negotiation");
        JsonNode answer = ui("update_lead", "{\"user_id\":" + boris + ",\"lead_id\":" + lead + ",\"name\":\"Renamed"
                + " in UI\",\"price\":999,\"status_id\":" + negotiation + ",\"responsible_user_id\":" + boris + "}")
                .body();
        assertEquals(lead, answer.path("id").asLong());
        JsonNode shown = t.expect(200, "GET", "leads/" + lead, null);
        assertEquals("Renamed in UI", shown.path("name").asString());
        assertEquals(999, shown.path("price").asLong());
        assertEquals(boris, shown.path("updated_by").asLong());
        JsonNode events = t.expect(200, "GET", "events", null, "filter[entity][]", "lead", "filter[entity_id][]",
                String.valueOf(lead), "filter[type][]", "lead_status_changed", "filter[type][]",
                "entity_responsible_changed", "filter[type][]", "name_field_changed", "filter[type][]",
                "sale_field_changed").path("_embedded").path("events");
        assertEquals(4, events.size());
        events.forEach(e -> assertEquals(boris, e.path("created_by").asLong(), e.path("type").asString()));
        assertEquals(List.of("update_lead", "status_lead", "responsible_lead"), sentEvents());
        assertEquals(String.valueOf(boris), lastBody().get("leads[responsible][0][modified_user_id]"));
        assertEquals(t.account.users.tokenUser(), t.expect(200, "GET", "account", null).path("current_user_id")
                .asLong(), "the token's user is unchanged");
        assertEquals(400, ui("update_lead", "{\"lead_id\":" + lead + ",\"status_id\":424242}").status());
    }

    @Test
    void aDeletedLeadGoesToTheTrashAndComesBack() {
        long lead = t.account.leads.ids().get(0);
        assertEquals(204, ui("delete", "{\"user_id\":" + boris + ",\"entity\":\"leads\",\"id\":" + lead + "}")
                .status());
        assertEquals(204, t.call("GET", "leads/" + lead, null).status());
        assertTrue(t.expect(200, "GET", "leads", null, "limit", "250").path("_embedded").path("leads").findValues("id")
                .stream().noneMatch(id -> id.asLong() == lead));
        JsonNode trash = t.expect(200, "GET", "leads", null, "with", "only_deleted").path("_embedded")
                .path("leads");
        assertEquals(1, trash.size());
        assertTrue(trash.get(0).path("is_deleted").asBoolean());
        JsonNode deleted = t.expect(200, "GET", "events", null, "filter[type][]", "lead_deleted").path("_embedded")
                .path("events").get(0);
        assertEquals(lead, deleted.path("entity_id").asLong());
        assertEquals(boris, deleted.path("created_by").asLong());
        assertEquals(0, deleted.path("value_after").size());
        assertEquals(List.of("delete_lead"), sentEvents());
        Map<String, String> body = lastBody();
        assertEquals(String.valueOf(lead), body.get("leads[delete][0][id]"));
        assertTrue(body.containsKey("leads[delete][0][status_id]"));

        assertEquals(204, ui("restore", "{\"entity\":\"leads\",\"id\":" + lead + "}").status());
        JsonNode back = t.expect(200, "GET", "leads/" + lead, null);
        assertEquals(false, back.path("is_deleted").asBoolean(true));
        assertEquals(1, t.expect(200, "GET", "events", null, "filter[type][]", "lead_restored").path("_embedded")
                .path("events").size());
        assertEquals(List.of("delete_lead", "restore_lead"), sentEvents());
        assertEquals(String.valueOf(lead), lastBody().get("leads[restore][0][id]"));
        assertEquals(204, t.call("GET", "leads", null, "with", "only_deleted").status());
        assertEquals(400, ui("restore", "{\"entity\":\"leads\",\"id\":" + lead + "}").status());
    }

    @Test
    void contactsCompaniesAndTasksAreDeletedWithTheirEventsAndWebhooks() {
        long contact = t.account.contacts.ids().get(0);
        long company = t.account.companies.ids().get(0);
        long task = t.expect(200, "POST", "tasks", "[{\"text\":\"Call\",\"complete_till\":1900000000}]")
                .path("_embedded").path("tasks").get(0).path("id").asLong();
        t.account.outbox.clearLog();
        assertEquals(204, ui("delete", "{\"entity\":\"contacts\",\"id\":" + contact + "}").status());
        assertEquals("contact", lastBody().get("contacts[delete][0][type]"));
        assertEquals(204, ui("delete", "{\"entity\":\"companies\",\"id\":" + company + "}").status());
        assertEquals("company", lastBody().get("contacts[delete][0][type]"));
        assertEquals(204, ui("delete", "{\"entity\":\"tasks\",\"id\":" + task + "}").status());
        assertEquals(String.valueOf(task), lastBody().get("task[delete][0][id]"));
        assertEquals(List.of("delete_contact", "delete_company", "delete_task"), sentEvents());
        assertEquals(204, t.call("GET", "contacts/" + contact, null).status());
        assertEquals(204, t.call("GET", "tasks/" + task, null).status());
        List<String> types = new ArrayList<>();
        t.expect(200, "GET", "events", null, "filter[type][]", "contact_deleted", "filter[type][]", "company_deleted",
                "filter[type][]", "task_deleted").path("_embedded").path("events")
                .forEach(e -> types.add(e.path("type").asString()));
        assertEquals(List.of("task_deleted", "company_deleted", "contact_deleted"), types);
        assertEquals(204, ui("restore", "{\"entity\":\"companies\",\"id\":" + company + "}").status());
        assertEquals("restore_company", sentEvents().get(3));
    }

    @Test
    void anUnknownActionOrUserIsRefused() {
        assertEquals(404, ui("launch_rocket", "{}").status());
        assertEquals(400, ui("delete", "{\"user_id\":424242,\"entity\":\"leads\",\"id\":1}").status());
        assertEquals(400, ui("delete", "{\"entity\":\"users\",\"id\":1}").status());
        assertEquals(404, ui("update_pipeline", "{\"pipeline_id\":1,\"name\":\"x\"}").status());
    }
}
