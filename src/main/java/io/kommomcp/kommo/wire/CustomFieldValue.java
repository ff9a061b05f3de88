package io.kommomcp.kommo.wire;

import java.util.List;

import tools.jackson.databind.JsonNode;

/**
 * A custom field's value on an entity, with the field's name. Values are strings whatever Kommo sent (numbers
 * arrive as strings, dates as Unix seconds).
 */
public record CustomFieldValue(long fieldId, String fieldName, String fieldCode, String fieldType, List<Item> values) {

    /** One value; {@code enumCode} also reads the docs' {@code "enum"} spelling. */
    public record Item(String value, Long enumId, String enumCode) {

        static Item from(JsonNode n) {
            String code = WireValues.textOrNull(n, "enum_code");
            if (code == null && n.has("enum") && n.get("enum").isString()) {
                code = n.get("enum").stringValue();
            }
            return new Item(WireValues.textOrNull(n, "value"), WireValues.longOrNull(n, "enum_id"), code);
        }
    }

    public static CustomFieldValue from(JsonNode n) {
        return new CustomFieldValue(WireValues.longOr(n, "field_id", 0), WireValues.textOrNull(n, "field_name"),
                WireValues.textOrNull(n, "field_code"), WireValues.textOrNull(n, "field_type"),
                WireValues.list(n.get("values"), Item::from));
    }
}
