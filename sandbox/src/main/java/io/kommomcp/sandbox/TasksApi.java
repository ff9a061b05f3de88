package io.kommomcp.sandbox;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.kommomcp.sandbox.Problems.Violation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Tasks (API.md §12) over {@link TaskStore}: list with Kommo's filters and orders, get, add (text and complete_till
 * required), update and complete with a result, each change with its event. No delete: Kommo has none.
 */
final class TasksApi {

    /** Kommo's built-in task types: 1 follow-up, 2 meeting. */
    static final List<Long> BUILT_IN_TYPES = List.of(1L, 2L);

    private final SandboxAccount a;
    private final TaskStore tasks;

    TasksApi(SandboxAccount account, TaskStore tasks) {
        this.a = account;
        this.tasks = tasks;
    }

    SandboxResponse get(SandboxRequest r, long id) {
        ObjectNode t = tasks.get(id);
        return t == null ? SandboxResponse.noContent()
                : SandboxResponse.ok(HalPages.withSelf(shown(t), r, "tasks"));
    }

    SandboxResponse list(SandboxRequest r) {
        List<ObjectNode> all = tasks.all();
        keep(all, r.params("filter[responsible_user_id]"), "responsible_user_id");
        keep(all, r.params("filter[task_type]"), "task_type_id");
        keep(all, r.params("filter[entity_type]"), "entity_type");
        keep(all, r.params("filter[entity_id]"), "entity_id");
        keep(all, r.params("filter[id]"), "id");
        RecordQuery.Range updated = RecordQuery.Range.of(r, "updated_at");
        if (updated != null) {
            all.removeIf(t -> !updated.test(t.get("updated_at").asLong()));
        }
        String completed = r.param("filter[is_completed]");
        if (completed != null) {
            boolean want = completed.equals("1") || completed.equalsIgnoreCase("true");
            all.removeIf(t -> t.get("is_completed").asBoolean() != want);
        }
        Comparator<ObjectNode> order = Comparator.comparingLong(t -> t.get("id").asLong());
        for (String key : List.of("complete_till", "created_at", "id")) {
            String dir = r.param("order[" + key + "]");
            if (dir != null) {
                order = Comparator.<ObjectNode>comparingLong(t -> t.get(key).asLong())
                        .thenComparingLong(t -> t.get("id").asLong());
                if (dir.equalsIgnoreCase("desc")) {
                    order = order.reversed();
                }
            }
        }
        all.sort(order);
        return HalPages.list(r, "tasks", "tasks", all, TasksApi::shown, HalPages.byId("tasks"), false);
    }

    /**
     * A task as Kommo shows it: {@code result} is {@code []} or {@code {"text": ...}}. The sandbox keeps the id of the
     * result too (Kommo's result is a note; its id shows in the task webhook), but shows no note for it.
     */
    static ObjectNode shown(ObjectNode t) {
        ObjectNode out = t.deepCopy();
        if (out.get("result") instanceof ObjectNode result) {
            result.remove("id");
        }
        return out;
    }

    private static void keep(List<ObjectNode> all, List<String> wanted, String field) {
        if (!wanted.isEmpty()) {
            all.removeIf(t -> !wanted.contains(t.path(field).asString("")));
        }
    }

    SandboxResponse add(SandboxRequest r) {
        SandboxBatch batch = SandboxBatch.forAdd(r, 250);
        if (batch.refusal() != null) {
            return batch.refusal();
        }
        List<Violation> violations = new ArrayList<>();
        List<String> requestIds = batch.requestIds();
        for (int i = 0; i < r.body().size(); i++) {
            JsonNode item = r.body().get(i);
            String requestId = requestIds.get(i);
            if (!item.hasNonNull("text") || item.get("text").asString().isBlank()) {
                violations.add(new Violation(requestId, "FieldMissing", "text", "This field is missing."));
            }
            if (!item.hasNonNull("complete_till")) {
                violations.add(new Violation(requestId, "FieldMissing", "complete_till", "This field is missing."));
            }
            violations.addAll(validate(item, requestId));
        }
        if (!violations.isEmpty()) {
            return Problems.validation(violations);
        }
        ObjectNode doc = Problems.JSON.createObjectNode();
        doc.putObject("_links").putObject("self").put("href", r.base() + "/api/v4/tasks");
        ArrayNode out = doc.putObject("_embedded").putArray("tasks");
        for (int i = 0; i < r.body().size(); i++) {
            ObjectNode t = create(r.body().get(i));
            ObjectNode item = out.addObject().put("id", t.get("id").asLong()).put("request_id", requestIds.get(i));
            item.putObject("_links").putObject("self").put("href", r.base() + "/api/v4/tasks/" + t.get("id").asLong());
        }
        return SandboxResponse.ok(doc);
    }

    private List<Violation> validate(JsonNode item, String requestId) {
        List<Violation> v = new ArrayList<>();
        if (item.has("complete_till") && !item.get("complete_till").isIntegralNumber()) {
            v.add(new Violation(requestId, "InvalidType", "complete_till", "This value should be of type int."));
        }
        if (item.hasNonNull("responsible_user_id") && !a.users.has(item.get("responsible_user_id").asLong())) {
            v.add(new Violation(requestId, "NotSupportedChoice", "responsible_user_id",
                    "The value you selected is not a valid choice."));
        }
        a.users.unknownAuthors(item).forEach(key -> v.add(LeadWriter.notAChoice(requestId, key)));
        if (item.hasNonNull("task_type_id") && !BUILT_IN_TYPES.contains(item.get("task_type_id").asLong())) {
            v.add(new Violation(requestId, "NotSupportedChoice", "task_type_id",
                    "The value you selected is not a valid choice."));
        }
        if (item.hasNonNull("entity_type") || item.hasNonNull("entity_id")) {
            String type = item.path("entity_type").asString("");
            boolean known = switch (type) {
                case "leads", "contacts", "companies" -> a.entities(type).has(item.path("entity_id").asLong(-1));
                default -> false;
            };
            if (!known) {
                v.add(new Violation(requestId, "NotSupportedChoice", "entity_id",
                        "The value you selected is not a valid choice."));
            }
        }
        if (item.has("result") && !item.get("result").isObject()) {
            v.add(new Violation(requestId, "InvalidType", "result", "This value should be of type object."));
        }
        return v;
    }

