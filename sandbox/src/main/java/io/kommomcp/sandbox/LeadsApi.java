package io.kommomcp.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import io.kommomcp.sandbox.EntityStore.Row;
import io.kommomcp.sandbox.Problems.Violation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /leads} and {@code /leads/{id}} (API.md §7): the list with {@code query}, Kommo's filters (custom field
 * values: {@link CustomFieldFilter}) and order, one
 * lead (204 when there is none), add and update (all-or-nothing validation, {@code errors} by id for a loss reason on
 * a lead that is not lost), and the {@code with} parts of a lead. The rules themselves are {@link LeadWriter}'s.
 */
final class LeadsApi {

    private final SandboxAccount a;

    LeadsApi(SandboxAccount account) {
        this.a = account;
    }

    SandboxResponse list(SandboxRequest r) {
        return HalPages.list(r, "leads", "leads", filtered(r), row -> render(row.node(), r, "leads/" + row.id()),
                HalPages.byId("leads"), false);
    }

    SandboxResponse get(SandboxRequest r, long id) {
        ObjectNode l = a.leads.get(id);
        return l == null ? SandboxResponse.noContent() : SandboxResponse.ok(render(l, r, "leads/" + id));
    }

    /** The leads the query selects, in its order ({@link RecordQuery} has the filters all records share). */
    private List<Row> filtered(SandboxRequest r) {
        List<Predicate<Row>> rows = new ArrayList<>();
        List<String> pipelineIds = r.params("filter[pipeline_id]");
        if (!pipelineIds.isEmpty()) {
            rows.add(l -> pipelineIds.contains(String.valueOf(l.pipelineId())));
        }
        List<long[]> stages = new ArrayList<>();
        for (int i = 0; r.param("filter[statuses][" + i + "][pipeline_id]") != null; i++) {
            Long p = SandboxAccount.id(r.param("filter[statuses][" + i + "][pipeline_id]"));
            Long s = SandboxAccount.id(r.param("filter[statuses][" + i + "][status_id]"));
            stages.add(new long[] {p == null ? -1 : p, s == null ? -1 : s});
        }
        if (!stages.isEmpty()) {
            rows.add(l -> stages.stream().anyMatch(st -> st[0] == l.pipelineId() && st[1] == l.statusId()));
        }
        List<Predicate<ObjectNode>> records = new ArrayList<>();
        String q = r.param("query");
        if (q != null && !q.isBlank()) {
            String needle = SandboxAccount.fold(q);
            records.add(l -> SandboxAccount.fold(l.get("name").asString()).contains(needle)
                    || SandboxAccount.fold(l.path("custom_fields_values").toString()).contains(needle));
        }
        Predicate<ObjectNode> byFields = CustomFieldFilter.of(r);
        if (byFields != null && a.apiFilterEnabled()) {
            records.add(byFields);
        }
        return RecordQuery.select(a.leads, r, rows, records);
    }

    /**
     * A lead as Kommo shows it (API.md §7, sample lead_get_with_all__ogi4i.json): companies with links; contacts,
     * loss reason, products ({@code catalog_elements}), {@code source_id} and {@code is_price_modified_by_robot} only
     * when {@code with} asks. The sandbox has no sources, so {@code source_id} is null, and no robots.
     */
    ObjectNode render(ObjectNode stored, SandboxRequest r, String selfPath) {
        ObjectNode l = stored.deepCopy();
        if (r.with("source_id")) {
            l = insertAfter(l, "loss_reason_id", "source_id", Problems.JSON.nullNode());
        }
        if (r.with("is_price_modified_by_robot")) {
            l = insertAfter(l, "account_id", "is_price_modified_by_robot", Problems.JSON.booleanNode(false));
        }
        ObjectNode emb = (ObjectNode) l.get("_embedded");
        if (r.with("catalog_elements")) {
            ArrayNode products = emb.putArray("catalog_elements");
            a.catalogs.ofLead(l.get("id").asLong()).forEach((elementId, metadata) -> products.addObject()
                    .put("id", elementId).set("metadata", metadata.deepCopy()));
        }
        if (r.with("contacts")) {
            ArrayNode cs = emb.putArray("contacts");
            a.links.contactsOf(l.get("id").asLong()).forEach((cid, main) -> {
                ObjectNode c = cs.addObject().put("id", cid).put("is_main", main);
                HalPages.self(c, r, "contacts/" + cid);
            });
        }
        if (r.with("loss_reason") && !l.get("loss_reason_id").isNull()) {
            ObjectNode reason = a.lossReasons.get(l.get("loss_reason_id").asLong());
            if (reason != null) {
                emb.putArray("loss_reason").add(AccountApi.lossReason(reason, r));
            }
        }
        for (JsonNode c : emb.path("companies")) {
            HalPages.self((ObjectNode) c, r, "companies/" + c.get("id").asLong());
        }
        l.putObject("_links").putObject("self").put("href", r.url(selfPath) + HalPages.query(r, false));
        return l;
    }

