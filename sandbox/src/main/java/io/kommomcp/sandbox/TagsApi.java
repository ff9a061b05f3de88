package io.kommomcp.sandbox;

import java.util.ArrayList;
import java.util.List;

import io.kommomcp.sandbox.Problems.Violation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /{e}/tags} (filter[name], filter[id][], query; 204 when none) and {@code POST /{e}/tags} (an array of
 * {@code {name, color?}}; an existing name answers the existing tag), API.md §15, over {@link TagStore}.
 */
final class TagsApi {

    private final TagStore tags;

    TagsApi(TagStore tags) {
        this.tags = tags;
    }

    SandboxResponse list(SandboxRequest r, String entity) {
        List<ObjectNode> all = tags.all(entity);
        String name = r.param("filter[name]");
        if (name != null) {
            all.removeIf(t -> !t.get("name").asString().equalsIgnoreCase(name.strip()));
        }
        List<String> ids = r.params("filter[id]");
        if (!ids.isEmpty()) {
            all.removeIf(t -> !ids.contains(t.get("id").asString()));
        }
        String q = r.param("query");
        if (q != null && !q.isBlank()) {
            all.removeIf(t -> !SandboxAccount.fold(t.get("name").asString()).contains(SandboxAccount.fold(q.strip())));
        }
        return HalPages.list(r, "tags", entity + "/tags", all, ObjectNode::deepCopy, HalPages.byId("tags"), true);
    }

    SandboxResponse add(SandboxRequest r, String entity) {
        if (r.bodyEmpty()) {
            return Problems.emptyBody();
        }
        List<Violation> violations = new ArrayList<>();
        for (int i = 0; i < r.body().size(); i++) {
            JsonNode t = r.body().get(i);
            String name = t.path("name").asString("").strip();
            if (name.isEmpty()) {
                violations.add(new Violation(String.valueOf(i), "NotBlank", "name", "This value should not be blank."));
            }
            if (t.hasNonNull("color") && !t.get("color").asString().matches("[0-9A-Fa-f]{6}")) {
                violations.add(new Violation(String.valueOf(i), "InvalidColor", "color",
                        "This value is not a valid color."));
            }
        }
        if (!violations.isEmpty()) {
            return Problems.validation(violations);
        }
        ObjectNode doc = Problems.JSON.createObjectNode();
        doc.put("_total_items", r.body().size());
        ArrayNode out = doc.putObject("_embedded").putArray("tags");
        for (int i = 0; i < r.body().size(); i++) {
            JsonNode t = r.body().get(i);
            ObjectNode tag = tags.ensure(entity, t.get("name").asString().strip(),
                    t.hasNonNull("color") ? t.get("color").asString() : null);
            out.add(tag.deepCopy().put("request_id", t.hasNonNull("request_id") ? t.get("request_id").asString()
                    : String.valueOf(i)));
        }
        return SandboxResponse.ok(doc);
    }
}
