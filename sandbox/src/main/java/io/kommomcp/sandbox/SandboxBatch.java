package io.kommomcp.sandbox;

import java.util.ArrayList;
import java.util.List;

import io.kommomcp.sandbox.Problems.Violation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The items of an add or update request as Kommo reads them (API.md §6): an array (or, for {@code PATCH /{e}/{id}},
 * one object that gets the id), each with its {@code request_id} (default: its index); or the refusal Kommo answers
 * for a body of the wrong shape or size.
 */
record SandboxBatch(List<JsonNode> items, List<String> requestIds, SandboxResponse refusal) {

    /** {@code POST /{e}}: a non-empty array of at most {@code max} items. */
    static SandboxBatch forAdd(SandboxRequest r, int max) {
        if (r.bodyEmpty()) {
            return refused(Problems.emptyBody());
        }
        if (!r.body().isArray()) {
            return refused(notAnArray());
        }
        if (r.body().size() > max) {
            return refused(Problems.basic(400, "Bad Request", "Too many entities in one request: at most " + max));
        }
        List<JsonNode> items = new ArrayList<>();
        r.body().forEach(items::add);
        return of(items);
    }

    /** {@code PATCH /{e}} (an array) or {@code PATCH /{e}/{id}} (one object; an array there answers 405). */
    static SandboxBatch forUpdate(SandboxRequest r, Long singleId) {
        if (r.bodyEmpty()) {
            return refused(Problems.emptyBody());
        }
        if (singleId != null && !r.body().isObject()) {
            return refused(Problems.methodNotAllowed()); // API.md §22.10
        }
        if (singleId == null && !r.body().isArray()) {
            return refused(notAnArray());
        }
        List<JsonNode> items = new ArrayList<>();
        if (singleId != null) {
            ObjectNode copy = ((ObjectNode) r.body()).deepCopy();
            copy.put("id", singleId);
            items.add(copy);
        } else {
            r.body().forEach(items::add);
        }
        return of(items);
    }

    /** The violations {@code rule} finds in each item (given the item and its request id), in order. */
    List<Violation> check(java.util.function.BiFunction<JsonNode, String, List<Violation>> rule) {
        List<Violation> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            out.addAll(rule.apply(items.get(i), requestIds.get(i)));
        }
        return out;
    }

    /** A {@code NotBlank} violation for each item without a name (a mutable list, for more checks). */
    List<Violation> blankNames() {
        List<Violation> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i).path("name").asString("").isBlank()) {
                out.add(new Violation(requestIds.get(i), "NotBlank", "name", "This value should not be blank."));
            }
        }
        return out;
    }

    private static SandboxBatch of(List<JsonNode> items) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            ids.add(item.hasNonNull("request_id") ? item.get("request_id").asString() : String.valueOf(i));
        }
        return new SandboxBatch(List.copyOf(items), List.copyOf(ids), null);
    }

    private static SandboxBatch refused(SandboxResponse refusal) {
        return new SandboxBatch(List.of(), List.of(), refusal);
    }

    private static SandboxResponse notAnArray() {
        return Problems.validation(List.of(new Violation("0", "InvalidType", "", "This value should be of type"
                + " array.")));
    }
}
