package io.kommomcp.sandbox;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

import io.kommomcp.sandbox.Problems.Violation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Incoming leads ("Unsorted", API.md §7.2) over {@link UnsortedStore}: {@code GET /leads/unsorted} (filter[uid],
 * filter[category], filter[pipeline_id], order[created_at|updated_at]; 204 when none, §22.1), {@code /{uid}},
 * {@code /summary}; {@code POST /leads/unsorted/forms} and {@code /sip} (an array; each makes a lead in the pipeline's
 * unsorted stage, and the contact and company that came with it, the contact {@code is_unsorted}; the pipeline must
 * have unsorted on); {@code POST /{uid}/accept} ({@code {user_id?, status_id?}}: the lead moves to that stage or the
 * first open one) and {@code DELETE /{uid}/decline} ({@code {user_id?}}: the lead, and the contact and company that
 * came with it, are deleted). Linking a chat ({@code /{uid}/link}) is not emulated.
 */
final class UnsortedApi {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final List<String> CATEGORIES = List.of("sip", "mail", "forms", "chats");

    private final SandboxAccount a;

    UnsortedApi(SandboxAccount account) {
        this.a = account;
    }

    SandboxResponse list(SandboxRequest r) {
        List<ObjectNode> all = a.unsorted.all();
        List<String> uids = r.params("filter[uid]");
        List<String> categories = r.params("filter[category]");
        List<String> pipelines = r.params("filter[pipeline_id]");
        all.removeIf(u -> (!uids.isEmpty() && !uids.contains(u.get("uid").asString()))
                || (!categories.isEmpty() && !categories.contains(u.get("category").asString()))
                || (!pipelines.isEmpty() && !pipelines.contains(u.get("pipeline_id").asString())));
        String key = r.param("order[updated_at]") != null ? "updated_at" : "created_at";
        Comparator<ObjectNode> order = Comparator.comparingLong(u -> u.path(key).asLong());
        all.sort("asc".equalsIgnoreCase(r.param("order[" + key + "]")) ? order : order.reversed());
        return HalPages.list(r, "unsorted", "leads/unsorted", all, u -> render(u, r),
                u -> "leads/unsorted/" + u.get("uid").asString(), true);
    }

    SandboxResponse get(SandboxRequest r, String uid) {
        ObjectNode u = a.unsorted.get(uid);
        return u == null ? SandboxResponse.noContent() : SandboxResponse.ok(HalPages.self(render(u, r), r,
                "leads/unsorted/" + uid));
    }

    SandboxResponse summary(SandboxRequest r) {
        ObjectNode s = Problems.JSON.createObjectNode();
        s.put("total", a.unsorted.made()).put("accepted", a.unsorted.accepted())
                .put("declined", a.unsorted.declined()).put("average_sort_time", a.unsorted.averageSortSeconds());
        ObjectNode categories = s.putObject("categories");
        CATEGORIES.forEach(c -> categories.put(c, a.unsorted.all().stream()
                .filter(u -> u.get("category").asString().equals(c)).count()));
        return SandboxResponse.ok(HalPages.self(s, r, "leads/unsorted/summary"));
    }

    private ObjectNode render(ObjectNode u, SandboxRequest r) {
        ObjectNode out = u.deepCopy();
        ObjectNode emb = (ObjectNode) out.get("_embedded");
        for (String kind : List.of("leads", "contacts", "companies")) {
            emb.path(kind).forEach(e -> HalPages.self((ObjectNode) e, r, kind + "/" + e.get("id").asLong()));
        }
        return out;
    }

    // ---------------------------------------------------------------- add

    /** {@code POST /leads/unsorted/forms} or {@code /sip} ({@code category}). */
    SandboxResponse add(SandboxRequest r, String category) {
        SandboxBatch batch = SandboxBatch.forAdd(r, 250);
        if (batch.refusal() != null) {
            return batch.refusal();
        }
        List<Violation> violations = batch.check(this::validate);
        if (!violations.isEmpty()) {
            return Problems.validation(violations);
        }
        ObjectNode doc = Problems.JSON.createObjectNode();
        doc.put("_total_items", batch.items().size());
        ArrayNode out = doc.putObject("_embedded").putArray("unsorted");
        for (int i = 0; i < batch.items().size(); i++) {
            ObjectNode made = create(batch.items().get(i), category);
            ObjectNode item = out.addObject().put("uid", made.get("uid").asString()).put("account_id", a.accountId)
                    .put("request_id", batch.requestIds().get(i));
            item.set("_embedded", made.get("_embedded").deepCopy());
        }
        return SandboxResponse.ok(doc);
    }

