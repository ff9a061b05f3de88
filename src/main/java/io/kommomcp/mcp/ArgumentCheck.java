package io.kommomcp.mcp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import io.kommomcp.core.Json;
import tools.jackson.databind.JsonNode;

/**
 * Checks a tool's arguments against its published input schema (JSON Schema 2020-12, networknt's validator) before
 * anything is bound or sent: no silent coercion. {@code 1.5} is not an integer, {@code " 12 "} is not a number and
 * {@code true} is not a string; each problem is named by its argument, in words a model and a person can act on.
 */
final class ArgumentCheck {

    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    /** More problems than this are summarised: the first ones are what the caller fixes first. */
    private static final int MAX_PROBLEMS = 6;

    private final Schema schema;
    private final JsonNode schemaNode;

    ArgumentCheck(Map<String, Object> inputSchema) {
        this.schemaNode = Json.mapper().valueToTree(inputSchema);
        this.schema = SCHEMAS.getSchema(schemaNode);
    }

    /** Null when {@code arguments} conform, else what is wrong with them. */
    String problems(String tool, JsonNode arguments) {
        List<String> lines = new ArrayList<>();
        outOfRange("", arguments, lines); // numbers no id, count or amount can be (the validator cannot compare them)
        if (lines.isEmpty()) {
            List<com.networknt.schema.Error> errors;
            try {
                errors = schema.validate(arguments);
            } catch (RuntimeException e) {
                return "Invalid arguments for " + tool + ": they could not be checked against the tool's schema."
                        + " Send values of the types tools/list shows. Nothing was sent to Kommo.";
            }
            for (com.networknt.schema.Error e : errors) {
                String line = describe(tool, e);
                if (!lines.contains(line)) {
                    lines.add(line);
                }
            }
        }
        if (lines.isEmpty()) {
            return null;
        }
        String shown = lines.stream().limit(MAX_PROBLEMS).collect(Collectors.joining(" "));
        if (lines.size() > MAX_PROBLEMS) {
            shown += " (" + (lines.size() - MAX_PROBLEMS) + " more problems not shown.)";
        }
        return "Invalid arguments for " + tool + ": " + shown + " Nothing was sent to Kommo.";
    }

    private String describe(String tool, com.networknt.schema.Error e) {
        String at = name(e.getInstanceLocation().toString());
        Object[] args = e.getArguments() == null ? new Object[0] : e.getArguments();
        switch (e.getKeyword()) {
            case "type": {
                String expected = args.length > 1 ? String.valueOf(args[1]) : "another type";
                return "'" + at + "' must be " + article(expected) + ", not " + shown(e.getInstanceNode()) + ".";
            }
            case "required": {
                String missing = join(at, e.getProperty());
                String description = descriptionOf(missing);
                return "Missing required argument '" + missing + "'" + (description == null ? "." : ": "
                        + description);
            }
            case "additionalProperties": {
                String unknown = join(at, e.getProperty());
                if (!at.isEmpty()) {
                    return "Unknown field '" + unknown + "'.";
                }
                List<String> known = knownNames(schemaNode);
                return known.isEmpty() ? tool + " takes no arguments; remove '" + e.getProperty() + "'."
                        : "Unknown argument '" + e.getProperty() + "' (known: " + String.join(", ", known) + ").";
            }
            case "enum":
                return "'" + at + "' must be one of " + enumValues(e.getSchemaNode()) + ", not "
                        + shown(e.getInstanceNode()) + ".";
            case "minimum", "maximum": {
                JsonNode bounds = propertySchema(e.getInstanceLocation().toString());
                JsonNode min = bounds.path("minimum");
                JsonNode max = bounds.path("maximum");
                String range = min.isNumber() && max.isNumber() ? "between " + min.asString() + " and "
                        + max.asString() : min.isNumber() ? "at least " + min.asString() : "at most " + max.asString();
                return "'" + at + "' is " + shown(e.getInstanceNode()) + " but must be " + range + ".";
            }
            default:
                return "'" + (at.isEmpty() ? tool : at) + "': " + e.getMessage() + ".";
        }
    }

    /** Collects numbers beyond 64-bit integers, anywhere in the arguments. */
    private static void outOfRange(String at, JsonNode v, List<String> lines) {
        if (v.isNumber() && !v.canConvertToLong() && (v.isIntegralNumber() || Math.abs(v.doubleValue()) >= 0x1p63)) {
            lines.add("'" + at + "' is " + shown(v) + ", far beyond any id, count or amount.");
        } else if (v.isObject()) {
            for (String p : v.propertyNames()) {
                outOfRange(at.isEmpty() ? p : at + "." + p, v.get(p), lines);
            }
        } else if (v.isArray()) {
            for (int i = 0; i < v.size(); i++) {
                outOfRange(at + "[" + i + "]", v.get(i), lines);
            }
        }
    }

    /** "/follow_up/due" as "follow_up.due", "/tags/0" as "tags[0]". */
    private static String name(String pointer) {
        if (pointer == null || pointer.isEmpty() || pointer.equals("/")) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (String part : pointer.substring(1).split("/")) {
            String p = part.replace("~1", "/").replace("~0", "~");
            if (p.chars().allMatch(Character::isDigit) && !p.isEmpty()) {
                b.append('[').append(p).append(']');
            } else {
                b.append(b.length() == 0 ? "" : ".").append(p);
            }
        }
        return b.toString();
    }

    /** The schema of the value at {@code pointer} (properties and array items), or a missing node. */
    private JsonNode propertySchema(String pointer) {
        JsonNode node = schemaNode;
        if (pointer == null || pointer.isEmpty() || pointer.equals("/")) {
            return node;
        }
        for (String part : pointer.substring(1).split("/")) {
            node = !part.isEmpty() && part.chars().allMatch(Character::isDigit) ? node.path("items")
                    : node.path("properties").path(part.replace("~1", "/").replace("~0", "~"));
        }
        return node;
    }

    private static String join(String at, String property) {
        return at.isEmpty() ? String.valueOf(property) : at + "." + property;
    }

    /** The description of a top-level argument, so that a missing one says what it is. */
    private String descriptionOf(String name) {
        JsonNode d = schemaNode.path("properties").path(name).path("description");
        return d.isString() ? d.asString() : null;
    }

    private static List<String> knownNames(JsonNode schema) {
        List<String> names = new ArrayList<>();
        schema.path("properties").propertyNames().forEach(names::add);
        return names;
    }

    private static String enumValues(JsonNode values) {
        List<String> out = new ArrayList<>();
        values.forEach(v -> out.add(v.isString() ? v.asString() : v.toString()));
        return String.join(", ", out);
    }

    private static String article(String jsonType) {
        return switch (jsonType) {
            case "integer" -> "a whole number (integer)";
            case "number" -> "a number";
            case "string" -> "a string";
            case "boolean" -> "true or false";
            case "array" -> "an array";
            case "object" -> "an object";
            default -> jsonType;
        };
    }

    /** The offending value as the caller sent it, briefly. */
    private static String shown(JsonNode v) {
        if (v == null || v.isNull()) {
            return "null";
        }
        if (v.isString()) {
            String s = v.asString();
            String cut = s.length() > 40 ? s.substring(0, 40) + "..." : s;
            return "the string \"" + cut.replaceAll("\\p{Cntrl}", "?") + "\"";
        }
        if (v.isObject()) {
            return "an object";
        }
        if (v.isArray()) {
            return "an array";
        }
        String text = v.toString();
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }
}
