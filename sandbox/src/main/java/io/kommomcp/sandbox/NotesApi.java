package io.kommomcp.sandbox;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.kommomcp.sandbox.Problems.Violation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Notes of leads, contacts and companies (API.md §13): {@code /{e}/notes} and {@code /{e}/{id}/notes}, list (filters
 * id, note_type, entity_id and updated_at (a {@link RecordQuery.Range}); order id or updated_at, newest first by
 * default), one note, and add with {@code params} checked per {@code note_type}. There is no
 * top-level {@code /notes}, as in Kommo.
 */
final class NotesApi {

    private final SandboxAccount a;

    NotesApi(SandboxAccount account) {
        this.a = account;
    }

    /** {@code GET /{e}/notes/{id}} or, with {@code entityId}, {@code /{e}/{entityId}/notes/{id}}. */
    SandboxResponse get(SandboxRequest r, String entity, Long entityId, long noteId) {
        ObjectNode n = a.notes.get(entity, noteId);
        if (n == null || (entityId != null && n.get("entity_id").asLong() != entityId)) {
            return SandboxResponse.noContent();
        }
        return SandboxResponse.ok(render(n, entity, r));
    }

    SandboxResponse list(SandboxRequest r, String entity, Long entityId) {
        List<ObjectNode> all = a.notes.newestFirst(entity);
        if (entityId != null) {
            all.removeIf(n -> n.get("entity_id").asLong() != entityId);
        }
        List<String> types = r.params("filter[note_type]");
        if (!types.isEmpty()) {
            all.removeIf(n -> !types.contains(n.get("note_type").asString()));
        }
        List<String> entityIds = r.params("filter[entity_id]");
        if (!entityIds.isEmpty()) {
            all.removeIf(n -> !entityIds.contains(n.get("entity_id").asString()));
        }
        List<String> ids = r.params("filter[id]");
        if (!ids.isEmpty()) {
            all.removeIf(n -> !ids.contains(n.get("id").asString()));
        }
        RecordQuery.Range updated = RecordQuery.Range.of(r, "updated_at");
        if (updated != null) {
            all.removeIf(n -> !updated.test(n.get("updated_at").asLong()));
        }
        Comparator<ObjectNode> order = order(r);
        if (order != null) {
            all.sort(order);
        }
        String path = entityId == null ? entity + "/notes" : entity + "/" + entityId + "/notes";
        return HalPages.list(r, "notes", path, all, n -> render(n, entity, r), null, false);
    }

    /**
     * {@code order[id]} or {@code order[updated_at]} ({@code asc|desc}; ties by id in the same direction), or null
     * for the default, newest first.
     */
    private static Comparator<ObjectNode> order(SandboxRequest r) {
        for (var e : r.query()) {
            String field = switch (e.getKey()) {
                case "order[id]" -> "id";
                case "order[updated_at]" -> "updated_at";
                default -> null;
            };
            if (field != null && (e.getValue().equalsIgnoreCase("asc") || e.getValue().equalsIgnoreCase("desc"))) {
                Comparator<ObjectNode> c = Comparator.<ObjectNode>comparingLong(n -> n.get(field).asLong())
                        .thenComparingLong(n -> n.get("id").asLong());
                return e.getValue().equalsIgnoreCase("desc") ? c.reversed() : c;
            }
        }
        return null;
    }

    SandboxResponse add(SandboxRequest r, String entity, Long entityId) {
        if (r.bodyEmpty()) {
            return Problems.emptyBody();
        }
        if (!r.body().isArray()) {
            return Problems.validation(List.of(new Violation("0", "InvalidType", "", "This value should be of type"
                    + " array.")));
        }
        EntityStore entities = a.entities(entity);
        List<Violation> violations = new ArrayList<>();
        List<String> requestIds = new ArrayList<>();
        for (int i = 0; i < r.body().size(); i++) {
            JsonNode n = r.body().get(i);
            String requestId = n.hasNonNull("request_id") ? n.get("request_id").asString() : String.valueOf(i);
            requestIds.add(requestId);
            long target = entityId != null ? entityId : n.path("entity_id").asLong(-1);
            if (!entities.has(target)) {
                violations.add(LeadWriter.notAChoice(requestId, "entity_id"));
            }
            String type = n.path("note_type").asString("common");
            if (!NoteStore.TYPES.contains(type)) {
                violations.add(LeadWriter.notAChoice(requestId, "note_type"));
            } else if (type.equals("common") && n.path("params").path("text").asString("").isBlank()) {
                violations.add(new Violation(requestId, "FieldMissing", "params.text", "This field is missing."));
            } else if (type.startsWith("call_") && (!n.path("params").hasNonNull("phone")
                    || !n.path("params").hasNonNull("duration"))) {
                violations.add(new Violation(requestId, "FieldMissing", "params.phone", "This field is missing."));
            }
        }
        if (!violations.isEmpty()) {
            return Problems.validation(violations);
        }
        ObjectNode doc = Problems.JSON.createObjectNode();
        HalPages.self(doc, r, entity + "/notes");
        ArrayNode out = doc.putObject("_embedded").putArray("notes");
        for (int i = 0; i < r.body().size(); i++) {
            JsonNode n = r.body().get(i);
            long target = entityId != null ? entityId : n.get("entity_id").asLong();
            ObjectNode note = a.notes.create(entity, target, n.path("note_type").asString("common"), n.get("params"));
            a.hooks.noteAdded(entity, note);
            ObjectNode item = out.addObject().put("id", note.get("id").asLong()).put("entity_id", target)
                    .put("request_id", requestIds.get(i));
            HalPages.self(item, r, entity + "/" + target + "/notes/" + note.get("id").asLong());
        }
        return SandboxResponse.ok(doc);
    }

    private static ObjectNode render(ObjectNode n, String entity, SandboxRequest r) {
        return HalPages.self(n.deepCopy(), r, entity + "/" + n.get("entity_id").asLong() + "/notes/"
                + n.get("id").asLong());
    }
}
