package io.kommomcp.tools.tasks;

import static io.kommomcp.tools.common.ToolValues.putIf;
import static io.kommomcp.tools.common.ToolValues.time;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.kommomcp.core.Caller;
import io.kommomcp.core.Describe;
import io.kommomcp.core.Rendered;
import io.kommomcp.core.Tool;
import io.kommomcp.core.ToolException;
import io.kommomcp.core.ToolSet;
import io.kommomcp.governance.Proposal;
import io.kommomcp.kommo.KommoCrm.Page;
import io.kommomcp.kommo.KommoMetadata;
import io.kommomcp.kommo.KommoTasks;
import io.kommomcp.kommo.KommoTasks.Criteria;
import io.kommomcp.kommo.ActivityWrites.CreateTasks;
import io.kommomcp.kommo.ActivityWrites.NewTask;
import io.kommomcp.kommo.ActivityWrites.TaskChange;
import io.kommomcp.kommo.ActivityWrites.UpdateTasks;
import io.kommomcp.kommo.IdRef;
import io.kommomcp.kommo.wire.Task;
import io.kommomcp.security.Roles;
import io.kommomcp.tools.common.Entity;
import io.kommomcp.tools.common.Times;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Tasks: follow-ups and meetings, on a lead, contact or company or on their own. Kommo has no delete for tasks. */
@ToolSet
@ApplicationScoped
public class TaskTools {

    /** At most this many Kommo pages (of 250) are read for one call with a due window. */
    static final int MAX_SCAN_PAGES = 4;
    static final int MAX_TEXT = 2_000;


    @Inject
    KommoTasks tasks;

    @Inject
    KommoMetadata metadata;

    @Inject
    Clock clock;

    public record ListArgs(
            @Describe("Only tasks on this type; with entity_id, on that one.") Entity entityType,
            @Describe(value = "Needs entity_type.", min = 1) Long entityId,
            @Describe(min = 1) Long responsibleUserId,
            @Describe("Omitted: open and completed.") Boolean completed,
            @Describe("Date or date-time, UTC unless an offset is given.") String dueFrom,
            @Describe("Date (the whole day) or date-time.") String dueTo,
            @Describe(value = "Default 25.", min = 1, max = 250) Integer limit,
            @Describe("The previous answer's next_cursor.") String cursor) {
    }

    public record CreateArgs(
            @Describe(value = "Up to 2,000 characters.", required = true) String text,
            @Describe(value = "Date (end of that day, UTC) or date-time.", required = true)
            String due,
            @Describe("With entity_id; neither: a task on its own.") Entity entityType,
            @Describe(min = 1) Long entityId,
            @Describe(value = "Default: the account's API user.", min = 1)
            Long responsibleUserId,
            @Describe(value = "1 follow-up (default), 2 meeting, or the account's own (account_get).", min = 1)
            Long taskTypeId,
            @Describe(min = 0, max = 10_080) Long durationMinutes) {
    }

    public record UpdateArgs(
            @Describe(required = true, min = 1) Long taskId,
            String text,
            @Describe("Date or date-time.") String due,
            @Describe(min = 1) Long responsibleUserId,
            @Describe(min = 1) Long taskTypeId) {
    }

    public record CompleteArgs(
            @Describe(required = true, min = 1) Long taskId,
            @Describe("What came of it (recommended; up to 2,000 characters).") String result) {
    }

    public record TaskView(long id, String text, Instant due, boolean overdue, boolean completed, String result,
            Long taskTypeId, String entityType, Long entityId, Long responsibleUserId) {
    }

    public record TaskList(List<TaskView> tasks, String nextCursor, String note) implements Rendered {

        @Override
        public String toText() {
            StringBuilder sb = new StringBuilder(tasks.isEmpty() ? "No tasks match." : "Tasks, earliest due first:");
            tasks.forEach(t -> sb.append("\n- ").append(t.id()).append(" due ").append(t.due())
                    .append(t.completed() ? " (done" + (t.result() == null ? "" : ": " + t.result()) + ")"
                            : t.overdue() ? " (OVERDUE)" : "")
                    .append(": ").append(t.text())
                    .append(t.entityType() == null ? "" : " [" + t.entityType() + " " + t.entityId() + "]"));
            if (nextCursor != null) {
                sb.append("\nMore: call again with cursor = \"").append(nextCursor).append("\".");
            }
            if (note != null) {
                sb.append('\n').append(note);
            }
            return sb.toString();
        }
    }

    public record TaskChanged(long taskId, String action, Map<String, Object> changed) implements Rendered {