    /** A copy of {@code o} with {@code key} right after {@code after}, where Kommo puts it. */
    private static ObjectNode insertAfter(ObjectNode o, String after, String key, JsonNode value) {
        ObjectNode out = Problems.JSON.createObjectNode();
        o.properties().forEach(e -> {
            out.set(e.getKey(), e.getValue());
            if (e.getKey().equals(after)) {
                out.set(key, value);
            }
        });
        return out;
    }

    SandboxResponse add(SandboxRequest r) {
        SandboxBatch batch = SandboxBatch.forAdd(r, 250);
        if (batch.refusal() != null) {
            return batch.refusal();
        }
        List<Violation> violations = batch.check((item, requestId) -> a.leadWriter.validate(item, requestId, null));
        if (!violations.isEmpty()) {
            return Problems.validation(violations);
        }
        ObjectNode doc = Problems.JSON.createObjectNode();
        HalPages.self(doc, r, "leads");
        ArrayNode out = doc.putObject("_embedded").putArray("leads");
        for (int i = 0; i < batch.items().size(); i++) {
            long id = a.leadWriter.create(batch.items().get(i));
            ObjectNode item = out.addObject().put("id", id).put("request_id", batch.requestIds().get(i));
            HalPages.self(item, r, "leads/" + id);
        }
        return SandboxResponse.ok(doc);
    }

    /**
     * {@code PATCH /leads} (an array with ids) or {@code PATCH /leads/{id}} ({@code singleId}, one object). Each
     * updated lead is answered {@code {id, updated_at, request_id, _links}}, the single one too (its
     * {@code request_id} the one sent, else "0").
     */
    SandboxResponse update(SandboxRequest r, Long singleId) {
        SandboxBatch batch = SandboxBatch.forUpdate(r, singleId);
        if (batch.refusal() != null) {
            return batch.refusal();
        }
        List<JsonNode> items = batch.items();
        List<Violation> violations = new ArrayList<>();
        Map<String, String> byId = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            String requestId = batch.requestIds().get(i);
            ObjectNode existing = a.leads.get(item.path("id").asLong(-1));
            if (existing == null) {
                violations.add(LeadWriter.notAChoice(requestId, "id"));
                continue;
            }
            violations.addAll(a.leadWriter.validate(item, requestId, existing));
            long finalStatus = item.hasNonNull("status_id") ? item.get("status_id").asLong()
                    : existing.get("status_id").asLong();
            if (item.hasNonNull("loss_reason_id") && finalStatus != PipelineStore.LOST) {
                byId.put(String.valueOf(existing.get("id").asLong()), "Loss reason can be specified only for lost"
                        + " lead");
            }
        }
        if (!violations.isEmpty()) {
            return Problems.validation(violations);
        }
        if (!byId.isEmpty()) {
            return Problems.errorsById(byId);
        }
        long now = SandboxAccount.now();
        ArrayNode out = Problems.JSON.createArrayNode();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            ObjectNode l = a.leads.get(item.get("id").asLong());
            a.leadWriter.update(l, item, now);
            ObjectNode o = out.addObject().put("id", l.get("id").asLong()).put("updated_at", now)
                    .put("request_id", batch.requestIds().get(i));
            HalPages.self(o, r, "leads/" + l.get("id").asLong());
        }
        if (singleId != null) { // {id, updated_at, request_id, _links}: sample lead_update_one_response__docs_via_ogi4i
            return SandboxResponse.ok(out.get(0));
        }
        ObjectNode doc = Problems.JSON.createObjectNode();
        HalPages.self(doc, r, "leads");
        doc.putObject("_embedded").set("leads", out);
        return SandboxResponse.ok(doc);
    }
}
