package io.kommomcp.kommo;

import java.util.List;
import java.util.Optional;

import io.kommomcp.core.Caller;
import io.kommomcp.kommo.KommoCrm.Page;
import io.kommomcp.kommo.wire.WireValues;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import tools.jackson.databind.JsonNode;

/** The account's change history ({@code GET /api/v4/events}, API.md §16). */
@ApplicationScoped
public class KommoEvents {

    /** Kommo's events page limit (its reference says 250, the Russian docs 100: the lower one holds). */
    public static final int MAX_PAGE_SIZE = 100;

    @Inject
    KommoGateway gateway;

    /** Filters; null or empty is "any". {@code entity} is singular (lead, contact, company, task). */
    public record Criteria(String entity, List<Long> entityIds, List<String> types, Long createdBy, Long from,
            Long to, int page, int limit) {
    }

    /** One event, its values as Kommo sends them. */
    public record Event(String id, String type, String entityType, long entityId, Long createdBy, Long createdAt,
            JsonNode before, JsonNode after) {
    }

    public Page<Event> list(Caller caller, Criteria c) {
        Query q = Query.of().add("filter[entity][]", c.entity()).add("filter[created_by][]", c.createdBy())
                .add("filter[created_at][from]", c.from()).add("filter[created_at][to]", c.to())
                .add("page", c.page()).add("limit", c.limit());
        if (c.entityIds() != null) {
            q.addAll("filter[entity_id][]", c.entityIds());
        }
        if (c.types() != null) {
            q.addAll("filter[type][]", c.types());
        }
        Optional<JsonNode> doc = gateway.client(caller).get("events", q);
        List<Event> events = doc.map(d -> WireValues.embedded(d, "events", e -> new Event(
                WireValues.textOrNull(e, "id"), WireValues.textOrNull(e, "type"), WireValues.textOrNull(e,
                        "entity_type"), WireValues.longOr(e, "entity_id", 0), WireValues.longOrNull(e, "created_by"),
                WireValues.longOrNull(e, "created_at"), e.path("value_before"), e.path("value_after"))))
                .orElse(List.of());
        return new Page<>(events, c.page(), c.limit(), doc.map(WireValues::hasNext).orElse(false));
    }
}
