package io.kommomcp.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.kommomcp.sandbox.Problems.Violation;
import io.kommomcp.sandbox.SandboxAccount.Request;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Contacts, companies and the links between entities, for one {@link SandboxAccount} (API.md §8, §14): list, get,
 * add and update (no delete: Kommo has none), and link/unlink with Kommo's answers (200 with the links, 204 on
 * unlink, 500 for a pair that is already linked). Called under the account's lock.
 */
final class SandboxParties {

    private final SandboxAccount a;

    SandboxParties(SandboxAccount account) {
        this.a = account;
    }

    private TreeMap<Long, ObjectNode> store(String entity) {
        return entity.equals("contacts") ? a.contacts : a.companies;
    }

    // ---------------------------------------------------------------- contacts and companies

    SandboxResponse route(Request r, String[] p, String entity) {
        String m = r.method();
        if (p.length == 1) {
            return switch (m) {
                case "GET" -> list(r, entity);
                case "POST" -> add(r, entity);
                case "PATCH" -> update(r, entity, null);
                default -> Problems.methodNotAllowed();
            };
        }
        Long id = SandboxAccount.id(p[1]);
        if (id == null || p.length > 2) {
            return null;
        }
        return switch (m) {
            case "GET" -> {
                ObjectNode c = store(entity).get(id);
                yield c == null ? SandboxResponse.noContent()
                        : SandboxResponse.ok(a.withSelf(render(entity, c, r), r, entity));
            }
            case "PATCH" -> update(r, entity, id);
            default -> Problems.methodNotAllowed();
        };
    }

    private SandboxResponse list(Request r, String entity) {
        List<ObjectNode> all = new ArrayList<>(store(entity).descendingMap().values());
        List<String> ids = r.params("filter[id]");
        if (!ids.isEmpty()) {
            all.removeIf(c -> !ids.contains(c.get("id").asString()));
        }
        List<String> responsible = r.params("filter[responsible_user_id]");
        if (!responsible.isEmpty()) {
            all.removeIf(c -> !responsible.contains(c.get("responsible_user_id").asString()));
        }
        String q = r.param("query");
        if (q != null && !q.isBlank()) {
            String needle = SandboxAccount.fold(q.strip());
            String digits = q.replaceAll("\\D", "");
            all.removeIf(c -> !SandboxAccount.fold(c.get("name").asString()).contains(needle)
                    && !SandboxAccount.fold(values(c)).contains(needle)
                    && !(digits.length() >= 5 && values(c).replaceAll("\\D", "").contains(digits)));
        }
        return a.list(r, entity, entity, all, c -> render(entity, c, r), false);
    }

