package io.kommomcp.sandbox;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.kommomcp.sandbox.EventStore.Event;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The change history (API.md §16) over {@link EventStore}: {@code GET /events} with its filters (entity, entity_id
 * with exactly one entity and at most 10 ids, type (several: any of them), created_at ({@code [from]}/{@code [to]}
 * inclusive, a single ts = from), created_by at most 10; a {@code custom_field_{ID}_value_changed} type must be the
 * only one), at most 100 per page, 204 when none. Order: newest first ({@code created_at} descending, ties newest
 * made first), which is what Kommo appears to do (API.md does not say); the order is stable, so pages do not
 * overlap while no event is added; {@code GET /events/{id}} (204 for an unknown id); {@code GET /events/types}.
 * {@code with=lead_name}, {@code contact_name} and {@code company_name} add the record's name to
 * {@code _embedded.entity}.
 */
final class EventsApi {

    private static final Pattern FIELD_TYPE = Pattern.compile("custom_field_(\\d+)_value_changed");
    /** The event types of API.md §16, in its order; {@code type} in /events/types is the position, from 1. */
    static final List<String> TYPES = List.of("lead_added", "lead_deleted", "lead_restored", "lead_status_changed",
            "lead_linked", "lead_unlinked", "contact_added", "contact_deleted", "contact_restored", "contact_linked",
            "contact_unlinked", "company_added", "company_deleted", "company_restored", "company_linked",
            "company_unlinked", "customer_added", "customer_deleted", "customer_status_changed", "customer_linked",
            "customer_unlinked", "task_added", "task_deleted", "task_completed", "task_type_changed",
            "task_text_changed", "task_deadline_changed", "task_result_added", "incoming_call", "outgoing_call",
            "incoming_chat_message", "outgoing_chat_message", "entity_direct_message", "incoming_sms", "outgoing_sms",
            "entity_tag_added", "entity_tag_deleted", "entity_linked", "entity_unlinked", "sale_field_changed",
            "name_field_changed", "ltv_field_changed", "custom_field_value_changed", "entity_responsible_changed",
            "robot_replied", "intent_identified", "nps_rate_added", "link_followed", "transaction_added",
            "common_note_added", "common_note_deleted", "attachment_note_added", "targeting_in_note_added",
            "targeting_out_note_added", "geo_note_added", "service_note_added", "site_visit_note_added",
            "message_to_cashier_note_added", "key_action_completed", "entity_merged");

    private final SandboxAccount a;

    EventsApi(SandboxAccount account) {
        this.a = account;
    }

    SandboxResponse list(SandboxRequest r) {
        List<String> entities = r.params("filter[entity]");
        List<String> ids = r.params("filter[entity_id]");
        List<String> types = r.params("filter[type]");
        List<String> createdBy = r.params("filter[created_by]");
        if (!ids.isEmpty() && entities.size() != 1) {
            return Problems.basic(400, "Bad Request", "filter[entity_id] needs exactly one filter[entity]");
        }
        if (ids.size() > 10 || createdBy.size() > 10) {
            return Problems.basic(400, "Bad Request", "At most 10 values in filter[entity_id] and filter[created_by]");
        }
        if (types.size() > 1 && types.stream().anyMatch(x -> FIELD_TYPE.matcher(x).matches())) {
            return Problems.basic(400, "Bad Request", "custom_field_{ID}_value_changed must be the only type in"
                    + " filter[type]");
        }
        if (r.param("limit") != null && r.param("limit").matches("\\d+") && Integer.parseInt(r.param("limit")) > 100) {
            return Problems.limitPerPage();
        }
        RecordQuery.Range time = RecordQuery.Range.of(r, "created_at");
        Set<String> plainTypes = new HashSet<>();
        Set<String> fieldTypes = new HashSet<>();
        for (String type : types) {
            Matcher m = FIELD_TYPE.matcher(type);
            if (m.matches()) {
                fieldTypes.add(m.group(1));
            } else {
                plainTypes.add(type);
            }
        }
        List<Event> out = new ArrayList<>();
        for (Event e : a.events.newestFirst()) {
            if ((entities.isEmpty() || entities.contains(e.entityType))
                    && (ids.isEmpty() || ids.contains(String.valueOf(e.entityId)))
                    && (types.isEmpty() || plainTypes.contains(e.type) || changesField(e, fieldTypes))
                    && (createdBy.isEmpty() || createdBy.contains(String.valueOf(e.createdBy)))
                    && (time == null || time.test(e.createdAt))) {
                out.add(e);
            }
        }
        return HalPages.list(r, "events", "events", out, e -> render(r).apply(e.render(a.events.accountId())),
                HalPages.byId("events"), false);
    }

    /** Whether an event changed one of the fields of {@code custom_field_{ID}_value_changed} filters. */
    private static boolean changesField(Event e, Set<String> fieldIds) {
        if (fieldIds.isEmpty() || !e.type.equals("custom_field_value_changed")) {
            return false;
        }
        for (JsonNode v : e.valueAfter()) {
            if (fieldIds.contains(v.path("custom_field_value").path("field_id").asString())) {
                return true;
            }
        }
        return false;
    }

    SandboxResponse get(SandboxRequest r, String id) {
        Event e = a.events.get(id);
        if (e == null) {
            return SandboxResponse.noContent();
        }
        ObjectNode out = render(r).apply(e.render(a.events.accountId()));
        out.putObject("_links").putObject("self").put("href", r.url("events/" + id) + HalPages.query(r, false));
        return SandboxResponse.ok(out);
    }

    /**
     * {@code GET /events/types}: every type with its code ({@code type}) and a label ({@code lang}). The sandbox's
     * labels are English whatever {@code language_code} asks for.
     */
    SandboxResponse types(SandboxRequest r) {
        ObjectNode doc = Problems.JSON.createObjectNode();
        doc.put("_total_items", TYPES.size());
        HalPages.self(doc, r, "events/types" + HalPages.query(r, false));
        ArrayNode items = doc.putObject("_embedded").putArray("events_types");
        for (int i = 0; i < TYPES.size(); i++) {
            String key = TYPES.get(i);
            String label = key.replace('_', ' ');
            items.addObject().put("key", key).put("type", i + 1)
                    .put("lang", label.substring(0, 1).toUpperCase(Locale.ROOT) + label.substring(1));
        }
        return SandboxResponse.ok(doc);
    }

    /** An event as shown: its entity with a link and, when {@code with} asks, the record's name. */
    private UnaryOperator<ObjectNode> render(SandboxRequest r) {
        return e -> {
            ObjectNode out = e;
            ObjectNode entity = (ObjectNode) out.path("_embedded").path("entity");
            String type = e.get("entity_type").asString();
            String path = switch (type) {
                case "lead" -> "leads";
                case "contact" -> "contacts";
                case "company" -> "companies";
                case "task" -> "tasks";
                default -> null;
            };
            if (path == null) {
                return out;
            }
            long id = e.get("entity_id").asLong();
            if (SandboxAccount.ENTITY_PATHS.contains(path) && r.with(type + "_name")) {
                ObjectNode record = a.entities(path).get(id);
                if (record != null) {
                    entity.put("name", record.get("name").asString());
                }
            }
            HalPages.self(entity, r, path + "/" + id);
            return out;
        };
    }
}