        @Override
        public String toText() {
            return "Task " + taskId + " " + action + (changed.isEmpty() ? "." : ": " + String.join(", ",
                    changed.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList()) + ".");
        }
    }

    @Tool(name = "tasks_list", title = "List tasks", role = Roles.READER, readOnly = true,
            description = "Tasks, earliest due first, overdue ones marked; more with cursor = next_cursor.")
    public TaskList list(ListArgs a, Caller caller) {
        if (a.entityId() != null && a.entityType() == null) {
            throw new ToolException("entity_id needs entity_type (leads, contacts or companies).");
        }
        Instant from = Times.parse("due_from", a.dueFrom(), false);
        Instant to = Times.parse("due_to", a.dueTo(), true);
        if (from != null && to != null && from.isAfter(to)) {
            throw new ToolException("due_from (" + from + ") is after due_to (" + to + ").");
        }
        int limit = a.limit() == null ? 25 : a.limit();
        boolean window = from != null || to != null;
        int pageSize = window ? 250 : limit;
        int[] at = cursor(a.cursor());
        int kommoPage = at[0];
        int offset = at[1];
        List<TaskView> out = new ArrayList<>();
        String next = null;
        String note = null;
        Instant now = clock.instant();
        for (int scanned = 0;; scanned++) {
            if (scanned == MAX_SCAN_PAGES) {
                next = kommoPage + ":0";
                note = "Read " + (scanned * pageSize) + " tasks looking for the due window; continue with the"
                        + " cursor, or narrow the filters.";
                break;
            }
            Page<Task> page = tasks.list(caller, new Criteria(a.entityType() == null ? null : a.entityType().name(),
                    a.entityId(), a.responsibleUserId(), a.completed(), null, kommoPage, pageSize));
            List<Task> items = page.items();
            boolean past = false;
            for (int i = offset; i < items.size() && next == null && !past; i++) {
                Task t = items.get(i);
                Instant due = time(t.completeTill());
                if (to != null && due != null && due.isAfter(to)) {
                    past = true; // ordered by due time: nothing later can match
                } else if (from == null || (due != null && !due.isBefore(from))) {
                    out.add(view(t, now));
                    if (out.size() == limit) {
                        next = i + 1 < items.size() ? kommoPage + ":" + (i + 1)
                                : page.hasMore() ? (kommoPage + 1) + ":0" : null;
                        if (next == null) {
                            past = true;
                        }
                    }
                }
            }
            if (next != null || past || !page.hasMore()) {
                break;
            }
            kommoPage++;
            offset = 0;
        }
        return new TaskList(out, next, note);
    }

    @Tool(name = "tasks_create", title = "Create a task", role = Roles.WRITER, readOnly = false,
            description = "Creates a task on a lead, contact or company, or on its own. Each call creates another"
                    + " task.")
    public Proposal<TaskChanged> create(CreateArgs a, Caller caller) {
        String text = text(a.text(), "text");
        if (text == null) {
            throw new ToolException("Missing required argument 'text'.");
        }
        Instant due = Times.due("due", a.due(), clock);
        if (due == null) {
            throw new ToolException("Missing required argument 'due'.");
        }
        if ((a.entityType() == null) != (a.entityId() == null)) {
            throw new ToolException("Give entity_type and entity_id together, or neither for a task on its own.");
        }
        checkType(caller, a.taskTypeId());
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("text", text);
        after.put("due", due.toString());
        putIf(after, "entity", a.entityType() == null ? null : a.entityType().name() + " " + a.entityId());
        putIf(after, "responsible_user_id", a.responsibleUserId());
        after.put("task_type_id", a.taskTypeId() == null ? 1L : a.taskTypeId());
        return Proposal.of("create task \"" + text + "\"", CreateTasks.of(new NewTask(text, due.getEpochSecond(),
                a.entityType() == null ? null : a.entityType().kommo(), a.entityId() == null ? null : IdRef.of(
                        a.entityId()), a.responsibleUserId(), a.taskTypeId() == null ? 1L : a.taskTypeId(),
                a.durationMinutes() == null ? null : a.durationMinutes() * 60))).then(done -> new TaskChanged(
                        done.id(0), "created", after));
    }

