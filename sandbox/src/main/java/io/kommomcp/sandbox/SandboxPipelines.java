package io.kommomcp.sandbox;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.kommomcp.sandbox.Problems.Violation;
import io.kommomcp.sandbox.SandboxAccount.Request;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Pipelines and their statuses, read and written as API.md §11 and §23 describe: at most 50 pipelines and 100
 * statuses per pipeline (system ones included); every pipeline has 142 and 143 (renameable only when the pipeline is
 * created) and an unsorted status while {@code is_unsorted_on}; exactly one main pipeline; the last pipeline, the main
 * one and one that holds leads cannot be deleted; a deleted status's leads move to the pipeline's first stage; status
 * colours come from the 21-colour palette; system statuses are not editable. Called under the account's lock.
 */
final class SandboxPipelines {

    static final int MAX_PIPELINES = 50;
    static final int MAX_STATUSES = 100;
    /** The colours Kommo accepts for a status it is sent (API.md §11); reads may show legacy ones. */
    static final List<String> PALETTE = List.of("#fffeb2", "#fffd7f", "#fff000", "#ffeab2", "#ffdc7f", "#ffce5a",
            "#ffdbdb", "#ffc8c8", "#ff8f92", "#d6eaff", "#c1e0ff", "#98cbff", "#ebffb1", "#deff81", "#87f2c0",
            "#f9deff", "#f3beff", "#ccc8f9", "#eb93ff", "#f2f3f4", "#e6e8ea");
    private static final List<String> LEVELS = List.of("newbie", "candidate", "master");

    private final SandboxAccount a;

    SandboxPipelines(SandboxAccount account) {
        this.a = account;
    }

    SandboxResponse route(Request r, String[] p) {
        String m = r.method();
        if (p.length == 2) {
            return switch (m) {
                case "GET" -> list(r);
                case "POST" -> addPipelines(r);
                default -> Problems.methodNotAllowed();
            };
        }
        Long pid = SandboxAccount.id(p[2]);
        if (pid == null || !a.pipelines.containsKey(pid)) {
            return Problems.notFound("Pipeline not found");
        }
        if (p.length == 3) {
            return switch (m) {
                case "GET" -> SandboxResponse.ok(render(pid, r));
                case "PATCH" -> updatePipeline(r, pid);
                case "DELETE" -> deletePipeline(pid);
                default -> Problems.methodNotAllowed();
            };
        }
        if (!p[3].equals("statuses") || p.length > 5) {
            return null;
        }
        if (p.length == 4) {
            return switch (m) {
                case "GET" -> statusList(r, pid);
                case "POST" -> addStatuses(r, pid);
                default -> Problems.methodNotAllowed();
            };
        }
        Long sid = SandboxAccount.id(p[4]);
        ObjectNode status = sid == null ? null : a.statuses.get(pid).stream()
                .filter(s -> s.get("id").asLong() == sid).findFirst().orElse(null);
        if (status == null) {
            return Problems.notFound("Status not found");
        }
        return switch (m) {
            case "GET" -> SandboxResponse.ok(renderStatus(status, r));
            case "PATCH" -> updateStatus(r, pid, status);
            case "DELETE" -> deleteStatus(pid, status);
            default -> Problems.methodNotAllowed();
        };
    }

    // ---------------------------------------------------------------- reads

    private SandboxResponse list(Request r) {
        ObjectNode doc = Problems.JSON.createObjectNode();
        doc.put("_total_items", a.pipelines.size());
        doc.putObject("_links").putObject("self").put("href", r.base() + "/api/v4/leads/pipelines");
        ArrayNode items = doc.putObject("_embedded").putArray("pipelines");
        a.pipelines.keySet().forEach(id -> items.add(render(id, r)));
        return SandboxResponse.ok(doc);
    }

    private SandboxResponse statusList(Request r, long pid) {
        ObjectNode doc = Problems.JSON.createObjectNode();
        doc.put("_total_items", a.statuses.get(pid).size());
        doc.putObject("_links").putObject("self").put("href",
                r.base() + "/api/v4/leads/pipelines/" + pid + "/statuses");
        ArrayNode items = doc.putObject("_embedded").putArray("statuses");
        a.statuses.get(pid).forEach(s -> items.add(renderStatus(s, r)));
        return SandboxResponse.ok(doc);
    }

    private ObjectNode render(long id, Request r) {
        ObjectNode p = a.pipelines.get(id).deepCopy();
        p.putObject("_links").putObject("self").put("href", r.base() + "/api/v4/leads/pipelines/" + id);
        ArrayNode st = p.putObject("_embedded").putArray("statuses");
        a.statuses.get(id).forEach(s -> st.add(renderStatus(s, r)));
        return p;
    }

