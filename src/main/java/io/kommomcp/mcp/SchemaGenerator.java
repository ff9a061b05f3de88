package io.kommomcp.mcp;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.kommomcp.core.Describe;

/**
 * JSON Schema (2020-12 subset) from Java types: records become objects whose properties are their components in
 * snake_case, with {@link Describe} texts (none when the text is empty), required flags and bounds. The same names are used when arguments are
 * bound and results are written ({@link io.kommomcp.core.Json}).
 */
public final class SchemaGenerator {

    private SchemaGenerator() {
    }

    /** The input schema of an arguments record: unknown properties are not allowed. */
    public static Map<String, Object> input(Class<?> argsType) {
        Map<String, Object> schema = object(argsType, true);
        schema.put("additionalProperties", false);
        return schema;
    }

    /** An input schema for a tool without arguments. */
    public static Map<String, Object> emptyInput() {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", new LinkedHashMap<>());
        schema.put("additionalProperties", false);
        return schema;
    }

    /**
     * The output schema of a result record: names and types only. A model chooses and calls a tool from its
     * description and input schema, and reads the result's text; the output schema is for clients that validate or
     * bind structured results, so descriptions there would be paid for on every turn for nothing. A result with a
     * list also declares {@code truncated}, which the registry sets when it cuts the list to the response size budget
     * (the result's text says so in words).
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> output(Class<?> resultType) {
        Map<String, Object> schema = object(resultType, false);
        if (resultType.isRecord() && java.util.Arrays.stream(resultType.getRecordComponents())
                .anyMatch(c -> java.util.Collection.class.isAssignableFrom(c.getType()))) {
            Map<String, Object> truncated = new LinkedHashMap<>();
            truncated.put("type", "string");
            Object previous = ((Map<String, Object>) schema.get("properties")).put("truncated", truncated);
            if (previous != null) { // the registry owns this name in every result with a list
                throw new IllegalArgumentException(resultType.getName() + " must not have a component named"
                        + " truncated");
            }
        }
        return schema;
    }

    /** camelCase to snake_case as the project mapper writes it: an underscore before each run of capitals. */
    public static String jsonName(String javaName) {
        StringBuilder sb = new StringBuilder(javaName.length() + 4);
        boolean previousUpper = false;
        for (int i = 0; i < javaName.length(); i++) {
            char c = javaName.charAt(i);
            if (Character.isUpperCase(c)) {
                if (!previousUpper && i > 0 && sb.charAt(sb.length() - 1) != '_') {
                    sb.append('_');
                }
                sb.append(Character.toLowerCase(c));
                previousUpper = true;
            } else {
                sb.append(c);
                previousUpper = false;
            }
        }
        return sb.toString();
    }

    private static Map<String, Object> object(Class<?> type, boolean forInput) {
        if (!type.isRecord()) {
            throw new IllegalArgumentException("tool arguments and results must be records: " + type.getName());
        }
        Map<String, Object> props = new LinkedHashMap<>();
        List<String> required = new ArrayList<>();
        for (RecordComponent c : type.getRecordComponents()) {
            Map<String, Object> prop = schemaOf(c.getGenericType(), forInput);
            Describe d = c.getAnnotation(Describe.class);
            if (d != null) {
                if (forInput && !d.value().isEmpty()) {
                    prop.put("description", d.value());
                }
                boolean list = "array".equals(prop.get("type")); // a list's bounds count its items
                if (d.min() != Long.MIN_VALUE) {
                    prop.put(list ? "minItems" : "minimum", d.min());
                }
                if (d.max() != Long.MAX_VALUE) {
                    prop.put(list ? "maxItems" : "maximum", d.max());
                }
                if (forInput && (d.required() || c.getType().isPrimitive())) {
                    required.add(jsonName(c.getName()));
                }
            }
            props.put(jsonName(c.getName()), prop);
        }
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", props);
        if (!required.isEmpty()) {
            schema.put("required", required);
        }
        return schema;
    }

    private static Map<String, Object> schemaOf(Type type, boolean forInput) {
        Map<String, Object> s = new LinkedHashMap<>();
        if (type instanceof ParameterizedType pt && pt.getRawType() instanceof Class<?> raw) {
            if (Collection.class.isAssignableFrom(raw)) {
                s.put("type", "array");
                s.put("items", schemaOf(pt.getActualTypeArguments()[0], forInput));
                return s;
            }
            if (Map.class.isAssignableFrom(raw)) {
                s.put("type", "object");
                Type valueType = pt.getActualTypeArguments()[1];
                if (valueType != Object.class) {
                    s.put("additionalProperties", schemaOf(valueType, forInput));
                }
                return s;
            }
            return schemaOf(raw, forInput);
        }
        Class<?> c = (Class<?>) type;
        if (c == String.class) {
            s.put("type", "string");
        } else if (c == long.class || c == Long.class || c == int.class || c == Integer.class) {
            s.put("type", "integer");
        } else if (c == double.class || c == Double.class || c == BigDecimal.class) {
            s.put("type", "number");
        } else if (c == boolean.class || c == Boolean.class) {
            s.put("type", "boolean");
        } else if (c == Instant.class) {
            s.put("type", "string");
            s.put("format", "date-time");
        } else if (c.isEnum()) {
            s.put("type", "string");
            s.put("enum", Arrays.stream(c.getEnumConstants()).map(Object::toString).toList());
        } else if (c.isRecord()) {
            return object(c, forInput);
        } else if (c == Object.class) {
            return s; // any JSON value
        } else {
            throw new IllegalArgumentException("no JSON schema for " + c.getName());
        }
        return s;
    }
}
