package io.kommomcp.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.kommomcp.sandbox.EventStore.Event;
import io.kommomcp.sandbox.EventStore.StageChange;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The benchmarks' bulk seed (BulkSeed), small. */
class BulkSeedTest {

    private static final long NOW = 1_767_225_600L;

    private static TestAccount seeded(long seed) {
        TestAccount t = new TestAccount();
        SandboxResponse r = t.account.bulkSeed(Problems.JSON.readTree("{\"leads\":200,\"contacts\":150,"
                + "\"companies\":20,\"events\":1000,\"seed\":" + seed + ",\"now\":" + NOW + "}"));
        assertEquals(200, r.status(), String.valueOf(r.body()));
        return t;
    }

    @Test
    void itAddsTheRecordsAndAStageHistoryConsistentWithEachLeadsStage() {
        TestAccount t = new TestAccount();
        int leadsBefore = t.account.leads.size();
        List<Long> oldLeads = t.account.leads.ids();
        int contactsBefore = t.account.contacts.size();
        int companiesBefore = t.account.companies.size();
        t.account.bulkSeed(Problems.JSON.readTree("{\"leads\":200,\"contacts\":150,\"companies\":20,\"events\":1000,"
                + "\"seed\":3,\"now\":" + NOW + "}"));
        assertEquals(leadsBefore + 200, t.account.leads.size());
        assertEquals(contactsBefore + 150, t.account.contacts.size());
        assertEquals(companiesBefore + 20, t.account.companies.size());

        Map<Long, List<StageChange>> byLead = new HashMap<>();
        for (Event e : t.account.events.newestFirst()) {
            if (e instanceof StageChange s) {
                byLead.computeIfAbsent(e.entityId, k -> new ArrayList<>()).add(0, s); // oldest first
            }
        }
        assertEquals(1000, byLead.values().stream().mapToInt(List::size).sum());
        int won = 0;
        for (long id : t.account.leads.ids()) {
            if (oldLeads.contains(id)) {
                continue;
            }
            ObjectNode lead = t.account.leads.get(id);
            List<StageChange> history = byLead.get(id);
            assertEquals(5, history.size(), "1000 changes over 200 leads");
            long previous = lead.get("created_at").asLong();
            assertTrue(previous >= NOW - 365 * 86_400L && previous < NOW);
            for (int k = 0; k < history.size(); k++) {
                StageChange s = history.get(k);
                assertTrue(s.createdAt >= previous && s.createdAt <= NOW, "in time order, after the creation");
                assertNotEquals(s.fromStatus, s.toStatus);
                assertEquals(lead.get("pipeline_id").asLong(), s.toPipeline);
                if (k > 0) {
                    assertEquals(history.get(k - 1).toStatus, s.fromStatus, "each change starts where the last ended");
                }
                previous = s.createdAt;
            }
            StageChange last = history.get(history.size() - 1);
            assertEquals(lead.get("status_id").asLong(), last.toStatus, "the history ends at the lead's stage");
            assertEquals(last.createdAt, lead.get("updated_at").asLong());
            boolean closed = last.toStatus == PipelineStore.WON || last.toStatus == PipelineStore.LOST;
            assertEquals(closed, !lead.get("closed_at").isNull());
            assertEquals(last.toStatus == PipelineStore.LOST, !lead.get("loss_reason_id").isNull());
            assertTrue(lead.get("price").asLong() > 0);
            assertTrue(lead.get("custom_fields_values").size() >= 1);
            won += last.toStatus == PipelineStore.WON ? 1 : 0;
        }
        assertTrue(won > 10 && won < 60, "about 15% won: " + won);
    }

    @Test
    void theApiServesTheSeededAccount() {
        TestAccount t = seeded(5);
        JsonNode page = t.expect(200, "GET", "leads", null, "filter[updated_at][from]",
                String.valueOf(NOW - 30 * 86_400), "order[updated_at]", "asc", "limit", "250");
        long previous = 0;
        for (JsonNode l : page.path("_embedded").path("leads")) {
            assertTrue(l.path("updated_at").asLong() >= Math.max(previous, NOW - 30 * 86_400));
            previous = l.path("updated_at").asLong();
        }
        JsonNode events = t.expect(200, "GET", "events", null, "filter[type][]", "lead_status_changed",
                "filter[created_at][from]", String.valueOf(NOW - 86_400 * 90), "limit", "100").path("_embedded")
                .path("events");
        assertEquals(100, events.size());
        assertTrue(events.get(0).path("created_at").asLong() >= events.get(99).path("created_at").asLong());
        JsonNode first = events.get(0);
        assertEquals("lead", first.path("entity_type").asString());
        assertTrue(first.path("value_after").get(0).path("lead_status").has("pipeline_id"));
        assertEquals(first.path("id"), t.expect(200, "GET", "events/" + first.path("id").asString(), null)
                .path("id"));
        JsonNode contact = t.expect(200, "GET", "contacts", null, "limit", "1").path("_embedded").path("contacts")
                .get(0);
        assertEquals("PHONE", contact.path("custom_fields_values").get(0).path("field_code").asString());
    }

    @Test
    void theSameSeedGivesTheSameAccountAndAnotherSeedAnother() {
        TestAccount one = seeded(42);
        TestAccount two = seeded(42);
        assertEquals(one.account.leads.all(), two.account.leads.all());
        assertEquals(one.account.contacts.all(), two.account.contacts.all());
        List<String> ids1 = new ArrayList<>();
        List<String> ids2 = new ArrayList<>();
        one.account.events.newestFirst().stream().filter(e -> e instanceof StageChange).forEach(e -> ids1.add(e.id()));
        two.account.events.newestFirst().stream().filter(e -> e instanceof StageChange).forEach(e -> ids2.add(e.id()));
        assertEquals(ids1, ids2);
        assertNotEquals(one.account.leads.all(), seeded(43).account.leads.all());
    }

    @Test
    void impossibleCountsAreRefused() {
        TestAccount t = new TestAccount();
        for (String body : List.of("{\"leads\":-1}", "{\"leads\":200001}", "{\"events\":10}",
                "{\"leads\":1,\"events\":1000001}")) {
            assertEquals(400, t.account.bulkSeed(Problems.JSON.readTree(body)).status(), body);
        }
    }
}