    private ObjectNode renderStatus(ObjectNode s, Request r) {
        ObjectNode c = s.deepCopy();
        if (!r.with("descriptions")) {
            c.remove("descriptions");
        } else if (!c.has("descriptions")) {
            c.putArray("descriptions");
        }
        c.putObject("_links").putObject("self").put("href", r.base() + "/api/v4/leads/pipelines/"
                + s.get("pipeline_id").asLong() + "/statuses/" + s.get("id").asLong());
        return c;
    }

    // ---------------------------------------------------------------- pipelines

    /** {@code POST /leads/pipelines}: {@code name, sort, is_main, is_unsorted_on} and optional statuses. */
    private SandboxResponse addPipelines(Request r) {
        SandboxBatch batch = SandboxBatch.forAdd(r, 250);
        if (batch.refusal() != null) {
            return batch.refusal();
        }
        List<Violation> v = batch.check((item, rid) -> {
            List<Violation> out = new ArrayList<>();
            if (item.path("name").asString("").isBlank()) {
                out.add(new Violation(rid, "NotBlank", "name", "This value should not be blank."));
            }
            for (String key : List.of("sort", "is_main", "is_unsorted_on")) {
                if (!item.hasNonNull(key)) {
                    out.add(new Violation(rid, "NotNull", key, "This value should not be null."));
                }
            }
            JsonNode statuses = item.path("_embedded").path("statuses");
            int regular = 0;
            for (int i = 0; i < statuses.size(); i++) {
                JsonNode s = statuses.get(i);
                long sid = s.path("id").asLong(0);
                if (sid == SandboxAccount.WON || sid == SandboxAccount.LOST) {
                    continue;
                }
                regular++;
                out.addAll(statusRules(s, "_embedded.statuses." + i + ".", rid, false));
            }
            if (regular + 3 > MAX_STATUSES) {
                out.add(new Violation(rid, "Count", "_embedded.statuses", "A pipeline can have at most "
                        + MAX_STATUSES + " statuses."));
            }
            return out;
        });
        if (a.pipelines.size() + batch.items().size() > MAX_PIPELINES) {
            v.add(new Violation(batch.requestIds().get(0), "Count", "", "The account can have at most "
                    + MAX_PIPELINES + " pipelines."));
        }
        if (!v.isEmpty()) {
            return Problems.validation(v);
        }
        ObjectNode doc = Problems.JSON.createObjectNode();
        doc.put("_total_items", batch.items().size());
        doc.putObject("_links").putObject("self").put("href", r.base() + "/api/v4/leads/pipelines");
        ArrayNode out = doc.putObject("_embedded").putArray("pipelines");
        for (int i = 0; i < batch.items().size(); i++) {
            long id = createPipeline(batch.items().get(i));
            out.add(render(id, r).put("request_id", batch.requestIds().get(i)));
        }
        return SandboxResponse.ok(doc);
    }

    private long createPipeline(JsonNode item) {
        long id = a.newId();
        boolean main = item.path("is_main").asBoolean(false);
        if (main) {
            a.pipelines.values().forEach(p -> p.put("is_main", false));
        }
        ObjectNode p = Problems.JSON.createObjectNode();
        p.put("id", id).put("name", item.get("name").asString().strip()).put("sort", item.path("sort").asInt())
                .put("is_main", main).put("is_unsorted_on", item.path("is_unsorted_on").asBoolean())
                .put("is_archive", false).put("account_id", a.accountId);
        a.pipelines.put(id, p);
        List<ObjectNode> st = new ArrayList<>();
        if (p.get("is_unsorted_on").asBoolean()) {
            st.add(status(a.newId(), id, "Incoming leads", 10, false, "#c1c1c1", 1));
        }
        String won = "Closed - won";
        String lost = "Closed - lost";
        int sort = 20;
        for (JsonNode s : item.path("_embedded").path("statuses")) {
            long sid = s.path("id").asLong(0);
            if (sid == SandboxAccount.WON) {
                won = s.path("name").asString(won);
            } else if (sid == SandboxAccount.LOST) {
                lost = s.path("name").asString(lost);
            } else {
                ObjectNode made = status(a.newId(), id, s.get("name").asString().strip(), s.path("sort").asInt(sort),
                        true, s.path("color").asString(PALETTE.get(0)), 0);
                setDescriptions(made, s.path("descriptions"));
                st.add(made);
                sort += 10;
            }
        }
        st.add(status(SandboxAccount.WON, id, won, 10000, false, "#CCFF66", 0));
        st.add(status(SandboxAccount.LOST, id, lost, 11000, false, "#D5D8DB", 0));
        st.sort(Comparator.comparingInt(s -> s.get("sort").asInt()));
        a.statuses.put(id, st);
        return id;
    }

