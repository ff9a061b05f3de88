package io.kommomcp.sandbox;

import java.util.ArrayList;
import java.util.List;

import io.kommomcp.sandbox.Problems.Violation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The rules for writing a lead (API.md §7, §23) and carrying writes out: a new lead goes to the main pipeline's first
 * open stage unless told otherwise, a status must belong to the pipeline, moving to 142/143 sets {@code closed_at},
 * tags by name are created, given contacts and companies are linked; every change records its events and sends its
 * webhooks ({@link WebhookTriggers}). Used by the
 * leads API, complex add, incoming leads and the seed.
 */
final class LeadWriter {

    private final SandboxAccount a;

    LeadWriter(SandboxAccount account) {
        this.a = account;
    }

    /** Creates a lead from a (validated) add item; returns its id. */
    long create(JsonNode item) {
        long id = a.newId();
        long now = SandboxAccount.now();
        long user = a.users.current();
        long pipelineId = item.hasNonNull("pipeline_id") ? item.get("pipeline_id").asLong()
                : a.pipelines.main().get("id").asLong();
        long statusId = item.hasNonNull("status_id") ? item.get("status_id").asLong()
                : a.pipelines.firstOpenStatus(pipelineId);
        ObjectNode l = Problems.JSON.createObjectNode();
        l.put("id", id).put("name", item.hasNonNull("name") ? item.get("name").asString() : "Lead #" + id)
                .put("price", item.hasNonNull("price") ? item.get("price").asLong() : 0)
                .put("responsible_user_id", item.hasNonNull("responsible_user_id")
                        ? item.get("responsible_user_id").asLong() : user)
                .put("group_id", 0).put("status_id", statusId).put("pipeline_id", pipelineId)
                .putNull("loss_reason_id").put("created_by", author(item, "created_by", user))
                .put("updated_by", author(item, "updated_by", user))
                .put("created_at", item.hasNonNull("created_at") ? item.get("created_at").asLong() : now)
                .put("updated_at", now);
        if (statusId == PipelineStore.WON || statusId == PipelineStore.LOST) {
            l.put("closed_at", now);
        } else {
            l.putNull("closed_at");
        }
        l.putNull("closest_task_at").put("is_deleted", false);
        a.values.set(l, item.get("custom_fields_values"), "leads");
        l.putNull("score").put("account_id", a.accountId).putNull("labor_cost");
        ObjectNode emb = l.putObject("_embedded");
        emb.putArray("tags");
        emb.putArray("companies");
        for (JsonNode t : item.path("_embedded").path("tags")) {
            a.tags.addTo(l, t, "leads");
        }
        for (JsonNode c : item.path("_embedded").path("contacts")) {
            a.links.attachContact(id, c.get("id").asLong(), c.path("is_main").asBoolean(false));
        }
        for (JsonNode c : item.path("_embedded").path("companies")) {
            LinkStore.addCompany(l, c.get("id").asLong());
        }
        a.leads.put(l);
        a.events.add("lead_added", "lead", id, null, null);
        a.hooks.added("leads", l);
        return id;
    }

