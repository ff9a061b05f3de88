package io.kommomcp.sandbox;

import java.util.ArrayList;
import java.util.List;

import io.kommomcp.sandbox.Problems.Violation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /{e}/{id}/links}, {@code /link} and {@code /unlink} (API.md §14) over {@link LinkStore} and, for products,
 * {@link CatalogStore}: the list (204 when none; contacts' {@code main_contact} in the metadata), link (200 with the
 * links; 500 for a pair that is already linked, as reported of Kommo) and unlink (204).
 */
final class LinksApi {

    /** One edge as Kommo shows it from an entity's side. */
    private record Edge(String toType, long toId, Boolean main) {
    }

    private final SandboxAccount a;

    LinksApi(SandboxAccount account) {
        this.a = account;
    }

    SandboxResponse list(SandboxRequest r, String entity, long id) {
        if (!exists(entity, id)) {
            return SandboxResponse.noContent();
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
        doc.putObject("_links").putObject("self").put("href", r.url(entity + "/" + id + "/links")
                + HalPages.query(r, false));
        ArrayNode items = doc.putObject("_embedded").putArray("links");
        edges.forEach(e -> items.add(linkJson(entity, id, e)));
        return SandboxResponse.ok(doc);
    }

    /** {@code POST /{e}/{id}/link} ({@code unlink} false) or {@code /unlink}. */
    SandboxResponse write(SandboxRequest r, String entity, long id, boolean unlink) {
        if (!exists(entity, id)) {
            return Problems.basic(404, "Not Found", "Entity not found");
        }
        if (r.bodyEmpty() || !r.body().isArray()) {
            return Problems.validation(List.of(new Violation("0", "InvalidType", "", "This value should be of type"
                    + " array.")));
        }
        List<Violation> violations = new ArrayList<>();
        for (int i = 0; i < r.body().size(); i++) {
            violations.addAll(check(r.body().get(i), String.valueOf(i), entity, unlink));
        }
        if (!violations.isEmpty()) {
            return Problems.validation(violations);
        }
        if (unlink) {
            for (JsonNode item : r.body()) {
                long toId = item.get("to_entity_id").asLong();
                if (item.get("to_entity_type").asString().equals("catalog_elements")) {
                    a.links.linkEvents("entity_unlinked", "unlink", entity, id, "catalog_elements", toId);
                    a.catalogs.unlink(id, toId);
                    a.links.touch(entity, id);
                } else {
                    a.links.unlink(entity, id, item.get("to_entity_type").asString(), toId);
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
        HalPages.self(doc, r, entity + "/" + id + "/link");
        ArrayNode items = doc.putObject("_embedded").putArray("links");
        for (JsonNode item : r.body()) {
            String toType = item.get("to_entity_type").asString();
            long toId = item.get("to_entity_id").asLong();
            boolean main = item.path("metadata").path("is_main").asBoolean(false);
            if (toType.equals("catalog_elements")) {
                a.links.linkEvents("entity_linked", "link", entity, id, toType, toId);
                a.catalogs.link(id, toId, item.path("metadata"));
                a.links.touch(entity, id);
                items.add(linkJson(entity, id, new Edge(toType, toId, null)));
                continue;
            }
            a.links.link(entity, id, toType, toId, main);
            items.add(linkJson(entity, id, new Edge(toType, toId, isLeadContact(entity, toType) ? main : null)));
        }
        return SandboxResponse.ok(doc);
    }

    private List<Violation> check(JsonNode item, String requestId, String entity, boolean unlink) {
        String toType = item.path("to_entity_type").asString("");
        long toId = item.path("to_entity_id").asLong(-1);
        if (!linkable(entity, toType)) {
            return List.of(LeadWriter.notAChoice(requestId, "to_entity_type"));
        }
        if (!exists(toType, toId)) {
            return List.of(LeadWriter.notAChoice(requestId, "to_entity_id"));
        }
        List<Violation> out = new ArrayList<>();
        if (toType.equals("catalog_elements") && !unlink) {
            JsonNode md = item.path("metadata");
            if (md.has("quantity") && (!md.get("quantity").isNumber() || md.get("quantity").asDouble() <= 0)) {
                out.add(new Violation(requestId, "InvalidType", "metadata.quantity", "This value should be positive."));
            }
            if (md.has("catalog_id") && md.get("catalog_id").asLong() != a.catalogs.catalogOf(toId)) {
                out.add(LeadWriter.notAChoice(requestId, "metadata.catalog_id"));
            }
        }
        return out;
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
            case "leads", "contacts", "companies" -> a.entities(entity).has(id);
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
                a.links.contactsOf(id).forEach((cid, main) -> out.add(new Edge("contacts", cid, main)));
                LinkStore.companiesOf(a.leads.get(id)).forEach(c -> out.add(new Edge("companies", c, null)));
                a.catalogs.ofLead(id).keySet().forEach(e -> out.add(new Edge("catalog_elements", e, null)));
            }
            case "contacts" -> {
                a.links.leadsOfContact(id).forEach((leadId, main) -> out.add(new Edge("leads", leadId, main)));
                LinkStore.companiesOf(a.contacts.get(id)).forEach(c -> out.add(new Edge("companies", c, null)));
            }
            default -> {
                a.links.leadsOfCompany(id).forEach(l -> out.add(new Edge("leads", l, null)));
                a.links.contactsOfCompany(id).forEach(c -> out.add(new Edge("contacts", c, null)));
            }
        }
        return out;
    }
}
