package io.kommomcp.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a mirror of the account asks (API.md §5.5, §5.6, §12, §13, §16): incremental sweeps by {@code updated_at} in
 * {@code updated_at} order, backfill by id, events by time and type.
 */
class MirrorQueriesTest {

    private final TestAccount t = new TestAccount();

    /** Sets a record's times in the store (the API cannot back-date updated_at). */
    private void times(EntityStore store, long id, long created, long updated) {
        ObjectNode r = store.get(id);
        store.put(r.put("created_at", created).put("updated_at", updated));
    }

    private static List<Long> ids(JsonNode page, String key) {
        List<Long> out = new ArrayList<>();
        page.path("_embedded").path(key).forEach(x -> out.add(x.path("id").asLong()));
        return out;
    }

    @Test
    void recordsAreFilteredByUpdatedAtAndOrderedByAnyTimeOrId() {
        for (String e : List.of("leads", "contacts", "companies")) {
            EntityStore store = t.account.entities(e);
            List<Long> all = store.ids();
            long a = all.get(0);
            long b = all.get(1);
            long c = all.get(2);
            for (long id : all) {
                times(store, id, 1_000, 1_000);
            }
            times(store, a, 3_000, 5_000); // created last, changed last
            times(store, b, 2_000, 4_000);
            times(store, c, 1_500, 4_000);

            assertEquals(List.of(b, c, a), ids(t.expect(200, "GET", e, null, "filter[updated_at][from]", "4000",
                    "order[updated_at]", "asc"), e), e + ": ties by id in the same direction");
            assertEquals(List.of(a, c, b), ids(t.expect(200, "GET", e, null, "filter[updated_at][from]", "4000",
                    "order[updated_at]", "desc"), e));
            assertEquals(List.of(b, c), ids(t.expect(200, "GET", e, null, "filter[updated_at][from]", "4000",
                    "filter[updated_at][to]", "4000", "order[id]", "asc"), e), e + ": both ends inclusive");
            assertEquals(List.of(a, b, c), ids(t.expect(200, "GET", e, null, "filter[updated_at]", "4000",
                    "order[id]", "asc"), e), e + ": a single ts is 'from'");
            assertEquals(List.of(a, b, c), ids(t.expect(200, "GET", e, null, "filter[created_at][from]", "1500",
                    "order[created_at]", "desc"), e));
            assertEquals(204, t.call("GET", e, null, "filter[updated_at][from]", "6000").status());
            List<Long> byId = ids(t.expect(200, "GET", e, null, "order[id]", "asc", "limit", "250"), e);
            assertEquals(store.ids(), byId, e + ": backfill by id");
            List<Long> newest = ids(t.expect(200, "GET", e, null, "limit", "250"), e);
            assertEquals(store.ids().get(store.ids().size() - 1), newest.get(0), e + ": default newest first");
        }
    }

    @Test
    void aBackfillByIdPagesWithoutGapsOrOverlaps() {
        List<Long> seen = new ArrayList<>();
        for (int page = 1;; page++) {
            SandboxResponse r = t.call("GET", "leads", null, "order[id]", "asc", "limit", "7", "page",
                    String.valueOf(page));
            if (r.status() == 204) {
                break;
            }
            seen.addAll(ids(r.body(), "leads"));
            if (!r.body().path("_links").has("next")) {
                break;
            }
        }
        assertEquals(t.account.leads.ids(), seen);
    }

    @Test
    void everyChangeOfARecordMovesItsUpdatedAt() {
        long lead = t.account.leads.ids().get(0);
        long contact = t.expect(200, "POST", "contacts", "[{\"name\":\"Fresh\"}]").path("_embedded")
                .path("contacts").get(0).path("id").asLong();
        long company = t.account.companies.ids().get(4);
        times(t.account.leads, lead, 1_000, 1_000);
        times(t.account.contacts, contact, 1_000, 1_000);
        times(t.account.companies, company, 1_000, 1_000);
        t.expect(200, "POST", "leads/" + lead + "/link", "[{\"to_entity_id\":" + contact
                + ",\"to_entity_type\":\"contacts\"}]");
        assertTrue(t.account.leads.get(lead).get("updated_at").asLong() > 1_000, "linking moves the lead");
        assertTrue(t.account.contacts.get(contact).get("updated_at").asLong() > 1_000, "and the contact");
        t.expect(200, "POST", "contacts/" + contact + "/link", "[{\"to_entity_id\":" + company
                + ",\"to_entity_type\":\"companies\"}]");
        assertTrue(t.account.companies.get(company).get("updated_at").asLong() > 1_000);
        times(t.account.leads, lead, 1_000, 1_000);
        t.expect(200, "PATCH", "leads/" + lead, "{\"price\":12}");
        assertTrue(t.account.leads.get(lead).get("updated_at").asLong() > 1_000);
    }

