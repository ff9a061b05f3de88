package io.kommomcp.kommo.wire;

import java.util.List;

import tools.jackson.databind.JsonNode;

public record Contact(long id, String name, String firstName, String lastName, Long responsibleUserId,
        Long createdAt, Long updatedAt, List<CustomFieldValue> customFields, List<Tag> tags, List<Long> companyIds,
        List<Long> leadIds) {

    public static Contact from(JsonNode n) {
        JsonNode emb = n.path("_embedded");
        return new Contact(WireValues.longOr(n, "id", 0), WireValues.textOrNull(n, "name"),
                WireValues.textOrNull(n, "first_name"), WireValues.textOrNull(n, "last_name"),
                WireValues.longOrNull(n, "responsible_user_id"), WireValues.longOrNull(n, "created_at"),
                WireValues.longOrNull(n, "updated_at"),
                WireValues.list(n.get("custom_fields_values"), CustomFieldValue::from),
                WireValues.list(emb.get("tags"), Tag::from),
                WireValues.list(emb.get("companies"), c -> WireValues.longOr(c, "id", 0)),
                WireValues.list(emb.get("leads"), c -> WireValues.longOr(c, "id", 0)));
    }
}
