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
 * Catalogs (lists) and their elements, products among them (API.md §19): {@code /catalogs} (at most 10 per account)
 * and {@code /catalogs/{id}/elements} to list, read, add and update; elements are linked to leads with a quantity
 * through the links API. Element fields are written by {@code field_code} (SKU, PRICE, DESCRIPTION), as the products
 * catalog's predefined fields are.
 */
final class SandboxCatalogs {

    static final int MAX_CATALOGS = 10;

    private final SandboxAccount a;
    private final Map<Long, ObjectNode> catalogs = new LinkedHashMap<>();
    private final Map<Long, TreeMap<Long, ObjectNode>> elements = new LinkedHashMap<>();
    /** lead id → element id → link metadata ({@code quantity}, {@code catalog_id}). */
    private final Map<Long, Map<Long, ObjectNode>> leadElements = new LinkedHashMap<>();

    SandboxCatalogs(SandboxAccount a) {
        this.a = a;
    }

    long addCatalog(String name, String type) {
        long id = a.newId();
        long now = SandboxAccount.now();
        ObjectNode c = Problems.JSON.createObjectNode();
        c.put("id", id).put("name", name).put("created_by", a.currentUserId).put("updated_by", a.currentUserId)
                .put("created_at", now).put("updated_at", now).put("sort", catalogs.size() * 10 + 10)
                .put("type", type).put("can_add_elements", true).put("can_show_in_cards", true)
                .put("can_link_multiple", true).put("can_be_deleted", !type.equals("products"))
                .putNull("sdk_widget_code").put("account_id", a.accountId);
        catalogs.put(id, c);
        elements.put(id, new TreeMap<>());
        return id;
    }

    long addElement(long catalogId, JsonNode item) {
        long id = a.newId();
        long now = SandboxAccount.now();
        ObjectNode e = Problems.JSON.createObjectNode();
        e.put("id", id).put("name", item.path("name").asString("").strip()).put("created_by", a.currentUserId)
                .put("updated_by", a.currentUserId).put("created_at", now).put("updated_at", now)
                .putNull("is_deleted");
        e.set("custom_fields_values", fields(item.get("custom_fields_values")));
        e.put("catalog_id", catalogId).put("account_id", a.accountId);
        elements.get(catalogId).put(id, e);
        return id;
    }

    SandboxResponse route(Request r, String[] p) {
        String m = r.method();
        if (p.length == 1) {
            if (m.equals("GET")) {
                return a.list(r, "catalogs", "catalogs", List.copyOf(catalogs.values()), x -> x.deepCopy(), true);
            }
            return m.equals("POST") ? addCatalogs(r) : Problems.methodNotAllowed();
        }
        Long catalogId = SandboxAccount.id(p[1]);
        ObjectNode catalog = catalogId == null ? null : catalogs.get(catalogId);
        if (catalog == null) {
            return m.equals("GET") ? SandboxResponse.noContent() : Problems.notFound("Catalog not found");
        }
        if (p.length == 2) {
            return m.equals("GET") ? SandboxResponse.ok(catalog.deepCopy()) : Problems.methodNotAllowed();
        }
        if (!p[2].equals("elements") || p.length > 4) {
            return null;
        }
        if (p.length == 4) {
            Long elementId = SandboxAccount.id(p[3]);
            ObjectNode e = elementId == null ? null : elements.get(catalogId).get(elementId);
            if (m.equals("GET")) {
                return e == null ? SandboxResponse.noContent() : SandboxResponse.ok(e.deepCopy());
            }
            return m.equals("PATCH") ? updateElements(r, catalogId, elementId) : Problems.methodNotAllowed();
        }
        return switch (m) {
            case "GET" -> listElements(r, catalogId);
            case "POST" -> addElements(r, catalogId);
            case "PATCH" -> updateElements(r, catalogId, null);
            default -> Problems.methodNotAllowed();
        };
    }

    private SandboxResponse listElements(Request r, long catalogId) {
        List<ObjectNode> all = new ArrayList<>(elements.get(catalogId).values());
        List<String> ids = r.params("filter[id]");
        if (!ids.isEmpty()) {
            all.removeIf(e -> !ids.contains(e.get("id").asString()));
        }
        String q = r.param("query");
        if (q != null && !q.isBlank()) {
            String needle = SandboxAccount.fold(q.strip());
            all.removeIf(e -> !SandboxAccount.fold(e.get("name").asString()).contains(needle)
                    && !SandboxAccount.fold(e.path("custom_fields_values").toString()).contains(needle));
        }
        return a.list(r, "elements", "catalogs/" + catalogId + "/elements", all, x -> x.deepCopy(), true);
    }

    private SandboxResponse addCatalogs(Request r) {
        SandboxBatch batch = SandboxBatch.forAdd(r, MAX_CATALOGS);
        if (batch.refusal() != null) {
            return batch.refusal();
        }
        List<Violation> violations = batch.blankNames();
        if (catalogs.size() + batch.items().size() > MAX_CATALOGS) {
            return Problems.basic(400, "Bad Request", "At most " + MAX_CATALOGS + " catalogs per account");
        }
        if (!violations.isEmpty()) {
            return Problems.validation(violations);
        }
        ObjectNode doc = Problems.JSON.createObjectNode();
        ArrayNode out = doc.putObject("_embedded").putArray("catalogs");
        for (int i = 0; i < batch.items().size(); i++) {
            JsonNode item = batch.items().get(i);
            long id = addCatalog(item.get("name").asString().strip(), item.path("type").asString("regular"));
            out.add(catalogs.get(id).deepCopy().put("request_id", batch.requestIds().get(i)));
        }
        return SandboxResponse.ok(doc);
    }

