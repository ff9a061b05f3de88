package io.kommomcp.kommo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A custom field's new value, as written: the field (by id, or by code for the predefined phone and e-mail fields and
 * catalog fields) and its values; no values clears the field (Kommo clears a field written with values: null).
 * {@code name} is the field's name for the audit trail (not sent).
 */
public record FieldValue(Long fieldId, String fieldCode, String name, List<Value> values) {

    /** One value: the text or number, or an option by id, with the kind (enum code) of a phone or e-mail. */
    public record Value(Object value, Long enumId, String enumCode) {

        public static Value of(Object value) {
            return new Value(value, null, null);
        }

        public static Value option(long enumId) {
            return new Value(null, enumId, null);
        }

        public static Value coded(Object value, String enumCode) {
            return new Value(value, null, enumCode);
        }
    }

    public FieldValue {
        values = values == null ? null : List.copyOf(values);
    }

    public static FieldValue of(long fieldId, String name, List<Value> values) {
        return new FieldValue(fieldId, null, name, values);
    }

    public static FieldValue byCode(String code, List<Value> values) {
        return new FieldValue(null, code, null, values);
    }

    public static FieldValue cleared(long fieldId, String name) {
        return new FieldValue(fieldId, null, name, null);
    }

    /** The values as the audit trail keeps them, by field name (or code, or id): one value, a list, or null. */
    static Map<String, Object> view(List<FieldValue> values) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (FieldValue f : values) {
            String key = f.name != null ? f.name : f.fieldCode != null ? f.fieldCode : String.valueOf(f.fieldId);
            List<Object> shown = f.values == null ? List.of() : f.values.stream().map(v -> v.value() != null
                    ? v.value() : (Object) ("option " + v.enumId())).toList();
            out.put(key, shown.isEmpty() ? null : shown.size() == 1 ? shown.get(0) : shown);
        }
        return out;
    }

    /** Kommo's shape: {@code {"field_id": N, "values": [{"value": ...} | {"enum_id": N}] | null}}. */
    Map<String, Object> wire() {
        Map<String, Object> out = new LinkedHashMap<>();
        if (fieldId != null) {
            out.put("field_id", fieldId);
        } else {
            out.put("field_code", fieldCode);
        }
        if (values == null || values.isEmpty()) {
            out.put("values", null);
            return out;
        }
        List<Map<String, Object>> vs = new ArrayList<>();
        for (Value v : values) {
            Map<String, Object> m = new LinkedHashMap<>();
            if (v.value() != null) {
                m.put("value", v.value());
            }
            if (v.enumId() != null) {
                m.put("enum_id", v.enumId());
            }
            if (v.enumCode() != null) {
                m.put("enum_code", v.enumCode());
            }
            vs.add(m);
        }
        out.put("values", vs);
        return out;
    }

    static List<Map<String, Object>> wire(List<FieldValue> values) {
        return values.stream().map(FieldValue::wire).toList();
    }
}
