package io.kommomcp.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The notes of leads, contacts and companies (API.md §13), per entity type by id; making one records its event
 * ({@code common_note_added}, {@code incoming_call}, ...).
 */
final class NoteStore {

    static final Set<String> TYPES = Set.of("common", "call_in", "call_out", "service_message",
            "message_cashier", "geolocation", "sms_in", "sms_out", "extended_service_message", "attachment");

    private final LongSupplier ids;
    private final long accountId;
    private final UserStore users;
    private final EventStore events;
    private final Map<String, TreeMap<Long, ObjectNode>> byType = new LinkedHashMap<>();

    NoteStore(LongSupplier ids, long accountId, UserStore users, EventStore events) {
        this.ids = ids;
        this.accountId = accountId;
        this.users = users;
        this.events = events;
    }

    private TreeMap<Long, ObjectNode> of(String entity) {
        return byType.computeIfAbsent(entity, k -> new TreeMap<>());
    }

    ObjectNode get(String entity, long noteId) {
        return of(entity).get(noteId);
    }

    /** The notes of an entity type, newest first. */
    List<ObjectNode> newestFirst(String entity) {
        return new ArrayList<>(of(entity).descendingMap().values());
    }

    ObjectNode create(String entity, long entityId, String type, JsonNode params) {
        long id = ids.getAsLong();
        long now = SandboxAccount.now();
        long user = users.current();
        ObjectNode note = Problems.JSON.createObjectNode();
        note.put("id", id).put("entity_id", entityId).put("created_by", user).put("updated_by", user)
                .put("created_at", now).put("updated_at", now).put("responsible_user_id", user).put("group_id", 0)
                .put("note_type", type);
        note.set("params", params == null ? Problems.JSON.createObjectNode() : params.deepCopy());
        note.put("account_id", accountId);
        of(entity).put(id, note);
        String event = switch (type) {
            case "call_in" -> "incoming_call";
            case "call_out" -> "outgoing_call";
            case "service_message" -> "service_note_added";
            default -> "common_note_added";
        };
        ArrayNode after = Problems.JSON.createArrayNode();
        after.addObject().putObject("note").put("id", id);
        events.add(event, SandboxAccount.singular(entity), entityId, null, after);
        return note;
    }
}
