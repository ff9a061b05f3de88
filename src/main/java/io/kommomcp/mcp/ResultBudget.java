package io.kommomcp.mcp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.kommomcp.core.Json;

/**
 * Keeps a tool's structured result within a size budget (characters of its JSON). A result over it has its longest
 * top-level list cut to the items that fit, and says so in {@code truncated}: how many were left out and how to get
 * them (a smaller {@code limit}, then the following pages). Results within the budget are untouched.
 */
final class ResultBudget {

    private ResultBudget() {
    }

    /** The note when {@code structured} was cut (it is changed in place), or null when it fits. */
    static String fit(Map<String, Object> structured, int maxChars) {
        if (length(structured) <= maxChars) {
            return null;
        }
        String key = null;
        int longest = -1;
        for (Map.Entry<String, Object> e : structured.entrySet()) {
            if (e.getValue() instanceof List<?> l && l.size() > longest) {
                key = e.getKey();
                longest = l.size();
            }
        }
        if (key == null || longest == 0) {
            return null; // nothing to cut: a single large object is returned whole
        }
        List<?> all = new ArrayList<>((List<?>) structured.get(key));
        int low = 0;
        int high = all.size() - 1; // the largest count that fits lies in [low, high]
        while (low < high) {
            int mid = (low + high + 1) / 2;
            structured.put(key, all.subList(0, mid));
            structured.put("truncated", note(key, mid, all.size(), maxChars));
            if (length(structured) <= maxChars) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        String note = note(key, low, all.size(), maxChars);
        structured.put(key, List.copyOf(all.subList(0, low)));
        structured.put("truncated", note);
        if (structured.containsKey("has_more")) {
            structured.put("has_more", true);
        }
        return note;
    }

    private static String note(String key, int kept, int total, int maxChars) {
        return "Only the first " + kept + " of " + total + " " + key + " are shown, to keep this answer under "
                + maxChars + " characters. For the rest, ask again with limit=" + Math.max(1, kept)
                + " and page through, or narrow the filters.";
    }

    private static int length(Map<String, Object> structured) {
        return Json.mapper().writeValueAsString(structured).length();
    }
}
