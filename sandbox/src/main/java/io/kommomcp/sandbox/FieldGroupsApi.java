package io.kommomcp.sandbox;

import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Custom field groups of leads, contacts and companies (API.md §10) over {@link FieldStore}:
 * {@code GET|POST /{e}/custom_fields/groups}, {@code GET|PATCH|DELETE .../groups/{id}} (ids are strings; an unknown
 * one answers 404 "Group not found"; a deleted group's fields move to no group).
 */
final class FieldGroupsApi {

    private final FieldStore fields;

    FieldGroupsApi(FieldStore fields) {
        this.fields = fields;
    }

    SandboxResponse list(SandboxRequest r, String entity) {
        List<ObjectNode> gs = fields.groups(entity);
        if (gs.isEmpty()) {
            return SandboxResponse.noContent();
        }
        ObjectNode doc = Problems.JSON.createObjectNode();
        doc.put("_total_items", gs.size());
        HalPages.self(doc, r, entity + "/custom_fields/groups");
        ArrayNode items = doc.putObject("_embedded").putArray("custom_field_groups");
        gs.forEach(g -> items.add(g.deepCopy()));
        return SandboxResponse.ok(doc);
    }

    SandboxResponse add(SandboxRequest r, String entity) {
        SandboxBatch batch = SandboxBatch.forAdd(r, 250);
        if (batch.refusal() != null) {
            return batch.refusal();
        }
        List<Problems.Violation> v = batch.blankNames();
        if (!v.isEmpty()) {
            return Problems.validation(v);
        }
        ObjectNode doc = Problems.JSON.createObjectNode();
        doc.put("_total_items", batch.items().size());
        ArrayNode out = doc.putObject("_embedded").putArray("custom_field_groups");
        int before = fields.groups(entity).size();
        for (int i = 0; i < batch.items().size(); i++) {
            JsonNode item = batch.items().get(i);
            String id = fields.addGroup(entity, item.get("name").asString().strip(), item.path("sort")
                    .asInt(before * 10 + 10));
            out.add(fields.group(entity, id).deepCopy().put("request_id", batch.requestIds().get(i)));
        }
        return SandboxResponse.ok(doc);
    }

    SandboxResponse get(String entity, String id) {
        ObjectNode g = fields.group(entity, id);
        return g == null ? notFound() : SandboxResponse.ok(g.deepCopy());
    }

    SandboxResponse update(SandboxRequest r, String entity, String id) {
        ObjectNode g = fields.group(entity, id);
        if (g == null) {
            return notFound();
        }
        if (r.bodyEmpty() || !r.body().isObject()) {
            return r.bodyEmpty() ? Problems.emptyBody() : Problems.methodNotAllowed();
        }
        if (r.body().has("name") && r.body().path("name").asString("").isBlank()) {
            return Problems.validation(List.of(new Problems.Violation("0", "NotBlank", "name",
                    "This value should not be blank.")));
        }
        if (r.body().hasNonNull("name")) {
            g.put("name", r.body().get("name").asString().strip());
        }
        if (r.body().hasNonNull("sort")) {
            g.put("sort", r.body().get("sort").asInt());
        }
        return SandboxResponse.ok(g.deepCopy());
    }

    SandboxResponse delete(String entity, String id) {
        ObjectNode g = fields.group(entity, id);
        if (g == null) {
            return notFound();
        }
        if (g.get("is_predefined").asBoolean()) {
            return Problems.basic(400, "Bad Request", "A predefined group cannot be deleted");
        }
        fields.removeGroup(entity, g);
        return SandboxResponse.noContent();
    }

    private static SandboxResponse notFound() {
        return Problems.notFound("Group not found");
    }
}
