package io.kommomcp.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.kommomcp.core.Describe;
import io.kommomcp.core.Tool;
import io.kommomcp.tools.leads.LeadTools;
import io.kommomcp.tools.notes.NoteTools;
import io.kommomcp.tools.pipelines.PipelineTools;

class SchemaGeneratorTest {

    @Test
    @SuppressWarnings("unchecked")
    void inputSchemaHasSnakeNamesBoundsRequiredAndNoExtras() {
        Map<String, Object> s = SchemaGenerator.input(LeadTools.MoveArgs.class);
        Map<String, Object> props = (Map<String, Object>) s.get("properties");
        assertEquals(List.of("lead_id", "stage_id", "pipeline_id", "loss_reason_id"), List.copyOf(props.keySet()));
        assertEquals(List.of("lead_id", "stage_id"), s.get("required"));
        assertEquals(false, s.get("additionalProperties"));
        Map<String, Object> leadId = (Map<String, Object>) props.get("lead_id");
        assertEquals("integer", leadId.get("type"));
        assertEquals(1L, leadId.get("minimum"));
    }

    record Described(@Describe(required = true, min = 1) Long leadId,
            @Describe(value = "Only this pipeline (pipelines_list).", min = 1) Long pipelineId) {
    }

    record Listed(@Describe(required = true, min = 1, max = 5000) List<Long> leadIds) {
    }

    /** A list's bounds count its items (minItems, maxItems), which the argument check then enforces. */
    @Test
    @SuppressWarnings("unchecked")
    void aListsBoundsCountItsItems() {
        Map<String, Object> ids = (Map<String, Object>) ((Map<String, Object>) SchemaGenerator.input(Listed.class)
                .get("properties")).get("lead_ids");
        assertEquals(Map.of("type", "array", "items", Map.of("type", "integer"), "minItems", 1L, "maxItems", 5000L),
                ids);
    }

    /** A text that would only repeat the name is left out; required flags and bounds stay. */
    @Test
    @SuppressWarnings("unchecked")
    void anEmptyTextEmitsNoDescription() {
        Map<String, Object> s = SchemaGenerator.input(Described.class);
        Map<String, Object> props = (Map<String, Object>) s.get("properties");
        assertEquals(Map.of("type", "integer", "minimum", 1L), props.get("lead_id"));
        assertEquals(List.of("lead_id"), s.get("required"));
        assertEquals("Only this pipeline (pipelines_list).",
                ((Map<String, Object>) props.get("pipeline_id")).get("description"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void enumsAndListsAreTyped() {
        Map<String, Object> props = (Map<String, Object>) SchemaGenerator.input(NoteTools.AddNoteArgs.class)
                .get("properties");
        assertEquals(List.of("leads", "contacts", "companies"), ((Map<String, Object>) props.get("entity_type")).get("enum"));
        Map<String, Object> tags = (Map<String, Object>) ((Map<String, Object>) SchemaGenerator
                .input(LeadTools.CreateArgs.class).get("properties")).get("tags");
        assertEquals("array", tags.get("type"));
        assertEquals(Map.of("type", "string"), tags.get("items"));
    }

    /** The schema's names must be the names the mapper binds and writes, or arguments would silently not bind. */
    @Test
    void schemaNamesMatchTheMappersNamesForEveryToolRecord() {
        for (Class<?> toolSet : List.of(LeadTools.class, NoteTools.class, PipelineTools.class)) {
            for (Method m : toolSet.getDeclaredMethods()) {
                if (m.getAnnotation(Tool.class) == null) {
                    continue;
                }
                for (Class<?> type : List.of(m.getParameterTypes()[0], m.getReturnType())) {
                    if (!type.isRecord()) {
                        continue;
                    }
                    for (RecordComponent c : type.getRecordComponents()) {
                        String viaMapper = tools.jackson.databind.PropertyNamingStrategies.SNAKE_CASE
                                .nameForField(null, null, c.getName());
                        assertEquals(viaMapper, SchemaGenerator.jsonName(c.getName()), type + "." + c.getName());
                    }
                }
            }
        }
    }
}
