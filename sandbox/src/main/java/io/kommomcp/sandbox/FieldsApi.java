package io.kommomcp.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Custom field definitions of leads, contacts and companies (API.md §10, §23) over {@link FieldStore}: the list
 * (paged, with {@code _total_items}, filter[type]), one field (404 "Custom field not found" for an unknown id), add,
 * update (options replaced as a whole; values of removed options erased) and delete (not predefined fields; values
 * erased). Groups are {@link FieldGroupsApi}'s.
 */
final class FieldsApi {

    private final SandboxAccount a;

    FieldsApi(SandboxAccount account) {
        this.a = account;
    }

    SandboxResponse list(SandboxRequest r, String entity) {
        List<ObjectNode> all = a.fields.all(entity);
        List<String> types = r.params("filter[type]");
        if (!types.isEmpty()) {
            all.removeIf(f -> !types.contains(f.get("type").asString()));
        }
        return HalPages.list(r, "custom_fields", entity + "/custom_fields", all, f -> render(f, r, entity),
                HalPages.byId(entity + "/custom_fields"), true); // {e}/custom_fields/{id}, as the samples have it
    }

    SandboxResponse get(SandboxRequest r, String entity, long id) {
        ObjectNode f = a.fields.get(entity, id);
        return f == null ? notFound() : SandboxResponse.ok(render(f, r, entity));
    }

    private static SandboxResponse notFound() {
        return Problems.basic(404, "Not Found", "Custom field not found");
    }

    private static ObjectNode render(ObjectNode f, SandboxRequest r, String entity) {
        return HalPages.self(f.deepCopy(), r, entity + "/custom_fields/" + f.get("id").asLong());
    }

    /**
     * Field types an account may add to leads, contacts and companies (API.md §10). Not {@code price},
     * {@code category} or {@code items}: those are fields of catalogs (lists) only; the predefined kinds (multitext
     * ...) come with the account.
     */
    static final List<String> ADDABLE = List.of("text", "numeric", "checkbox", "select", "multiselect", "date",
            "url", "textarea", "radiobutton", "streetaddress", "birthday", "date_time", "monetary");

    /**
     * {@code POST /{e}/custom_fields}: an array of {@code {name, type, code?, enums?: [{value, sort?}], ...}}.
     * Kommo answers 201 Created (API.md §10, §4) with the field itself, as sample
     * custom_field_create_select__kommo_docs.json shows for one field: that bare object, without
     * {@code request_id}. A bare object cannot hold several fields; for those the sandbox answers 201 with the
     * collection API.md §6 describes for adds (each field in full, with its {@code request_id}).
     */
    SandboxResponse add(SandboxRequest r, String entity) {
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
            if (f.hasNonNull("group_id") && a.fields.group(entity, f.get("group_id").asString()) == null) {
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
        HalPages.self(doc, r, entity + "/custom_fields");
        ArrayNode out = doc.putObject("_embedded").putArray("custom_fields");
        for (int i = 0; i < batch.items().size(); i++) {
            JsonNode f = batch.items().get(i);
            List<String> options = new ArrayList<>();
            f.path("enums").forEach(e -> options.add(e.path("value").asString("")));
            ObjectNode made = a.fields.add(entity, f.get("name").asString().strip(), f.get("type").asString(),
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
        if (out.size() == 1) {
            ObjectNode field = (ObjectNode) out.get(0);
            field.remove("request_id");
            return SandboxResponse.created(field);
        }
        return SandboxResponse.created(doc);
    }

    /** Required and hidden stages must be stages of lead pipelines (and only lead fields have them). */
    private List<Problems.Violation> stageRules(String entity, JsonNode f, String requestId) {
        List<Problems.Violation> out = new ArrayList<>();
        for (String key : List.of("required_statuses", "hidden_statuses")) {
            for (JsonNode st : f.path(key)) {
                if (!entity.equals("leads") || !a.pipelines.statusInPipeline(st.path("pipeline_id").asLong(),
                        st.path("status_id").asLong())) {
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
    SandboxResponse update(SandboxRequest r, String entity, Long single) {
        SandboxBatch batch = SandboxBatch.forUpdate(r, single);
        if (batch.refusal() != null) {
            return batch.refusal();
        }
        if (single != null && !a.fields.has(entity, single)) {
            return notFound();
        }
        List<Problems.Violation> v = batch.check((item, rid) -> {
            List<Problems.Violation> out = new ArrayList<>();
            ObjectNode f = a.fields.get(entity, item.path("id").asLong());
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
            if (item.hasNonNull("group_id") && a.fields.group(entity, item.get("group_id").asString()) == null) {
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
            ObjectNode f = a.fields.get(entity, item.get("id").asLong());
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
            a.values.refresh(entity, f);
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
            ObjectNode made = kept != null ? kept : Problems.JSON.createObjectNode().put("id", a.fields.newOptionId());
            made.put("value", e.get("value").asString().strip()).put("sort", e.path("sort").asInt(sort));
            next.add(made);
            sort += 10;
        }
        f.set("enums", next);
        java.util.Set<Long> removed = old.keySet();
        if (!removed.isEmpty()) {
            a.values.erase(entity, f.get("id").asLong(), v -> removed.contains(v.path("enum_id").asLong()));
        }
    }

    /** {@code DELETE /{e}/custom_fields/{id}}: 204; a predefined field cannot go; its values are erased. */
    SandboxResponse delete(String entity, long id) {
        ObjectNode f = a.fields.get(entity, id);
        if (f == null) {
            return notFound();
        }
        if (!f.get("is_deletable").asBoolean()) {
            return Problems.basic(400, "Bad Request", "This field cannot be deleted");
        }
        a.values.erase(entity, id, v -> true);
        a.fields.remove(entity, id);
        return SandboxResponse.noContent();
    }
}
