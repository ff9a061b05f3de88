package io.kommomcp.tools.fields;

import static io.kommomcp.tools.common.Names.fold;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.kommomcp.tools.common.Names;
import io.kommomcp.core.ToolException;
import io.kommomcp.kommo.FieldValue;
import io.kommomcp.kommo.FieldValue.Value;
import io.kommomcp.kommo.wire.FieldDef;
import io.kommomcp.tools.common.Times;

/**
 * Turns what a model writes for a custom field into Kommo's write shape, per field type (API.md §9), or refuses it
 * with a sentence that says what would be accepted. Fields are found by id, code or name; options of select-like
 * fields by id or by text, ignoring case and accents. A null, empty text or empty list clears the field.
 */
public final class FieldWriter {

    /** Types this writer knows how to write. */
    static final Set<String> WRITABLE = Set.of("text", "textarea", "streetaddress", "numeric", "price", "monetary",
            "checkbox", "date", "birthday", "date_time", "url", "select", "radiobutton", "multiselect", "multitext");

    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");
    private static final Pattern URL = Pattern.compile("(?i)(https?://)?[^\\s/]+\\.[^\\s]+");
    static final int MAX_TEXT = 10_000;

    private FieldWriter() {
    }

    /** The field {@code ref} names: an id, a code (PHONE) or a name, ignoring case and accents. */
    public static FieldDef resolve(List<FieldDef> defs, String entity, String ref) {
        String r = ref == null ? "" : ref.strip();
        if (r.matches("\\d+")) {
            long id = Long.parseLong(r);
            for (FieldDef d : defs) {
                if (d.id() == id) {
                    return d;
                }
            }
        }
        for (FieldDef d : defs) {
            if (d.code() != null && d.code().equalsIgnoreCase(r)) {
                return d;
            }
        }
        List<FieldDef> byName = defs.stream().filter(d -> fold(d.name()).equals(fold(r))).toList();
        if (byName.size() == 1) {
            return byName.get(0);
        }
        if (byName.size() > 1) {
            throw new ToolException("Several " + entity + " fields are called '" + ref + "': "
                    + String.join(", ", byName.stream().map(d -> d.name() + " (id " + d.id() + ")").toList())
                    + ". Name the one you mean by its id.");
        }
        throw new ToolException("There is no " + entity + " field '" + ref + "'. The fields are: "
                + String.join(", ", defs.stream().limit(40).map(FieldDef::name).toList())
                + (defs.size() > 40 ? ", ..." : "") + " (see fields_list).");
    }

    /** The field's new value (none: cleared), checked against its type. */
    public static FieldValue write(FieldDef def, Object input) {
        if (!WRITABLE.contains(def.type())) {
            throw new ToolException("'" + def.name() + "' is a " + def.type() + " field, which this server does not"
                    + " write; change it in Kommo.");
        }
        return isEmpty(input) ? FieldValue.cleared(def.id(), def.name()) : FieldValue.of(def.id(), def.name(),
                values(def, input));
    }

    private static List<Value> values(FieldDef def, Object input) {
        String name = "'" + def.name() + "'";
        switch (def.type()) {
            case "text", "textarea", "streetaddress" -> {
                String text = single(def, input).toString().strip();
                if (text.length() > MAX_TEXT) {
                    throw new ToolException(name + " takes at most " + MAX_TEXT + " characters.");
                }
                return List.of(Value.of(text));
            }
            case "numeric", "price", "monetary" -> {
                Object v = single(def, input);
                String s = v.toString().strip();
                if (!(v instanceof Number) && !NUMBER.matcher(s).matches()) {
                    throw new ToolException(name + " is a number field: give a number like 12 or 12.5, not '"
                            + s + "'.");
                }
                return List.of(Value.of(new BigDecimal(s).stripTrailingZeros().toPlainString()));
            }
            case "checkbox" -> {
                Object v = single(def, input);
                Boolean b = v instanceof Boolean x ? x : switch (fold(v.toString())) {
                    case "true", "yes", "1", "on" -> Boolean.TRUE;
                    case "false", "no", "0", "off" -> Boolean.FALSE;
                    default -> null;
                };
                if (b == null) {
                    throw new ToolException(name + " is a checkbox: give true or false, not '" + v + "'.");
                }
                return List.of(Value.of(b));
            }
            case "date", "birthday", "date_time" -> {
                Instant at = Times.parse(def.name(), single(def, input).toString(), false);
                return List.of(Value.of(at.getEpochSecond()));
            }
            case "url" -> {
                String url = single(def, input).toString().strip();
                if (!URL.matcher(url).matches()) {
                    throw new ToolException(name + " is a web address field: give something like"
                            + " https://example.com, not '" + url + "'.");
                }
                return List.of(Value.of(url));
            }
            case "select", "radiobutton" -> {
                return List.of(Value.option(option(def, single(def, input)).id()));
            }
            case "multiselect" -> {
                List<Value> out = new ArrayList<>();
                for (Object o : list(input)) {
                    long id = option(def, o).id();
                    if (out.stream().noneMatch(v -> v.enumId() == id)) {
                        out.add(Value.option(id));
                    }
                }
                return out;
            }
            default -> { // multitext: phones, e-mails; each a text or {value, kind}
                List<Value> out = new ArrayList<>();
                for (Object o : list(input)) {
                    String value;
                    String kind = "WORK";
                    if (o instanceof Map<?, ?> m) {
                        value = m.get("value") == null ? "" : m.get("value").toString().strip();
                        if (m.get("kind") != null) {
                            kind = m.get("kind").toString().strip().toUpperCase(Locale.ROOT);
                        }
                    } else {
                        value = o.toString().strip();
                    }
                    String k = kind;
                    if (!def.options().isEmpty() && def.options().stream().noneMatch(x -> k.equals(x.value()))) {
                        throw new ToolException(name + " takes the kinds " + String.join(", ", def.options().stream()
                                .map(FieldDef.Option::value).toList()) + ", not '" + kind + "'.");
                    }
                    if (value.isEmpty()) {
                        throw new ToolException(name + " has an empty value; give text, or {value, kind}.");
                    }
                    out.add(Value.coded(value, kind));
                }
                return out;
            }
        }
    }

    /** The option {@code v} names: its id, or its text ignoring case and accents. */
    static FieldDef.Option option(FieldDef def, Object v) {
        String s = v.toString().strip();
        for (FieldDef.Option o : def.options()) {
            if ((v instanceof Number n && n.longValue() == o.id()) || (s.matches("\\d+") && Long.parseLong(s) == o.id())
                    || fold(o.value()).equals(fold(s))) {
                return o;
            }
        }
        throw new ToolException("'" + s + "' is not an option of '" + def.name() + "'. Its options are: "
                + String.join(", ", def.options().stream().map(FieldDef.Option::value).toList()) + ".");
    }

    private static Object single(FieldDef def, Object input) {
        if (input instanceof List<?> l) {
            if (l.size() != 1) {
                throw new ToolException("'" + def.name() + "' takes one value, not " + l.size() + ".");
            }
            return l.get(0);
        }
        if (input instanceof Map<?, ?>) {
            throw new ToolException("'" + def.name() + "' takes a plain value, not an object.");
        }
        return input;
    }

    private static List<?> list(Object input) {
        return input instanceof List<?> l ? l : List.of(input);
    }

    private static boolean isEmpty(Object input) {
        return input == null || (input instanceof String s && s.isBlank())
                || (input instanceof List<?> l && l.isEmpty());
    }

}
