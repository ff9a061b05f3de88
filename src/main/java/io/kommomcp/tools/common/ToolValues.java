package io.kommomcp.tools.common;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.kommomcp.core.ToolException;
import io.kommomcp.kommo.wire.CustomFieldValue;

/** What every entity tool shows and checks the same way: custom field values by name, tags, times. */
public final class ToolValues {

    private ToolValues() {
    }

    /**
     * A custom field value with the field's name. Values are text; a multitext value (phone, e-mail) carries its kind
     * in {@code kinds} at the same position (WORK, MOB, ...).
     */
    public record FieldValue(long fieldId, String fieldName, String fieldCode, String fieldType, List<String> values,
            List<String> kinds) {
    }

    public static List<FieldValue> fields(List<CustomFieldValue> values) {
        return values.stream().map(v -> new FieldValue(v.fieldId(), v.fieldName(), v.fieldCode(), v.fieldType(),
                v.values().stream().map(i -> i.value() != null ? i.value()
                        : i.enumCode() != null ? i.enumCode() : String.valueOf(i.enumId())).toList(),
                "multitext".equals(v.fieldType())
                        ? v.values().stream().map(i -> i.enumCode() == null ? "" : i.enumCode()).toList()
                        : null))
                .toList();
    }

    /** "Phone = +31 20 555 1000 (WORK); Lead source = Website" */
    public static String render(List<FieldValue> fields) {
        return String.join("; ", fields.stream().map(f -> f.fieldName() + " = " + String.join(", ",
                java.util.stream.IntStream.range(0, f.values().size()).mapToObj(i -> f.values().get(i)
                        + (f.kinds() == null || f.kinds().get(i).isEmpty() ? "" : " (" + f.kinds().get(i) + ")"))
                        .toList())).toList());
    }

    /** The values of the field with {@code code} (PHONE, EMAIL, ...), or an empty list. */
    public static List<String> valuesOf(List<CustomFieldValue> values, String code) {
        return values.stream().filter(v -> code.equals(v.fieldCode()))
                .flatMap(v -> v.values().stream().map(CustomFieldValue.Item::value)).toList();
    }

    /** Tag names cleaned up: blank ones dropped, duplicates merged; null when none remain. */
    public static List<String> tags(List<String> tags) {
        if (tags == null) {
            return null;
        }
        List<String> clean = tags.stream().filter(t -> t != null && !t.isBlank()).map(String::strip).distinct()
                .toList();
        if (clean.stream().anyMatch(t -> t.length() > 100)) {
            throw new ToolException("Tag names are limited to 100 characters.");
        }
        return clean.isEmpty() ? null : clean;
    }

    public static Instant time(Long unixSeconds) {
        return unixSeconds == null ? null : Instant.ofEpochSecond(unixSeconds);
    }

    public static void putIf(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
