package io.kommomcp.kommo.wire;

import tools.jackson.databind.JsonNode;

/**
 * A link between two entities (API.md §14). {@code mainContact} is Kommo's {@code metadata.main_contact} for a
 * lead-contact link (written as {@code is_main}), null for other kinds; {@code quantity} is set for catalog elements.
 */
public record Link(String entityType, long entityId, String toEntityType, long toEntityId, Boolean mainContact,
        Long quantity, Long catalogId) {

    public static Link from(JsonNode n) {
        JsonNode meta = n.path("metadata");
        return new Link(WireValues.textOrNull(n, "entity_type"), WireValues.longOr(n, "entity_id", 0),
                WireValues.textOrNull(n, "to_entity_type"), WireValues.longOr(n, "to_entity_id", 0),
                WireValues.boolOrNull(meta, "main_contact"), WireValues.longOrNull(meta, "quantity"),
                WireValues.longOrNull(meta, "catalog_id"));
    }
}
