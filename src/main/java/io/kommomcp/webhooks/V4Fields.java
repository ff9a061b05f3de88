package io.kommomcp.webhooks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.kommomcp.core.Json;
import io.kommomcp.webhooks.WebhookEvent.Entity;

/**
 * The translation of one webhook item from Kommo's legacy API v2 names and string values to API v4 names and types
 * (API.md §20.2, §22 items 6, 7 and 19). The table is in {@link KommoWebhookParser}'s documentation.
 *
 * <p>One pass, in the order Kommo sent the keys. A field given under its v4 name wins over its legacy name, whichever
 * comes first. Kommo sends both spellings of some fields ({@code date_create} beside {@code created_at}), and in
 * tasks and notes the legacy one is a local date-time string ({@code "2024-09-17 13:18:58"}, in the account's time
 * zone, which the webhook does not give) where the v4 one is a Unix time: the Unix time wins. A time that is nowhere
 * a Unix time is kept as the string under {@code <v4 name>_local}, so that a {@code *_at} field is always a number.
 */
final class V4Fields {

    /** Legacy {@code element_type} codes (API v2: 1 contact, 2 lead, 3 company, 4 task, 12 customer) to v4 names. */
    static final Map<String, String> ENTITY_TYPES = Map.of("1", "contacts", "2", "leads", "3", "companies",
            "4", "tasks", "12", "customers");

    /**
     * Legacy numeric {@code note_type} codes to v4 names: 4 common, 5 attachment (Kommo's webhook docs), 10/11 calls,
     * 102/103 SMS (API v2's note types). Codes without a sure v4 name (1-3, 12, 13 and 25: system notes) stay the
     * digits Kommo sent; no v4 name is all digits.
     */
    static final Map<String, String> NOTE_TYPES = Map.of("4", "common", "5", "attachment", "10", "call_in",
            "11", "call_out", "102", "sms_in", "103", "sms_out");

    private enum Kind {
        /** an integer as a Long; anything else stays as sent */
        LONG,
        /** a Unix time as a Long; a date-time string goes to {@code <target>_local} */
        EPOCH,
        /** "1"/"0" as a Boolean */
        BOOL,
        ENTITY_TYPE, NOTE_TYPE, CUSTOM_FIELDS, TAGS,
        /** every integer string inside, recursively, as a Long (lists of ids) */
        IDS,
        /** a task result {id, text}: the id as a Long */
        TASK_RESULT,
        /** a JSON document in a string, parsed */
        JSON,
        /** the value moves into {@code params} (v4 notes) */
        PARAM,
        /** consumed by the parser (it became the event's entity or action) */
        DROP,
        /** as sent */
        PASS
    }

    private record Rule(String target, Kind kind, boolean legacy) {
    }

    private static Rule v4(String target, Kind kind) {
        return new Rule(target, kind, false);
    }

    private static Rule legacy(String target, Kind kind) {
        return new Rule(target, kind, true);
    }

    private static final Map<String, Rule> COMMON = Map.ofEntries(
            Map.entry("id", v4("id", Kind.LONG)),
            Map.entry("price", v4("price", Kind.LONG)),
            Map.entry("created_by", v4("created_by", Kind.LONG)),
            Map.entry("updated_by", v4("updated_by", Kind.LONG)),
            Map.entry("created_at", v4("created_at", Kind.EPOCH)),
            Map.entry("updated_at", v4("updated_at", Kind.EPOCH)),
            Map.entry("tags", v4("tags", Kind.TAGS)),
            Map.entry("custom_fields_values", v4("custom_fields_values", Kind.CUSTOM_FIELDS)),
            Map.entry("date_create", legacy("created_at", Kind.EPOCH)),
            Map.entry("last_modified", legacy("updated_at", Kind.EPOCH)),
            Map.entry("created_user_id", legacy("created_by", Kind.LONG)),
            Map.entry("modified_user_id", legacy("updated_by", Kind.LONG)),
            Map.entry("custom_fields", legacy("custom_fields_values", Kind.CUSTOM_FIELDS)));