    /** Every custom field value of an entity as one string, for {@code query}. */
    private static String values(ObjectNode c) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode f : c.path("custom_fields_values")) {
            for (JsonNode v : f.path("values")) {
                sb.append(v.path("value").asString("")).append(' ');
            }
        }
        return sb.toString();
    }

    ObjectNode render(String entity, ObjectNode stored, Request r) {
        ObjectNode c = stored.deepCopy();
        ObjectNode emb = (ObjectNode) c.get("_embedded");
        long id = c.get("id").asLong();
        for (JsonNode co : emb.path("companies")) {
            ((ObjectNode) co).putObject("_links").putObject("self").put("href",
                    r.base() + "/api/v4/companies/" + co.get("id").asLong());
        }
        if (r.with("leads")) {
            ArrayNode ls = emb.putArray("leads");
            for (long leadId : leadsOf(entity, id)) {
                ls.addObject().put("id", leadId).putObject("_links").putObject("self")
                        .put("href", r.base() + "/api/v4/leads/" + leadId);
            }
        }
        if (entity.equals("companies") && r.with("contacts")) {
            ArrayNode cs = emb.putArray("contacts");
            for (long contactId : contactsOfCompany(id)) {
                cs.addObject().put("id", contactId).putObject("_links").putObject("self")
                        .put("href", r.base() + "/api/v4/contacts/" + contactId);
            }
        }
        return c;
    }

    private List<Long> leadsOf(String entity, long id) {
        List<Long> out = new ArrayList<>();
        if (entity.equals("contacts")) {
            a.leadContacts.forEach((leadId, cs) -> {
                if (cs.containsKey(id)) {
                    out.add(leadId);
                }
            });
        } else {
            a.leads.forEach((leadId, l) -> {
                if (hasId(l.path("_embedded").path("companies"), id)) {
                    out.add(leadId);
                }
            });
        }
        return out;
    }

    private List<Long> contactsOfCompany(long companyId) {
        List<Long> out = new ArrayList<>();
        a.contacts.forEach((cid, c) -> {
            if (hasId(c.path("_embedded").path("companies"), companyId)) {
                out.add(cid);
            }
        });
        return out;
    }

    private static boolean hasId(JsonNode array, long id) {
        for (JsonNode x : array) {
            if (x.path("id").asLong() == id) {
                return true;
            }
        }
        return false;
    }

    private SandboxResponse add(Request r, String entity) {
        SandboxBatch batch = SandboxBatch.forAdd(r, 250);
        if (batch.refusal() != null) {
            return batch.refusal();
        }
        List<String> requestIds = batch.requestIds();
        List<Violation> violations = batch.check((item, requestId) -> validate(entity, item, requestId));
        if (!violations.isEmpty()) {
            return Problems.validation(violations);
        }
        ObjectNode doc = Problems.JSON.createObjectNode();
        doc.putObject("_links").putObject("self").put("href", r.base() + "/api/v4/" + entity);
        ArrayNode out = doc.putObject("_embedded").putArray(entity);
        for (int i = 0; i < r.body().size(); i++) {
            long id = create(entity, r.body().get(i));
            ObjectNode item = out.addObject().put("id", id).put("request_id", requestIds.get(i));
            item.putObject("_links").putObject("self").put("href", r.base() + "/api/v4/" + entity + "/" + id);
        }
        return SandboxResponse.ok(doc);
    }

    private List<Violation> validate(String entity, JsonNode item, String requestId) {
        List<Violation> v = new ArrayList<>();
        if (!item.isObject()) {
            v.add(new Violation(requestId, "InvalidType", "", "This value should be of type object."));
            return v;
        }
        for (String f : List.of("name", "first_name", "last_name")) {
            if (item.has(f) && !item.get(f).isString()) {
                v.add(new Violation(requestId, "InvalidType", f, "This value should be of type string."));
            }
        }
        if (item.hasNonNull("responsible_user_id") && !a.users.containsKey(item.get("responsible_user_id").asLong())) {
            v.add(new Violation(requestId, "NotSupportedChoice", "responsible_user_id",
                    "The value you selected is not a valid choice."));
        }
        v.addAll(a.validateCustomFields(requestId, item.get("custom_fields_values"), a.fieldsOf(entity)));
        return v;
    }

    private long create(String entity, JsonNode item) {
        long id = a.newId();
        long now = SandboxAccount.now();
        ObjectNode c = Problems.JSON.createObjectNode();
        String first = item.path("first_name").asString("").strip();
        String last = item.path("last_name").asString("").strip();
        String name = item.path("name").asString("").strip();
        if (name.isEmpty()) {
            name = (first + " " + last).strip();
        }
        c.put("id", id).put("name", name);
        if (entity.equals("contacts")) {
            c.put("first_name", first).put("last_name", last);
        }
        c.put("responsible_user_id", item.hasNonNull("responsible_user_id")
                ? item.get("responsible_user_id").asLong() : a.currentUserId)
                .put("group_id", 0).put("created_by", a.currentUserId).put("updated_by", a.currentUserId)
                .put("created_at", now).put("updated_at", now).putNull("closest_task_at").put("is_deleted", false);
        if (entity.equals("contacts")) {
            c.put("is_unsorted", false);
        }
        c.putNull("custom_fields_values");
        a.setCustomFields(c, item.get("custom_fields_values"), a.fieldsOf(entity));
        c.put("account_id", a.accountId);
        ObjectNode emb = c.putObject("_embedded");
        emb.putArray("tags");
        emb.putArray("companies");
        for (JsonNode t : item.path("_embedded").path("tags")) {
            a.addTag(c, t, a.tagsOf(entity));
        }
        store(entity).put(id, c);
        a.events.add(SandboxAccount.singular(entity) + "_added", SandboxAccount.singular(entity), id, null, null);
        return id;
    }

    private SandboxResponse update(Request r, String entity, Long singleId) {
        SandboxBatch batch = SandboxBatch.forUpdate(r, singleId);
        if (batch.refusal() != null) {
            return batch.refusal();
        }
        List<JsonNode> items = batch.items();
        List<Violation> violations = new ArrayList<>();
        List<String> requestIds = batch.requestIds();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            String requestId = requestIds.get(i);
            if (!store(entity).containsKey(item.path("id").asLong(-1))) {
                violations.add(new Violation(requestId, "NotSupportedChoice", "id",
                        "The value you selected is not a valid choice."));
                continue;
            }
            violations.addAll(validate(entity, item, requestId));
        }
        if (!violations.isEmpty()) {
            return Problems.validation(violations);
        }
        long now = SandboxAccount.now();
        ArrayNode out = Problems.JSON.createArrayNode();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            ObjectNode c = store(entity).get(item.get("id").asLong());
            ObjectNode was = c.deepCopy();
            for (String f : List.of("name", "first_name", "last_name")) {
                if (item.hasNonNull(f) && (entity.equals("contacts") || f.equals("name"))) {
                    c.put(f, item.get(f).asString());
                }
            }
            if (entity.equals("contacts") && !item.hasNonNull("name")
                    && (item.hasNonNull("first_name") || item.hasNonNull("last_name"))) {
                c.put("name", (c.path("first_name").asString("") + " " + c.path("last_name").asString("")).strip());
            }
            if (item.hasNonNull("responsible_user_id")) {
                c.put("responsible_user_id", item.get("responsible_user_id").asLong());
            }
            if (item.has("custom_fields_values")) {
                a.setCustomFields(c, item.get("custom_fields_values"), a.fieldsOf(entity));
            }
            if (item.path("_embedded").has("tags")) {
                ((ArrayNode) c.get("_embedded").get("tags")).removeAll();
                item.path("_embedded").path("tags").forEach(t -> a.addTag(c, t, a.tagsOf(entity)));
            }
            item.path("tags_to_add").forEach(t -> a.addTag(c, t, a.tagsOf(entity)));
            item.path("tags_to_delete").forEach(t -> a.removeTag(c, t));
            c.put("updated_at", now).put("updated_by", a.currentUserId);
            a.events.changed(SandboxAccount.singular(entity), was, c);
            ObjectNode o = out.addObject().put("id", c.get("id").asLong()).put("updated_at", now)
                    .put("request_id", requestIds.get(i));
            o.putObject("_links").putObject("self").put("href",
                    r.base() + "/api/v4/" + entity + "/" + c.get("id").asLong());
        }
        if (singleId != null) {
            ObjectNode single = (ObjectNode) out.get(0);
            single.remove("request_id");
            return SandboxResponse.ok(single);
        }
        ObjectNode doc = Problems.JSON.createObjectNode();
        doc.putObject("_links").putObject("self").put("href", r.base() + "/api/v4/" + entity);
        doc.putObject("_embedded").set(entity, out);
        return SandboxResponse.ok(doc);
    }

    // ---------------------------------------------------------------- complex add

    /**
     * {@code POST /leads/complex} (API.md §7.1): up to 50 leads, each with at most one contact and one company, new
     * (created and linked to the lead and to each other) or existing ({@code {id}}). Answers a bare array with
     * {@code request_id} as an array. No duplicate control in the sandbox, so {@code merged} is always false.
     */
    SandboxResponse complex(Request r) {
        SandboxBatch batch = SandboxBatch.forAdd(r, 50);
        if (batch.refusal() != null) {
            return batch.refusal();
        }
        List<Violation> violations = new ArrayList<>();
        List<String> requestIds = batch.requestIds();
        for (int i = 0; i < r.body().size(); i++) {
            JsonNode item = r.body().get(i);
            String requestId = requestIds.get(i);
            ObjectNode lead = item.isObject() ? ((ObjectNode) item).deepCopy() : null;
            if (lead == null) {
                violations.add(new Violation(requestId, "InvalidType", "", "This value should be of type object."));
                continue;
            }
            JsonNode emb = lead.path("_embedded");
            for (String kind : List.of("contacts", "companies")) {
                JsonNode list = emb.path(kind);
                if (list.size() > 1) {
                    violations.add(new Violation(requestId, "InvalidType", "_embedded." + kind,
                            "This collection should contain 1 element or less."));
                } else if (list.size() == 1) {
                    JsonNode one = list.get(0);
                    if (one.hasNonNull("id") && one.size() == 1) {
                        if (!store(kind).containsKey(one.get("id").asLong())) {
                            violations.add(new Violation(requestId, "NotSupportedChoice", "_embedded." + kind
                                    + ".0.id", "The value you selected is not a valid choice."));
                        }
                    } else {
                        validate(kind, one, requestId).forEach(v -> violations.add(new Violation(v.requestId(),
                                v.code(), "_embedded." + kind + ".0." + v.path(), v.detail())));
                    }
                }
            }
            ObjectNode leadOnly = lead.deepCopy();
            leadOnly.remove("_embedded");
            if (emb.has("tags")) {
                leadOnly.putObject("_embedded").set("tags", emb.get("tags"));
            }
            violations.addAll(a.validateLead(leadOnly, requestId, null));
        }
        if (!violations.isEmpty()) {
            return Problems.validation(violations);
        }
        ArrayNode out = Problems.JSON.createArrayNode();
        for (int i = 0; i < r.body().size(); i++) {
            JsonNode item = r.body().get(i);
            JsonNode emb = item.path("_embedded");
            Long contactId = partyOf(emb.path("contacts"), "contacts");
            Long companyId = partyOf(emb.path("companies"), "companies");
            ObjectNode leadOnly = ((ObjectNode) item).deepCopy();
            leadOnly.remove("_embedded");
            if (emb.has("tags")) {
                leadOnly.putObject("_embedded").set("tags", emb.get("tags"));
            }
            long leadId = a.createLead(leadOnly);
            if (contactId != null) {
                link("leads", leadId, "contacts", contactId, true);
            }
            if (companyId != null) {
                link("leads", leadId, "companies", companyId, false);
                if (contactId != null && a.contacts.get(contactId).path("_embedded").path("companies").isEmpty()) {
                    link("contacts", contactId, "companies", companyId, false);
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
            o.putArray("request_id").add(requestIds.get(i));
            o.put("merged", false);
        }
        return SandboxResponse.okArray(out);
    }

    private Long partyOf(JsonNode list, String kind) {
        if (list.isEmpty()) {
            return null;
        }
        JsonNode one = list.get(0);
        return one.hasNonNull("id") && one.size() == 1 ? one.get("id").asLong() : create(kind, one);
    }

    // ---------------------------------------------------------------- links

    /** One edge as Kommo shows it from {@code entity}'s side. */
    private record Edge(String toType, long toId, Boolean main) {
    }

    SandboxResponse linksRoute(Request r, String entity, long id, String verb) {
        if (!exists(entity, id)) {
            return verb.equals("links") ? SandboxResponse.noContent()
                    : Problems.basic(404, "Not Found", "Entity not found");
        }
        if (verb.equals("links")) {
            if (!r.method().equals("GET")) {
                return Problems.methodNotAllowed();
            }
            List<Edge> edges = edges(entity, id);
            String toType = r.param("filter[to_entity_type]");
            String toId = r.param("filter[to_entity_id]");
            edges.removeIf(e -> (toType != null && !toType.equals(e.toType()))
                    || (toId != null && !toId.equals(String.valueOf(e.toId()))));
            if (edges.isEmpty()) {
                return SandboxResponse.noContent();
            }
            ObjectNode doc = Problems.JSON.createObjectNode();
            doc.put("_total_items", edges.size());
            doc.putObject("_links").putObject("self").put("href",
                    r.base() + "/api/v4/" + entity + "/" + id + "/links" + SandboxAccount.query(r, false));
            ArrayNode items = doc.putObject("_embedded").putArray("links");
            edges.forEach(e -> items.add(linkJson(entity, id, e)));
            return SandboxResponse.ok(doc);
        }
        if (!r.method().equals("POST")) {
            return Problems.methodNotAllowed();
        }
        if (r.bodyEmpty() || !r.body().isArray()) {
            return Problems.validation(List.of(new Violation("0", "InvalidType", "", "This value should be of type"
                    + " array.")));
        }
        List<Violation> violations = new ArrayList<>();
        for (int i = 0; i < r.body().size(); i++) {
            JsonNode item = r.body().get(i);
            String toType = item.path("to_entity_type").asString("");
            long toId = item.path("to_entity_id").asLong(-1);
            if (!linkable(entity, toType)) {
                violations.add(new Violation(String.valueOf(i), "NotSupportedChoice", "to_entity_type",
                        "The value you selected is not a valid choice."));
            } else if (!exists(toType, toId)) {
                violations.add(new Violation(String.valueOf(i), "NotSupportedChoice", "to_entity_id",
                        "The value you selected is not a valid choice."));
            } else if (toType.equals("catalog_elements") && verb.equals("link")) {
                JsonNode md = item.path("metadata");
                if (md.has("quantity") && (!md.get("quantity").isNumber() || md.get("quantity").asDouble() <= 0)) {
                    violations.add(new Violation(String.valueOf(i), "InvalidType", "metadata.quantity",
                            "This value should be positive."));
                }
                if (md.has("catalog_id") && md.get("catalog_id").asLong() != a.catalogs.catalogOf(toId)) {
                    violations.add(new Violation(String.valueOf(i), "NotSupportedChoice", "metadata.catalog_id",
                            "The value you selected is not a valid choice."));
                }
            }
        }
        if (!violations.isEmpty()) {
            return Problems.validation(violations);
        }
        if (verb.equals("unlink")) {
            for (JsonNode item : r.body()) {
                if (item.get("to_entity_type").asString().equals("catalog_elements")) {
                    linkEvent("entity_unlinked", "unlink", entity, id, "catalog_elements",
                            item.get("to_entity_id").asLong());
                    a.catalogs.unlink(id, item.get("to_entity_id").asLong());
                } else {
                    unlink(entity, id, item.get("to_entity_type").asString(), item.get("to_entity_id").asLong());
                }
            }
            return SandboxResponse.noContent();
        }
        for (JsonNode item : r.body()) { // Kommo answers an already-linked pair with a bare 500 (API.md §14)
            String toType = item.get("to_entity_type").asString();
            long toId = item.get("to_entity_id").asLong();
            // linking a product again sets its quantity (sandbox choice; API.md is silent)
            if (!toType.equals("catalog_elements")
                    && edges(entity, id).stream().anyMatch(e -> e.toType().equals(toType) && e.toId() == toId)) {
                return Problems.basic(500, "Internal Server Error", "An unknown error occurred.");
            }
        }
        ObjectNode doc = Problems.JSON.createObjectNode();
        doc.putObject("_links").putObject("self").put("href", r.base() + "/api/v4/" + entity + "/" + id + "/link");
        ArrayNode items = doc.putObject("_embedded").putArray("links");
        for (JsonNode item : r.body()) {
            String toType = item.get("to_entity_type").asString();
            long toId = item.get("to_entity_id").asLong();
            boolean main = item.path("metadata").path("is_main").asBoolean(false);
            if (toType.equals("catalog_elements")) {
                linkEvent("entity_linked", "link", entity, id, toType, toId);
                a.catalogs.link(id, toId, item.path("metadata"));
                items.add(linkJson(entity, id, new Edge(toType, toId, null)));
                continue;
            }
            link(entity, id, toType, toId, main);
            items.add(linkJson(entity, id, new Edge(toType, toId, isLeadContact(entity, toType) ? main : null)));
        }
        return SandboxResponse.ok(doc);
    }

    private static boolean isLeadContact(String entity, String toType) {
        return (entity.equals("leads") && toType.equals("contacts"))
                || (entity.equals("contacts") && toType.equals("leads"));
    }

    private static boolean linkable(String from, String to) {
        return (SandboxAccount.ENTITY_PATHS.contains(to) && !from.equals(to))
                || (from.equals("leads") && to.equals("catalog_elements"));
    }

    private boolean exists(String entity, long id) {
        return switch (entity) {
            case "leads" -> a.leads.containsKey(id);
            case "contacts" -> a.contacts.containsKey(id);
            case "companies" -> a.companies.containsKey(id);
            case "catalog_elements" -> a.catalogs.elementExists(id);
            default -> false;
        };
    }

    private ObjectNode linkJson(String entity, long id, Edge e) {
        ObjectNode l = Problems.JSON.createObjectNode();
        l.put("entity_id", id).put("entity_type", entity).put("to_entity_id", e.toId())
                .put("to_entity_type", e.toType());
        if (e.main() != null) {
            l.putObject("metadata").put("main_contact", e.main());
        } else if (e.toType().equals("catalog_elements")) {
            l.set("metadata", a.catalogs.ofLead(id).get(e.toId()).deepCopy());
        } else {
            l.putNull("metadata");
        }
        return l;
    }

    private List<Edge> edges(String entity, long id) {
        List<Edge> out = new ArrayList<>();
        switch (entity) {
            case "leads" -> {
                a.leadContacts.getOrDefault(id, Map.of()).forEach((cid, main) -> out.add(new Edge("contacts", cid,
                        main)));
                a.leads.get(id).path("_embedded").path("companies")
                        .forEach(c -> out.add(new Edge("companies", c.get("id").asLong(), null)));
                a.catalogs.ofLead(id).keySet().forEach(e -> out.add(new Edge("catalog_elements", e, null)));
            }
            case "contacts" -> {
                a.leadContacts.forEach((leadId, cs) -> {
                    if (cs.containsKey(id)) {
                        out.add(new Edge("leads", leadId, cs.get(id)));
                    }
                });
                a.contacts.get(id).path("_embedded").path("companies")
                        .forEach(c -> out.add(new Edge("companies", c.get("id").asLong(), null)));
            }
            default -> {
                leadsOf("companies", id).forEach(l -> out.add(new Edge("leads", l, null)));
                contactsOfCompany(id).forEach(c -> out.add(new Edge("contacts", c, null)));
            }
        }
        return out;
    }

    private void link(String entity, long id, String toType, long toId, boolean main) {
        linkEvent("entity_linked", "link", entity, id, toType, toId);
        String[] pair = ordered(entity, id, toType, toId);
        long fromId = Long.parseLong(pair[1]);
        long otherId = Long.parseLong(pair[3]);
        switch (pair[0] + ">" + pair[2]) {
            case "leads>contacts" -> {
                Map<Long, Boolean> cs = a.leadContacts.computeIfAbsent(fromId, k -> new LinkedHashMap<>());
                if (main) {
                    cs.replaceAll((k, v) -> false); // one main contact per lead
                }
                cs.put(otherId, main || cs.isEmpty());
            }
            case "leads>companies" -> single(a.leads.get(fromId), otherId); // a lead has at most one company
            default -> single(a.contacts.get(fromId), otherId); // contacts>companies: at most one company
        }
    }

    private void unlink(String entity, long id, String toType, long toId) {
        linkEvent("entity_unlinked", "unlink", entity, id, toType, toId);
        String[] pair = ordered(entity, id, toType, toId);
        long fromId = Long.parseLong(pair[1]);
        long otherId = Long.parseLong(pair[3]);
        switch (pair[0] + ">" + pair[2]) {
            case "leads>contacts" -> a.leadContacts.getOrDefault(fromId, new LinkedHashMap<>()).remove(otherId);
            case "leads>companies" -> removeCompany(a.leads.get(fromId), otherId);
            default -> removeCompany(a.contacts.get(fromId), otherId);
        }
    }

    /** An event on each side of a link (API.md §16: {@code [{"link": {"entity": {"type", "id"}}}]}). */
    private void linkEvent(String type, String key, String entity, long id, String toType, long toId) {
        for (int side = 0; side < 2; side++) {
            String self = side == 0 ? entity : toType;
            String other = side == 0 ? toType : entity;
            ArrayNode v = Problems.JSON.createArrayNode();
            v.addObject().putObject(key).putObject("entity").put("type", SandboxAccount.singular(other))
                    .put("id", side == 0 ? toId : id);
            a.events.add(type, SandboxAccount.singular(self), side == 0 ? id : toId, null, v);
        }
    }

    /** The pair with its owner first: leads own contacts and companies, contacts own their company. */
    private static String[] ordered(String entity, long id, String toType, long toId) {
        int rankFrom = List.of("leads", "contacts", "companies").indexOf(entity);
        int rankTo = List.of("leads", "contacts", "companies").indexOf(toType);
        return rankFrom < rankTo ? new String[] {entity, String.valueOf(id), toType, String.valueOf(toId)}
                : new String[] {toType, String.valueOf(toId), entity, String.valueOf(id)};
    }

    private static void single(ObjectNode owner, long companyId) {
        ArrayNode cs = (ArrayNode) owner.get("_embedded").get("companies");
        cs.removeAll();
        cs.addObject().put("id", companyId);
    }

    private static void removeCompany(ObjectNode owner, long companyId) {
        ArrayNode cs = (ArrayNode) owner.get("_embedded").get("companies");
        for (int i = cs.size() - 1; i >= 0; i--) {
            if (cs.get(i).path("id").asLong() == companyId) {
                cs.remove(i);
            }
        }
    }
}
