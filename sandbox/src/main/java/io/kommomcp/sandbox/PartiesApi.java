package io.kommomcp.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import io.kommomcp.sandbox.EntityStore.Row;
import io.kommomcp.sandbox.Problems.Violation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /contacts} and {@code /companies} (API.md §8): list (the filters and orders of {@link RecordQuery},
 * filter[custom_fields_values] (see {@link CustomFieldFilter}), {@code query}
 * over names and values, phone numbers by their digits), one record (204 when none), add and update (no delete:
 * Kommo has none), and the {@code with} parts ({@code leads}; {@code contacts} of a company). The rules are
 * {@link PartyWriter}'s.
 */
final class PartiesApi {

    private final SandboxAccount a;

    PartiesApi(SandboxAccount account) {
        this.a = account;
    }

    SandboxResponse get(SandboxRequest r, String entity, long id) {
        ObjectNode c = a.entities(entity).get(id);
        return c == null ? SandboxResponse.noContent()
                : SandboxResponse.ok(HalPages.withSelf(render(entity, c, r), r, entity));
    }

    SandboxResponse list(SandboxRequest r, String entity) {
        List<Predicate<ObjectNode>> records = new ArrayList<>();
        Predicate<ObjectNode> byFields = CustomFieldFilter.of(r);
        if (byFields != null && a.apiFilterEnabled()) {
            records.add(byFields);
        }
        String q = r.param("query");
        if (q != null && !q.isBlank()) {
            String needle = SandboxAccount.fold(q.strip());
            String digits = q.replaceAll("\\D", "");
            records.add(c -> SandboxAccount.fold(c.get("name").asString()).contains(needle)
                    || SandboxAccount.fold(values(c)).contains(needle)
                    || (digits.length() >= 5 && values(c).replaceAll("\\D", "").contains(digits)));
        }
        List<Row> all = RecordQuery.select(a.entities(entity), r, List.of(), records);
        return HalPages.list(r, entity, entity, all, row -> render(entity, row.node(), r), HalPages.byId(entity),
                false);
    }

    /** Every custom field value of a record as one string, for {@code query}. */
    private static String values(ObjectNode c) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode f : c.path("custom_fields_values")) {
            for (JsonNode v : f.path("values")) {
                sb.append(v.path("value").asString("")).append(' ');
            }
        }
        return sb.toString();
    }

    private ObjectNode render(String entity, ObjectNode stored, SandboxRequest r) {
        ObjectNode c = stored.deepCopy();
        ObjectNode emb = (ObjectNode) c.get("_embedded");
        long id = c.get("id").asLong();
        for (JsonNode co : emb.path("companies")) {
            HalPages.self((ObjectNode) co, r, "companies/" + co.get("id").asLong());
        }
        if (r.with("leads")) {
            ArrayNode ls = emb.putArray("leads");
            List<Long> leadIds = entity.equals("contacts") ? new ArrayList<>(a.links.leadsOfContact(id).keySet())
                    : a.links.leadsOfCompany(id);
            for (long leadId : leadIds) {
                HalPages.self(ls.addObject().put("id", leadId), r, "leads/" + leadId);
            }
        }
        if (entity.equals("companies") && r.with("contacts")) {
            ArrayNode cs = emb.putArray("contacts");
            for (long contactId : a.links.contactsOfCompany(id)) {
                HalPages.self(cs.addObject().put("id", contactId), r, "contacts/" + contactId);
            }
        }
        return c;
    }

    SandboxResponse add(SandboxRequest r, String entity) {
        SandboxBatch batch = SandboxBatch.forAdd(r, 250);
        if (batch.refusal() != null) {
            return batch.refusal();
        }
        List<Violation> violations = batch.check((item, requestId) -> a.partyWriter.validate(entity, item,
                requestId));
        if (!violations.isEmpty()) {
            return Problems.validation(violations);
        }
        ObjectNode doc = Problems.JSON.createObjectNode();
        HalPages.self(doc, r, entity);
        ArrayNode out = doc.putObject("_embedded").putArray(entity);
        for (int i = 0; i < batch.items().size(); i++) {
            long id = a.partyWriter.create(entity, batch.items().get(i));
            HalPages.self(out.addObject().put("id", id).put("request_id", batch.requestIds().get(i)), r,
                    entity + "/" + id);
        }
        return SandboxResponse.ok(doc);
    }

    /** {@code PATCH /{e}} (an array with ids) or {@code PATCH /{e}/{id}} ({@code singleId}, one object). */
    SandboxResponse update(SandboxRequest r, String entity, Long singleId) {
        SandboxBatch batch = SandboxBatch.forUpdate(r, singleId);
        if (batch.refusal() != null) {
            return batch.refusal();
        }
        EntityStore store = a.entities(entity);
        List<Violation> violations = batch.check((item, requestId) -> store.has(item.path("id").asLong(-1))
                ? a.partyWriter.validate(entity, item, requestId)
                : List.of(LeadWriter.notAChoice(requestId, "id")));
        if (!violations.isEmpty()) {
            return Problems.validation(violations);
        }
        long now = SandboxAccount.now();
        ArrayNode out = Problems.JSON.createArrayNode();
        for (int i = 0; i < batch.items().size(); i++) {
            JsonNode item = batch.items().get(i);
            ObjectNode c = store.get(item.get("id").asLong());
            a.partyWriter.update(entity, c, item, now);
            ObjectNode o = out.addObject().put("id", c.get("id").asLong()).put("updated_at", now)
                    .put("request_id", batch.requestIds().get(i));
            HalPages.self(o, r, entity + "/" + c.get("id").asLong());
        }
        if (singleId != null) {
            ObjectNode single = (ObjectNode) out.get(0);
            single.remove("request_id");
            return SandboxResponse.ok(single);
        }
        ObjectNode doc = Problems.JSON.createObjectNode();
        HalPages.self(doc, r, entity);
        doc.putObject("_embedded").set(entity, out);
        return SandboxResponse.ok(doc);
    }
}
