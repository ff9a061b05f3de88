package io.kommomcp.sandbox;

import java.util.ArrayList;
import java.util.List;

import io.kommomcp.sandbox.Problems.Violation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The statuses (stages) of a lead pipeline (API.md §11, §23) over {@link PipelineStore}: list, read (404 "Status not
 * found"), add (at most 100 per pipeline, system ones included), update and delete (system statuses are not
 * editable; a deleted status's leads move to the pipeline's first stage, and fields stop requiring it). Colours come
 * from the 21-colour palette; descriptions one per level, at most 1000 characters.
 */
final class StatusesApi {

    static final int MAX_STATUSES = 100;
    /** The colours Kommo accepts for a status it is sent (API.md §11); reads may show legacy ones. */
    static final List<String> PALETTE = List.of("#fffeb2", "#fffd7f", "#fff000", "#ffeab2", "#ffdc7f", "#ffce5a",
            "#ffdbdb", "#ffc8c8", "#ff8f92", "#d6eaff", "#c1e0ff", "#98cbff", "#ebffb1", "#deff81", "#87f2c0",
            "#f9deff", "#f3beff", "#ccc8f9", "#eb93ff", "#f2f3f4", "#e6e8ea");
    private static final List<String> LEVELS = List.of("newbie", "candidate", "master");

    private final SandboxAccount a;

    StatusesApi(SandboxAccount account) {
        this.a = account;
    }

    SandboxResponse list(SandboxRequest r, long pid) {
        ObjectNode doc = Problems.JSON.createObjectNode();
        List<ObjectNode> all = a.pipelines.statuses(pid);
        doc.put("_total_items", all.size());
        HalPages.self(doc, r, "leads/pipelines/" + pid + "/statuses");
        ArrayNode items = doc.putObject("_embedded").putArray("statuses");
        all.forEach(s -> items.add(render(s, r)));
        return SandboxResponse.ok(doc);
    }

    /** {@code GET .../statuses/{id}}: 404 "Status not found" for a status the pipeline does not have. */
    SandboxResponse get(SandboxRequest r, long pid, String id) {
        ObjectNode status = status(pid, id);
        return status == null ? statusNotFound() : SandboxResponse.ok(render(status, r));
    }

    private ObjectNode status(long pid, String id) {
        Long sid = SandboxAccount.id(id);
        return sid == null ? null : a.pipelines.status(pid, sid);
    }

    private static SandboxResponse statusNotFound() {
        return Problems.notFound("Status not found");
    }

    /** A status as Kommo shows it: descriptions only with {@code with=descriptions}. */
    static ObjectNode render(ObjectNode s, SandboxRequest r) {
        ObjectNode c = s.deepCopy();
        if (!r.with("descriptions")) {
            c.remove("descriptions");
        } else if (!c.has("descriptions")) {
            c.putArray("descriptions");
        }
        return HalPages.self(c, r, "leads/pipelines/" + s.get("pipeline_id").asLong() + "/statuses/"
                + s.get("id").asLong());
    }

    /** {@code POST /leads/pipelines/{id}/statuses}: an array of {@code name, sort, color, descriptions?}. */
    SandboxResponse add(SandboxRequest r, long pid) {
        SandboxBatch batch = SandboxBatch.forAdd(r, 250);
        if (batch.refusal() != null) {
            return batch.refusal();
        }
        List<Violation> v = batch.check((item, rid) -> rules(item, "", rid, false));
        if (a.pipelines.statuses(pid).size() + batch.items().size() > MAX_STATUSES) {
            v.add(new Violation(batch.requestIds().get(0), "Count", "", "A pipeline can have at most "
                    + MAX_STATUSES + " statuses."));
        }
        if (!v.isEmpty()) {
            return Problems.validation(v);
        }
        ObjectNode doc = Problems.JSON.createObjectNode();
        doc.put("_total_items", batch.items().size());
        HalPages.self(doc, r, "leads/pipelines/" + pid + "/statuses");
        ArrayNode out = doc.putObject("_embedded").putArray("statuses");
        for (int i = 0; i < batch.items().size(); i++) {
            JsonNode item = batch.items().get(i);
            int lastOpen = a.pipelines.statuses(pid).stream().mapToInt(s -> s.get("sort").asInt())
                    .filter(sort -> sort < 10000).max().orElse(10);
            ObjectNode made = status(a.newId(), pid, item.get("name").asString().strip(),
                    item.path("sort").asInt(lastOpen + 10), true, item.path("color").asString(PALETTE.get(0)), 0);
            setDescriptions(made, item.path("descriptions"));
            a.pipelines.addStatus(pid, made, false);
            out.add(render(made, r).put("request_id", batch.requestIds().get(i)));
        }
        a.pipelines.sortStatuses(pid);
        return SandboxResponse.ok(doc);
    }

