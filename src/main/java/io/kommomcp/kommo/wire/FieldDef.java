package io.kommomcp.kommo.wire;

import java.util.List;

import tools.jackson.databind.JsonNode;

/**
 * A custom field definition (API.md §10): its type code, options ({@code enums}; for multitext the kinds such as WORK
 * and MOB), group, and the stages before which it must be filled ({@code required_statuses}).
 */
public record FieldDef(long id, String name, String type, String code, Integer sort, List<Option> options,
        String groupId, List<RequiredIn> requiredIn, Boolean predefined, Boolean deletable, Boolean apiOnly,
        List<RequiredIn> hiddenIn) {

    public record Option(long id, String value, Integer sort) {

        static Option from(JsonNode n) {
            return new Option(WireValues.longOr(n, "id", 0), WireValues.textOrNull(n, "value"),
                    WireValues.longOrNull(n, "sort") == null ? null : WireValues.longOrNull(n, "sort").intValue());
        }
    }

    public record RequiredIn(long pipelineId, long stageId) {

        static RequiredIn from(JsonNode n) {
            return new RequiredIn(WireValues.longOr(n, "pipeline_id", 0), WireValues.longOr(n, "status_id", 0));
        }
    }

    public static FieldDef from(JsonNode n) {
        Long sort = WireValues.longOrNull(n, "sort");
        return new FieldDef(WireValues.longOr(n, "id", 0), WireValues.textOrNull(n, "name"),
                WireValues.textOrNull(n, "type"), WireValues.textOrNull(n, "code"),
                sort == null ? null : sort.intValue(), WireValues.list(n.get("enums"), Option::from),
                WireValues.textOrNull(n, "group_id"), WireValues.list(n.get("required_statuses"), RequiredIn::from),
                WireValues.boolOrNull(n, "is_predefined"), WireValues.boolOrNull(n, "is_deletable"),
                WireValues.boolOrNull(n, "is_api_only"), WireValues.list(n.get("hidden_statuses"), RequiredIn::from));
    }
}
