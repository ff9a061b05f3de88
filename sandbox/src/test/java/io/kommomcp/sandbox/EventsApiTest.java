package io.kommomcp.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/** The change history's reads (API.md §16, §22.14). */
class EventsApiTest {

    private final TestAccount t = new TestAccount();

    /** A new lead whose Seats field is then changed; returns its id. */
    private long leadWithSeatsChanged(long seats) {
        long id = t.expect(200, "POST", "leads", "[{\"name\":\"History\"}]").path("_embedded").path("leads").get(0)
                .path("id").asLong();
        t.expect(200, "PATCH", "leads/" + id, "{\"custom_fields_values\":[{\"field_id\":" + seats
                + ",\"values\":[{\"value\":12}]}]}");
        return id;
    }

    @Test
    void aFieldsChangeTypeMustBeTheOnlyTypeAndSelectsThatFieldsChanges() {
        long seats = t.field("leads", "Seats");
        long id = leadWithSeatsChanged(seats);
        String type = "custom_field_" + seats + "_value_changed";
        assertEquals(400, t.call("GET", "events", null, "filter[type][]", type, "filter[type][]", "lead_added")
                .status());
        JsonNode changes = t.expect(200, "GET", "events", null, "filter[type][]", type, "filter[entity][]", "lead",
                "filter[entity_id][]", String.valueOf(id)).path("_embedded").path("events");
        assertEquals(1, changes.size());
        assertEquals("custom_field_value_changed", changes.get(0).path("type").asString());
        assertEquals(seats, changes.get(0).path("value_after").get(0).path("custom_field_value").path("field_id")
                .asLong());
        long other = t.field("leads", "Next step");
        assertEquals(204, t.call("GET", "events", null, "filter[type][]", "custom_field_" + other + "_value_changed",
                "filter[entity][]", "lead", "filter[entity_id][]", String.valueOf(id)).status());
    }

    @Test
    void withLeadNameTheEntityCarriesTheLeadsName() {
        long id = leadWithSeatsChanged(t.field("leads", "Seats"));
        JsonNode plain = t.expect(200, "GET", "events", null, "filter[entity][]", "lead", "filter[entity_id][]",
                String.valueOf(id)).path("_embedded").path("events").get(0).path("_embedded").path("entity");
        assertFalse(plain.has("name"));
        assertTrue(plain.path("_links").path("self").path("href").asString().endsWith("/api/v4/leads/" + id));
        JsonNode named = t.expect(200, "GET", "events", null, "with", "lead_name", "filter[entity][]", "lead",
                "filter[entity_id][]", String.valueOf(id)).path("_embedded").path("events").get(0).path("_embedded")
                .path("entity");
        assertEquals("History", named.path("name").asString());
        t.expect(200, "POST", "contacts", "[{\"first_name\":\"Ada\",\"last_name\":\"Named\"}]");
        JsonNode contactEvent = t.expect(200, "GET", "events", null, "with", "lead_name,contact_name",
                "filter[entity][]", "contact").path("_embedded").path("events").get(0);
        assertEquals("Ada Named", contactEvent.path("_embedded").path("entity").path("name").asString());
    }

    @Test
    void oneEventByItsId() {
        JsonNode first = t.expect(200, "GET", "events", null, "limit", "1").path("_embedded").path("events").get(0);
        String id = first.path("id").asString();
        JsonNode one = t.expect(200, "GET", "events/" + id, null, "with", "lead_name");
        assertEquals(id, one.path("id").asString());
        assertEquals(first.path("type").asString(), one.path("type").asString());
        assertTrue(one.path("_links").path("self").path("href").asString().endsWith("/api/v4/events/" + id
                + "?with=lead_name"));
        assertEquals(204, t.call("GET", "events/01nosuchevent000000000000", null).status());
    }

    @Test
    void theEventTypesAreListed() {
        JsonNode types = t.expect(200, "GET", "events/types", null, "language_code", "en");
        assertEquals(EventsApi.TYPES.size(), types.path("_total_items").asInt());
        JsonNode first = types.path("_embedded").path("events_types").get(0);
        assertEquals("lead_added", first.path("key").asString());
        assertEquals(1, first.path("type").asInt());
        assertEquals("Lead added", first.path("lang").asString());
    }
}
