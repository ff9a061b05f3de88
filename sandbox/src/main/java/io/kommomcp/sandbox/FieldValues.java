package io.kommomcp.sandbox;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

import io.kommomcp.sandbox.Problems.Violation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The custom field values of leads, contacts and companies (API.md §9): the rules for writing them, storing them in
 * Kommo's read shape ({@code null}, not {@code []}, when there are none; numbers as strings; options with their
 * {@code enum_id}), and keeping stored values in step when a definition changes or goes.
 */
final class FieldValues {

    private final FieldStore fields;
    private final Function<String, EntityStore> entities;

    FieldValues(FieldStore fields, Function<String, EntityStore> entities) {
        this.fields = fields;
        this.entities = entities;
    }

    /** Rules for {@code custom_fields_values} on add and update: known field (id or code), a valid option. */
    List<Violation> validate(String requestId, JsonNode cfs, String entity) {
        List<Violation> v = new ArrayList<>();
        if (cfs == null || cfs.isNull()) {
            return v;
        }
        for (int i = 0; i < cfs.size(); i++) {
            JsonNode cf = cfs.get(i);
            ObjectNode def = fields.byRef(entity, cf);
            if (def == null) {
                v.add(new Violation(requestId, "NotSupportedChoice", "custom_fields_values." + i
                        + (cf.has("field_code") ? ".field_code" : ".field_id"),
                        "The value you selected is not a valid choice."));
                continue;
            }
            JsonNode values = cf.path("values");
            for (int j = 0; j < values.size(); j++) {
                String typeProblem = typeProblem(def.get("type").asString(), values.get(j).get("value"));
                if (typeProblem != null) {
                    v.add(new Violation(requestId, "InvalidType", "custom_fields_values." + i + ".values." + j
                            + ".value", typeProblem));
                    continue;
                }
                boolean enumerated = def.get("enums").isArray() && !def.get("enums").isEmpty();
                if (enumerated && enumFor(def, values.get(j)) == null) {
                    String path = def.get("type").asString().equals("multitext") ? "enum_code" : "value";
                    v.add(new Violation(requestId, "NotSupportedChoice",
                            "custom_fields_values." + i + ".values." + j + "." + path,
                            "The value you selected is not a valid choice."));
                }
            }
        }
        return v;
    }

    /** Why a value does not fit a field type (API.md §9), or null when it does. */
    private static String typeProblem(String type, JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        return switch (type) {
            case "numeric", "price", "monetary" -> value.isNumber()
                    || (value.isString() && value.asString().strip().matches("-?\\d+(\\.\\d+)?")) ? null
                    : "This value should be of type numeric.";
            case "checkbox" -> value.isBoolean() ? null : "This value should be of type bool.";
            case "date", "date_time", "birthday" -> value.isIntegralNumber() || (value.isString()
                    && value.asString().matches("\\d{4}-\\d{2}-\\d{2}T.*")) ? null
                    : "This value should be a date (unix time or RFC 3339).";
            default -> null;
        };
    }

    /** The option a written value names (by enum_id, value, or for multitext its kind), or null. */
    static ObjectNode enumFor(ObjectNode def, JsonNode value) {
        if (def.get("type").asString().equals("multitext")) {
            // the option of a multitext value is its kind (WORK, MOB, ...): by enum_id or enum_code, WORK by default
            for (JsonNode e : def.get("enums")) {
                if (value.hasNonNull("enum_id") ? value.get("enum_id").asLong() == e.get("id").asLong()
                        : e.get("value").asString().equals(value.hasNonNull("enum_code")
                                ? value.get("enum_code").asString() : value.path("enum").asString("WORK"))) {
                    return (ObjectNode) e;
                }
            }
            return null;
        }
        for (JsonNode e : def.get("enums")) {
            if ((value.has("enum_id") && value.get("enum_id").asLong() == e.get("id").asLong())
                    || (value.has("value") && e.get("value").asString().equals(value.get("value").asString()))) {
                return (ObjectNode) e;
            }
        }
        return null;
    }

