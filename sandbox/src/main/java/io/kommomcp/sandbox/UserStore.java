package io.kommomcp.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.node.ObjectNode;

/** The account's users (API.md §17) and the one the token acts as ({@code current_user_id}). */
final class UserStore {

    private final Map<Long, ObjectNode> byId = new LinkedHashMap<>();
    private long current;

    void add(ObjectNode user) {
        byId.put(user.get("id").asLong(), user);
    }

    ObjectNode get(long id) {
        return byId.get(id);
    }

    boolean has(long id) {
        return byId.containsKey(id);
    }

    List<ObjectNode> all() {
        return new ArrayList<>(byId.values());
    }

    /** The user the account's tokens act as: author of every change made through the API. */
    long current() {
        return current;
    }

    void current(long userId) {
        current = userId;
    }
}