    private List<Violation> validate(JsonNode item, String requestId) {
        List<Violation> v = new ArrayList<>();
        if (!item.isObject()) {
            v.add(new Violation(requestId, "InvalidType", "", "This value should be of type object."));
            return v;
        }
        for (String key : List.of("source_uid", "source_name")) {
            if (item.path(key).asString("").isBlank()) {
                v.add(new Violation(requestId, "FieldMissing", key, "This field is missing."));
            }
        }
        if (!item.path("metadata").isObject()) {
            v.add(new Violation(requestId, "FieldMissing", "metadata", "This field is missing."));
        }
        if (item.hasNonNull("pipeline_id") && (!a.pipelines.has(item.get("pipeline_id").asLong())
                || !a.pipelines.get(item.get("pipeline_id").asLong()).path("is_unsorted_on").asBoolean())) {
            v.add(LeadWriter.notAChoice(requestId, "pipeline_id"));
        } else if (!item.hasNonNull("pipeline_id") && !a.pipelines.main().path("is_unsorted_on").asBoolean()) {
            v.add(LeadWriter.notAChoice(requestId, "pipeline_id"));
        }
        JsonNode emb = item.path("_embedded");
        for (String kind : List.of("leads", "contacts", "companies")) {
            JsonNode list = emb.path(kind);
            if (list.size() > 1) {
                v.add(new Violation(requestId, "Count", "_embedded." + kind,
                        "This collection should contain 1 element or less."));
            } else if (list.size() == 1) {
                JsonNode one = list.get(0);
                List<Violation> inner = kind.equals("leads") ? a.leadWriter.validate(leadOf(one), requestId, null)
                        : a.partyWriter.validate(kind, one, requestId);
                inner.forEach(x -> v.add(new Violation(x.requestId(), x.code(), "_embedded." + kind + ".0."
                        + x.path(), x.detail())));
            }
        }
        return v;
    }

    /** The lead of an incoming item: what was sent, without stage or pipeline (the unsorted stage is given). */
    private static ObjectNode leadOf(JsonNode given) {
        ObjectNode lead = given.isObject() ? ((ObjectNode) given).deepCopy() : Problems.JSON.createObjectNode();
        lead.remove("status_id");
        lead.remove("pipeline_id");
        lead.remove("_embedded");
        if (given.path("_embedded").has("tags")) {
            lead.putObject("_embedded").set("tags", given.path("_embedded").get("tags"));
        }
        return lead;
    }

    private ObjectNode create(JsonNode item, String category) {
        long now = SandboxAccount.now();
        long pipelineId = item.hasNonNull("pipeline_id") ? item.get("pipeline_id").asLong()
                : a.pipelines.main().get("id").asLong();
        long createdAt = item.path("created_at").isIntegralNumber() ? item.get("created_at").asLong() : now;
        JsonNode emb = item.path("_embedded");
        ObjectNode lead = leadOf(emb.path("leads").path(0));
        lead.put("pipeline_id", pipelineId).put("status_id", unsortedStage(pipelineId)).put("created_at", createdAt);
        long leadId = a.leadWriter.create(lead);
        Long contactId = null;
        if (emb.path("contacts").size() == 1) {
            contactId = a.partyWriter.create("contacts", emb.path("contacts").get(0));
            ObjectNode contact = a.contacts.get(contactId);
            a.contacts.put(contact.put("is_unsorted", true));
            a.links.link("leads", leadId, "contacts", contactId, true);
        }
        Long companyId = null;
        if (emb.path("companies").size() == 1) {
            companyId = a.partyWriter.create("companies", emb.path("companies").get(0));
            a.links.link("leads", leadId, "companies", companyId, false);
            if (contactId != null) {
                a.links.link("contacts", contactId, "companies", companyId, false);
            }
        }
        ObjectNode u = Problems.JSON.createObjectNode();
        u.put("uid", uid()).put("source_uid", item.get("source_uid").asString())
                .put("source_name", item.get("source_name").asString()).put("category", category)
                .put("pipeline_id", pipelineId).put("created_at", createdAt).put("updated_at", now);
        u.set("metadata", item.get("metadata").deepCopy());
        u.put("account_id", a.accountId);
        ObjectNode ue = u.putObject("_embedded");
        ue.putArray("leads").addObject().put("id", leadId);
        ArrayNode contacts = ue.putArray("contacts");
        if (contactId != null) {
            contacts.addObject().put("id", contactId);
        }
        ArrayNode companies = ue.putArray("companies");
        if (companyId != null) {
            companies.addObject().put("id", companyId);
        }
        a.unsorted.add(u);
        return u;
    }