    /** Tasks and notes name their parent the v2 way. */
    private static final Map<String, Rule> ELEMENT = Map.of(
            "element_id", legacy("entity_id", Kind.LONG),
            "element_type", legacy("entity_type", Kind.ENTITY_TYPE));

    private static final Map<String, Rule> TASK = Map.of(
            "task_type", legacy("task_type_id", Kind.LONG),
            "status", legacy("is_completed", Kind.BOOL),
            "complete_till", v4("complete_till", Kind.EPOCH),
            "complete_before", legacy("complete_till", Kind.EPOCH),
            "duration", v4("duration", Kind.LONG),
            "is_completed", v4("is_completed", Kind.BOOL),
            "result", v4("result", Kind.TASK_RESULT));

    private static final Map<String, Rule> NOTE = Map.of(
            "note_type", v4("note_type", Kind.NOTE_TYPE),
            "text", v4("text", Kind.PARAM),
            "modified_by", legacy("updated_by", Kind.LONG),
            "main_user_id", legacy("responsible_user_id", Kind.LONG),
            "timestamp_x", legacy("updated_at", Kind.EPOCH),
            "metadata", v4("metadata", Kind.JSON));

    private static final Map<String, Rule> PARTY = Map.of("type", v4("type", Kind.DROP));

    private static final Map<String, Rule> UNSORTED = Map.of(
            "accept_result", v4("accept_result", Kind.IDS),
            "decline_result", v4("decline_result", Kind.IDS));

    private V4Fields() {
    }

    private static Rule rule(Entity entity, String key) {
        Map<String, Rule> specific = switch (entity) {
            case TASK -> TASK;
            case NOTE -> NOTE;
            case CONTACT, COMPANY -> PARTY;
            case UNSORTED -> UNSORTED;
            default -> Map.of();
        };
        Rule r = specific.get(key);
        if (r == null && (entity == Entity.TASK || entity == Entity.NOTE)) {
            r = ELEMENT.get(key);
        }
        if (r == null) {
            r = COMMON.get(key);
        }
        if (r != null) {
            return r;
        }
        if (key.endsWith("_id")) {
            return v4(key, Kind.LONG);
        }
        if (key.endsWith("_at")) {
            return v4(key, Kind.EPOCH);
        }
        return v4(key, Kind.PASS);
    }

