package io.kommomcp.kommo.wire;

import java.util.Map;

import io.kommomcp.core.Json;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;

public record Note(long id, long entityId, String noteType, Map<String, Object> params, Long createdBy,
        Long createdAt, Long responsibleUserId) {

    public static Note from(JsonNode n) {
        JsonNode p = n.get("params");
        Map<String, Object> params = p != null && p.isObject()
                ? Json.mapper().convertValue(p, new TypeReference<Map<String, Object>>() { })
                : Map.of();
        return new Note(WireValues.longOr(n, "id", 0), WireValues.longOr(n, "entity_id", 0),
                WireValues.textOrNull(n, "note_type"), params, WireValues.longOrNull(n, "created_by"),
                WireValues.longOrNull(n, "created_at"), WireValues.longOrNull(n, "responsible_user_id"));
    }
}