    /** Stores written values in Kommo's read shape; a field written with {@code values: null} is cleared. */
    void set(ObjectNode record, JsonNode cfs, String entity) {
        if (cfs == null || cfs.isNull() || cfs.isEmpty()) {
            if (!record.has("custom_fields_values")) {
                record.putNull("custom_fields_values");
            }
            return;
        }
        Map<Long, ObjectNode> current = new LinkedHashMap<>();
        for (JsonNode existing : record.path("custom_fields_values")) {
            current.put(existing.get("field_id").asLong(), (ObjectNode) existing);
        }
        for (JsonNode cf : cfs) {
            ObjectNode def = fields.byRef(entity, cf);
            if (cf.get("values") == null || cf.get("values").isNull()) {
                current.remove(def.get("id").asLong());
                continue;
            }
            current.put(def.get("id").asLong(), stored(def, cf.get("values")));
        }
        if (current.isEmpty()) {
            record.putNull("custom_fields_values");
        } else {
            ArrayNode arr = record.putArray("custom_fields_values");
            current.values().forEach(arr::add);
        }
    }

    private static ObjectNode stored(ObjectNode def, JsonNode written) {
        ObjectNode stored = Problems.JSON.createObjectNode();
        stored.put("field_id", def.get("id").asLong()).put("field_name", def.get("name").asString());
        stored.set("field_code", def.get("code"));
        stored.put("field_type", def.get("type").asString());
        ArrayNode vals = stored.putArray("values");
        for (JsonNode v : written) {
            ObjectNode e = def.get("enums").isArray() && !def.get("enums").isEmpty() ? enumFor(def, v) : null;
            ObjectNode out = vals.addObject();
            if (e != null && def.get("type").asString().equals("multitext")) {
                out.set("value", v.get("value"));
                out.put("enum_id", e.get("id").asLong()).put("enum_code", e.get("value").asString());
            } else if (e != null) {
                out.put("value", e.get("value").asString()).put("enum_id", e.get("id").asLong())
                        .putNull("enum_code");
            } else if (def.get("type").asString().equals("numeric")) {
                out.put("value", v.get("value").asString()); // Kommo returns numbers as strings
            } else {
                out.set("value", v.get("value"));
            }
        }
        return stored;
    }

    /**
     * Removes the values {@code gone} matches of field {@code fieldId} from every record of the type. A record that
     * loses a value has changed: its {@code updated_at} moves (a sandbox choice: Kommo does not say, and a mirror
     * that syncs by {@code updated_at} would otherwise keep the value). No event and no webhook: the change is
     * configuration's (API.md §16 has no event for it).
     */
    void erase(String entity, long fieldId, Predicate<JsonNode> gone) {
        long now = SandboxAccount.now();
        entities.apply(entity).rewrite(e -> {
            if (!(e.get("custom_fields_values") instanceof ArrayNode cfs)) {
                return false;
            }
            boolean changed = false;
            for (int i = cfs.size() - 1; i >= 0; i--) {
                if (cfs.get(i).path("field_id").asLong() != fieldId) {
                    continue;
                }
                ArrayNode values = (ArrayNode) cfs.get(i).path("values");
                for (int j = values.size() - 1; j >= 0; j--) {
                    if (gone.test(values.get(j))) {
                        values.remove(j);
                        changed = true;
                    }
                }
                if (values.isEmpty()) {
                    cfs.remove(i);
                }
            }
            if (cfs.isEmpty()) {
                e.putNull("custom_fields_values");
            }
            if (changed) {
                e.put("updated_at", now);
            }
            return changed;
        });
    }

    /**
     * Stored values show the field's current name and option texts, as Kommo renders them. The records' own data
     * (field and option ids) are unchanged, so {@code updated_at} stays.
     */
    void refresh(String entity, ObjectNode f) {
        long fieldId = f.get("id").asLong();
        Map<Long, String> options = new HashMap<>();
        f.path("enums").forEach(e -> options.put(e.get("id").asLong(), e.get("value").asString()));
        entities.apply(entity).rewrite(e -> {
            boolean changed = false;
            for (JsonNode cf : e.path("custom_fields_values")) {
                if (cf.path("field_id").asLong() == fieldId) {
                    ((ObjectNode) cf).put("field_name", f.get("name").asString()).set("field_code", f.get("code"));
                    changed = true;
                    for (JsonNode v : cf.path("values")) {
                        if (v.hasNonNull("enum_id") && options.containsKey(v.get("enum_id").asLong())
                                && !f.get("type").asString().equals("multitext")) {
                            ((ObjectNode) v).put("value", options.get(v.get("enum_id").asLong()));
                        }
                    }
                }
            }
            return changed;
        });
    }
}
