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
 * {@code _total_items}), {@code /{id}} (404 "Custom field not found" for an unknown id), {@code /groups}; and
 * writing them as API.md §10 and §23 describe: add, update (options replaced as a whole), delete (not predefined
 * fields; values erased), and groups. Called under the account's lock.
 */
final class SandboxFields {

    private final SandboxAccount a;
    /** Groups per entity type: id (a string, as Kommo has it) to group. */
    final Map<String, List<ObjectNode>> groups = new java.util.LinkedHashMap<>();

    SandboxFields(SandboxAccount account) {
        this.a = account;
    }

    SandboxResponse route(Request r, String entity, String[] p) {
        if (p.length >= 3 && p[2].equals("groups")) {
            return groupsRoute(r, entity, p);
        }
        if (r.method().equals("POST") && p.length == 2) {
            return addFields(r, entity);
        }
        if (r.method().equals("PATCH") && p.length <= 3) {
            Long single = p.length == 3 ? SandboxAccount.id(p[2]) : null;
            if (p.length == 3 && single == null) {
                return null;
            }
            return updateFields(r, entity, single);
        }
        if (r.method().equals("DELETE") && p.length == 3) {
            Long id = SandboxAccount.id(p[2]);
            return id == null ? null : deleteField(entity, id);
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
            if (f.hasNonNull("group_id") && !groupExists(entity, f.get("group_id").asString())) {
                violations.add(new Problems.Violation(id, "NotSupportedChoice", "group_id",
                        "The value you selected is not a valid choice."));
            }
            boolean selectLike = List.of("select", "multiselect", "radiobutton").contains(f.path("type").asString(""));
            if (selectLike && f.path("enums").isEmpty()) {
                violations.add(new Problems.Violation(id, "NotBlank", "enums", "This value should not be blank."));
            }
            violations.addAll(stageRules(entity, f, id));
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
            setStages(made, f);
            if (f.hasNonNull("group_id")) {
                made.put("group_id", f.get("group_id").asString());
            }
            if (f.hasNonNull("sort")) {
                made.put("sort", f.get("sort").asInt());
            }
            made.put("is_api_only", f.path("is_api_only").asBoolean(false));
            out.add(render(made, r, entity).put("request_id", batch.requestIds().get(i)));
        }
        return SandboxResponse.ok(doc);
    }

    /** Required and hidden stages must be stages of lead pipelines (and only lead fields have them). */
    private List<Problems.Violation> stageRules(String entity, JsonNode f, String requestId) {
        List<Problems.Violation> out = new ArrayList<>();
        for (String key : List.of("required_statuses", "hidden_statuses")) {
            for (JsonNode st : f.path(key)) {
                List<ObjectNode> stages = a.statuses.get(st.path("pipeline_id").asLong());
                if (!entity.equals("leads") || stages == null || stages.stream().noneMatch(x -> x.get("id")
                        .asLong() == st.path("status_id").asLong())) {
                    out.add(new Problems.Violation(requestId, "NotSupportedChoice", key,
                            "The value you selected is not a valid choice."));
                }
            }
        }
        return out;
    }

    private static void setStages(ObjectNode field, JsonNode item) {
        for (String key : List.of("required_statuses", "hidden_statuses")) {
            if (item.has(key)) {
                ArrayNode list = field.putArray(key);
                item.path(key).forEach(st -> list.addObject().put("status_id", st.path("status_id").asLong())
                        .put("pipeline_id", st.path("pipeline_id").asLong()));
            }
        }
    }

