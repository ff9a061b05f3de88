package io.kommomcp.intelligence;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.kommomcp.core.Json;
import io.kommomcp.realtime.MirrorStore;
import io.kommomcp.testing.Fields;
import io.kommomcp.testing.UnitDatabase;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Mirror rows for the tests, written by the mirror's own store ({@link MirrorStore}) as a sync writes them: Kommo's
 * API v4 JSON of leads, lead notes and tasks in {@code mirror_record}, events in {@code mirror_event}.
 */
final class MirrorRows {

    static final long DAY = 86_400;

    final String tenant = "intel-" + UUID.randomUUID().toString().substring(0, 8);
    final MirrorStore store = Fields.set(new MirrorStore(), "ds", UnitDatabase.app());
    private long ids = 1_000;
    private int eventIds = 0;

    /** A lead as Kommo's API shows it. */
    ObjectNode lead(long id, String name, Long price, long pipelineId, long stageId, long responsible,
            long createdAt, long updatedAt) {
        ObjectNode l = Json.mapper().createObjectNode();
        l.put("id", id).put("name", name);
        if (price == null) {
            l.putNull("price");
        } else {
            l.put("price", price);
        }
        l.put("responsible_user_id", responsible).put("group_id", 0).put("status_id", stageId)
                .put("pipeline_id", pipelineId).putNull("loss_reason_id").put("created_by", responsible)
                .put("updated_by", responsible).put("created_at", createdAt).put("updated_at", updatedAt)
                .putNull("closed_at").putNull("closest_task_at").put("is_deleted", false)
                .putNull("custom_fields_values").put("account_id", 1);
        ObjectNode emb = l.putObject("_embedded");
        emb.putArray("tags");
        emb.putArray("companies");
        l.putObject("_links").putObject("self").put("href", "https://x.kommo.com/api/v4/leads/" + id);
        store.upsert(tenant, "leads", List.of(l));
        return l;
    }

    /** A common note on a lead. */
    ObjectNode note(long leadId, String text, long createdAt, long by) {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("id", ++ids).put("entity_id", leadId).put("created_by", by).put("updated_by", by)
                .put("created_at", createdAt).put("updated_at", createdAt).put("responsible_user_id", by)
                .put("group_id", 0).put("note_type", "common");
        n.putObject("params").put("text", text);
        n.put("account_id", 1);
        store.upsert(tenant, "lead_notes", List.of(n));
        return n;
    }

    /** A task on a lead: due {@code due}, last changed {@code updatedAt}, done or not. */
    ObjectNode task(long leadId, String text, long createdAt, long updatedAt, long due, boolean done, long by) {
        ObjectNode t = Json.mapper().createObjectNode();
        t.put("id", ++ids).put("created_by", by).put("updated_by", by).put("created_at", createdAt)
                .put("updated_at", updatedAt).put("responsible_user_id", by).put("group_id", 0)
                .put("entity_id", leadId).put("entity_type", "leads").put("duration", 0)
                .put("is_completed", done).put("task_type_id", 1).put("text", text);
        if (done) {
            t.putObject("result").put("text", "done");
        } else {
            t.putArray("result");
        }
        t.put("complete_till", due).put("account_id", 1);
        store.upsert(tenant, "tasks", List.of(t));
        return t;
    }

    /** A stage change as Kommo's events API shows it (API.md §16). */
    JsonNode move(long leadId, long at, long fromPipeline, long fromStage, long toPipeline, long toStage, long by) {
        ObjectNode e = event("lead_status_changed", leadId, at, by);
        e.set("value_before", status(fromStage, fromPipeline));
        e.set("value_after", status(toStage, toPipeline));
        store.events(tenant, List.of(e));
        return e;
    }

    /** A lead_deleted event (the store marks the lead deleted). */
    void deleted(long leadId, long at, long by) {
        ObjectNode e = event("lead_deleted", leadId, at, by);
        e.putArray("value_before");
        e.putArray("value_after");
        store.events(tenant, List.of(e));
    }

    /** Marks leads, notes, tasks and events backfilled and current as of {@code syncedAt}. */
    void current(Instant syncedAt) {
        List<String> entities = List.of("leads", "lead_notes", "tasks", "events");
        store.progress(tenant, entities).values().forEach(p -> store.save(tenant, new MirrorStore.Progress(
                p.entity(), true, 1, 0L, 0, p.records(), null, syncedAt)));
    }

    private ObjectNode event(String type, long leadId, long at, long by) {
        ObjectNode e = Json.mapper().createObjectNode();
        // Kommo's event ids are 26 characters; in time order here, as the sandbox makes them
        e.put("id", String.format("01evt%021d", ++eventIds)).put("type", type).put("entity_id", leadId)
                .put("entity_type", "lead").put("created_by", by).put("created_at", at);
        e.put("account_id", 1);
        e.putObject("_embedded").putObject("entity").put("id", leadId);
        return e;
    }

    private static ArrayNode status(long stageId, long pipelineId) {
        ArrayNode a = Json.mapper().createArrayNode();
        a.addObject().putObject("lead_status").put("id", stageId).put("pipeline_id", pipelineId);
        return a;
    }
}
