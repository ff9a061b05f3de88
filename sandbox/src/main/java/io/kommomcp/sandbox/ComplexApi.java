package io.kommomcp.sandbox;

import java.util.ArrayList;
import java.util.List;

import io.kommomcp.sandbox.Problems.Violation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /leads/complex} (API.md §7.1): up to 50 leads, each with at most one contact and one company, new
 * (created and linked to the lead and to each other) or existing ({@code {id}}). Answers a bare array with
 * {@code request_id} as an array. No duplicate control in the sandbox, so {@code merged} is always false.
 */
final class ComplexApi {

    private final SandboxAccount a;

    ComplexApi(SandboxAccount account) {
        this.a = account;
    }

    SandboxResponse add(SandboxRequest r) {
        SandboxBatch batch = SandboxBatch.forAdd(r, 50);
        if (batch.refusal() != null) {
            return batch.refusal();
        }
        List<Violation> violations = batch.check(this::validate);
        if (!violations.isEmpty()) {
            return Problems.validation(violations);
        }
        ArrayNode out = Problems.JSON.createArrayNode();
        for (int i = 0; i < batch.items().size(); i++) {
            JsonNode item = batch.items().get(i);
            JsonNode emb = item.path("_embedded");
            Long contactId = partyOf(emb.path("contacts"), "contacts");
            Long companyId = partyOf(emb.path("companies"), "companies");
            long leadId = a.leadWriter.create(leadOnly(item));
            if (contactId != null) {
                a.links.link("leads", leadId, "contacts", contactId, true);
            }
            if (companyId != null) {
                a.links.link("leads", leadId, "companies", companyId, false);
                if (contactId != null && LinkStore.companiesOf(a.contacts.get(contactId)).isEmpty()) {
                    a.links.link("contacts", contactId, "companies", companyId, false);
                }
            }
            ObjectNode o = out.addObject().put("id", leadId);
            if (contactId == null) {
                o.putNull("contact_id");
            } else {
                o.put("contact_id", contactId);
            }
            if (companyId == null) {
                o.putNull("company_id");
            } else {
                o.put("company_id", companyId);
            }
            o.putArray("request_id").add(batch.requestIds().get(i));
            o.put("merged", false);
        }
        return SandboxResponse.okArray(out);
    }

    private List<Violation> validate(JsonNode item, String requestId) {
        List<Violation> violations = new ArrayList<>();
        if (!item.isObject()) {
            violations.add(new Violation(requestId, "InvalidType", "", "This value should be of type object."));
            return violations;
        }
        JsonNode emb = item.path("_embedded");
        for (String kind : List.of("contacts", "companies")) {
            JsonNode list = emb.path(kind);
            if (list.size() > 1) {
                violations.add(new Violation(requestId, "InvalidType", "_embedded." + kind,
                        "This collection should contain 1 element or less."));
            } else if (list.size() == 1) {
                JsonNode one = list.get(0);
                if (isReference(one)) {
                    if (!a.entities(kind).has(one.get("id").asLong())) {
                        violations.add(LeadWriter.notAChoice(requestId, "_embedded." + kind + ".0.id"));
                    }
                } else {
                    a.partyWriter.validate(kind, one, requestId).forEach(v -> violations.add(new Violation(
                            v.requestId(), v.code(), "_embedded." + kind + ".0." + v.path(), v.detail())));
                }
            }
        }
        violations.addAll(a.leadWriter.validate(leadOnly(item), requestId, null));
        return violations;
    }

    /** The lead of a complex item: without its contact and company, with its tags. */
    private static ObjectNode leadOnly(JsonNode item) {
        ObjectNode lead = ((ObjectNode) item).deepCopy();
        JsonNode emb = lead.remove("_embedded");
        if (emb != null && emb.has("tags")) {
            lead.putObject("_embedded").set("tags", emb.get("tags"));
        }
        return lead;
    }

    private static boolean isReference(JsonNode party) {
        return party.hasNonNull("id") && party.size() == 1;
    }

    private Long partyOf(JsonNode list, String kind) {
        if (list.isEmpty()) {
            return null;
        }
        JsonNode one = list.get(0);
        return isReference(one) ? one.get("id").asLong() : a.partyWriter.create(kind, one);
    }
}
