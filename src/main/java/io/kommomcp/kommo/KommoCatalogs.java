package io.kommomcp.kommo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.kommomcp.core.Caller;
import io.kommomcp.kommo.KommoCrm.Page;
import io.kommomcp.kommo.wire.CustomFieldValue;
import io.kommomcp.kommo.wire.WireValues;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import tools.jackson.databind.JsonNode;

/** Catalogs (Kommo's lists) and their elements, products among them (API.md §19). */
@ApplicationScoped
public class KommoCatalogs {

    @Inject
    KommoGateway gateway;

    public record Catalog(long id, String name, String type, boolean canAddElements) {
    }

    public record Element(long id, long catalogId, String name, List<CustomFieldValue> customFields,
            Long updatedAt) {
    }

    public List<Catalog> catalogs(Caller caller) {
        return gateway.client(caller).get("catalogs", Query.of().add("limit", KommoCrm.MAX_PAGE_SIZE))
                .map(d -> WireValues.embedded(d, "catalogs", c -> new Catalog(WireValues.longOr(c, "id", 0),
                        WireValues.textOrNull(c, "name"), WireValues.textOrNull(c, "type"),
                        !Boolean.FALSE.equals(WireValues.boolOrNull(c, "can_add_elements")))))
                .orElse(List.of());
    }

    public Page<Element> elements(Caller caller, long catalogId, String query, List<Long> ids, int page, int limit) {
        Query q = Query.of().add("query", query == null || query.isBlank() ? null : query.strip())
                .add("page", page).add("limit", limit);
        if (ids != null && !ids.isEmpty()) {
            q.addAll("filter[id][]", ids);
        }
        Optional<JsonNode> doc = gateway.client(caller).get("catalogs/" + catalogId + "/elements", q);
        return new Page<>(doc.map(d -> WireValues.embedded(d, "elements", KommoCatalogs::element)).orElse(List.of()),
                page, limit, doc.map(WireValues::hasNext).orElse(false));
    }

    public Optional<Element> element(Caller caller, long catalogId, long id) {
        return gateway.client(caller).get("catalogs/" + catalogId + "/elements/" + id, Query.of())
                .filter(JsonNode::isObject).map(KommoCatalogs::element);
    }

    private static Element element(JsonNode n) {
        return new Element(WireValues.longOr(n, "id", 0), WireValues.longOr(n, "catalog_id", 0),
                WireValues.textOrNull(n, "name"), WireValues.list(n.get("custom_fields_values"),
                        CustomFieldValue::from), WireValues.longOrNull(n, "updated_at"));
    }
}
