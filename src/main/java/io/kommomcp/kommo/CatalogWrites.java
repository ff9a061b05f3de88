package io.kommomcp.kommo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import tools.jackson.databind.JsonNode;

/** Writes of catalog elements (products and other lists, API.md §19). */
public final class CatalogWrites {

    private CatalogWrites() {
    }

    /** A new element; {@code fields} are its custom fields (products: SKU, PRICE, DESCRIPTION by code). */
    public record NewElement(String name, List<FieldValue> fields) {

        public NewElement {
            fields = fields == null ? List.of() : List.copyOf(fields);
        }

        Map<String, Object> body() {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("name", name);
            if (!fields.isEmpty()) {
                b.put("custom_fields_values", FieldValue.wire(fields));
            }
            return b;
        }
    }

    /** Adds elements to a catalog, 250 per request. */
    public record CreateElements(long catalogId, List<NewElement> elements) implements KommoWrite {

        public CreateElements {
            elements = List.copyOf(elements);
        }

        @Override
        public List<KommoRequest> requests(Function<IdRef, Object> ids) {
            return KommoWrite.batches(elements, BATCH).stream().map(batch -> new KommoRequest("POST", "catalogs/"
                    + catalogId + "/elements", RecordWrites.indexed(batch.stream().map(NewElement::body).toList())))
                    .toList();
        }

        @Override
        public Result result(List<JsonNode> answers) {
            return RecordWrites.created("catalog_element", "elements", answers, elements.stream()
                    .map(NewElement::body).toList());
        }
    }

    /** Changes of one element; a null name stays. */
    public record ElementChange(long id, String name, List<FieldValue> fields, Map<String, Object> before) {

        public ElementChange {
            fields = fields == null ? List.of() : List.copyOf(fields);
        }

        Map<String, Object> body() {
            Map<String, Object> b = new LinkedHashMap<>();
            RecordWrites.put(b, "name", name);
            if (!fields.isEmpty()) {
                b.put("custom_fields_values", FieldValue.wire(fields));
            }
            return b;
        }
    }

    /** Updates elements of a catalog: one at its own address, several 250 per request. */
    public record UpdateElements(long catalogId, List<ElementChange> elements) implements KommoWrite {

        public UpdateElements {
            elements = List.copyOf(elements);
        }

        @Override
        public List<KommoRequest> requests(Function<IdRef, Object> ids) {
            String base = "catalogs/" + catalogId + "/elements";
            if (elements.size() == 1) {
                return List.of(new KommoRequest("PATCH", base + "/" + elements.get(0).id(), elements.get(0).body()));
            }
            return KommoWrite.batches(elements, BATCH).stream().map(batch -> new KommoRequest("PATCH", base,
                    batch.stream().map(e -> RecordWrites.withId(e.id(), e.body())).toList())).toList();
        }

        @Override
        public Result result(List<JsonNode> answers) {
            return RecordWrites.changed("catalog_element", answers, elements.size() == 1 ? 1 : BATCH, elements
                    .stream().map(e -> new Written("catalog_element", String.valueOf(e.id()), e.before(), e.body()))
                    .toList());
        }
    }
}