    /** {@code PATCH /leads/pipelines/{id}}: an object of {@code name, sort, is_main, is_unsorted_on}. */
    private SandboxResponse updatePipeline(Request r, long pid) {
        SandboxBatch batch = SandboxBatch.forUpdate(r, pid);
        if (batch.refusal() != null) {
            return batch.refusal();
        }
        JsonNode item = batch.items().get(0);
        ObjectNode p = a.pipelines.get(pid);
        List<Violation> v = new ArrayList<>();
        if (item.has("name") && item.path("name").asString("").isBlank()) {
            v.add(new Violation("0", "NotBlank", "name", "This value should not be blank."));
        }
        if (item.has("is_main") && !item.path("is_main").asBoolean() && p.get("is_main").asBoolean()) {
            v.add(new Violation("0", "NotSupportedChoice", "is_main", "The account needs a main pipeline: make"
                    + " another pipeline main instead."));
        }
        boolean unsortedOff = item.has("is_unsorted_on") && !item.path("is_unsorted_on").asBoolean()
                && p.get("is_unsorted_on").asBoolean();
        if (unsortedOff && a.leads.values().stream().anyMatch(l -> l.get("pipeline_id").asLong() == pid
                && statusType(pid, l.get("status_id").asLong()) == 1)) {
            v.add(new Violation("0", "NotSupportedChoice", "is_unsorted_on", "The unsorted stage holds leads."));
        }
        if (!v.isEmpty()) {
            return Problems.validation(v);
        }
        if (item.hasNonNull("name")) {
            p.put("name", item.get("name").asString().strip());
        }
        if (item.hasNonNull("sort")) {
            p.put("sort", item.get("sort").asInt());
        }
        if (item.path("is_main").asBoolean(false)) {
            a.pipelines.values().forEach(x -> x.put("is_main", false));
            p.put("is_main", true);
        }
        if (item.has("is_unsorted_on") && item.get("is_unsorted_on").asBoolean() != p.get("is_unsorted_on")
                .asBoolean()) {
            boolean on = item.get("is_unsorted_on").asBoolean();
            p.put("is_unsorted_on", on);
            List<ObjectNode> st = a.statuses.get(pid);
            if (on) {
                st.add(0, status(a.newId(), pid, "Incoming leads", 10, false, "#c1c1c1", 1));
            } else {
                st.removeIf(s -> s.get("type").asInt() == 1);
            }
        }
        return SandboxResponse.ok(render(pid, r).put("request_id", batch.requestIds().get(0)));
    }

    private SandboxResponse deletePipeline(long pid) {
        if (a.pipelines.size() == 1) {
            return Problems.basic(400, "Bad Request", "The last pipeline cannot be deleted");
        }
        if (a.pipelines.get(pid).get("is_main").asBoolean()) {
            return Problems.basic(400, "Bad Request", "The main pipeline cannot be deleted");
        }
        if (a.leads.values().stream().anyMatch(l -> l.get("pipeline_id").asLong() == pid)) {
            return Problems.basic(400, "Bad Request", "A pipeline with leads cannot be deleted");
        }
        a.pipelines.remove(pid);
        a.statuses.remove(pid);
        a.leadFields.values().forEach(f -> dropStages(f, s -> s.path("pipeline_id").asLong() == pid));
        return SandboxResponse.noContent();
    }

    // ---------------------------------------------------------------- statuses

