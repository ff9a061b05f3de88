package io.kommomcp.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The account's users (API.md §17) and the one the token acts as ({@code current_user_id}). */
final class UserStore {

    private final Map<Long, ObjectNode> byId = new LinkedHashMap<>();
    private long current;
    private Long acting;

    void add(ObjectNode user) {
        byId.put(user.get("id").asLong(), user);
    }

    ObjectNode get(long id) {
        return byId.get(id);
    }

    boolean has(long id) {
        return byId.containsKey(id);
    }

    /**
     * The author fields of a write ({@code created_by}, {@code updated_by}) that name no user of the account; Kommo
     * refuses those with NotSupportedChoice (API.md §6, ISS#252/#366). 0 is the system (robots, API without a user).
     */
    List<String> unknownAuthors(JsonNode item) {
        List<String> out = new ArrayList<>();
        for (String key : List.of("created_by", "updated_by")) {
            if (item.hasNonNull(key) && item.get(key).asLong(-1) != 0 && !has(item.get(key).asLong(-1))) {
                out.add(key);
            }
        }
        return out;
    }

    List<ObjectNode> all() {
        return new ArrayList<>(byId.values());
    }

    /**
     * The author of the change being made: the user the account's tokens act as, or, while a change "in Kommo's UI"
     * runs ({@link #actAs}), that person.
     */
    long current() {
        return acting != null ? acting : current;
    }

    /** The user the account's tokens act as ({@code current_user_id}), whoever is acting now. */
    long tokenUser() {
        return current;
    }

    void current(long userId) {
        current = userId;
    }

    /** Makes {@code userId} the author of changes until {@code actAs(null)} (under the account's lock). */
    void actAs(Long userId) {
        acting = userId;
    }
}
