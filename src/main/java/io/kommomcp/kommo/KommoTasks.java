package io.kommomcp.kommo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.kommomcp.core.Caller;
import io.kommomcp.kommo.KommoCrm.Page;
import io.kommomcp.kommo.wire.Task;
import io.kommomcp.kommo.wire.WireValues;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import tools.jackson.databind.JsonNode;

/** Tasks (API.md §12): list with Kommo's filters, ordered by due time; add, update, complete. No delete in Kommo. */
@ApplicationScoped
public class KommoTasks {

    @Inject
    KommoGateway gateway;

    /** Kommo's filters for tasks; null is "any". Ordered by due time, earliest first. */
    public record Criteria(String entityType, Long entityId, Long responsibleUserId, Boolean completed,
            Long taskTypeId, int page, int limit) {
    }

    /** What to write; null fields are left as they are. */
    public record TaskFields(String text, Long completeTill, String entityType, Long entityId,
            Long responsibleUserId, Long taskTypeId, Long durationSeconds, Boolean completed, String resultText) {
    }

    /** A task type of the account (1 follow-up and 2 meeting are built in). */
    public record TaskType(long id, String name, String code) {
    }

    public Page<Task> list(Caller caller, Criteria c) {
        Query q = Query.of().add("filter[entity_type]", c.entityType()).add("filter[entity_id]", c.entityId())
                .add("filter[responsible_user_id]", c.responsibleUserId())
                .add("filter[is_completed]", c.completed() == null ? null : c.completed() ? 1 : 0)
                .add("filter[task_type]", c.taskTypeId()).add("order[complete_till]", "asc")
                .add("page", c.page()).add("limit", c.limit());
        Optional<JsonNode> doc = gateway.client(caller).get("tasks", q);
        return new Page<>(doc.map(d -> WireValues.embedded(d, "tasks", Task::from)).orElse(List.of()), c.page(),
                c.limit(), doc.map(WireValues::hasNext).orElse(false));
    }

    public Optional<Task> task(Caller caller, long id) {
        return gateway.client(caller).get("tasks/" + id, Query.of()).filter(JsonNode::isObject).map(Task::from);
    }

    public long create(Caller caller, TaskFields f) {
        JsonNode created = gateway.client(caller).post("tasks", List.of(body(f)));
        List<Long> ids = WireValues.embedded(created, "tasks", n -> WireValues.longOr(n, "id", 0));
        if (ids.isEmpty() || ids.get(0) == 0) {
            throw new KommoApiException(KommoApiException.Kind.UNEXPECTED_RESPONSE, 200, null,
                    "the add response named no task", List.of(), Map.of(), null, null);
        }
        return ids.get(0);
    }

    public void update(Caller caller, long id, TaskFields f) {
        gateway.client(caller).patch("tasks/" + id, body(f));
    }

    private static Map<String, Object> body(TaskFields f) {
        Map<String, Object> b = new LinkedHashMap<>();
        put(b, "text", f.text());
        put(b, "complete_till", f.completeTill());
        put(b, "entity_type", f.entityType());
        put(b, "entity_id", f.entityId());
        put(b, "responsible_user_id", f.responsibleUserId());
        put(b, "task_type_id", f.taskTypeId());
        put(b, "duration", f.durationSeconds());
        put(b, "is_completed", f.completed());
        if (f.resultText() != null) {
            b.put("result", Map.of("text", f.resultText()));
        }
        return b;
    }

    private static void put(Map<String, Object> m, String k, Object v) {
        if (v != null) {
            m.put(k, v);
        }
    }
}
