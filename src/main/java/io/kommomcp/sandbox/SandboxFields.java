package io.kommomcp.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.kommomcp.sandbox.SandboxAccount.Request;
import tools.jackson.databind.JsonNode;
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
        if (r.method().equals("POST") && p.length == 2) {
            return addFields(r, entity);
        }
        if (!r.method().equals("GET")) {
            return Problems.methodNotAllowed();
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

    /** Field types an account may add (API.md §10); the predefined kinds (multitext ...) come with the account. */
    static final List<String> ADDABLE = List.of("text", "numeric", "checkbox", "select", "multiselect", "date",
            "url", "textarea", "radiobutton", "streetaddress", "birthday", "date_time", "price", "monetary");

    /** {@code POST /{e}/custom_fields}: an array of {@code {name, type, code?, enums?: [{value, sort?}]}}. */
    private SandboxResponse addFields(Request r, String entity) {
        SandboxBatch batch = SandboxBatch.forAdd(r, 250);
        if (batch.refusal() != null) {
            return batch.refusal();
        }
        List<Problems.Violation> violations = new ArrayList<>();
        for (int i = 0; i < batch.items().size(); i++) {
            JsonNode f = batch.items().get(i);
            String id = batch.requestIds().get(i);
            if (f.path("name").asString("").isBlank()) {
                violations.add(new Problems.Violation(id, "NotBlank", "name", "This value should not be blank."));
            }
            if (!ADDABLE.contains(f.path("type").asString(""))) {
                violations.add(new Problems.Violation(id, "NotSupportedChoice", "type",
                        "The value you selected is not a valid choice."));
            }
            boolean selectLike = List.of("select", "multiselect", "radiobutton").contains(f.path("type").asString(""));
            if (selectLike && f.path("enums").isEmpty()) {
                violations.add(new Problems.Violation(id, "NotBlank", "enums", "This value should not be blank."));
            }
            for (String key : List.of("required_statuses", "hidden_statuses")) {
                for (JsonNode st : f.path(key)) {
                    List<ObjectNode> stages = a.statuses.get(st.path("pipeline_id").asLong());
                    if (!entity.equals("leads") || stages == null || stages.stream().noneMatch(x -> x.get("id")
                            .asLong() == st.path("status_id").asLong())) {
                        violations.add(new Problems.Violation(id, "NotSupportedChoice", key,
                                "The value you selected is not a valid choice."));
                    }
                }
            }
        }
        if (!violations.isEmpty()) {
            return Problems.validation(violations);
        }
        ObjectNode doc = Problems.JSON.createObjectNode();
        doc.put("_total_items", batch.items().size());
        ArrayNode out = doc.putObject("_embedded").putArray("custom_fields");
        for (int i = 0; i < batch.items().size(); i++) {
            JsonNode f = batch.items().get(i);
            List<String> options = new ArrayList<>();
            f.path("enums").forEach(e -> options.add(e.path("value").asString("")));
            ObjectNode made = add(entity, f.get("name").asString().strip(), f.get("type").asString(),
                    f.hasNonNull("code") ? f.get("code").asString() : null, options, false);
            for (String key : List.of("required_statuses", "hidden_statuses")) {
                f.path(key).forEach(st -> ((ArrayNode) made.get(key)).addObject()
                        .put("status_id", st.path("status_id").asLong())
                        .put("pipeline_id", st.path("pipeline_id").asLong()));
            }
            out.add(render(made, r, entity).put("request_id", batch.requestIds().get(i)));
        }
        return SandboxResponse.ok(doc);
    }

    /** Adds a field definition to an entity type; select-like fields get their options with ids. */
    ObjectNode add(String entity, String name, String type, String code, List<String> options, boolean predefined) {
        Map<Long, ObjectNode> defs = a.fieldsOf(entity);
        long id = a.newId();
        ObjectNode f = Problems.JSON.createObjectNode();
        f.put("id", id).put("name", name).put("type", type).put("account_id", a.accountId);
        if (code == null) {
            f.putNull("code");
        } else {
            f.put("code", code);
        }
        f.put("sort", 500 + defs.size()).put("is_api_only", false).putNull("group_id");
        if (options.isEmpty()) {
            f.putNull("enums");
        } else {
            ArrayNode enums = f.putArray("enums");
            for (int i = 0; i < options.size(); i++) {
                enums.addObject().put("id", a.newId()).put("value", options.get(i)).put("sort", (i + 1) * 10);
            }
        }
        f.putArray("required_statuses");
        f.putArray("hidden_statuses");
        f.put("is_deletable", !predefined).put("is_predefined", predefined).put("entity_type", entity);
        defs.put(id, f);
        return f;
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
