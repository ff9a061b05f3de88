package io.kommomcp.tools.events;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import io.kommomcp.core.Caller;
import io.kommomcp.core.Describe;
import io.kommomcp.core.Rendered;
import io.kommomcp.core.Tool;
import io.kommomcp.core.ToolException;
import io.kommomcp.core.ToolSet;
import io.kommomcp.kommo.KommoCrm.Page;
import io.kommomcp.kommo.KommoEvents;
import io.kommomcp.kommo.KommoEvents.Criteria;
import io.kommomcp.kommo.KommoEvents.Event;
import io.kommomcp.kommo.KommoMetadata;
import io.kommomcp.kommo.wire.FieldDef;
import io.kommomcp.kommo.wire.Pipeline;
import io.kommomcp.kommo.wire.User;
import io.kommomcp.security.Roles;
import io.kommomcp.tools.common.Times;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import tools.jackson.databind.JsonNode;

/** The change history of an entity or of the whole account, as Kommo records it. */
@ToolSet
@ApplicationScoped
public class EventTools {

    /** Event types Kommo records (API.md §16); {@code custom_field_<id>_value_changed} is accepted as well. */
    static final Set<String> TYPES = Set.of("lead_added", "lead_deleted", "lead_restored", "lead_status_changed",
            "lead_linked", "lead_unlinked", "contact_added", "contact_deleted", "contact_restored", "contact_linked",
            "contact_unlinked", "company_added", "company_deleted", "company_restored", "company_linked",
            "company_unlinked", "task_added", "task_deleted", "task_completed", "task_type_changed",
            "task_text_changed", "task_deadline_changed", "task_result_added", "incoming_call", "outgoing_call",
            "incoming_chat_message", "outgoing_chat_message", "incoming_sms", "outgoing_sms", "entity_tag_added",
            "entity_tag_deleted", "entity_linked", "entity_unlinked", "sale_field_changed", "name_field_changed",
            "custom_field_value_changed", "entity_responsible_changed", "common_note_added", "common_note_deleted",
            "attachment_note_added", "service_note_added", "entity_merged");

    /** What the history is about. */
    public enum EventEntity {
        leads, contacts, companies, tasks;

        String singular() {
            return this == companies ? "company" : name().substring(0, name().length() - 1);
        }
    }

    @Inject
    KommoEvents events;

    @Inject
    KommoMetadata metadata;

    public record ListArgs(
            @Describe("Default: the whole account.") EventEntity entityType,
            @Describe("At most 10; needs entity_type.") List<Long> entityIds,
            @Describe("E.g. lead_status_changed, entity_responsible_changed, custom_field_value_changed,"
                    + " entity_tag_added, outgoing_call, task_completed.")
            List<String> types,
            @Describe(value = "User id.", min = 1) Long createdBy,
            @Describe("Date or date-time, UTC unless an offset is given.") String from,
            @Describe("Date (the whole day) or date-time.") String to,
            @Describe(min = 1) Integer page,
            @Describe(value = "Default 50.", min = 1, max = 100) Integer limit) {
    }

    public record EventView(String id, String type, String entityType, long entityId, Long createdBy,
            Instant createdAt, String change) {
    }

    public record EventPage(List<EventView> events, int page, boolean hasMore, Integer nextPage) implements Rendered {

        @Override
        public String toText() {
            if (events.isEmpty()) {
                return "No events match.";
            }
            StringBuilder sb = new StringBuilder("Events, newest first:");
            events.forEach(e -> sb.append("\n- ").append(e.createdAt()).append(' ').append(e.entityType()).append(' ')
                    .append(e.entityId()).append(": ").append(e.type()).append(e.change() == null ? ""
                            : " (" + e.change() + ")"));
            if (hasMore) {
                sb.append("\nMore on page ").append(nextPage).append('.');
            }
            return sb.toString();
        }
    }