    /**
     * {@code PATCH /{e}/custom_fields} (array with ids) or {@code /{id}} (object): name, code, sort, group_id,
     * is_api_only, required and hidden stages, and {@code enums} as the whole new list (an option with an id keeps
     * its id and may be renamed, one without is added, one left out is removed and its values erased). The type of a
     * field and a predefined field's name, code and options cannot change.
     */
    private SandboxResponse updateFields(Request r, String entity, Long single) {
        SandboxBatch batch = SandboxBatch.forUpdate(r, single);
        if (batch.refusal() != null) {
            return batch.refusal();
        }
        Map<Long, ObjectNode> defs = a.fieldsOf(entity);
        if (single != null && !defs.containsKey(single)) {
            return Problems.basic(404, "Not Found", "Custom field not found");
        }
        List<Problems.Violation> v = batch.check((item, rid) -> {
            List<Problems.Violation> out = new ArrayList<>();
            ObjectNode f = defs.get(item.path("id").asLong());
            if (f == null) {
                out.add(new Problems.Violation(rid, "NotFound", "id", "Custom field not found"));
                return out;
            }
            if (item.has("name") && item.path("name").asString("").isBlank()) {
                out.add(new Problems.Violation(rid, "NotBlank", "name", "This value should not be blank."));
            }
            if (item.has("type") && !item.path("type").asString("").equals(f.get("type").asString())) {
                out.add(new Problems.Violation(rid, "NotEditable", "type", "The type of a field cannot be changed."));
            }
            if (f.get("is_predefined").asBoolean()) {
                for (String key : List.of("name", "code", "enums")) {
                    if (item.has(key)) {
                        out.add(new Problems.Violation(rid, "NotEditable", key, "A predefined field's " + key
                                + " cannot be changed."));
                    }
                }
            }
            if (item.hasNonNull("group_id") && !groupExists(entity, item.get("group_id").asString())) {
                out.add(new Problems.Violation(rid, "NotSupportedChoice", "group_id",
                        "The value you selected is not a valid choice."));
            }
            if (item.has("enums")) {
                java.util.Set<Long> known = new java.util.HashSet<>();
                f.path("enums").forEach(e -> known.add(e.get("id").asLong()));
                JsonNode enums = item.get("enums");
                for (int i = 0; i < enums.size(); i++) {
                    JsonNode e = enums.get(i);
                    if (e.hasNonNull("id") && !known.contains(e.get("id").asLong())) {
                        out.add(new Problems.Violation(rid, "NotSupportedChoice", "enums." + i + ".id",
                                "The value you selected is not a valid choice."));
                    }
                    if (e.path("value").asString("").isBlank()) {
                        out.add(new Problems.Violation(rid, "NotBlank", "enums." + i + ".value",
                                "This value should not be blank."));
                    }
                }
                boolean selectLike = List.of("select", "multiselect", "radiobutton").contains(f.get("type")
                        .asString());
                if (selectLike && enums.isEmpty()) {
                    out.add(new Problems.Violation(rid, "NotBlank", "enums", "This value should not be blank."));
                }
            }
            out.addAll(stageRules(entity, item, rid));
            return out;
        });
        if (!v.isEmpty()) {
            return Problems.validation(v);
        }
        ObjectNode doc = Problems.JSON.createObjectNode();
        doc.put("_total_items", batch.items().size());
        ArrayNode out = doc.putObject("_embedded").putArray("custom_fields");
        for (int i = 0; i < batch.items().size(); i++) {
            JsonNode item = batch.items().get(i);
            ObjectNode f = defs.get(item.get("id").asLong());
            if (item.hasNonNull("name")) {
                f.put("name", item.get("name").asString().strip());
            }
            if (item.has("code")) {
                f.set("code", item.get("code"));
            }
            if (item.hasNonNull("sort")) {
                f.put("sort", item.get("sort").asInt());
            }
            if (item.has("group_id")) {
                f.set("group_id", item.get("group_id"));
            }
            if (item.hasNonNull("is_api_only")) {
                f.put("is_api_only", item.get("is_api_only").asBoolean());
            }
            setStages(f, item);
            if (item.has("enums")) {
                replaceEnums(entity, f, item.get("enums"));
            }
            refreshValues(entity, f);
            ObjectNode shown = render(f, r, entity);
            if (single == null) {
                shown.put("request_id", batch.requestIds().get(i));
            }
            out.add(shown);
        }
        return single != null ? SandboxResponse.ok(out.get(0)) : SandboxResponse.ok(doc);
    }

    private void replaceEnums(String entity, ObjectNode f, JsonNode wanted) {
        Map<Long, ObjectNode> old = new java.util.LinkedHashMap<>();
        f.path("enums").forEach(e -> old.put(e.get("id").asLong(), (ObjectNode) e));
        ArrayNode next = Problems.JSON.createArrayNode();
        int sort = 10;
        for (JsonNode e : wanted) {
            ObjectNode kept = e.hasNonNull("id") ? old.remove(e.get("id").asLong()) : null;
            ObjectNode made = kept != null ? kept : Problems.JSON.createObjectNode().put("id", a.newId());
            made.put("value", e.get("value").asString().strip()).put("sort", e.path("sort").asInt(sort));
            next.add(made);
            sort += 10;
        }
        f.set("enums", next);
        java.util.Set<Long> removed = old.keySet();
        if (!removed.isEmpty()) {
            erase(entity, f.get("id").asLong(), v -> removed.contains(v.path("enum_id").asLong()));
        }
    }

