package io.kommomcp.audit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Text exactly as PostgreSQL stores it, so that no input can keep a call out of the audit trail and the hash always
 * covers the stored value. PostgreSQL's {@code text} cannot hold U+0000 (the insert is refused), and the JDBC driver
 * writes a lone surrogate as '?' (the stored text would differ from the hashed one). Both are therefore written as
 * the six characters of their Unicode escape (backslash, u, four hex digits): in plain columns as that text, in
 * JSON columns as the JSON escape of the same character (so the JSON still means what the caller sent). The
 * escaping is canonical (one result per input) and applied before hashing. Values longer than their column are cut,
 * saying how much was cut.
 */
public final class StoredText {

    /** Longest string value kept whole in an entry's arguments; longer ones keep a prefix and their SHA-256. */
    static final int MAX_ARGUMENT_CHARS = 16_384;
    /** Longest argument name kept whole. */
    static final int MAX_KEY_CHARS = 200;

    private StoredText() {
    }

    /** {@code s} for a plain column of at most {@code max} characters; null stays null. */
    public static String text(String s, int max) {
        if (s == null) {
            return null;
        }
        return cut(escapePlain(s), max);
    }

    /** JSON text (as written by the canonical mapper) with lone surrogates as JSON escapes. */
    static String json(String s) {
        if (s == null || clean(s)) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c) && !paired(s, i)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
                if (Character.isHighSurrogate(c)) {
                    b.append(s.charAt(++i));
                }
            }
        }
        return b.toString();
    }

    /**
     * Arguments made bounded for the trail: string values over {@link #MAX_ARGUMENT_CHARS} keep their start, their
     * length and their SHA-256 (evidence of what was sent without storing megabytes per call); names over
     * {@link #MAX_KEY_CHARS} are cut the same way.
     */
    @SuppressWarnings("unchecked")
    static Object bounded(Object v) {
        if (v instanceof String s) {
            return s.length() <= MAX_ARGUMENT_CHARS ? s : s.substring(0, safeEnd(s, 1_024)) + "... (" + s.length()
                    + " characters in all, sha256 " + ChainHash.sha256(json(s)) + ")";
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            ((Map<Object, Object>) m).forEach((k, val) -> {
                String key = String.valueOf(k);
                out.put(key.length() <= MAX_KEY_CHARS ? key : key.substring(0, safeEnd(key, MAX_KEY_CHARS - 20))
                        + "...(" + key.length() + " chars)", bounded(val));
            });
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(item -> out.add(bounded(item)));
            return out;
        }
        return v;
    }

    private static String escapePlain(String s) {
        if (clean(s)) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0 || (Character.isSurrogate(c) && !paired(s, i))) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
                if (Character.isHighSurrogate(c)) {
                    b.append(s.charAt(++i));
                }
            }
        }
        return b.toString();
    }

    /** Whether {@code s} has neither U+0000 nor a lone surrogate (the common case: no copy). */
    private static boolean clean(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) {
                return false;
            }
            if (Character.isSurrogate(c)) {
                if (!paired(s, i)) {
                    return false;
                }
                i++;
            }
        }
        return true;
    }

    /** Whether the surrogate at {@code i} is the high half of a valid pair. */
    private static boolean paired(String s, int i) {
        return Character.isHighSurrogate(s.charAt(i)) && i + 1 < s.length()
                && Character.isLowSurrogate(s.charAt(i + 1));
    }

    private static String cut(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        String note = "... (" + (s.length()) + " chars)";
        if (note.length() >= max) {
            return s.substring(0, safeEnd(s, max));
        }
        return s.substring(0, safeEnd(s, max - note.length())) + note;
    }

    /** {@code end}, moved back by one when it would split a surrogate pair. */
    private static int safeEnd(String s, int end) {
        int e = Math.min(end, s.length());
        return e > 0 && Character.isHighSurrogate(s.charAt(e - 1)) ? e - 1 : e;
    }
}