    private SandboxResponse addElements(Request r, long catalogId) {
        SandboxBatch batch = SandboxBatch.forAdd(r, 250);
        if (batch.refusal() != null) {
            return batch.refusal();
        }
        List<Violation> violations = batch.check((item, requestId) -> validate(item, requestId, true));
        if (!violations.isEmpty()) {
            return Problems.validation(violations);
        }
        ObjectNode doc = Problems.JSON.createObjectNode();
        ArrayNode out = doc.putObject("_embedded").putArray("elements");
        for (int i = 0; i < batch.items().size(); i++) {
            long id = addElement(catalogId, batch.items().get(i));
            out.add(elements.get(catalogId).get(id).deepCopy().put("request_id", batch.requestIds().get(i)));
        }
        return SandboxResponse.ok(doc);
    }

    private SandboxResponse updateElements(Request r, long catalogId, Long singleId) {
        SandboxBatch batch = SandboxBatch.forUpdate(r, singleId);
        if (batch.refusal() != null) {
            return batch.refusal();
        }
        List<Violation> violations = new ArrayList<>();
        for (int i = 0; i < batch.items().size(); i++) {
            JsonNode item = batch.items().get(i);
            if (!elements.get(catalogId).containsKey(item.path("id").asLong(-1))) {
                violations.add(new Violation(batch.requestIds().get(i), "NotSupportedChoice", "id",
                        "The value you selected is not a valid choice."));
            } else {
                violations.addAll(validate(item, batch.requestIds().get(i), false));
            }
        }
        if (!violations.isEmpty()) {
            return Problems.validation(violations);
        }
        ObjectNode doc = Problems.JSON.createObjectNode();
        ArrayNode out = doc.putObject("_embedded").putArray("elements");
        for (JsonNode item : batch.items()) {
            ObjectNode e = elements.get(catalogId).get(item.get("id").asLong());
            if (item.hasNonNull("name")) {
                e.put("name", item.get("name").asString().strip());
            }
            if (item.has("custom_fields_values")) {
                ObjectNode merged = Problems.JSON.createObjectNode();
                e.path("custom_fields_values").forEach(f -> merged.set(f.path("field_code").asString(), f));
                for (JsonNode f : item.get("custom_fields_values")) {
                    if (f.path("values").isNull() || f.path("values").isEmpty()) {
                        merged.remove(f.path("field_code").asString());
                    } else {
                        merged.set(f.path("field_code").asString(), f.deepCopy());
                    }
                }
                ArrayNode values = Problems.JSON.createArrayNode();
                merged.values().forEach(values::add);
                e.set("custom_fields_values", values.isEmpty() ? Problems.JSON.nullNode() : values);
            }
            e.put("updated_at", SandboxAccount.now()).put("updated_by", a.currentUserId);
            out.add(e.deepCopy());
        }
        if (singleId != null) {
            return SandboxResponse.ok((ObjectNode) out.get(0));
        }
        return SandboxResponse.ok(doc);
    }

    private static List<Violation> validate(JsonNode item, String requestId, boolean adding) {
        List<Violation> out = new ArrayList<>();
        if (adding && item.path("name").asString("").isBlank()) {
            out.add(new Violation(requestId, "NotBlank", "name", "This value should not be blank."));
        }
        for (JsonNode f : item.path("custom_fields_values")) {
            String code = f.path("field_code").asString("");
            if (!List.of("SKU", "PRICE", "DESCRIPTION", "GROUP").contains(code)) {
                out.add(new Violation(requestId, "NotSupportedChoice", "custom_fields_values.field_code",
                        "The value you selected is not a valid choice."));
            } else if (code.equals("PRICE") && f.path("values").size() > 0
                    && !f.path("values").get(0).path("value").asString("").matches("\\d+(\\.\\d+)?")) {
                out.add(new Violation(requestId, "InvalidType", "custom_fields_values.values.0.value",
                        "This value should be of type numeric."));
            }
        }
        return out;
    }

    private static JsonNode fields(JsonNode given) {
        if (given == null || !given.isArray() || given.isEmpty()) {
            return Problems.JSON.nullNode();
        }
        return given.deepCopy();
    }

    // ---------------------------------------------------------------- lead links

    boolean elementExists(long elementId) {
        return catalogOf(elementId) != null;
    }

    Long catalogOf(long elementId) {
        for (Map.Entry<Long, TreeMap<Long, ObjectNode>> c : elements.entrySet()) {
            if (c.getValue().containsKey(elementId)) {
                return c.getKey();
            }
        }
        return null;
    }

    /** Links (or, linked already, sets the quantity of) an element to a lead. */
    void link(long leadId, long elementId, JsonNode metadata) {
        ObjectNode m = Problems.JSON.createObjectNode();
        JsonNode q = metadata.path("quantity");
        m.set("quantity", q.isNumber() ? q.deepCopy() : Problems.JSON.getNodeFactory().numberNode(1));
        m.put("catalog_id", catalogOf(elementId));
        leadElements.computeIfAbsent(leadId, k -> new LinkedHashMap<>()).put(elementId, m);
    }

    void unlink(long leadId, long elementId) {
        leadElements.getOrDefault(leadId, Map.of()).remove(elementId);
    }

    /** The lead's linked elements and their link metadata. */
    Map<Long, ObjectNode> ofLead(long leadId) {
        return leadElements.getOrDefault(leadId, Map.of());
    }
}
