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

    /** Adds one element; {@code fields} are Kommo's {@code custom_fields_values} (by field_code). */
    public long createElement(Caller caller, long catalogId, String name, List<Map<String, Object>> fields) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        if (!fields.isEmpty()) {
            body.put("custom_fields_values", fields);
        }
        JsonNode doc = gateway.client(caller).post("catalogs/" + catalogId + "/elements", List.of(body));
        List<Long> ids = WireValues.embedded(doc, "elements", n -> WireValues.longOr(n, "id", 0));
        if (ids.isEmpty() || ids.get(0) == 0) {
            throw new KommoApiException(KommoApiException.Kind.UNEXPECTED_RESPONSE, 200, null,
                    "the add response named no element", List.of(), Map.of(), null, null);
        }
        return ids.get(0);
    }

    public void updateElement(Caller caller, long catalogId, long id, String name, List<Map<String, Object>> fields) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (name != null) {
            body.put("name", name);
        }
        if (!fields.isEmpty()) {
            body.put("custom_fields_values", fields);
        }
        gateway.client(caller).patch("catalogs/" + catalogId + "/elements/" + id, body);
    }

    /** Links an element to a lead with a quantity (linking it again sets the quantity). */
    public void linkToLead(Caller caller, long leadId, long catalogId, long elementId, long quantity) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("to_entity_id", elementId);
        item.put("to_entity_type", "catalog_elements");
        item.put("metadata", Map.of("quantity", quantity, "catalog_id", catalogId));
        gateway.client(caller).post("leads/" + leadId + "/link", List.of(item));
    }

    private static Element element(JsonNode n) {
        return new Element(WireValues.longOr(n, "id", 0), WireValues.longOr(n, "catalog_id", 0),
                WireValues.textOrNull(n, "name"), WireValues.list(n.get("custom_fields_values"),
                        CustomFieldValue::from), WireValues.longOrNull(n, "updated_at"));
    }
}