    /** The item in v4 names and types, unmodifiable, without null values at the top level. */
    static Map<String, Object> translate(Entity entity, Map<String, Object> raw) {
        LinkedHashMap<String, Object> out = new LinkedHashMap<>();
        LinkedHashMap<String, String> local = new LinkedHashMap<>();
        Set<String> fromV4 = new HashSet<>();
        for (Map.Entry<String, Object> e : raw.entrySet()) {
            Rule r = rule(entity, e.getKey());
            if (r.legacy() && (fromV4.contains(r.target()) || out.containsKey(r.target()))) {
                continue; // the v4 spelling, or an earlier legacy one, already gave this field
            }
            if (apply(r, e.getValue(), out, local) && !r.legacy()) {
                fromV4.add(r.target());
            }
        }
        for (Map.Entry<String, String> e : local.entrySet()) {
            if (!out.containsKey(e.getKey())) {
                out.putIfAbsent(e.getKey() + "_local", e.getValue());
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> frozen = (Map<String, Object>) freeze(out);
        return frozen;
    }

    /** Puts the value under the rule's target, converted; true when it did (not for "" or a date-time string). */
    private static boolean apply(Rule r, Object value, Map<String, Object> out, Map<String, String> local) {
        String target = r.target();
        if (value instanceof String s && s.isEmpty() && r.kind() != Kind.PASS) {
            return false; // "" is how a form says "nothing": an empty price, an empty result
        }
        switch (r.kind()) {
            case DROP -> {
                return false;
            }
            case PASS -> {
                if (target.equals("params") && value instanceof Map<?, ?> given
                        && out.get("params") instanceof Map<?, ?> had) {
                    LinkedHashMap<Object, Object> merged = new LinkedHashMap<>(given); // a note's text kept beside
                    had.forEach(merged::putIfAbsent);
                    out.put(target, merged);
                } else {
                    out.put(target, value);
                }
            }
            case LONG -> out.put(target, value instanceof String s ? longOrString(s) : value);
            case EPOCH -> {
                Long t = value instanceof String s ? epoch(s) : null;
                if (t != null) {
                    out.put(target, t);
                } else if (value instanceof String s) {
                    local.putIfAbsent(target, s);
                    return false;
                } else {
                    out.put(target, value);
                }
            }
            case BOOL -> out.put(target, value instanceof String s ? bool(s) : value);
            case ENTITY_TYPE -> out.put(target, value instanceof String s ? ENTITY_TYPES.getOrDefault(s, s) : value);
            case NOTE_TYPE -> out.put(target, value instanceof String s ? NOTE_TYPES.getOrDefault(s, s) : value);
            case CUSTOM_FIELDS -> out.put(target, customFields(value));
            case TAGS -> out.put(target, tags(value));
            case IDS -> out.put(target, ids(value));
            case TASK_RESULT -> out.put(target, value instanceof Map<?, ?> m ? taskResult(m) : value);
            case JSON -> out.put(target, value instanceof String s ? json(s) : value);
            case PARAM -> {
                LinkedHashMap<Object, Object> params = out.get("params") instanceof Map<?, ?> p
                        ? new LinkedHashMap<>(p) // a copy: what the form gave is not to be changed
                        : new LinkedHashMap<>();
                params.put(target, value);
                out.put("params", params);
                return false;
            }
        }
        return true;
    }

    /**
     * {@code custom_fields[i][id|name|code|values]} to {@code custom_fields_values[i][field_id|field_name|field_code
     * |values]}. A field's {@code values} may be a list of {@code {value, enum}} objects, a single such object (a
     * radiobutton, as Kommo's docs show it) or a list of bare strings (a date, "{@code [values][0]=ts}"); each
     * becomes {@code {value, enum_id}}. A numeric {@code enum} is an enum id; a word ({@code "WORK"}, seen in a docs
     * example, API.md §22 item 7) is an {@code enum_code}. A bare value that is an integer is a Unix time and becomes
     * a Long (v4 gives dates as integers, API.md §9); every other value stays the string Kommo sent, since only the
     * field's definition says whether "123" is a number or a text.
     */
    private static List<Object> customFields(Object value) {
        List<Object> out = new ArrayList<>();
        for (Object item : elements(value)) {
            if (!(item instanceof Map<?, ?> m)) {
                continue;
            }
            LinkedHashMap<String, Object> cf = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String k = String.valueOf(e.getKey());
                Object v = e.getValue();
                switch (k) {
                    case "id", "field_id" -> putLong(cf, "field_id", v);
                    case "name", "field_name" -> cf.put("field_name", v);
                    case "code", "field_code" -> cf.put("field_code", v);
                    case "values" -> cf.put("values", values(v));
                    default -> cf.put(k, v);
                }
            }
            out.add(cf);
        }
        return out;
    }

    private static List<Object> values(Object v) {
        List<Object> out = new ArrayList<>();
        if (v instanceof Map<?, ?> m) {
            out.add(valueObject(m));
        } else if (v instanceof List<?> list) {
            for (Object item : list) {
                out.add(item instanceof Map<?, ?> m ? valueObject(m) : bareValue(item));
            }
        } else if (v != null) {
            out.add(bareValue(v));
        }
        return out;
    }

    private static Map<String, Object> bareValue(Object v) {
        LinkedHashMap<String, Object> out = new LinkedHashMap<>();
        Long n = v instanceof String s ? toLong(s) : null;
        out.put("value", n != null ? n : v);
        return out;
    }

    private static Map<String, Object> valueObject(Map<?, ?> m) {
        LinkedHashMap<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String k = String.valueOf(e.getKey());
            Object v = e.getValue();
            if (k.equals("enum") && v instanceof String s) {
                Long id = toLong(s);
                if (id != null) {
                    out.put("enum_id", id);
                } else if (!s.isEmpty()) {
                    out.put("enum_code", s);
                }
            } else if (k.equals("enum_id")) {
                putLong(out, "enum_id", v);
            } else {
                out.put(k, v);
            }
        }
        return out;
    }

