package io.kommomcp.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/** Custom field definitions as Kommo answers and refuses them (API.md §10). */
class FieldRulesTest {

    private final TestAccount t = new TestAccount();

    @Test
    void priceFieldsAreForCatalogsOnly() {
        for (String entity : new String[] {"leads", "contacts", "companies"}) {
            SandboxResponse r = t.call("POST", entity + "/custom_fields", "[{\"name\":\"Budget\",\"type\":\"price\"}]");
            assertEquals("type", TestAccount.firstErrorPath(r), entity);
            assertEquals("NotSupportedChoice", r.body().path("validation-errors").get(0).path("errors").get(0)
                    .path("code").asString());
        }
        assertEquals(2, t.call("POST", "leads/custom_fields", "[{\"name\":\"Budget\",\"type\":\"monetary\"}]").status()
                / 100, "a monetary field is fine");
    }

    @Test
    void aFieldsSelfLinkNamesItsEntity() {
        for (String entity : new String[] {"leads", "contacts", "companies"}) {
            JsonNode f = t.expect(200, "GET", entity + "/custom_fields", null).path("_embedded")
                    .path("custom_fields").get(0);
            long id = f.path("id").asLong();
            assertEquals(TestAccount.BASE + "/api/v4/" + entity + "/custom_fields/" + id + "?page=1&limit=50",
                    f.path("_links").path("self").path("href").asString(), "list item (with the query, API.md §5.1)");
            assertTrue(t.expect(200, "GET", entity + "/custom_fields/" + id, null).path("_links").path("self")
                    .path("href").asString().endsWith("/api/v4/" + entity + "/custom_fields/" + id));
        }
    }

    @Test
    void aCreatedFieldIsAnswered201AsTheFieldItself() {
        SandboxResponse r = t.call("POST", "leads/custom_fields", "[{\"name\":\"Client Type\",\"type\":\"select\","
                + "\"enums\":[{\"value\":\"New\",\"sort\":500},{\"value\":\"Regular\",\"sort\":500},"
                + "{\"value\":\"VIP\",\"sort\":500}]}]");
        assertEquals(201, r.status(), String.valueOf(r.body()));
        JsonNode f = r.body();
        List<String> keys = new ArrayList<>();
        f.properties().forEach(e -> keys.add(e.getKey()));
        // the keys, in order, of sample custom_field_create_select__kommo_docs.json (Kommo's own 201 example)
        assertEquals(List.of("id", "name", "type", "account_id", "code", "sort", "is_api_only", "enums", "group_id",
                "required_statuses", "is_deletable", "is_predefined", "entity_type", "tracking_callback", "remind",
                "triggers", "currency", "hidden_statuses", "chained_lists", "_links"), keys);
        assertEquals("Client Type", f.path("name").asString());
        assertEquals(3, f.path("enums").size());
        assertTrue(f.path("enums").get(0).path("id").asLong() > 0);
        long id = f.path("id").asLong();
        assertEquals(TestAccount.BASE + "/api/v4/leads/custom_fields/" + id, f.path("_links").path("self")
                .path("href").asString());
        assertEquals("Client Type", t.expect(200, "GET", "leads/custom_fields/" + id, null).path("name").asString());
    }

    @Test
    void severalCreatedFieldsAreAnswered201AsACollection() {
        SandboxResponse r = t.call("POST", "contacts/custom_fields", "[{\"name\":\"Hobby\",\"type\":\"text\"},"
                + "{\"name\":\"Birthday\",\"type\":\"birthday\",\"request_id\":\"b\"}]");
        assertEquals(201, r.status());
        JsonNode items = r.body().path("_embedded").path("custom_fields");
        assertEquals(2, r.body().path("_total_items").asInt());
        assertEquals("0", items.get(0).path("request_id").asString());
        assertEquals("b", items.get(1).path("request_id").asString());
        assertEquals("birthday", items.get(1).path("type").asString());
        assertFalse(items.get(1).path("_links").path("self").path("href").asString().isEmpty());
    }
}
