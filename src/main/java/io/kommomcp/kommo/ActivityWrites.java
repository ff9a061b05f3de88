package io.kommomcp.kommo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import tools.jackson.databind.JsonNode;

/** Writes of notes and tasks (API.md §12, §13). Kommo has no delete for tasks. */
public final class ActivityWrites {

    private ActivityWrites() {
    }

    /** The note types this server writes. */
    public enum NoteKind {
        COMMON("common"), CALL_IN("call_in"), CALL_OUT("call_out"), SERVICE_MESSAGE("service_message");

        private final String kommo;

        NoteKind(String kommo) {
            this.kommo = kommo;
        }
    }

    /**
     * A note on a lead, contact or company. For a call: the phone, its length and the result text; for a service
     * message: the service's name. {@code callId} makes each call note unique, as Kommo expects.
     */
    public record NewNote(EntityType entity, IdRef entityId, NoteKind kind, String text, String phone,
            Long durationSeconds, String service, String callId) {

        public static NewNote text(EntityType entity, IdRef id, String text) {
            return new NewNote(entity, id, NoteKind.COMMON, text, null, null, null, null);
        }

        public static NewNote call(EntityType entity, IdRef id, boolean incoming, String phone, long seconds,
                String result) {
            return new NewNote(entity, id, incoming ? NoteKind.CALL_IN : NoteKind.CALL_OUT, result, phone, seconds,
                    null, UUID.randomUUID().toString());
        }

        public static NewNote service(EntityType entity, IdRef id, String service, String text) {
            return new NewNote(entity, id, NoteKind.SERVICE_MESSAGE, text, null, null, service, null);
        }

        Map<String, Object> params() {
            Map<String, Object> p = new LinkedHashMap<>();
            switch (kind) {
                case COMMON -> p.put("text", text);
                case CALL_IN, CALL_OUT -> {
                    p.put("uniq", callId);
                    p.put("duration", durationSeconds);
                    p.put("source", "kommo-mcp");
                    p.put("phone", phone);
                    if (text != null && !text.isEmpty()) {
                        p.put("call_result", text);
                    }
                }
                case SERVICE_MESSAGE -> {
                    p.put("service", service);
                    p.put("text", text);
                }
            }
            return p;
        }

        Map<String, Object> body(Object resolvedEntityId, boolean withEntityId) {
            Map<String, Object> b = new LinkedHashMap<>();
            if (withEntityId) {
                b.put("entity_id", resolvedEntityId);
            }
            b.put("note_type", kind.kommo);
            b.put("params", params());
            return b;
        }

        /** The note as the audit trail keeps it (the call's unique id left out). */
        Map<String, Object> view() {
            Map<String, Object> m = new LinkedHashMap<>(params());
            m.remove("uniq");
            m.put("note_type", kind.kommo);
            return m;
        }
    }

    /**
     * Adds notes: a single note at its record's address; several, per entity type, 250 per request with the record's
     * id in each.
     */
    public record AddNotes(List<NewNote> notes) implements KommoWrite {

        public AddNotes {
            notes = List.copyOf(notes);
        }

        public static AddNotes of(NewNote note) {
            return new AddNotes(List.of(note));
        }

        @Override
        public KommoWrite resolved(Function<IdRef, Object> ids) {
            return new AddNotes(notes.stream().map(n -> new NewNote(n.entity(), n.entityId().resolve(ids), n.kind(),
                    n.text(), n.phone(), n.durationSeconds(), n.service(), n.callId())).toList());
        }

        @Override
        public List<KommoRequest> requests(Function<IdRef, Object> ids) {
            if (notes.size() == 1) {
                NewNote n = notes.get(0);
                return List.of(new KommoRequest("POST", n.entity().path() + "/" + ids.apply(n.entityId()) + "/notes",
                        List.of(n.body(null, false))));
            }
            List<KommoRequest> out = new ArrayList<>();
            for (EntityType type : EntityType.values()) {
                List<NewNote> ofType = notes.stream().filter(n -> n.entity() == type).toList();
                for (List<NewNote> batch : KommoWrite.batches(ofType, BATCH)) {
                    out.add(new KommoRequest("POST", type.path() + "/notes", RecordWrites.indexed(batch.stream()
                            .map(n -> n.body(ids.apply(n.entityId()), true)).toList())));
                }
            }
            return out;
        }

