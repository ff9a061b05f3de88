package io.kommomcp.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