    /** {@code POST /leads/pipelines/{id}/statuses}: an array of {@code name, sort, color, descriptions?}. */
    private SandboxResponse addStatuses(Request r, long pid) {
        SandboxBatch batch = SandboxBatch.forAdd(r, 250);
        if (batch.refusal() != null) {
            return batch.refusal();
        }
        List<Violation> v = batch.check((item, rid) -> statusRules(item, "", rid, false));
        if (a.statuses.get(pid).size() + batch.items().size() > MAX_STATUSES) {
            v.add(new Violation(batch.requestIds().get(0), "Count", "", "A pipeline can have at most "
                    + MAX_STATUSES + " statuses."));
        }
        if (!v.isEmpty()) {
            return Problems.validation(v);
        }
        List<ObjectNode> st = a.statuses.get(pid);
        ObjectNode doc = Problems.JSON.createObjectNode();
        doc.put("_total_items", batch.items().size());
        doc.putObject("_links").putObject("self").put("href", r.base() + "/api/v4/leads/pipelines/" + pid
                + "/statuses");
        ArrayNode out = doc.putObject("_embedded").putArray("statuses");
        for (int i = 0; i < batch.items().size(); i++) {
            JsonNode item = batch.items().get(i);
            int lastOpen = st.stream().filter(s -> s.get("sort").asInt() < 10000).mapToInt(s -> s.get("sort")
                    .asInt()).max().orElse(10);
            ObjectNode made = status(a.newId(), pid, item.get("name").asString().strip(),
                    item.path("sort").asInt(lastOpen + 10), true, item.path("color").asString(PALETTE.get(0)), 0);
            setDescriptions(made, item.path("descriptions"));
            st.add(made);
            out.add(renderStatus(made, r).put("request_id", batch.requestIds().get(i)));
        }
        st.sort(Comparator.comparingInt(s -> s.get("sort").asInt()));
        return SandboxResponse.ok(doc);
    }

    private SandboxResponse updateStatus(Request r, long pid, ObjectNode status) {
        SandboxBatch batch = SandboxBatch.forUpdate(r, status.get("id").asLong());
        if (batch.refusal() != null) {
            return batch.refusal();
        }
        if (!status.get("is_editable").asBoolean()) {
            return Problems.basic(400, "Bad Request", "System statuses cannot be edited");
        }
        JsonNode item = batch.items().get(0);
        List<Violation> v = statusRules(item, "", "0", true);
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
        a.statuses.get(pid).sort(Comparator.comparingInt(s -> s.get("sort").asInt()));
        return SandboxResponse.ok(renderStatus(status, r).put("request_id", "0"));
    }

    private SandboxResponse deleteStatus(long pid, ObjectNode status) {
        long sid = status.get("id").asLong();
        if (!status.get("is_editable").asBoolean()) {
            return Problems.basic(400, "Bad Request", "System statuses cannot be deleted");
        }
        List<ObjectNode> st = a.statuses.get(pid);
        boolean holdsLeads = a.leads.values().stream().anyMatch(l -> l.get("pipeline_id").asLong() == pid
                && l.get("status_id").asLong() == sid);
        if (holdsLeads && st.stream().filter(s -> s.get("type").asInt() == 0 && s.get("is_editable").asBoolean())
                .count() == 1) {
            return Problems.basic(400, "Bad Request", "The last stage of a pipeline that holds leads cannot be"
                    + " deleted");
        }
        st.remove(status);
        long first = a.firstOpenStatus(pid);
        for (ObjectNode lead : a.leads.values()) {
            if (lead.get("pipeline_id").asLong() == pid && lead.get("status_id").asLong() == sid) {
                ObjectNode before = lead.deepCopy();
                lead.put("status_id", first).put("updated_at", SandboxAccount.now());
                a.events.changed("lead", before, lead);
            }
        }
        a.leadFields.values().forEach(f -> dropStages(f, s -> s.path("status_id").asLong() == sid
                && s.path("pipeline_id").asLong() == pid));
        return SandboxResponse.noContent();
    }

    // ---------------------------------------------------------------- rules

    /** A status's name (unless {@code partial}), sort, colour from the palette and descriptions. */
    private static List<Violation> statusRules(JsonNode s, String prefix, String rid, boolean partial) {
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

    private void setDescriptions(ObjectNode status, JsonNode descriptions) {
        ArrayNode out = status.putArray("descriptions");
        for (JsonNode d : descriptions) {
            out.addObject().put("id", a.newId()).put("account_id", a.accountId).put("level", d.path("level")
                    .asString()).put("description", d.path("description").asString(""));
        }
    }

    private ObjectNode status(long id, long pipelineId, String name, int sort, boolean editable, String color,
            int type) {
        ObjectNode s = Problems.JSON.createObjectNode();
        s.put("id", id).put("name", name).put("sort", sort).put("is_editable", editable).put("pipeline_id", pipelineId)
                .put("color", color).put("type", type).put("account_id", a.accountId);
        s.putArray("descriptions");
        return s;
    }

    private int statusType(long pid, long sid) {
        return a.statuses.get(pid).stream().filter(s -> s.get("id").asLong() == sid).mapToInt(s -> s.get("type")
                .asInt()).findFirst().orElse(0);
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
