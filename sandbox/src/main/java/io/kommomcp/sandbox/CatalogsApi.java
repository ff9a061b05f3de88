package io.kommomcp.sandbox;

import java.util.ArrayList;
import java.util.List;

import io.kommomcp.sandbox.Problems.Violation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Catalogs (lists) and their elements (API.md §19) over {@link CatalogStore}: {@code /catalogs} (at most 10 per
 * account) and {@code /catalogs/{id}/elements} to list, read, add and update. Element fields are written by
 * {@code field_code} (SKU, PRICE, DESCRIPTION, GROUP), as the products catalog's predefined fields are. An unknown
 * catalog answers 204 to a read and 404 "Catalog not found" to a write.
 */
final class CatalogsApi {

    private final CatalogStore catalogs;
    private final UserStore users;

    CatalogsApi(CatalogStore catalogs, UserStore users) {
        this.catalogs = catalogs;
        this.users = users;
    }

    SandboxResponse list(SandboxRequest r) {
        return HalPages.list(r, "catalogs", "catalogs", catalogs.catalogs(), ObjectNode::deepCopy,
                HalPages.byId("catalogs"), true);
    }

    SandboxResponse get(String catalogId) {
        ObjectNode c = catalog(catalogId);
        return c == null ? SandboxResponse.noContent() : SandboxResponse.ok(c.deepCopy());
    }

    SandboxResponse elements(SandboxRequest r, String catalogId) {
        return catalog(catalogId) == null ? SandboxResponse.noContent() : listElements(r, Long.parseLong(catalogId));
    }

    SandboxResponse element(String catalogId, String elementId) {
        Long id = SandboxAccount.id(elementId);
        ObjectNode e = catalog(catalogId) == null || id == null ? null
                : catalogs.element(Long.parseLong(catalogId), id);
        return e == null ? SandboxResponse.noContent() : SandboxResponse.ok(e.deepCopy());
    }

    SandboxResponse addElements(SandboxRequest r, String catalogId) {
        return catalog(catalogId) == null ? notFound() : addElements(r, Long.parseLong(catalogId));
    }

    /** {@code PATCH .../elements} ({@code elementId} null: an array) or {@code .../elements/{id}} (one object). */
    SandboxResponse updateElements(SandboxRequest r, String catalogId, String elementId) {
        return catalog(catalogId) == null ? notFound()
                : updateElements(r, Long.parseLong(catalogId), elementId == null ? null : SandboxAccount.id(elementId));
    }

    private ObjectNode catalog(String catalogId) {
        Long id = SandboxAccount.id(catalogId);
        return id == null ? null : catalogs.catalog(id);
    }

    private static SandboxResponse notFound() {
        return Problems.notFound("Catalog not found");
    }

    private SandboxResponse listElements(SandboxRequest r, long catalogId) {
        List<ObjectNode> all = catalogs.elements(catalogId);
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
        return HalPages.list(r, "elements", "catalogs/" + catalogId + "/elements", all, ObjectNode::deepCopy,
                HalPages.byId("elements"), true);
    }

    SandboxResponse add(SandboxRequest r) {
        SandboxBatch batch = SandboxBatch.forAdd(r, CatalogStore.MAX_CATALOGS);
        if (batch.refusal() != null) {
            return batch.refusal();
        }
        List<Violation> violations = batch.blankNames();
        if (catalogs.size() + batch.items().size() > CatalogStore.MAX_CATALOGS) {
            return Problems.basic(400, "Bad Request", "At most " + CatalogStore.MAX_CATALOGS + " catalogs per account");
        }
        if (!violations.isEmpty()) {
            return Problems.validation(violations);
        }
        ObjectNode doc = Problems.JSON.createObjectNode();
        ArrayNode out = doc.putObject("_embedded").putArray("catalogs");
        for (int i = 0; i < batch.items().size(); i++) {
            JsonNode item = batch.items().get(i);
            long id = catalogs.addCatalog(item.get("name").asString().strip(), item.path("type").asString("regular"));
            out.add(catalogs.catalog(id).deepCopy().put("request_id", batch.requestIds().get(i)));
        }
        return SandboxResponse.ok(doc);
    }

    private SandboxResponse addElements(SandboxRequest r, long catalogId) {
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
            long id = catalogs.addElement(catalogId, batch.items().get(i));
            out.add(catalogs.element(catalogId, id).deepCopy().put("request_id", batch.requestIds().get(i)));
        }
        return SandboxResponse.ok(doc);
    }

    private SandboxResponse updateElements(SandboxRequest r, long catalogId, Long singleId) {
        SandboxBatch batch = SandboxBatch.forUpdate(r, singleId);
        if (batch.refusal() != null) {
            return batch.refusal();
        }
        List<Violation> violations = new ArrayList<>();
        for (int i = 0; i < batch.items().size(); i++) {
            JsonNode item = batch.items().get(i);
            if (catalogs.element(catalogId, item.path("id").asLong(-1)) == null) {
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
            ObjectNode e = catalogs.element(catalogId, item.get("id").asLong());
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
            e.put("updated_at", SandboxAccount.now()).put("updated_by", users.current());
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
}
