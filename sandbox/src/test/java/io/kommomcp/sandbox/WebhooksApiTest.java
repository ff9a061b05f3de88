package io.kommomcp.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/** The webhooks management API (API.md §20.1). */
class WebhooksApiTest {

    private final TestAccount t = new TestAccount();

    private static String hook(String destination, String... settings) {
        StringBuilder sb = new StringBuilder("{\"destination\":\"" + destination + "\",\"settings\":[");
        for (int i = 0; i < settings.length; i++) {
            sb.append(i > 0 ? "," : "").append('"').append(settings[i]).append('"');
        }
        return sb.append("],\"sort\":10}").toString();
    }

    @Test
    void aDestinationIsSubscribedListedUpdatedByPostingAgainAndDeleted() {
        assertEquals(204, t.call("GET", "webhooks", null).status(), "none yet");
        JsonNode made = t.expect(200, "POST", "webhooks", hook("https://mirror.example/hooks/a", "add_lead",
                "status_lead"));
        assertEquals("https://mirror.example/hooks/a", made.path("destination").asString());
        assertEquals(List.of("add_lead", "status_lead"), List.of(made.path("settings").get(0).asString(),
                made.path("settings").get(1).asString()));
        assertEquals(10, made.path("sort").asInt());
        assertFalse(made.path("disabled").asBoolean(true));
        assertEquals(t.account.accountId, made.path("account_id").asLong());
        assertEquals(t.account.users.current(), made.path("created_by").asLong());
        for (String key : List.of("id", "created_at", "updated_at")) {
            assertTrue(made.path(key).isIntegralNumber(), key);
        }
        t.expect(200, "POST", "webhooks", hook("https://other.example/x", "add_contact"));

        JsonNode again = t.expect(200, "POST", "webhooks", hook("https://mirror.example/hooks/a", "update_lead"));
        assertEquals(made.path("id"), again.path("id"), "posting a destination again updates it");
        assertEquals(1, again.path("settings").size());

        JsonNode all = t.expect(200, "GET", "webhooks", null);
        assertEquals(2, all.path("_total_items").asInt());
        JsonNode one = t.expect(200, "GET", "webhooks", null, "filter[destination]", "https://other.example/x");
        assertEquals(1, one.path("_total_items").asInt());
        assertEquals("add_contact", one.path("_embedded").path("webhooks").get(0).path("settings").get(0)
                .asString());

        assertEquals(204, t.call("DELETE", "webhooks", "{\"destination\":\"https://other.example/x\"}").status());
        assertEquals(204, t.call("GET", "webhooks", null, "filter[destination]", "https://other.example/x")
                .status());
        assertEquals(1, t.expect(200, "GET", "webhooks", null).path("_total_items").asInt());
    }

    @Test
    void unknownCodesAndDestinationsThatAreNoHttpUrlsAreRefused() {
        SandboxResponse r = t.call("POST", "webhooks", hook("https://mirror.example/h", "add_lead", "add_spaceship"));
        assertEquals("settings.1", TestAccount.firstErrorPath(r));
        assertEquals("NotSupportedChoice", r.body().path("validation-errors").get(0).path("errors").get(0)
                .path("code").asString());
        for (String bad : List.of("ftp://mirror.example/h", "file:///etc/passwd", "mirror.example/h", "http://")) {
            assertEquals("destination", TestAccount.firstErrorPath(t.call("POST", "webhooks", hook(bad,
                    "add_lead"))), bad);
        }
        assertEquals("settings", TestAccount.firstErrorPath(t.call("POST", "webhooks", hook("https://m.example/h"))));
        assertEquals(400, t.call("POST", "webhooks", "[" + hook("https://m.example/h", "add_lead") + "]").status());
        assertEquals(400, t.call("DELETE", "webhooks", "{}").status());
        for (String code : WebhookStore.SETTINGS) {
            t.expect(200, "POST", "webhooks", hook("https://m.example/all", code));
        }
    }

    @Test
    void anAccountHoldsAtMostOneHundred() {
        for (int i = 0; i < WebhookStore.MAX_WEBHOOKS; i++) {
            t.expect(200, "POST", "webhooks", hook("https://m.example/" + i, "add_lead"));
        }
        assertEquals(400, t.call("POST", "webhooks", hook("https://m.example/101", "add_lead")).status());
        t.expect(200, "POST", "webhooks", hook("https://m.example/7", "update_lead")); // an update still works
    }

    @Test
    void withoutThePlanTheApiAnswers402AndToANonAdmin403() {
        t.account.webhooksApiEnabled(false);
        SandboxResponse r = t.call("GET", "webhooks", null);
        assertEquals(402, r.status());
        assertEquals("Payment Required", r.body().path("title").asString());
        assertEquals(402, t.call("POST", "webhooks", hook("https://m.example/h", "add_lead")).status());
        assertEquals(402, t.call("DELETE", "webhooks", "{\"destination\":\"https://m.example/h\"}").status());
        t.account.webhooksApiEnabled(true);
        long boris = t.account.users.all().get(1).get("id").asLong();
        t.account.users.current(boris);
        assertEquals(403, t.call("GET", "webhooks", null).status());
    }
}