    @Test
    void tasksAreFilteredByUpdatedAtAndOrderedByCreatedAtOrId() {
        List<Long> made = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            made.add(t.expect(200, "POST", "tasks", "[{\"text\":\"T" + i + "\",\"complete_till\":1900000000}]")
                    .path("_embedded").path("tasks").get(0).path("id").asLong());
        }
        long[][] times = {{3_000, 3_000}, {2_000, 6_000}, {1_000, 7_000}};
        for (int i = 0; i < 3; i++) {
            t.account.tasks.get(made.get(i)).put("created_at", times[i][0]).put("updated_at", times[i][1]);
        }
        assertEquals(List.of(made.get(1), made.get(2)), ids(t.expect(200, "GET", "tasks", null,
                "filter[updated_at][from]", "6000", "filter[updated_at][to]", "7000", "order[id]", "asc"), "tasks"));
        assertEquals(List.of(made.get(2), made.get(1)), ids(t.expect(200, "GET", "tasks", null,
                "filter[updated_at]", "5000", "order[created_at]", "asc"), "tasks"));
        assertEquals(List.of(made.get(2), made.get(1), made.get(0)), ids(t.expect(200, "GET", "tasks", null,
                "filter[updated_at][from]", "3000", "order[id]", "desc"), "tasks"));
    }

    @Test
    void notesAreFilteredByUpdatedAtAndOrderedByUpdatedAtOrId() {
        long lead = t.account.leads.ids().get(0);
        List<Long> made = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            made.add(t.expect(200, "POST", "leads/" + lead + "/notes", "[{\"note_type\":\"common\",\"params\":"
                    + "{\"text\":\"n" + i + "\"}}]").path("_embedded").path("notes").get(0).path("id").asLong());
        }
        long[] updated = {9_000, 8_000, 7_000};
        for (int i = 0; i < 3; i++) {
            t.account.notes.get("leads", made.get(i)).put("updated_at", updated[i]);
        }
        assertEquals(List.of(made.get(2), made.get(1)), ids(t.expect(200, "GET", "leads/notes", null,
                "filter[updated_at][from]", "7000", "filter[updated_at][to]", "8000", "order[updated_at]", "asc"),
                "notes"));
        assertEquals(List.of(made.get(0), made.get(1)), ids(t.expect(200, "GET", "leads/" + lead + "/notes", null,
                "filter[updated_at]", "8000", "order[id]", "asc"), "notes"));
        assertEquals(List.of(made.get(1)), ids(t.expect(200, "GET", "leads/notes", null, "filter[id][]",
                String.valueOf(made.get(1))), "notes"));
    }

    @Test
    void eventsAreFilteredByTimeTypesAndEntitiesNewestFirst() {
        long lead = t.expect(200, "POST", "leads", "[{\"name\":\"Timeline\"}]").path("_embedded").path("leads")
                .get(0).path("id").asLong();
        long stage = t.stage(t.pipeline(0), "Qualification");
        long boris = t.account.users.all().get(1).get("id").asLong();
        t.expect(200, "PATCH", "leads/" + lead, "{\"status_id\":" + stage + ",\"responsible_user_id\":" + boris
                + "}");
        t.expect(200, "POST", "contacts", "[{\"name\":\"Evt Contact\"}]");
        t.expect(200, "POST", "companies", "[{\"name\":\"Evt Company\"}]");
        long task = t.expect(200, "POST", "tasks", "[{\"text\":\"Call\",\"complete_till\":1900000000}]")
                .path("_embedded").path("tasks").get(0).path("id").asLong();
        t.expect(200, "PATCH", "tasks/" + task, "{\"is_completed\":true,\"result\":{\"text\":\"done\"}}");

        long now = SandboxAccount.now();
        JsonNode mine = t.expect(200, "GET", "events", null, "filter[created_at][from]", String.valueOf(now - 60),
                "filter[created_at][to]", String.valueOf(now + 60), "filter[type][]", "lead_added", "filter[type][]",
                "lead_status_changed", "filter[type][]", "entity_responsible_changed", "filter[entity][]", "lead",
                "filter[entity_id][]", String.valueOf(lead)).path("_embedded").path("events");
        List<String> types = new ArrayList<>();
        mine.forEach(e -> types.add(e.path("type").asString()));
        assertEquals(3, types.size(), types.toString());
        assertEquals("lead_added", types.get(2), "newest first: the lead's creation comes last");
        JsonNode status = null;
        for (JsonNode e : mine) {
            if (e.path("type").asString().equals("lead_status_changed")) {
                status = e;
            }
        }
        long initial = t.stage(t.pipeline(0), "Initial contact");
        assertEquals(initial, status.path("value_before").get(0).path("lead_status").path("id").asLong());
        assertEquals(stage, status.path("value_after").get(0).path("lead_status").path("id").asLong());
        assertEquals(t.pipeline(0), status.path("value_after").get(0).path("lead_status").path("pipeline_id")
                .asLong());
        JsonNode one = t.expect(200, "GET", "events/" + status.path("id").asString(), null);
        assertEquals(status.path("value_before"), one.path("value_before"), "one event reads as listed");
        assertEquals(status.path("created_at"), one.path("created_at"));

        JsonNode parties = t.expect(200, "GET", "events", null, "filter[type][]", "contact_added",
                "filter[type][]", "company_added", "filter[entity][]", "contact", "filter[entity][]", "company",
                "limit", "2").path("_embedded").path("events");
        assertEquals("company_added", parties.get(0).path("type").asString());
        assertEquals("contact_added", parties.get(1).path("type").asString());
        JsonNode tasks = t.expect(200, "GET", "events", null, "filter[entity][]", "task").path("_embedded")
                .path("events");
        assertEquals("task_result_added", tasks.get(0).path("type").asString());
        assertEquals("task_completed", tasks.get(1).path("type").asString());
        assertEquals("task_added", tasks.get(2).path("type").asString());
        assertEquals(204, t.call("GET", "events", null, "filter[created_at][to]", "1000").status());
        assertEquals(422, t.call("GET", "events", null, "limit", "101").status());
    }
}
