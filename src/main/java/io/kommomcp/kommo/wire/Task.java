package io.kommomcp.kommo.wire;

import tools.jackson.databind.JsonNode;

/**
 * A task as Kommo returns it. {@code result} arrives as {@code []} when there is none and as {@code {"text": ...}}
 * when the task was completed with one (API.md §12); {@code resultText} is null in the first case. {@code updatedBy}
 * and {@code updatedAt} of a completed task are its completion unless it was changed again afterwards.
 */
public record Task(long id, Long entityId, String entityType, Long responsibleUserId, Long taskTypeId, String text,
        Long completeTill, boolean completed, String resultText, Long durationSeconds, Long createdAt,
        Long updatedAt, Long createdBy, Long updatedBy) {

    public static Task from(JsonNode n) {
        JsonNode result = n.get("result");
        String resultText = result != null && result.isObject() ? WireValues.textOrNull(result, "text") : null;
        return new Task(WireValues.longOr(n, "id", 0), WireValues.longOrNull(n, "entity_id"),
                WireValues.textOrNull(n, "entity_type"), WireValues.longOrNull(n, "responsible_user_id"),
                WireValues.longOrNull(n, "task_type_id"), WireValues.textOrNull(n, "text"),
                WireValues.longOrNull(n, "complete_till"),
                Boolean.TRUE.equals(WireValues.boolOrNull(n, "is_completed")),
                resultText, WireValues.longOrNull(n, "duration"), WireValues.longOrNull(n, "created_at"),
                WireValues.longOrNull(n, "updated_at"), WireValues.longOrNull(n, "created_by"),
                WireValues.longOrNull(n, "updated_by"));
    }
}
