package io.kommomcp.kommo.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import tools.jackson.databind.JsonNode;

/** Tolerant readers for Kommo's JSON values. */
public final class WireValues {

    private WireValues() {
    }

    /** A number given as a number or as a numeric string; null when absent, null or not numeric. */
    public static Long longOrNull(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isNumber()) {
            return v.longValue();
        }
        if (v.isString()) {
            String s = v.stringValue().trim();
            try {
                return s.isEmpty() ? null : Long.parseLong(s);
            } catch (NumberFormatException e) {
                try {
                    return (long) Double.parseDouble(s);
                } catch (NumberFormatException e2) {
                    return null;
                }
            }
        }
        return null;
    }

    public static long longOr(JsonNode node, String field, long fallback) {
        Long v = longOrNull(node, field);
        return v == null ? fallback : v;
    }

    public static String textOrNull(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        return v.isString() ? v.stringValue() : v.toString();
    }

    public static Boolean boolOrNull(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isNumber()) {
            return v.intValue() != 0;
        }
        return v.isString() ? Boolean.parseBoolean(v.stringValue()) : null;
    }

    /** Items of an array; an object is read as a one-item array (Kommo is not consistent); anything else: empty. */
    public static <T> List<T> list(JsonNode node, Function<JsonNode, T> reader) {
        List<T> out = new ArrayList<>();
        if (node == null || node.isNull() || node.isMissingNode()) {
            return out;
        }
        if (node.isArray()) {
            for (JsonNode item : node) {
                out.add(reader.apply(item));
            }
        } else if (node.isObject()) {
            out.add(reader.apply(node));
        }
        return out;
    }

    /** {@code _embedded.<key>} of a HAL document, as a list. */
    public static <T> List<T> embedded(JsonNode doc, String key, Function<JsonNode, T> reader) {
        return doc == null ? List.of() : list(doc.path("_embedded").get(key), reader);
    }

    /** Whether a HAL list page links to a next page. */
    public static boolean hasNext(JsonNode doc) {
        return doc != null && doc.path("_links").has("next");
    }
}
