package io.kommomcp.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.node.ObjectNode;

/** The account's loss reasons (API.md §18), in the order they were made. */
final class LossReasonStore {

    private final Map<Long, ObjectNode> byId = new LinkedHashMap<>();

    /** Adds a reason; {@code sort} null takes the next one in steps of 10. */
    ObjectNode add(long id, String name, Integer sort, long at) {
        ObjectNode reason = Problems.JSON.createObjectNode();
        reason.put("id", id).put("name", name).put("sort", sort != null ? sort : byId.size() * 10 + 10)
                .put("created_at", at).put("updated_at", at);
        byId.put(id, reason);
        return reason;
    }

    ObjectNode get(long id) {
        return byId.get(id);
    }

    boolean has(long id) {
        return byId.containsKey(id);
    }

    void remove(long id) {
        byId.remove(id);
    }

    List<ObjectNode> all() {
        return new ArrayList<>(byId.values());
    }

    List<Long> ids() {
        return new ArrayList<>(byId.keySet());
    }
}
