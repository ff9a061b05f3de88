package io.kommomcp.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Custom field definitions and field groups of leads, contacts and companies (API.md §10), in Kommo's read shape
 * (the keys and their order of sample custom_field_create_select__kommo_docs.json):
 * select-like fields carry their options ({@code enums}) with ids; predefined fields (PHONE, EMAIL, ...) are
 * {@code is_predefined} and not deletable. The values entities hold are {@link FieldValues}'s concern.
 */
final class FieldStore {

    private final LongSupplier ids;
    private final long accountId;
    private final Map<String, Map<Long, ObjectNode>> defs = new LinkedHashMap<>();
    private final Map<String, List<ObjectNode>> groups = new LinkedHashMap<>();

    FieldStore(LongSupplier ids, long accountId) {
        this.ids = ids;
        this.accountId = accountId;
    }

    private Map<Long, ObjectNode> of(String entity) {
        return defs.computeIfAbsent(entity, k -> new LinkedHashMap<>());
    }

    /** The definitions of an entity type, in the order they were made. */
    List<ObjectNode> all(String entity) {
        return new ArrayList<>(of(entity).values());
    }

    ObjectNode get(String entity, long id) {
        return of(entity).get(id);
    }

    boolean has(String entity, long id) {
        return of(entity).containsKey(id);
    }

    /** The definition a written value refers to, by {@code field_id} or {@code field_code}; null when none. */
    ObjectNode byRef(String entity, JsonNode cf) {
        if (cf.hasNonNull("field_id")) {
            return get(entity, cf.get("field_id").asLong());
        }
        if (cf.hasNonNull("field_code")) {
            return byCode(entity, cf.get("field_code").asString());
        }
        return null;
    }

    ObjectNode byCode(String entity, String code) {
        return of(entity).values().stream().filter(d -> code.equals(d.path("code").asString(null))).findFirst()
                .orElse(null);
    }

    ObjectNode byName(String entity, String name) {
        return of(entity).values().stream().filter(d -> d.get("name").asString().equals(name)).findFirst()
                .orElse(null);
    }

    void remove(String entity, long id) {
        of(entity).remove(id);
    }

    /** Adds a field definition to an entity type; select-like fields get their options with ids. */
    ObjectNode add(String entity, String name, String type, String code, List<String> options, boolean predefined) {
        Map<Long, ObjectNode> list = of(entity);
        long id = ids.getAsLong();
        ObjectNode f = Problems.JSON.createObjectNode();
        f.put("id", id).put("name", name).put("type", type).put("account_id", accountId);
        if (code == null) {
            f.putNull("code");
        } else {
            f.put("code", code);
        }
        f.put("sort", 500 + list.size()).put("is_api_only", false);
        if (options.isEmpty()) {
            f.putNull("enums");
        } else {
            ArrayNode enums = f.putArray("enums");
            for (int i = 0; i < options.size(); i++) {
                enums.addObject().put("id", ids.getAsLong()).put("value", options.get(i)).put("sort", (i + 1) * 10);
            }
        }
        f.putNull("group_id");
        f.putArray("required_statuses");
        f.put("is_deletable", !predefined).put("is_predefined", predefined).put("entity_type", entity);
        f.putNull("tracking_callback").putNull("remind");
        f.putArray("triggers");
        f.putNull("currency");
        f.putArray("hidden_statuses");
        f.putNull("chained_lists");
        list.put(id, f);
        return f;
    }

    /** A new option id (for options added to an existing field). */
    long newOptionId() {
        return ids.getAsLong();
    }

    // ---------------------------------------------------------------- groups

    /** The field groups of an entity type (ids are strings, as Kommo has them). */
    List<ObjectNode> groups(String entity) {
        return new ArrayList<>(groups.getOrDefault(entity, List.of()));
    }

    ObjectNode group(String entity, String id) {
        return groups.getOrDefault(entity, List.of()).stream().filter(g -> g.get("id").asString().equals(id))
                .findFirst().orElse(null);
    }

    /** Adds a group of fields to an entity type; returns its id. */
    String addGroup(String entity, String name, int sort) {
        String id = entity + "_" + (1_700_000_000L + ids.getAsLong());
        ObjectNode g = Problems.JSON.createObjectNode();
        g.put("id", id).put("name", name).put("sort", sort).put("entity_type", entity).put("is_predefined", false);
        groups.computeIfAbsent(entity, k -> new ArrayList<>()).add(g);
        return id;
    }

    /** Removes a group; its fields move to no group. */
    void removeGroup(String entity, ObjectNode group) {
        groups.getOrDefault(entity, new ArrayList<>()).remove(group);
        String id = group.get("id").asString();
        of(entity).values().stream().filter(f -> id.equals(f.path("group_id").asString(null)))
                .forEach(f -> f.putNull("group_id"));
    }
}