    @Tool(name = "events_list", title = "Change history", role = Roles.READER, readOnly = true,
            description = "Kommo's change history of given entities or the whole account, newest first; stage,"
                    + " user and field changes with names. Paged (next_page).")
    public EventPage list(ListArgs a, Caller caller) {
        List<Long> ids = a.entityIds() == null ? List.of() : a.entityIds().stream().filter(Objects::nonNull)
                .distinct().toList();
        if (!ids.isEmpty() && a.entityType() == null) {
            throw new ToolException("entity_ids needs entity_type (leads, contacts, companies or tasks).");
        }
        if (ids.size() > 10) {
            throw new ToolException("Kommo takes at most 10 entity_ids at a time; split the list.");
        }
        List<String> types = a.types() == null ? List.of() : a.types().stream().filter(Objects::nonNull)
                .map(String::strip).distinct().toList();
        for (String t : types) {
            if (!TYPES.contains(t) && !t.matches("custom_field_\\d+_value_changed")) {
                throw new ToolException("'" + t + "' is not a Kommo event type. Types: " + String.join(", ",
                        TYPES.stream().sorted().toList()) + ", or custom_field_<field id>_value_changed.");
            }
        }
        if (types.stream().anyMatch(t -> t.startsWith("custom_field_") && !t.equals("custom_field_value_changed"))
                && types.size() > 1) {
            throw new ToolException("A custom_field_<id>_value_changed type must be the only type in the request.");
        }
        Instant from = Times.parse("from", a.from(), false);
        Instant to = Times.parse("to", a.to(), true);
        if (from != null && to != null && from.isAfter(to)) {
            throw new ToolException("'from' (" + from + ") is after 'to' (" + to + ").");
        }
        int page = a.page() == null ? 1 : a.page();
        Page<Event> p = events.list(caller, new Criteria(a.entityType() == null ? null : a.entityType().singular(),
                ids.isEmpty() ? null : ids, types.isEmpty() ? null : types, a.createdBy(),
                from == null ? null : from.getEpochSecond(), to == null ? null : to.getEpochSecond(), page,
                a.limit() == null ? 50 : a.limit()));
        Names names = new Names(caller);
        return new EventPage(p.items().stream().map(e -> new EventView(e.id(), e.type(), e.entityType(),
                e.entityId(), e.createdBy(), e.createdAt() == null ? null : Instant.ofEpochSecond(e.createdAt()),
                names.change(e))).toList(), page, p.hasMore(), p.hasMore() ? page + 1 : null);
    }

    /** Turns an event's values into words, with names from the cached schema (looked up only when needed). */
    private final class Names {

        private final Caller caller;

        Names(Caller caller) {
            this.caller = caller;
        }

        String change(Event e) {
            JsonNode before = e.before().path(0);
            JsonNode after = e.after().path(0);
            return switch (e.type()) {
                case "lead_status_changed" -> stage(before.path("lead_status")) + " → "
                        + stage(after.path("lead_status"));
                case "entity_responsible_changed" -> user(before.path("responsible_user").path("id").asLong())
                        + " → " + user(after.path("responsible_user").path("id").asLong());
                case "name_field_changed" -> "\"" + before.path("name_field_value").path("name").asString("")
                        + "\" → \"" + after.path("name_field_value").path("name").asString("") + "\"";
                case "sale_field_changed" -> before.path("sale_field_value").path("sale").asString("?") + " → "
                        + after.path("sale_field_value").path("sale").asString("?");
                case "entity_tag_added" -> "tag " + after.path("tag").path("name").asString("");
                case "entity_tag_deleted" -> "tag " + before.path("tag").path("name").asString("");
                case "entity_linked" -> "linked to " + after.path("link").path("entity").path("type").asString("")
                        + " " + after.path("link").path("entity").path("id").asLong();
                case "entity_unlinked" -> "unlinked from " + after.path("unlink").path("entity").path("type")
                        .asString("") + " " + after.path("unlink").path("entity").path("id").asLong();
                case "custom_field_value_changed" -> fields(e);
                case "task_text_changed" -> "\"" + after.path("task").path("text").asString("") + "\"";
                case "task_deadline_changed" -> "due " + Instant.ofEpochSecond(after.path("task_deadline")
                        .path("timestamp").asLong());
                default -> after.has("note") ? "note " + after.path("note").path("id").asLong() : null;
            };
        }

        private String stage(JsonNode s) {
            long pipelineId = s.path("pipeline_id").asLong();
            long stageId = s.path("id").asLong();
            return metadata.pipelines(caller).stream().filter(p -> p.id() == pipelineId).findFirst()
                    .map(p -> "\"" + p.stage(stageId).map(Pipeline.Stage::name).orElse(String.valueOf(stageId))
                            + "\" (" + p.name() + ")")
                    .orElse("stage " + stageId);
        }

        private String user(long id) {
            return metadata.users(caller).stream().filter(u -> u.id() == id).findFirst().map(User::name)
                    .orElse("user " + id);
        }

        private String fields(Event e) {
            io.kommomcp.kommo.EntityType entity = switch (e.entityType()) {
                case "lead" -> io.kommomcp.kommo.EntityType.LEADS;
                case "contact" -> io.kommomcp.kommo.EntityType.CONTACTS;
                case "company" -> io.kommomcp.kommo.EntityType.COMPANIES;
                default -> null;
            };
            List<FieldDef> defs = entity == null ? List.of() : metadata.fields(caller, entity);
            List<String> parts = new ArrayList<>();
            for (JsonNode v : e.after()) {
                long fieldId = v.path("custom_field_value").path("field_id").asLong();
                String name = defs.stream().filter(d -> d.id() == fieldId).map(FieldDef::name).findFirst()
                        .orElse("field " + fieldId);
                parts.add(name + " = " + v.path("custom_field_value").path("text").asString(""));
            }
            return parts.isEmpty() ? "fields cleared" : String.join("; ", parts);
        }
    }
}