    @Tool(name = "tasks_update", title = "Update a task", role = Roles.WRITER, readOnly = false, idempotent = true,
            description = "Changes only the fields given; tasks_complete finishes a task. Kommo cannot delete tasks:"
                    + " complete one with a result saying why it was dropped.")
    public Proposal<TaskChanged> update(UpdateArgs a, Caller caller) {
        String text = text(a.text(), "text");
        Instant due = Times.due("due", a.due(), clock);
        if (text == null && due == null && a.responsibleUserId() == null && a.taskTypeId() == null) {
            throw new ToolException("Nothing to change: pass at least one of text, due, responsible_user_id,"
                    + " task_type_id.");
        }
        checkType(caller, a.taskTypeId());
        Task before = existing(caller, a.taskId());
        Map<String, Object> was = new LinkedHashMap<>();
        Map<String, Object> now = new LinkedHashMap<>();
        if (text != null) {
            was.put("text", before.text());
            now.put("text", text);
        }
        if (due != null) {
            was.put("complete_till", before.completeTill());
            now.put("due", due.toString());
        }
        if (a.responsibleUserId() != null) {
            was.put("responsible_user_id", before.responsibleUserId());
            now.put("responsible_user_id", a.responsibleUserId());
        }
        if (a.taskTypeId() != null) {
            was.put("task_type_id", before.taskTypeId());
            now.put("task_type_id", a.taskTypeId());
        }
        return Proposal.of("update task " + a.taskId(), UpdateTasks.of(new TaskChange(a.taskId(), text,
                due == null ? null : due.getEpochSecond(), a.responsibleUserId(), a.taskTypeId(), null, null, null,
                was))).then(done -> new TaskChanged(a.taskId(), "updated", now));
    }

    @Tool(name = "tasks_complete", title = "Complete a task", role = Roles.WRITER, readOnly = false,
            idempotent = true,
            description = "Marks a task done with its result; one already done is reported, not changed.")
    public Proposal<TaskChanged> complete(CompleteArgs a, Caller caller) {
        String result = text(a.result(), "result");
        Task before = existing(caller, a.taskId());
        if (before.completed()) {
            Map<String, Object> as = new LinkedHashMap<>();
            putIf(as, "result", before.resultText());
            return Proposal.of("nothing: task " + a.taskId() + " is done already", List.of()).then(done ->
                    new TaskChanged(a.taskId(), "was already completed; nothing changed", as));
        }
        Map<String, Object> now = new LinkedHashMap<>();
        now.put("completed", true);
        putIf(now, "result", result);
        return Proposal.of("complete task " + a.taskId(), UpdateTasks.of(new TaskChange(a.taskId(), null, null, null,
                null, null, true, result, Map.of("is_completed", false)))).then(done -> new TaskChanged(a.taskId(),
                        "completed", now));
    }

    private Task existing(Caller caller, long id) {
        return tasks.task(caller, id).orElseThrow(() -> new ToolException("There is no task with id " + id
                + ". Find tasks with tasks_list."));
    }

    private static TaskView view(Task t, Instant now) {
        Instant due = time(t.completeTill());
        return new TaskView(t.id(), t.text(), due, !t.completed() && due != null && due.isBefore(now), t.completed(),
                t.resultText(), t.taskTypeId(), t.entityType(), t.entityId(), t.responsibleUserId());
    }

    private static String text(String value, String name) {
        if (value == null) {
            return null;
        }
        String v = value.strip();
        if (v.isEmpty()) {
            throw new ToolException("'" + name + "' must not be empty.");
        }
        if (v.length() > MAX_TEXT) {
            throw new ToolException("'" + name + "' is " + v.length() + " characters; the limit is " + MAX_TEXT + ".");
        }
        return v;
    }

    private static int[] cursor(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return new int[] {1, 0};
        }
        String[] parts = cursor.strip().split(":");
        try {
            int page = Integer.parseInt(parts[0]);
            int offset = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            if (parts.length <= 2 && page >= 1 && offset >= 0 && offset < 250) {
                return new int[] {page, offset};
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new ToolException("cursor '" + cursor + "' is not one this tool gave; pass the next_cursor of a"
                + " previous tasks_list answer, or omit it to start from the beginning.");
    }

    /** A task type other than the built-in follow-up must be one of the account's (from the schema cache). */
    private void checkType(Caller caller, Long typeId) {
        if (typeId == null || typeId == 1L) {
            return;
        }
        List<KommoTasks.TaskType> types = metadata.taskTypes(caller);
        if (types.stream().noneMatch(t -> t.id() == typeId)) {
            throw new ToolException("task_type_id " + typeId + ": there is no such task type. Task types: "
                    + String.join(", ", types.stream().map(t -> t.name() + " (" + t.id() + ")").toList()) + ".");
        }
    }
}