    /** {@code tags[i][id|name]} to a list of {@code {id, name}}. */
    private static List<Object> tags(Object value) {
        List<Object> out = new ArrayList<>();
        for (Object item : elements(value)) {
            LinkedHashMap<String, Object> tag = new LinkedHashMap<>();
            if (item instanceof Map<?, ?> m) {
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    String k = String.valueOf(e.getKey());
                    if (k.equals("id")) {
                        putLong(tag, "id", e.getValue());
                    } else {
                        tag.put(k, e.getValue());
                    }
                }
            } else if (item instanceof String s && !s.isEmpty()) {
                tag.put("name", s);
            }
            if (!tag.isEmpty()) {
                out.add(tag);
            }
        }
        return out;
    }

    private static Map<String, Object> taskResult(Map<?, ?> m) {
        LinkedHashMap<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String k = String.valueOf(e.getKey());
            if (k.equals("id")) {
                putLong(out, "id", e.getValue());
            } else {
                out.put(k, e.getValue());
            }
        }
        return out;
    }

    private static Object ids(Object v) {
        if (v instanceof String s) {
            Long n = toLong(s);
            return n != null ? n : s;
        }
        if (v instanceof Map<?, ?> m) {
            LinkedHashMap<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.put(String.valueOf(e.getKey()), ids(e.getValue()));
            }
            return out;
        }
        if (v instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object item : list) {
                out.add(ids(item));
            }
            return out;
        }
        return v;
    }

    /** Kommo puts a JSON document in a note's {@code metadata}; parsed when it is one, else kept as sent. */
    private static Object json(String s) {
        char c = s.charAt(0);
        if (c != '{' && c != '[') {
            return s;
        }
        try {
            return Json.mapper().readValue(s, Object.class);
        } catch (RuntimeException notJson) {
            return s;
        }
    }

    private static List<?> elements(Object value) {
        if (value instanceof List<?> list) {
            return list;
        }
        if (value instanceof Map<?, ?> m) {
            return new ArrayList<>(m.values());
        }
        return List.of();
    }

    private static void putLong(Map<String, Object> out, String key, Object v) {
        if (v instanceof String s) {
            if (!s.isEmpty()) {
                out.put(key, longOrString(s));
            }
        } else if (v != null) {
            out.put(key, v);
        }
    }

    private static Object longOrString(String s) {
        Long n = toLong(s);
        return n != null ? n : s;
    }

    private static Object bool(String s) {
        return switch (s) {
            case "1", "true" -> Boolean.TRUE;
            case "0", "false" -> Boolean.FALSE;
            default -> s;
        };
    }

    /** A non-negative integer, or null. */
    static Long epoch(String s) {
        Long n = toLong(s);
        return n != null && n >= 0 ? n : null;
    }

    /** A decimal integer that fits a long (optionally negative, no sign or spaces otherwise), or null. */
    static Long toLong(String s) {
        int n = s.length();
        int start = n > 0 && s.charAt(0) == '-' ? 1 : 0;
        if (n == start || n - start > 19) {
            return null;
        }
        for (int i = start; i < n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException tooLarge) {
            return null;
        }
    }

    /**
     * A deep, unmodifiable copy; whole numbers from parsed JSON become Longs like every other number here. Maps and
     * lists from parsed JSON may hold nulls, so the JDK's null-tolerant wrappers are used.
     */
    private static Object freeze(Object v) {
        if (v instanceof Map<?, ?> m) {
            LinkedHashMap<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.put(String.valueOf(e.getKey()), freeze(e.getValue()));
            }
            return Collections.unmodifiableMap(out);
        }
        if (v instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object item : list) {
                out.add(freeze(item));
            }
            return Collections.unmodifiableList(out);
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        return v;
    }
}