        @Override
        public Result result(List<JsonNode> answers) {
            List<NewNote> inOrder = notes.size() == 1 ? notes : java.util.Arrays.stream(EntityType.values())
                    .flatMap(t -> notes.stream().filter(n -> n.entity() == t)).toList();
            return RecordWrites.created("note", "notes", answers, inOrder.stream().map(n -> {
                Map<String, Object> v = n.view();
                v.put("entity", n.entity().singular() + " " + n.entityId());
                return v;
            }).toList());
        }
    }

    /** A new task, on a record (entity and id) or on its own. */
    public record NewTask(String text, long completeTill, EntityType entity, IdRef entityId, Long responsibleUserId,
            long taskTypeId, Long durationSeconds) {

        Map<String, Object> body(Function<IdRef, Object> ids) {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("text", text);
            b.put("complete_till", completeTill);
            if (entity != null && entityId != null) {
                b.put("entity_type", entity.path());
                b.put("entity_id", ids.apply(entityId));
            }
            RecordWrites.put(b, "responsible_user_id", responsibleUserId);
            b.put("task_type_id", taskTypeId);
            RecordWrites.put(b, "duration", durationSeconds);
            return b;
        }
    }

    /** Creates tasks, 250 per request. */
    public record CreateTasks(List<NewTask> tasks) implements KommoWrite {

        public CreateTasks {
            tasks = List.copyOf(tasks);
        }

        public static CreateTasks of(NewTask task) {
            return new CreateTasks(List.of(task));
        }

        @Override
        public KommoWrite resolved(Function<IdRef, Object> ids) {
            return new CreateTasks(tasks.stream().map(t -> new NewTask(t.text(), t.completeTill(), t.entity(),
                    t.entityId() == null ? null : t.entityId().resolve(ids), t.responsibleUserId(), t.taskTypeId(),
                    t.durationSeconds())).toList());
        }

        @Override
        public List<KommoRequest> requests(Function<IdRef, Object> ids) {
            return KommoWrite.batches(tasks, BATCH).stream().map(batch -> new KommoRequest("POST", "tasks",
                    RecordWrites.indexed(batch.stream().map(t -> t.body(ids)).toList()))).toList();
        }

        @Override
        public Result result(List<JsonNode> answers) {
            return RecordWrites.created("task", "tasks", answers, tasks.stream().map(t -> t.body(IdRef::toString))
                    .toList());
        }
    }

    /** Changes of one task; null fields stay as they are. */
    public record TaskChange(long id, String text, Long completeTill, Long responsibleUserId, Long taskTypeId,
            Long durationSeconds, Boolean completed, String resultText, Map<String, Object> before) {

        Map<String, Object> body() {
            Map<String, Object> b = new LinkedHashMap<>();
            RecordWrites.put(b, "text", text);
            RecordWrites.put(b, "complete_till", completeTill);
            RecordWrites.put(b, "responsible_user_id", responsibleUserId);
            RecordWrites.put(b, "task_type_id", taskTypeId);
            RecordWrites.put(b, "duration", durationSeconds);
            RecordWrites.put(b, "is_completed", completed);
            if (resultText != null) {
                b.put("result", Map.of("text", resultText));
            }
            return b;
        }
    }

    /** Updates tasks: one at its own address, several 250 per request. */
    public record UpdateTasks(List<TaskChange> tasks) implements KommoWrite {

        public UpdateTasks {
            tasks = List.copyOf(tasks);
        }

        public static UpdateTasks of(TaskChange change) {
            return new UpdateTasks(List.of(change));
        }

        @Override
        public List<KommoRequest> requests(Function<IdRef, Object> ids) {
            if (tasks.size() == 1) {
                return List.of(new KommoRequest("PATCH", "tasks/" + tasks.get(0).id(), tasks.get(0).body()));
            }
            return KommoWrite.batches(tasks, BATCH).stream().map(batch -> new KommoRequest("PATCH", "tasks",
                    batch.stream().map(t -> RecordWrites.withId(t.id(), t.body())).toList())).toList();
        }

        @Override
        public Result result(List<JsonNode> answers) {
            return RecordWrites.changed("task", answers, tasks.size() == 1 ? 1 : BATCH, tasks.stream()
                    .map(t -> new Written("task", String.valueOf(t.id()), t.before(), t.body())).toList());
        }
    }
}
