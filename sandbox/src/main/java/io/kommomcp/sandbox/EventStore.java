package io.kommomcp.sandbox;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The account's change history (API.md §16): an event for every change the sandbox makes, with Kommo's types, string
 * ids and value shapes, oldest first. {@link EventsApi} reads it.
 */
final class EventStore {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

    private final long accountId;
    private final UserStore users;
    private final List<ObjectNode> events = new ArrayList<>();

    EventStore(long accountId, UserStore users) {
        this.accountId = accountId;
        this.users = users;
    }

    /** The events, newest first. */
    List<ObjectNode> newestFirst() {
        List<ObjectNode> out = new ArrayList<>(events);
        Collections.reverse(out);
        return out;
    }

    ObjectNode get(String id) {
        return events.stream().filter(e -> e.get("id").asString().equals(id)).findFirst().orElse(null);
    }

    /** Appends one event; {@code entityType} is singular (lead, contact, company, task). */
    void add(String type, String entityType, long entityId, JsonNode before, JsonNode after) {
        ObjectNode e = Problems.JSON.createObjectNode();
        e.put("id", id()).put("type", type).put("entity_id", entityId).put("entity_type", entityType)
                .put("created_by", users.current()).put("created_at", SandboxAccount.now());
        e.set("value_after", after == null ? Problems.JSON.createArrayNode() : after);
        e.set("value_before", before == null ? Problems.JSON.createArrayNode() : before);
        e.put("account_id", accountId);
        e.putObject("_embedded").putObject("entity").put("id", entityId);
        events.add(e);
    }

    /** The events an update of a lead, contact or company makes: compares the record before and after. */
    void changed(String entityType, ObjectNode before, ObjectNode after) {
        long id = after.get("id").asLong();
        if (!Objects.equals(before.path("name").asString(null), after.path("name").asString(null))) {
            add("name_field_changed", entityType, id, value("name_field_value", "name", before.path("name")),
                    value("name_field_value", "name", after.path("name")));
        }
        if (entityType.equals("lead") && before.path("price").asLong() != after.path("price").asLong()) {
            add("sale_field_changed", entityType, id, value("sale_field_value", "sale", before.path("price")),
                    value("sale_field_value", "sale", after.path("price")));
        }
        if (before.path("responsible_user_id").asLong() != after.path("responsible_user_id").asLong()) {
            add("entity_responsible_changed", entityType, id, value("responsible_user", "id",
                    before.path("responsible_user_id")), value("responsible_user", "id",
                            after.path("responsible_user_id")));
        }
        if (entityType.equals("lead") && (before.path("status_id").asLong() != after.path("status_id").asLong()
                || before.path("pipeline_id").asLong() != after.path("pipeline_id").asLong())) {
            add("lead_status_changed", entityType, id, status(before), status(after));
        }
        if (!before.path("custom_fields_values").equals(after.path("custom_fields_values"))) {
            ArrayNode values = Problems.JSON.createArrayNode();
            for (JsonNode f : after.path("custom_fields_values")) {
                for (JsonNode v : f.path("values")) {
                    ObjectNode cfv = values.addObject().putObject("custom_field_value");
                    cfv.put("field_id", f.path("field_id").asLong()).put("field_type", 1);
                    if (v.hasNonNull("enum_id")) {
                        cfv.put("enum_id", v.get("enum_id").asLong());
                    } else {
                        cfv.putNull("enum_id");
                    }
                    cfv.put("text", v.path("value").asString(""));
                }
            }
            add("custom_field_value_changed", entityType, id, null, values);
        }
        Set<String> was = lower(names(before));
        Set<String> now = lower(names(after));
        for (String t : names(after)) {
            if (!was.contains(t.toLowerCase(Locale.ROOT))) {
                add("entity_tag_added", entityType, id, null, tag(t));
            }
        }
        for (String t : names(before)) {
            if (!now.contains(t.toLowerCase(Locale.ROOT))) {
                add("entity_tag_deleted", entityType, id, tag(t), null);
            }
        }
    }

    /** {@code [{key: {field: v}}]}, the value shape of most events. */
    static ArrayNode value(String key, String field, JsonNode v) {
        ArrayNode arr = Problems.JSON.createArrayNode();
        arr.addObject().putObject(key).set(field, v.isMissingNode() ? Problems.JSON.nullNode() : v.deepCopy());
        return arr;
    }

    private static ArrayNode status(JsonNode lead) {
        ArrayNode arr = Problems.JSON.createArrayNode();
        arr.addObject().putObject("lead_status").put("id", lead.path("status_id").asLong())
                .put("pipeline_id", lead.path("pipeline_id").asLong());
        return arr;
    }

    private static ArrayNode tag(String name) {
        ArrayNode arr = Problems.JSON.createArrayNode();
        arr.addObject().putObject("tag").put("name", name);
        return arr;
    }

    private static List<String> names(JsonNode entity) {
        List<String> out = new ArrayList<>();
        entity.path("_embedded").path("tags").forEach(t -> out.add(t.path("name").asString()));
        return out;
    }

    private static Set<String> lower(Iterable<String> names) {
        Set<String> out = new HashSet<>();
        names.forEach(n -> out.add(n.toLowerCase(Locale.ROOT)));
        return out;
    }

    private static String id() {
        StringBuilder sb = new StringBuilder("01");
        for (int i = 0; i < 24; i++) {
            sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }
}
