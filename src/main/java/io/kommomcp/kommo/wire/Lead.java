package io.kommomcp.kommo.wire;

import java.util.List;

import tools.jackson.databind.JsonNode;

/**
 * A lead as Kommo returns it; {@code contacts} is filled only when requested with {@code with=contacts}, and
 * {@code sourceId} only with {@code with=source_id}.
 */
public record Lead(long id, String name, Long price, Long responsibleUserId, Long groupId, Long statusId,
        Long pipelineId, Long lossReasonId, Long createdBy, Long updatedBy, Long createdAt, Long updatedAt,
        Long closedAt, Long closestTaskAt, Boolean isDeleted, Long accountId, List<CustomFieldValue> customFields,
        List<Tag> tags, List<ContactLink> contacts, List<Long> companyIds, List<LossReason> lossReasons,
        Long sourceId) {

    /** A contact linked to a lead. */
    public record ContactLink(long id, Boolean isMain) {

        static ContactLink from(JsonNode n) {
            return new ContactLink(WireValues.longOr(n, "id", 0), WireValues.boolOrNull(n, "is_main"));
        }
    }

    /** {@code _embedded.loss_reason}: documented as an object, seen as an array. */
    public record LossReason(long id, String name) {

        static LossReason from(JsonNode n) {
            return new LossReason(WireValues.longOr(n, "id", 0), WireValues.textOrNull(n, "name"));
        }
    }

    public static Lead from(JsonNode n) {
        JsonNode emb = n.path("_embedded");
        return new Lead(WireValues.longOr(n, "id", 0), WireValues.textOrNull(n, "name"),
                WireValues.longOrNull(n, "price"), WireValues.longOrNull(n, "responsible_user_id"),
                WireValues.longOrNull(n, "group_id"), WireValues.longOrNull(n, "status_id"),
                WireValues.longOrNull(n, "pipeline_id"), WireValues.longOrNull(n, "loss_reason_id"),
                WireValues.longOrNull(n, "created_by"), WireValues.longOrNull(n, "updated_by"),
                WireValues.longOrNull(n, "created_at"), WireValues.longOrNull(n, "updated_at"),
                WireValues.longOrNull(n, "closed_at"), WireValues.longOrNull(n, "closest_task_at"),
                WireValues.boolOrNull(n, "is_deleted"), WireValues.longOrNull(n, "account_id"),
                WireValues.list(n.get("custom_fields_values"), CustomFieldValue::from),
                WireValues.list(emb.get("tags"), Tag::from),
                WireValues.list(emb.get("contacts"), ContactLink::from),
                WireValues.list(emb.get("companies"), c -> WireValues.longOr(c, "id", 0)),
                WireValues.list(emb.get("loss_reason"), LossReason::from), WireValues.longOrNull(n, "source_id"));
    }
}
