package io.kommomcp.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

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
}
