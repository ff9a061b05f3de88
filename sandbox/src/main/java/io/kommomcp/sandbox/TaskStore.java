package io.kommomcp.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import tools.jackson.databind.node.ObjectNode;

/** The account's tasks (API.md §12), by id, in Kommo's read shape ({@code result} is {@code []} when there is none). */
final class TaskStore {

    private final TreeMap<Long, ObjectNode> byId = new TreeMap<>();

    ObjectNode get(long id) {
        return byId.get(id);
    }

    boolean has(long id) {
        return byId.containsKey(id);
    }

    /** Deletes a task (Kommo's API cannot; its UI can). */
    void remove(long id) {
        byId.remove(id);
    }

    void put(ObjectNode task) {
        byId.put(task.get("id").asLong(), task);
    }

    /** All tasks, by id. */
    List<ObjectNode> all() {
        return new ArrayList<>(byId.values());
    }
}
