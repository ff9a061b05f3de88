package io.kommomcp.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code filter[custom_fields_values][FIELD_ID][]=value} and {@code [FIELD_ID][from]=x&[FIELD_ID][to]=y} on lists of
 * leads, contacts and companies (API.md §5.5). Kommo applies it only when the account has API filtering on
 * ({@code is_api_filter_enabled}, §22.12: otherwise "ignored or error", which is unconfirmed; the sandbox ignores it,
 * as Kommo is reported to). A record matches when, for every field named, it holds a value equal to one of those
 * given (as text, or an option's {@code enum_id}), or within {@code from}..{@code to} (numbers and dates); a field
 * the records do not have matches nothing.
 */
final class CustomFieldFilter {

    private static final Pattern KEY = Pattern.compile("filter\\[custom_fields_values\\]\\[(\\d+)\\](?:\\[(\\w*)\\])?");

    /** What one field must satisfy. */
    private record Wanted(List<String> values, Double from, Double to) {
    }

    private CustomFieldFilter() {
    }

    /** The test of the request's custom field filters; null when it has none. */
    static Predicate<ObjectNode> of(SandboxRequest r) {
        Map<Long, List<String>> values = new LinkedHashMap<>();
        Map<Long, Double> from = new LinkedHashMap<>();
        Map<Long, Double> to = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : r.query()) {
            Matcher m = KEY.matcher(e.getKey());
            if (!m.matches()) {
                continue;
            }
            long field = Long.parseLong(m.group(1));
            String part = m.group(2) == null ? "" : m.group(2);
            values.computeIfAbsent(field, k -> new ArrayList<>());
            switch (part) {
                case "from" -> from.put(field, number(e.getValue()));
                case "to" -> to.put(field, number(e.getValue()));
                default -> values.get(field).add(e.getValue());
            }
        }
        if (values.isEmpty()) {
            return null;
        }
        Map<Long, Wanted> wanted = new LinkedHashMap<>();
        values.forEach((field, vs) -> wanted.put(field, new Wanted(vs, from.get(field), to.get(field))));
        return record -> wanted.entrySet().stream().allMatch(w -> holds(record, w.getKey(), w.getValue()));
    }

    private static boolean holds(ObjectNode record, long fieldId, Wanted w) {
        for (JsonNode cf : record.path("custom_fields_values")) {
            if (cf.path("field_id").asLong() != fieldId) {
                continue;
            }
            for (JsonNode v : cf.path("values")) {
                if (matches(v, w)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean matches(JsonNode v, Wanted w) {
        if (w.from() != null || w.to() != null) {
            Double n = number(v.path("value").asString(""));
            return n != null && (w.from() == null || n >= w.from()) && (w.to() == null || n <= w.to());
        }
        String text = v.path("value").asString("");
        String option = v.hasNonNull("enum_id") ? v.get("enum_id").asString() : null;
        return w.values().stream().anyMatch(x -> x.equalsIgnoreCase(text) || x.equals(option));
    }

    private static Double number(String s) {
        try {
            return Double.valueOf(s.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
