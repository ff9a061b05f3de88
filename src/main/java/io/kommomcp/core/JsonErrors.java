package io.kommomcp.core;

import java.util.stream.Collectors;

import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/** Explains a JSON binding failure in the client's terms: field names and expected types, never Java classes. */
public final class JsonErrors {

    private JsonErrors() {
    }

    public static String describe(JacksonException e) {
        String field = e.getPath().stream()
                .map(ref -> ref.getPropertyName() != null ? ref.getPropertyName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        if (e instanceof UnrecognizedPropertyException u) {
            String known = u.getKnownPropertyIds() == null ? ""
                    : u.getKnownPropertyIds().stream().map(Object::toString).sorted()
                            .collect(Collectors.joining(", "));
            return "Unknown field '" + u.getPropertyName() + "'" + (known.isEmpty() ? "" : "; known fields: " + known)
                    + ".";
        }
        if (e instanceof InvalidFormatException f) {
            return "Field '" + field + "' has an invalid value " + quote(f.getValue()) + "; expected "
                    + typeName(f.getTargetType()) + ".";
        }
        if (e instanceof MismatchedInputException m) {
            return field.isEmpty() ? "The JSON does not have the expected structure (an object was expected)."
                    : "Field '" + field + "' has the wrong type; expected " + typeName(m.getTargetType()) + ".";
        }
        if (e instanceof StreamReadException) {
            return "The body is not valid JSON.";
        }
        return field.isEmpty() ? "The JSON could not be read." : "Field '" + field + "' could not be read.";
    }

    private static String quote(Object v) {
        return v instanceof String s ? "'" + s + "'" : String.valueOf(v);
    }

    private static String typeName(Class<?> type) {
        if (type == null) {
            return "another type";
        }
        if (type.isEnum()) {
            Object[] constants = type.getEnumConstants();
            StringBuilder sb = new StringBuilder("one of ");
            for (int i = 0; i < constants.length; i++) {
                sb.append(i == 0 ? "" : ", ").append(constants[i]);
            }
            return sb.toString();
        }
        if (type == Long.class || type == long.class || type == Integer.class || type == int.class) {
            return "an integer";
        }
        if (type == Double.class || type == double.class || java.math.BigDecimal.class == type) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (java.util.Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        return "an object";
    }
}
