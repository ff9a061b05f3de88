package io.kommomcp.sandbox;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /events} (API.md §16) over {@link EventStore}: filters by entity, entity_id (exactly one entity, at most
 * 10 ids), type, created_at and created_by (at most 10); at most 100 per page, newest first, 204 when none.
 */
final class EventsApi {

    private final EventStore events;

    EventsApi(EventStore events) {
        this.events = events;
    }

    SandboxResponse list(SandboxRequest r) {
        List<String> entities = r.params("filter[entity]");
        List<String> ids = r.params("filter[entity_id]");
        List<String> types = r.params("filter[type]");
        List<String> createdBy = r.params("filter[created_by]");
        if (!ids.isEmpty() && entities.size() != 1) {
            return Problems.basic(400, "Bad Request", "filter[entity_id] needs exactly one filter[entity]");
        }
        if (ids.size() > 10 || createdBy.size() > 10) {
            return Problems.basic(400, "Bad Request", "At most 10 values in filter[entity_id] and filter[created_by]");
        }
        if (r.param("limit") != null && r.param("limit").matches("\\d+") && Integer.parseInt(r.param("limit")) > 100) {
            return Problems.limitPerPage();
        }
        long from = time(r.param("filter[created_at][from]"), r.param("filter[created_at]"), Long.MIN_VALUE);
        long to = time(r.param("filter[created_at][to]"), null, Long.MAX_VALUE);
        List<ObjectNode> out = new ArrayList<>();
        for (ObjectNode e : events.newestFirst()) {
            long at = e.get("created_at").asLong();
            if ((entities.isEmpty() || entities.contains(e.get("entity_type").asString()))
                    && (ids.isEmpty() || ids.contains(e.get("entity_id").asString()))
                    && (types.isEmpty() || types.contains(e.get("type").asString()))
                    && (createdBy.isEmpty() || createdBy.contains(e.get("created_by").asString()))
                    && at >= from && at <= to) {
                out.add(e);
            }
        }
        return HalPages.list(r, "events", "events", out, ObjectNode::deepCopy, HalPages.byId("events"), false);
    }

    private static long time(String value, String alone, long otherwise) {
        String v = value != null ? value : alone;
        return v != null && v.matches("\\d+") ? Long.parseLong(v) : otherwise;
    }
}
