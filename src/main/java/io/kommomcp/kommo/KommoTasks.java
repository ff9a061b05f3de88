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

}