    private long unsortedStage(long pipelineId) {
        return a.pipelines.statuses(pipelineId).stream().filter(s -> s.get("type").asInt() == 1).findFirst()
                .orElseThrow().get("id").asLong();
    }

    private static String uid() {
        byte[] b = new byte[30];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    // ---------------------------------------------------------------- accept and decline

    /** {@code POST /leads/unsorted/{uid}/accept}: {@code {user_id?, status_id?}}. */
    SandboxResponse accept(SandboxRequest r, String uid) {
        ObjectNode u = a.unsorted.get(uid);
        if (u == null) {
            return notFound();
        }
        JsonNode body = r.bodyEmpty() ? Problems.JSON.createObjectNode() : r.body();
        long pipelineId = u.get("pipeline_id").asLong();
        List<Violation> v = userViolations(body);
        if (body.hasNonNull("status_id") && (!a.pipelines.statusInPipeline(pipelineId, body.get("status_id").asLong())
                || a.pipelines.statusType(pipelineId, body.get("status_id").asLong()) == 1)) {
            v.add(LeadWriter.notAChoice("0", "status_id"));
        }
        if (!v.isEmpty()) {
            return Problems.validation(v);
        }
        long now = SandboxAccount.now();
        long leadId = u.path("_embedded").path("leads").get(0).get("id").asLong();
        ObjectNode change = Problems.JSON.createObjectNode().put("status_id", body.hasNonNull("status_id")
                ? body.get("status_id").asLong() : a.pipelines.firstOpenStatus(pipelineId));
        a.leadWriter.update(a.leads.get(leadId), change, now);
        for (JsonNode c : u.path("_embedded").path("contacts")) {
            ObjectNode contact = a.contacts.get(c.get("id").asLong());
            if (contact != null) {
                a.contacts.put(contact.put("is_unsorted", false).put("updated_at", now));
            }
        }
        a.unsorted.sorted(uid, true, now);
        return SandboxResponse.ok(answer(u, r));
    }

    /** {@code DELETE /leads/unsorted/{uid}/decline}: {@code {user_id?}}. */
    SandboxResponse decline(SandboxRequest r, String uid) {
        ObjectNode u = a.unsorted.get(uid);
        if (u == null) {
            return notFound();
        }
        List<Violation> v = userViolations(r.bodyEmpty() ? Problems.JSON.createObjectNode() : r.body());
        if (!v.isEmpty()) {
            return Problems.validation(v);
        }
        JsonNode emb = u.path("_embedded");
        for (String kind : List.of("leads", "contacts", "companies")) {
            for (JsonNode x : emb.path(kind)) {
                long id = x.get("id").asLong();
                ObjectNode gone = a.entities(kind).get(id);
                if (gone == null) {
                    continue;
                }
                a.entities(kind).remove(id);
                if (kind.equals("leads")) {
                    a.links.forgetLead(id);
                } else if (kind.equals("contacts")) {
                    a.links.forgetContact(id);
                }
                a.events.add(SandboxAccount.singular(kind) + "_deleted", SandboxAccount.singular(kind), id, null,
                        null);
                a.hooks.deleted(kind, gone);
            }
        }
        a.unsorted.sorted(uid, false, SandboxAccount.now());
        return SandboxResponse.ok(answer(u, r));
    }

    private List<Violation> userViolations(JsonNode body) {
        List<Violation> v = new ArrayList<>();
        if (body.hasNonNull("user_id") && !a.users.has(body.get("user_id").asLong())) {
            v.add(LeadWriter.notAChoice("0", "user_id"));
        }
        return v;
    }

    /** The answer to accept and decline: the item's uid and what it held. */
    private ObjectNode answer(ObjectNode u, SandboxRequest r) {
        ObjectNode out = Problems.JSON.createObjectNode();
        out.put("uid", u.get("uid").asString()).put("account_id", a.accountId);
        out.set("_embedded", u.get("_embedded").deepCopy());
        return HalPages.self(out, r, "leads/unsorted/" + u.get("uid").asString());
    }

    private static SandboxResponse notFound() {
        return Problems.notFound("Unsorted not found");
    }
}