    /** {@code DELETE /{e}/custom_fields/{id}}: 204; a predefined field cannot go; its values are erased. */
    private SandboxResponse deleteField(String entity, long id) {
        ObjectNode f = a.fieldsOf(entity).get(id);
        if (f == null) {
            return Problems.basic(404, "Not Found", "Custom field not found");
        }
        if (!f.get("is_deletable").asBoolean()) {
            return Problems.basic(400, "Bad Request", "This field cannot be deleted");
        }
        erase(entity, id, v -> true);
        a.fieldsOf(entity).remove(id);
        return SandboxResponse.noContent();
    }

    /** Removes the values {@code gone} matches of field {@code fieldId} from every entity of the type. */
    private void erase(String entity, long fieldId, java.util.function.Predicate<JsonNode> gone) {
        for (ObjectNode e : a.entitiesOf(entity).values()) {
            if (!(e.get("custom_fields_values") instanceof ArrayNode cfs)) {
                continue;
            }
            for (int i = cfs.size() - 1; i >= 0; i--) {
                if (cfs.get(i).path("field_id").asLong() != fieldId) {
                    continue;
                }
                ArrayNode values = (ArrayNode) cfs.get(i).path("values");
                for (int j = values.size() - 1; j >= 0; j--) {
                    if (gone.test(values.get(j))) {
                        values.remove(j);
                    }
                }
                if (values.isEmpty()) {
                    cfs.remove(i);
                }
            }
            if (cfs.isEmpty()) {
                e.putNull("custom_fields_values");
            }
        }
    }

    /** Stored values show the field's current name and option texts, as Kommo renders them. */
    private void refreshValues(String entity, ObjectNode f) {
        long fieldId = f.get("id").asLong();
        Map<Long, String> options = new java.util.HashMap<>();
        f.path("enums").forEach(e -> options.put(e.get("id").asLong(), e.get("value").asString()));
        for (ObjectNode e : a.entitiesOf(entity).values()) {
            for (JsonNode cf : e.path("custom_fields_values")) {
                if (cf.path("field_id").asLong() == fieldId) {
                    ((ObjectNode) cf).put("field_name", f.get("name").asString()).set("field_code", f.get("code"));
                    for (JsonNode v : cf.path("values")) {
                        if (v.hasNonNull("enum_id") && options.containsKey(v.get("enum_id").asLong())
                                && !f.get("type").asString().equals("multitext")) {
                            ((ObjectNode) v).put("value", options.get(v.get("enum_id").asLong()));
                        }
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- groups

    /** {@code GET|POST /{e}/custom_fields/groups}, {@code GET|PATCH|DELETE .../groups/{id}} (ids are strings). */
    private SandboxResponse groupsRoute(Request r, String entity, String[] p) {
        List<ObjectNode> gs = groups.computeIfAbsent(entity, k -> new ArrayList<>());
        if (p.length == 3) {
            if (r.method().equals("POST")) {
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
                for (int i = 0; i < batch.items().size(); i++) {
                    JsonNode item = batch.items().get(i);
                    String id = group(entity, item.get("name").asString().strip(), item.path("sort")
                            .asInt(gs.size() * 10 + 10));
                    out.add(findGroup(entity, id).deepCopy().put("request_id", batch.requestIds().get(i)));
                }
                return SandboxResponse.ok(doc);
            }
            if (!r.method().equals("GET")) {
                return Problems.methodNotAllowed();
            }
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
        ObjectNode g = p.length == 4 ? findGroup(entity, p[3]) : null;
        if (g == null) {
            return Problems.notFound("Group not found");
        }
        switch (r.method()) {
            case "GET":
                return SandboxResponse.ok(g.deepCopy());
            case "PATCH": {
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
            case "DELETE": {
                if (g.get("is_predefined").asBoolean()) {
                    return Problems.basic(400, "Bad Request", "A predefined group cannot be deleted");
                }
                gs.remove(g);
                String id = g.get("id").asString();
                a.fieldsOf(entity).values().stream().filter(f -> id.equals(f.path("group_id").asString(null)))
                        .forEach(f -> f.putNull("group_id"));
                return SandboxResponse.noContent();
            }
            default:
                return Problems.methodNotAllowed();
        }
    }

    private ObjectNode findGroup(String entity, String id) {
        return groups.getOrDefault(entity, List.of()).stream().filter(g -> g.get("id").asString().equals(id))
                .findFirst().orElse(null);
    }

    private boolean groupExists(String entity, String id) {
        return findGroup(entity, id) != null;
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
        String id = entity + "_" + (1_700_000_000L + a.newId());
        ObjectNode g = Problems.JSON.createObjectNode();
        g.put("id", id).put("name", name).put("sort", sort).put("entity_type", entity).put("is_predefined", false);
        groups.computeIfAbsent(entity, k -> new ArrayList<>()).add(g);
        return id;
    }
}
