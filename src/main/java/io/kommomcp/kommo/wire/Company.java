package io.kommomcp.kommo.wire;

import java.util.List;

import tools.jackson.databind.JsonNode;

/** A company as Kommo returns it; contacts and leads are filled only when requested with {@code with}. */
public record Company(long id, String name, Long responsibleUserId, Long createdAt, Long updatedAt,
        List<CustomFieldValue> customFields, List<Tag> tags, List<Long> contactIds, List<Long> leadIds) {

    public static Company from(JsonNode n) {
        JsonNode emb = n.path("_embedded");
        return new Company(WireValues.longOr(n, "id", 0), WireValues.textOrNull(n, "name"),
                WireValues.longOrNull(n, "responsible_user_id"), WireValues.longOrNull(n, "created_at"),
                WireValues.longOrNull(n, "updated_at"),
                WireValues.list(n.get("custom_fields_values"), CustomFieldValue::from),
                WireValues.list(emb.get("tags"), Tag::from),
                WireValues.list(emb.get("contacts"), c -> WireValues.longOr(c, "id", 0)),
                WireValues.list(emb.get("leads"), c -> WireValues.longOr(c, "id", 0)));
    }
}
