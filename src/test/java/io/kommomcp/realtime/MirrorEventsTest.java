package io.kommomcp.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.kommomcp.core.Json;
import io.kommomcp.testing.Fields;
import io.kommomcp.testing.UnitDatabase;

/** The events a sweep reads mark records deleted in the mirror: leads, contacts, companies and tasks. */
class MirrorEventsTest {

    private final MirrorStore store = Fields.set(new MirrorStore(), "ds", UnitDatabase.app());
    private final String tenant = "events-" + UUID.randomUUID().toString().substring(0, 8);

    private boolean deleted(String entity, long id) throws Exception {
        try (Connection c = UnitDatabase.owner(); PreparedStatement ps = c.prepareStatement("select deleted from"
                + " mirror_record where tenant_id = ? and entity = ? and id = ?")) {
            ps.setString(1, tenant);
            ps.setString(2, entity);
            ps.setLong(3, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                return rs.getBoolean(1);
            }
        }
    }

    @Test
    void aTaskDeletedInKommoWhoseWebhookWasMissedIsDeletedByTheSweepsEvents() throws Exception {
        store.apply(tenant, "tasks", 300, Map.of("text", "Call back", "is_completed", false), 1_700_000_000L, false);
        store.apply(tenant, "leads", 301, Map.of("name", "Kept"), 1_700_000_000L, false);
        int added = store.events(tenant, List.of(Json.mapper().readTree("{\"id\":\"01evt\",\"type\":\"task_deleted\","
                + "\"entity_type\":\"task\",\"entity_id\":300,\"created_by\":5,\"created_at\":1700000100}")));
        assertEquals(1, added);
        assertTrue(deleted("tasks", 300), "an open task deleted in Kommo no longer counts as open work");
        assertEquals(false, deleted("leads", 301));
    }

    @Test
    void deletionsAndRestorationsTakeEffectInTheOrderTheyHappenedNotTheOrderTheyAreRead() throws Exception {
        store.apply(tenant, "leads", 310, Map.of("name", "Back again"), 1_700_000_000L, false);
        // Kommo lists events newest first: the restoration comes before the deletion it undid
        store.events(tenant, List.of(Json.mapper().readTree("{\"id\":\"01r\",\"type\":\"lead_restored\","
                + "\"entity_type\":\"lead\",\"entity_id\":310,\"created_at\":1700000200}"), Json.mapper()
                        .readTree("{\"id\":\"01d\",\"type\":\"lead_deleted\",\"entity_type\":\"lead\","
                                + "\"entity_id\":310,\"created_at\":1700000100}")));
        assertEquals(false, deleted("leads", 310), "deleted, then restored: it exists");

        // a deletion older than the change the mirror already has of the record is history, not news
        store.apply(tenant, "leads", 311, Map.of("name", "Changed later"), 1_700_000_500L, false);
        store.events(tenant, List.of(Json.mapper().readTree("{\"id\":\"01o\",\"type\":\"lead_deleted\","
                + "\"entity_type\":\"lead\",\"entity_id\":311,\"created_at\":1700000400}")));
        assertEquals(false, deleted("leads", 311));
    }
}
