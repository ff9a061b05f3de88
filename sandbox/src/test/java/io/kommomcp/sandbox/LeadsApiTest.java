package io.kommomcp.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/** Writing and reading leads as Kommo does (API.md §6, §7, §23), where the sandbox once differed. */
class LeadsApiTest {

    private final TestAccount t = new TestAccount();

    private long newLead(String json) {
        return t.expect(200, "POST", "leads", "[" + json + "]").path("_embedded").path("leads").get(0).path("id")
                .asLong();
    }

    @Test
    void anUnknownAuthorIsRefusedAndAKnownOneIsRecorded() {
        assertEquals("created_by", TestAccount.firstErrorPath(t.call("POST", "leads",
                "[{\"name\":\"Ghost\",\"created_by\":424242}]")));
        long boris = t.account.users.all().get(1).get("id").asLong();
        long id = newLead("{\"name\":\"By Boris\",\"created_by\":" + boris + "}");
        assertEquals(boris, t.expect(200, "GET", "leads/" + id, null).path("created_by").asLong());
        newLead("{\"name\":\"By a robot\",\"created_by\":0}"); // 0: the system, as Kommo shows robots
        assertEquals("updated_by", TestAccount.firstErrorPath(t.call("PATCH", "leads/" + id,
                "{\"name\":\"x\",\"updated_by\":424242}")));
        assertEquals("created_by", TestAccount.firstErrorPath(t.call("POST", "contacts",
                "[{\"name\":\"Ghost\",\"created_by\":424242}]")));
        assertEquals("created_by", TestAccount.firstErrorPath(t.call("POST", "tasks",
                "[{\"text\":\"Call\",\"complete_till\":1900000000,\"created_by\":424242}]")));
        SandboxResponse complex = t.call("POST", "leads/complex", "[{\"name\":\"C\",\"created_by\":424242}]");
        assertEquals("created_by", TestAccount.firstErrorPath(complex));
        JsonNode none = t.call("GET", "leads", null, "query", "Ghost").body();
        assertNull(none, "nothing was created");
    }

    @Test
    void withCatalogElementsAndSourceIdAddWhatTheyName() {
        long id = newLead("{\"name\":\"Products\"}");
        JsonNode catalog = t.expect(200, "GET", "catalogs", null).path("_embedded").path("catalogs").get(0);
        long catalogId = catalog.path("id").asLong();
        long element = t.expect(200, "GET", "catalogs/" + catalogId + "/elements", null).path("_embedded")
                .path("elements").get(0).path("id").asLong();
        t.expect(200, "POST", "leads/" + id + "/link", "[{\"to_entity_id\":" + element + ",\"to_entity_type\":"
                + "\"catalog_elements\",\"metadata\":{\"quantity\":2,\"catalog_id\":" + catalogId + "}}]");

        JsonNode plain = t.expect(200, "GET", "leads/" + id, null);
        assertFalse(plain.path("_embedded").has("catalog_elements"));
        assertFalse(plain.has("source_id"));
        assertFalse(plain.has("is_price_modified_by_robot"));

        JsonNode lead = t.expect(200, "GET", "leads/" + id, null, "with",
                "catalog_elements,source_id,is_price_modified_by_robot");
        JsonNode product = lead.path("_embedded").path("catalog_elements").get(0);
        assertEquals(element, product.path("id").asLong());
        assertEquals(2, product.path("metadata").path("quantity").asInt());
        assertEquals(catalogId, product.path("metadata").path("catalog_id").asLong());
        assertTrue(lead.has("source_id") && lead.get("source_id").isNull(), "the sandbox has no sources");
        assertFalse(lead.path("is_price_modified_by_robot").asBoolean(true));
        JsonNode listed = t.expect(200, "GET", "leads", null, "with", "catalog_elements", "filter[id][]",
                String.valueOf(id)).path("_embedded").path("leads").get(0);
        assertEquals(element, listed.path("_embedded").path("catalog_elements").get(0).path("id").asLong());
        JsonNode none = t.expect(200, "GET", "leads/" + newLead("{\"name\":\"None\"}"), null, "with",
                "catalog_elements");
        assertTrue(none.path("_embedded").path("catalog_elements").isArray()
                && none.path("_embedded").path("catalog_elements").isEmpty());
    }

    @Test
    void anUpdatedLeadIsAnsweredWithItsRequestId() {
        long id = newLead("{\"name\":\"Patched\"}");
        JsonNode one = t.expect(200, "PATCH", "leads/" + id, "{\"price\":700}");
        List<String> keys = new ArrayList<>();
        one.properties().forEach(e -> keys.add(e.getKey()));
        // the keys of sample lead_update_one_response__docs_via_ogi4i.json
        assertEquals(List.of("id", "updated_at", "request_id", "_links"), keys);
        assertEquals(id, one.path("id").asLong());
        assertEquals("0", one.path("request_id").asString());
        assertTrue(one.path("_links").path("self").path("href").asString().endsWith("/api/v4/leads/" + id));
        assertEquals("mine", t.expect(200, "PATCH", "leads/" + id, "{\"price\":800,\"request_id\":\"mine\"}")
                .path("request_id").asString());
    }
}