    SandboxResponse update(SandboxRequest r, long pid, String id) {
        ObjectNode status = status(pid, id);
        if (status == null) {
            return statusNotFound();
        }
        SandboxBatch batch = SandboxBatch.forUpdate(r, status.get("id").asLong());
        if (batch.refusal() != null) {
            return batch.refusal();
        }
        if (!status.get("is_editable").asBoolean()) {
            return Problems.basic(400, "Bad Request", "System statuses cannot be edited");
        }
        JsonNode item = batch.items().get(0);
        List<Violation> v = rules(item, "", "0", true);
        if (!v.isEmpty()) {
            return Problems.validation(v);
        }
        if (item.hasNonNull("name")) {
            status.put("name", item.get("name").asString().strip());
        }
        if (item.hasNonNull("sort")) {
            status.put("sort", item.get("sort").asInt());
        }
        if (item.hasNonNull("color")) {
            status.put("color", item.get("color").asString());
        }
        if (item.has("descriptions")) {
            setDescriptions(status, item.get("descriptions"));
        }
        a.pipelines.sortStatuses(pid);
        return SandboxResponse.ok(render(status, r).put("request_id", "0"));
    }

    SandboxResponse delete(long pid, String id) {
        ObjectNode status = status(pid, id);
        if (status == null) {
            return statusNotFound();
        }
        long sid = status.get("id").asLong();
        if (!status.get("is_editable").asBoolean()) {
            return Problems.basic(400, "Bad Request", "System statuses cannot be deleted");
        }
        List<ObjectNode> st = a.pipelines.statuses(pid);
        boolean holdsLeads = a.leads.rows().stream().anyMatch(l -> l.pipelineId() == pid && l.statusId() == sid);
        if (holdsLeads && st.stream().filter(s -> s.get("type").asInt() == 0 && s.get("is_editable").asBoolean())
                .count() == 1) {
            return Problems.basic(400, "Bad Request", "The last stage of a pipeline that holds leads cannot be"
                    + " deleted");
        }
        a.pipelines.removeStatus(pid, status);
        long first = a.pipelines.firstOpenStatus(pid);
        ObjectNode move = Problems.JSON.createObjectNode().put("status_id", first);
        for (EntityStore.Row lead : a.leads.rows()) { // each moves as a change of the lead would (events, webhooks)
            if (lead.pipelineId() == pid && lead.statusId() == sid) {
                a.leadWriter.update(lead.node(), move, SandboxAccount.now());
            }
        }
        a.fields.all("leads").forEach(f -> dropStages(f, s -> s.path("status_id").asLong() == sid
                && s.path("pipeline_id").asLong() == pid));
        return SandboxResponse.noContent();
    }

    // ---------------------------------------------------------------- rules

    /** A status's name (unless {@code partial}), sort, colour from the palette and descriptions. */
    static List<Violation> rules(JsonNode s, String prefix, String rid, boolean partial) {
        List<Violation> out = new ArrayList<>();
        if ((!partial || s.has("name")) && s.path("name").asString("").isBlank()) {
            out.add(new Violation(rid, "NotBlank", prefix + "name", "This value should not be blank."));
        }
        if (s.hasNonNull("color") && !PALETTE.contains(s.get("color").asString().toLowerCase(java.util.Locale.ROOT))) {
            out.add(new Violation(rid, "NotSupportedChoice", prefix + "color", "The value you selected is not a"
                    + " valid choice."));
        }
        if (s.hasNonNull("sort") && (!s.get("sort").isIntegralNumber() || s.get("sort").asInt() < 0
                || s.get("sort").asInt() >= 10000)) {
            out.add(new Violation(rid, "Range", prefix + "sort", "This value should be between 0 and 9999."));
        }
        JsonNode d = s.path("descriptions");
        java.util.Set<String> levels = new java.util.HashSet<>();
        for (int i = 0; i < d.size(); i++) {
            String level = d.get(i).path("level").asString("");
            if (!LEVELS.contains(level) || !levels.add(level)) {
                out.add(new Violation(rid, "NotSupportedChoice", prefix + "descriptions." + i + ".level",
                        "The value you selected is not a valid choice."));
            }
            if (d.get(i).path("description").asString("").length() > 1000) {
                out.add(new Violation(rid, "Length", prefix + "descriptions." + i + ".description",
                        "This value is too long. It should have 1000 characters or less."));
            }
        }
        return out;
    }

    void setDescriptions(ObjectNode status, JsonNode descriptions) {
        ArrayNode out = status.putArray("descriptions");
        for (JsonNode d : descriptions) {
            out.addObject().put("id", a.newId()).put("account_id", a.accountId).put("level", d.path("level")
                    .asString()).put("description", d.path("description").asString(""));
        }
    }

    /** A new status (not yet in a pipeline). */
    ObjectNode status(long id, long pipelineId, String name, int sort, boolean editable, String color, int type) {
        ObjectNode s = Problems.JSON.createObjectNode();
        s.put("id", id).put("name", name).put("sort", sort).put("is_editable", editable).put("pipeline_id", pipelineId)
                .put("color", color).put("type", type).put("account_id", a.accountId);
        s.putArray("descriptions");
        return s;
    }

    /** Removes the stages that {@code gone} matches from a field's required and hidden stages. */
    static void dropStages(ObjectNode field, java.util.function.Predicate<JsonNode> gone) {
        for (String key : List.of("required_statuses", "hidden_statuses")) {
            JsonNode list = field.path(key);
            if (list instanceof ArrayNode arr) {
                for (int i = arr.size() - 1; i >= 0; i--) {
                    if (gone.test(arr.get(i))) {
                        arr.remove(i);
                    }
                }
            }
        }
    }
}
