package io.kommomcp.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.kommomcp.core.Json;

class ResultBudgetTest {

    @Test
    void aResultWithinTheBudgetIsUntouched() {
        Map<String, Object> r = new LinkedHashMap<>(Map.of("items", List.of("a", "b"), "has_more", false));
        assertNull(ResultBudget.fit(r, 1000));
        assertEquals(List.of("a", "b"), r.get("items"));
        assertEquals(false, r.get("has_more"));
    }

    @Test
    void theLongestListIsCutToTheMostThatFitsAndTheCutIsExplained() {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            items.add("x".repeat(95) + String.format("%04d", i));
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("tags", List.of("t"));
        r.put("leads", items);
        r.put("has_more", false);
        String note = ResultBudget.fit(r, 20_000);
        int length = Json.mapper().writeValueAsString(r).length();
        assertTrue(length <= 20_000, "fits: " + length);
        int kept = ((List<?>) r.get("leads")).size();
        assertTrue(kept > 150 && kept < 200, "as many as fit: " + kept);
        r.put("leads", items.subList(0, kept + 1));
        assertTrue(Json.mapper().writeValueAsString(r).length() > 20_000, "one more would not fit");
        assertTrue(note.contains("first " + kept + " of 1000 leads") && note.contains("limit=" + kept), note);
        assertEquals(true, r.get("has_more"));
        assertEquals(List.of("t"), r.get("tags"), "other lists stay");
    }
}