    ObjectNode create(JsonNode item) {
        long id = a.newId();
        long now = SandboxAccount.now();
        ObjectNode t = Problems.JSON.createObjectNode();
        t.put("id", id).put("created_by", LeadWriter.author(item, "created_by", a.users.current()))
                .put("updated_by", LeadWriter.author(item, "updated_by", a.users.current())).put("created_at", now)
                .put("updated_at", now).put("responsible_user_id", item.hasNonNull("responsible_user_id")
                        ? item.get("responsible_user_id").asLong() : a.users.current())
                .put("group_id", 0);
        if (item.hasNonNull("entity_id")) {
            t.put("entity_id", item.get("entity_id").asLong()).put("entity_type", item.get("entity_type").asString());
        } else {
            t.putNull("entity_id").putNull("entity_type");
        }
        t.put("duration", item.path("duration").asLong(0)).put("is_completed", item.path("is_completed")
                .asBoolean(false)).put("task_type_id", item.path("task_type_id").asLong(1))
                .put("text", item.get("text").asString()).put("complete_till", item.get("complete_till").asLong())
                .put("account_id", a.accountId);
        t.putArray("result");
        tasks.put(t);
        a.events.add("task_added", "task", id, null, null);
        a.hooks.taskAdded(t);
        return t;
    }

    /** Kommo's task events for what an update changed (API.md §16). */
    private void taskEvents(ObjectNode was, ObjectNode t) {
        long id = t.get("id").asLong();
        if (!was.get("is_completed").asBoolean() && t.get("is_completed").asBoolean()) {
            a.events.add("task_completed", "task", id, null, null);
        }
        if (!was.get("text").equals(t.get("text"))) {
            a.events.add("task_text_changed", "task", id, EventStore.value("task", "text", was.get("text")),
                    EventStore.value("task", "text", t.get("text")));
        }
        if (was.get("complete_till").asLong() != t.get("complete_till").asLong()) {
            a.events.add("task_deadline_changed", "task", id, EventStore.value("task_deadline", "timestamp",
                    was.get("complete_till")), EventStore.value("task_deadline", "timestamp", t.get("complete_till")));
        }
        if (!was.path("result").equals(t.path("result")) && t.path("result").has("text")) {
            a.events.add("task_result_added", "task", id, null, null);
        }
    }

    SandboxResponse update(SandboxRequest r, Long singleId) {
        SandboxBatch batch = SandboxBatch.forUpdate(r, singleId);
        if (batch.refusal() != null) {
            return batch.refusal();
        }
        List<JsonNode> items = batch.items();
        List<Violation> violations = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            String requestId = batch.requestIds().get(i);
            if (!tasks.has(item.path("id").asLong(-1))) {
                violations.add(new Violation(requestId, "NotSupportedChoice", "id",
                        "The value you selected is not a valid choice."));
                continue;
            }
            if (item.has("text") && (!item.get("text").isString() || item.get("text").asString().isBlank())) {
                violations.add(new Violation(requestId, "InvalidType", "text", "This value should not be blank."));
            }
            violations.addAll(validate(item, requestId));
        }
        if (!violations.isEmpty()) {
            return Problems.validation(violations);
        }
        long now = SandboxAccount.now();
        ArrayNode out = Problems.JSON.createArrayNode();
        for (JsonNode item : items) {
            ObjectNode t = tasks.get(item.get("id").asLong());
            ObjectNode was = t.deepCopy();
            for (String f : List.of("text")) {
                if (item.hasNonNull(f)) {
                    t.put(f, item.get(f).asString());
                }
            }
            for (String f : List.of("complete_till", "responsible_user_id", "task_type_id", "duration")) {
                if (item.hasNonNull(f)) {
                    t.put(f, item.get(f).asLong());
                }
            }
            if (item.hasNonNull("is_completed")) {
                t.put("is_completed", item.get("is_completed").asBoolean());
            }
            if (item.hasNonNull("result")) {
                ObjectNode result = ((ObjectNode) item.get("result")).deepCopy();
                result.remove("id");
                JsonNode old = t.path("result");
                if (old.has("text") && old.get("text").equals(result.get("text"))) {
                    result.set("id", old.get("id"));
                } else if (result.has("text")) {
                    result.put("id", a.newId());
                }
                t.set("result", result);
            }
            t.put("updated_at", now).put("updated_by", LeadWriter.author(item, "updated_by", a.users.current()));
            taskEvents(was, t);
            a.hooks.taskChanged(was, t);
            ObjectNode o = out.addObject().put("id", t.get("id").asLong()).put("updated_at", now);
            o.putObject("_links").putObject("self").put("href", r.base() + "/api/v4/tasks/" + t.get("id").asLong());
        }
        if (singleId != null) {
            return SandboxResponse.ok((ObjectNode) out.get(0));
        }
        ObjectNode doc = Problems.JSON.createObjectNode();
        doc.putObject("_links").putObject("self").put("href", r.base() + "/api/v4/tasks");
        doc.putObject("_embedded").set("tasks", out);
        return SandboxResponse.ok(doc);
    }
}
