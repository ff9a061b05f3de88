package io.kommomcp.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Catalogs (lists), their elements (products among them) and which elements are linked to which lead with what
 * quantity (API.md §19, §14). {@link CatalogsApi} serves them.
 */
final class CatalogStore {

    static final int MAX_CATALOGS = 10;

    private final LongSupplier ids;
    private final long accountId;
    private final UserStore users;
    private final Map<Long, ObjectNode> catalogs = new LinkedHashMap<>();
    private final Map<Long, TreeMap<Long, ObjectNode>> elements = new LinkedHashMap<>();
    /** lead id → element id → link metadata ({@code quantity}, {@code catalog_id}). */
    private final Map<Long, Map<Long, ObjectNode>> leadElements = new LinkedHashMap<>();

    CatalogStore(LongSupplier ids, long accountId, UserStore users) {
        this.ids = ids;
        this.accountId = accountId;
        this.users = users;
    }

    long addCatalog(String name, String type) {
        long id = ids.getAsLong();
        long now = SandboxAccount.now();
        ObjectNode c = Problems.JSON.createObjectNode();
        c.put("id", id).put("name", name).put("created_by", users.current()).put("updated_by", users.current())
                .put("created_at", now).put("updated_at", now).put("sort", catalogs.size() * 10 + 10)
                .put("type", type).put("can_add_elements", true).put("can_show_in_cards", true)
                .put("can_link_multiple", true).put("can_be_deleted", !type.equals("products"))
                .putNull("sdk_widget_code").put("account_id", accountId);
        catalogs.put(id, c);
        elements.put(id, new TreeMap<>());
        return id;
    }

    ObjectNode catalog(long id) {
        return catalogs.get(id);
    }

    List<ObjectNode> catalogs() {
        return new ArrayList<>(catalogs.values());
    }

    int size() {
        return catalogs.size();
    }

    long addElement(long catalogId, JsonNode item) {
        long id = ids.getAsLong();
        long now = SandboxAccount.now();
        ObjectNode e = Problems.JSON.createObjectNode();
        e.put("id", id).put("name", item.path("name").asString("").strip()).put("created_by", users.current())
                .put("updated_by", users.current()).put("created_at", now).put("updated_at", now)
                .putNull("is_deleted");
        e.set("custom_fields_values", given(item.get("custom_fields_values")));
        e.put("catalog_id", catalogId).put("account_id", accountId);
        elements.get(catalogId).put(id, e);
        return id;
    }

    ObjectNode element(long catalogId, long elementId) {
        return elements.get(catalogId).get(elementId);
    }

    /** A catalog's elements, by id. */
    List<ObjectNode> elements(long catalogId) {
        return new ArrayList<>(elements.get(catalogId).values());
    }

    private static JsonNode given(JsonNode values) {
        if (values == null || !values.isArray() || values.isEmpty()) {
            return Problems.JSON.nullNode();
        }
        return values.deepCopy();
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
        leadElements.getOrDefault(leadId, new LinkedHashMap<>()).remove(elementId);
    }

    /** The lead's linked elements and their link metadata (a copy). */
    Map<Long, ObjectNode> ofLead(long leadId) {
        return new LinkedHashMap<>(leadElements.getOrDefault(leadId, Map.of()));
    }
}
