package io.kommomcp.mcp;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.kommomcp.core.Describe;
import io.kommomcp.core.Json;

class ArgumentCheckTest {

    enum Kind { call, meeting }

    record Nested(@Describe(value = "When.", required = true) String due, Integer minutes) {
    }

    record Args(@Describe(value = "The lead's id.", required = true, min = 1) Long leadId,
            @Describe(value = "Page size.", min = 1, max = 250) Integer limit, String name, Long price, Kind kind,
            List<String> tags, Nested followUp, Map<String, Object> values) {
    }

    private final ArgumentCheck check = new ArgumentCheck(SchemaGenerator.input(Args.class));

    private String problems(String json) {
        return check.problems("t", Json.mapper().readTree(json));
    }

    @Test
    void conformingArgumentsPass() {
        assertNull(problems("{\"lead_id\":5,\"limit\":10,\"name\":\"x\",\"price\":12.0,\"kind\":\"call\","
                + "\"tags\":[\"a\"],\"follow_up\":{\"due\":\"2030-01-01\"},\"values\":{\"any\":[1,{\"x\":null}]}}"));
    }

    @Test
    void eachKindOfMismatchIsNamedByItsArgument() {
        assertContains(problems("{\"lead_id\":1.5}"), "'lead_id' must be a whole number (integer), not 1.5");
        assertContains(problems("{\"lead_id\":\" 12 \"}"), "'lead_id' must be a whole number (integer), not the"
                + " string \" 12 \"");
        assertContains(problems("{\"lead_id\":1,\"name\":true}"), "'name' must be a string, not true");
        assertContains(problems("{\"lead_id\":1,\"limit\":500}"), "'limit' is 500 but must be between 1 and 250");
        assertContains(problems("{\"lead_id\":0}"), "'lead_id' is 0 but must be at least 1");
        assertContains(problems("{\"lead_id\":1,\"kind\":\"email\"}"), "'kind' must be one of call, meeting");
        assertContains(problems("{\"lead_id\":1,\"tags\":[\"a\",3]}"), "'tags[1]' must be a string");
        assertContains(problems("{\"lead_id\":1,\"follow_up\":{}}"), "Missing required argument 'follow_up.due'");
        assertContains(problems("{}"), "Missing required argument 'lead_id': The lead's id.");
        assertContains(problems("{\"lead_id\":1,\"colour\":1}"), "Unknown argument 'colour' (known: lead_id, limit");
        assertContains(problems("{\"lead_id\":1e300,\"price\":-9.3e18}"), "'lead_id' is 1.0E300");
        assertContains(problems("{\"lead_id\":1e300}"), "Nothing was sent to Kommo");
    }

    @Test
    void boundsOfARealToolAreNamed() {
        ArgumentCheck search = new ArgumentCheck(SchemaGenerator.input(
                io.kommomcp.tools.leads.LeadTools.SearchArgs.class));
        assertContains(search.problems("leads_search", Json.mapper().readTree("{\"limit\":500}")),
                "between 1 and 250");
    }

    @Test
    void aToolWithoutArgumentsSaysSo() {
        ArgumentCheck none = new ArgumentCheck(SchemaGenerator.emptyInput());
        assertContains(none.problems("pipelines_list", Json.mapper().readTree("{\"x\":1}")),
                "pipelines_list takes no arguments; remove 'x'");
    }

    private static void assertContains(String text, String part) {
        assertTrue(text != null && text.contains(part), () -> "expected \"" + part + "\" in: " + text);
    }
}
