package io.kommomcp.audit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Replaces the values of secret-looking argument names, at any depth, before arguments are stored. */
public final class Redaction {

    static final String MASK = "***";
    private static final Pattern SECRET = Pattern.compile(
            "(?i).*(token|secret|password|passwd|authorization|api[_-]?key|private[_-]?key|credential).*");

    private Redaction() {
    }

    public static Map<String, Object> redact(Map<String, Object> args) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (args != null) {
            args.forEach((k, v) -> out.put(k, SECRET.matcher(k).matches() ? MASK : redactValue(v)));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Object redactValue(Object v) {
        if (v instanceof Map<?, ?> m) {
            return redact((Map<String, Object>) m);
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(item -> out.add(redactValue(item)));
            return out;
        }
        return v;
    }
}