    /** The violations of an add item ({@code existing} null) or an update of {@code existing}. */
    List<Violation> validate(JsonNode item, String requestId, ObjectNode existing) {
        List<Violation> v = new ArrayList<>();
        if (!item.isObject()) {
            v.add(new Violation(requestId, "InvalidType", "", "This value should be of type object."));
            return v;
        }
        if (item.has("name") && !item.get("name").isString()) {
            v.add(new Violation(requestId, "InvalidType", "name", "This value should be of type string."));
        }
        if (item.has("price") && (!item.get("price").isIntegralNumber() || item.get("price").asLong() < 0)) {
            v.add(new Violation(requestId, "InvalidType", "price", "This value should be of type int."));
        }
        if (item.hasNonNull("responsible_user_id") && !a.users.has(item.get("responsible_user_id").asLong())) {
            v.add(notAChoice(requestId, "responsible_user_id"));
        }
        a.users.unknownAuthors(item).forEach(key -> v.add(notAChoice(requestId, key)));
        Long pipelineId = null;
        if (item.hasNonNull("pipeline_id")) {
            pipelineId = item.get("pipeline_id").asLong();
        } else if (existing != null) {
            pipelineId = existing.get("pipeline_id").asLong();
        }
        if (item.hasNonNull("pipeline_id") && !a.pipelines.has(pipelineId)) {
            v.add(notAChoice(requestId, "pipeline_id"));
        } else if (item.hasNonNull("status_id")) {
            long sid = item.get("status_id").asLong();
            long pid = pipelineId != null ? pipelineId : a.pipelines.main().get("id").asLong();
            if (!a.pipelines.statusInPipeline(pid, sid)) {
                v.add(notAChoice(requestId, "status_id"));
            }
        } else if (existing != null && item.hasNonNull("pipeline_id")
                && item.get("pipeline_id").asLong() != existing.get("pipeline_id").asLong()) {
            v.add(new Violation(requestId, "FieldMissing", "status_id", "This field is missing."));
        }
        if (item.hasNonNull("loss_reason_id") && !a.lossReasons.has(item.get("loss_reason_id").asLong())) {
            v.add(notAChoice(requestId, "loss_reason_id"));
        }
        v.addAll(a.values.validate(requestId, item.get("custom_fields_values"), "leads"));
        for (JsonNode c : item.path("_embedded").path("contacts")) {
            if (!a.contacts.has(c.path("id").asLong(-1))) {
                v.add(notAChoice(requestId, "_embedded.contacts.0.id"));
            }
        }
        return v;
    }

    static Violation notAChoice(String requestId, String path) {
        return new Violation(requestId, "NotSupportedChoice", path, "The value you selected is not a valid choice.");
    }

    /** Applies a (validated) update item to a lead (a copy from the store), stores it, records what changed. */
    void update(ObjectNode l, JsonNode item, long now) {
        ObjectNode before = l.deepCopy();
        if (item.hasNonNull("name")) {
            l.put("name", item.get("name").asString());
        }
        if (item.hasNonNull("price")) {
            l.put("price", item.get("price").asLong());
        }
        if (item.hasNonNull("responsible_user_id")) {
            l.put("responsible_user_id", item.get("responsible_user_id").asLong());
        }
        if (item.hasNonNull("pipeline_id")) {
            l.put("pipeline_id", item.get("pipeline_id").asLong());
        }
        if (item.hasNonNull("status_id")) {
            long sid = item.get("status_id").asLong();
            l.put("status_id", sid);
            if (sid == PipelineStore.WON || sid == PipelineStore.LOST) {
                l.put("closed_at", now);
            } else {
                l.putNull("closed_at");
                l.putNull("loss_reason_id");
            }
        }
        if (item.hasNonNull("loss_reason_id")) {
            l.put("loss_reason_id", item.get("loss_reason_id").asLong());
        }
        if (item.has("custom_fields_values")) {
            a.values.set(l, item.get("custom_fields_values"), "leads");
        }
        if (item.path("_embedded").has("tags")) {
            a.tags.replaceOn(l, item.path("_embedded").path("tags"), "leads");
        }
        item.path("tags_to_add").forEach(t -> a.tags.addTo(l, t, "leads"));
        item.path("tags_to_delete").forEach(t -> TagStore.removeFrom(l, t));
        l.put("updated_at", now).put("updated_by", author(item, "updated_by", a.users.current()));
        a.leads.put(l);
        a.events.changed("lead", before, l);
        a.hooks.changed("leads", before, l);
    }

    /** The author a write names ({@code created_by}, {@code updated_by}; validated), else {@code otherwise}. */
    static long author(JsonNode item, String key, long otherwise) {
        return item.hasNonNull(key) ? item.get(key).asLong() : otherwise;
    }
}
