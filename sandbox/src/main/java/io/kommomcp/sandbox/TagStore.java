package io.kommomcp.sandbox;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The tags of each entity type (API.md §15), by case-insensitive name, and putting them on and taking them off a
 * record's {@code _embedded.tags}. A name that does not exist yet is created when it is used.
 */
final class TagStore {

    private final LongSupplier ids;
    private final Map<String, Map<String, ObjectNode>> byType = new LinkedHashMap<>();

    TagStore(LongSupplier ids) {
        this.ids = ids;
    }

    private Map<String, ObjectNode> of(String entity) {
        return byType.computeIfAbsent(entity, k -> new LinkedHashMap<>());
    }

    /** The tags of an entity type, by id. */
    List<ObjectNode> all(String entity) {
        List<ObjectNode> out = new ArrayList<>(of(entity).values());
        out.sort(Comparator.comparingLong(t -> t.get("id").asLong()));
        return out;
    }

    /** The tag of that name, made (with {@code color}, hex without '#', or none) when there is none yet. */
    ObjectNode ensure(String entity, String name, String color) {
        return of(entity).computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> {
            ObjectNode t = Problems.JSON.createObjectNode();
            t.put("id", ids.getAsLong()).put("name", name);
            if (color != null) {
                t.put("color", color.toUpperCase(Locale.ROOT));
            } else {
                t.putNull("color");
            }
            return t;
        });
    }

    /** Adds a tag by id or by name (a new name creates the tag) to a record's {@code _embedded.tags}. */
    void addTo(ObjectNode record, JsonNode ref, String entity) {
        ObjectNode tag;
        if (ref.hasNonNull("id")) {
            tag = of(entity).values().stream().filter(t -> t.get("id").asLong() == ref.get("id").asLong())
                    .findFirst().orElse(null);
        } else {
            tag = ensure(entity, ref.path("name").asString("").strip(), null);
        }
        if (tag == null) {
            return;
        }
        ArrayNode tags = (ArrayNode) record.get("_embedded").get("tags");
        for (JsonNode t : tags) {
            if (t.get("id").asLong() == tag.get("id").asLong()) {
                return;
            }
        }
        tags.add(tag.deepCopy());
    }

    /** Takes a tag (by id or name) off a record. */
    static void removeFrom(ObjectNode record, JsonNode ref) {
        ArrayNode tags = (ArrayNode) record.get("_embedded").get("tags");
        for (int i = tags.size() - 1; i >= 0; i--) {
            JsonNode t = tags.get(i);
            if ((ref.hasNonNull("id") && t.get("id").asLong() == ref.get("id").asLong())
                    || (ref.hasNonNull("name")
                            && t.get("name").asString().equalsIgnoreCase(ref.get("name").asString()))) {
                tags.remove(i);
            }
        }
    }

    /** Replaces a record's tags with those {@code refs} name ({@code _embedded.tags} on update). */
    void replaceOn(ObjectNode record, JsonNode refs, String entity) {
        ((ArrayNode) record.get("_embedded").get("tags")).removeAll();
        refs.forEach(t -> addTo(record, t, entity));
    }
}
