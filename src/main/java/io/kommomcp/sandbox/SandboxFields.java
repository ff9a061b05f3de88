package io.kommomcp.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.kommomcp.sandbox.SandboxAccount.Request;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reading custom field definitions and their groups (API.md §10): {@code GET /{e}/custom_fields} (paged, with
 * {@code _total_items}), {@code /{id}} (404 "Custom field not found" for an unknown id), {@code /groups}. Writing
 * definitions belongs to governed administration. Called under the account's lock.
 */
final class SandboxFields {

    private final SandboxAccount a;
    /** Groups per entity type: id (a string, as Kommo has it) to group. */
    final Map<String, List<ObjectNode>> groups = new java.util.LinkedHashMap<>();

    SandboxFields(SandboxAccount account) {
        this.a = account;
    }

    SandboxResponse route(Request r, String entity, String[] p) {
        if (!r.method().equals("GET")) {
            return Problems.methodNotAllowed(); // definitions change through the governed admin tools only
        }
        Map<Long, ObjectNode> defs = a.fieldsOf(entity);
        if (p.length == 2) {
            List<ObjectNode> all = new ArrayList<>(defs.values());
            List<String> types = r.params("filter[type]");
            if (!types.isEmpty()) {
                all.removeIf(f -> !types.contains(f.get("type").asString()));
            }
            return a.list(r, "custom_fields", entity + "/custom_fields", all, f -> render(f, r, entity), true);
        }
        if (p.length == 3 && p[2].equals("groups")) {
            List<ObjectNode> gs = groups.getOrDefault(entity, List.of());
            if (gs.isEmpty()) {
                return SandboxResponse.noContent();
            }
            ObjectNode doc = Problems.JSON.createObjectNode();
            doc.put("_total_items", gs.size());
            doc.putObject("_links").putObject("self").put("href", r.base() + "/api/v4/" + entity
                    + "/custom_fields/groups");
            ArrayNode items = doc.putObject("_embedded").putArray("custom_field_groups");
            gs.forEach(g -> items.add(g.deepCopy()));
            return SandboxResponse.ok(doc);
        }
        Long id = p.length == 3 ? SandboxAccount.id(p[2]) : null;
        if (id == null) {
            return null;
        }
        ObjectNode f = defs.get(id);
        if (f == null) {
            return Problems.basic(404, "Not Found", "Custom field not found");
        }
        return SandboxResponse.ok(render(f, r, entity));
    }

    private ObjectNode render(ObjectNode f, Request r, String entity) {
        ObjectNode out = f.deepCopy();
        out.putObject("_links").putObject("self").put("href", r.base() + "/api/v4/" + entity + "/custom_fields/"
                + f.get("id").asLong());
        return out;
    }

    /** Adds a group of fields to an entity type; returns its id. */
    String group(String entity, String name, int sort) {
        String id = entity + "_" + (1_700_000_000L + groups.getOrDefault(entity, List.of()).size());
        ObjectNode g = Problems.JSON.createObjectNode();
        g.put("id", id).put("name", name).put("sort", sort).put("entity_type", entity).put("is_predefined", false);
        groups.computeIfAbsent(entity, k -> new ArrayList<>()).add(g);
        return id;
    }
}
