package io.kommomcp.sandbox;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.kommomcp.sandbox.Problems.Violation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Lead pipelines (API.md §11, §23) over {@link PipelineStore}: list and read (404 "Pipeline not found"), add (at most
 * 50 per account; every pipeline gets 142 and 143, renameable only when it is created, and an unsorted stage while
 * {@code is_unsorted_on}), update (exactly one main pipeline; the unsorted stage cannot go while it holds leads) and
 * delete (not the last pipeline, the main one, or one that holds leads). Stages are {@link StatusesApi}'s.
 */
final class PipelinesApi {

    static final int MAX_PIPELINES = 50;

    private final SandboxAccount a;
    private final StatusesApi statuses;

    PipelinesApi(SandboxAccount account, StatusesApi statuses) {
        this.a = account;
        this.statuses = statuses;
    }

    SandboxResponse list(SandboxRequest r) {
        ObjectNode doc = Problems.JSON.createObjectNode();
        doc.put("_total_items", a.pipelines.size());
        HalPages.self(doc, r, "leads/pipelines");
        ArrayNode items = doc.putObject("_embedded").putArray("pipelines");
        a.pipelines.ids().forEach(id -> items.add(render(id, r)));
        return SandboxResponse.ok(doc);
    }

    /** {@code GET /leads/pipelines/{id}}; an unknown id answers 404 "Pipeline not found". */
    SandboxResponse get(SandboxRequest r, String id) {
        Long pid = known(id);
        return pid == null ? notFound() : SandboxResponse.ok(render(pid, r));
    }

    /** The id of an existing pipeline, or null. */
    Long known(String id) {
        Long pid = SandboxAccount.id(id);
        return pid != null && a.pipelines.has(pid) ? pid : null;
    }

    static SandboxResponse notFound() {
        return Problems.notFound("Pipeline not found");
    }

    private ObjectNode render(long id, SandboxRequest r) {
        ObjectNode p = HalPages.self(a.pipelines.get(id).deepCopy(), r, "leads/pipelines/" + id);
        ArrayNode st = p.putObject("_embedded").putArray("statuses");
        a.pipelines.statuses(id).forEach(s -> st.add(StatusesApi.render(s, r)));
        return p;
    }

    /** {@code POST /leads/pipelines}: {@code name, sort, is_main, is_unsorted_on} and optional statuses. */
    SandboxResponse add(SandboxRequest r) {
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
                if (sid == PipelineStore.WON || sid == PipelineStore.LOST) {
                    continue;
                }
                regular++;
                out.addAll(StatusesApi.rules(s, "_embedded.statuses." + i + ".", rid, false));
            }
            if (regular + 3 > StatusesApi.MAX_STATUSES) {
                out.add(new Violation(rid, "Count", "_embedded.statuses", "A pipeline can have at most "
                        + StatusesApi.MAX_STATUSES + " statuses."));
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
            a.pipelines.clearMain();
        }
        ObjectNode p = Problems.JSON.createObjectNode();
        p.put("id", id).put("name", item.get("name").asString().strip()).put("sort", item.path("sort").asInt())
                .put("is_main", main).put("is_unsorted_on", item.path("is_unsorted_on").asBoolean())
                .put("is_archive", false).put("account_id", a.accountId);
        List<ObjectNode> st = new ArrayList<>();
        if (p.get("is_unsorted_on").asBoolean()) {
            st.add(statuses.status(a.newId(), id, "Incoming leads", 10, false, "#c1c1c1", 1));
        }
        String won = "Closed - won";
        String lost = "Closed - lost";
        int sort = 20;
        for (JsonNode s : item.path("_embedded").path("statuses")) {
            long sid = s.path("id").asLong(0);
            if (sid == PipelineStore.WON) {
                won = s.path("name").asString(won);
            } else if (sid == PipelineStore.LOST) {
                lost = s.path("name").asString(lost);
            } else {
                ObjectNode made = statuses.status(a.newId(), id, s.get("name").asString().strip(),
                        s.path("sort").asInt(sort), true, s.path("color").asString(StatusesApi.PALETTE.get(0)), 0);
                statuses.setDescriptions(made, s.path("descriptions"));
                st.add(made);
                sort += 10;
            }
        }
        st.add(statuses.status(PipelineStore.WON, id, won, 10000, false, "#CCFF66", 0));
        st.add(statuses.status(PipelineStore.LOST, id, lost, 11000, false, "#D5D8DB", 0));
        st.sort(Comparator.comparingInt(s -> s.get("sort").asInt()));
        a.pipelines.add(p, st);
        return id;
    }

    /** {@code PATCH /leads/pipelines/{id}}: an object of {@code name, sort, is_main, is_unsorted_on}. */
    SandboxResponse update(SandboxRequest r, String id) {
        Long pid = known(id);
        if (pid == null) {
            return notFound();
        }
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
        if (unsortedOff && a.leads.rows().stream().anyMatch(l -> l.pipelineId() == pid
                && a.pipelines.statusType(pid, l.statusId()) == 1)) {
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
            a.pipelines.clearMain();
            p.put("is_main", true);
        }
        if (item.has("is_unsorted_on") && item.get("is_unsorted_on").asBoolean() != p.get("is_unsorted_on")
                .asBoolean()) {
            boolean on = item.get("is_unsorted_on").asBoolean();
            p.put("is_unsorted_on", on);
            if (on) {
                a.pipelines.addStatus(pid, statuses.status(a.newId(), pid, "Incoming leads", 10, false, "#c1c1c1", 1),
                        true);
            } else {
                a.pipelines.removeStatusesOfType(pid, 1);
            }
        }
        return SandboxResponse.ok(render(pid, r).put("request_id", batch.requestIds().get(0)));
    }

    SandboxResponse delete(String id) {
        Long pid = known(id);
        if (pid == null) {
            return notFound();
        }
        if (a.pipelines.size() == 1) {
            return Problems.basic(400, "Bad Request", "The last pipeline cannot be deleted");
        }
        if (a.pipelines.get(pid).get("is_main").asBoolean()) {
            return Problems.basic(400, "Bad Request", "The main pipeline cannot be deleted");
        }
        if (a.leads.rows().stream().anyMatch(l -> l.pipelineId() == pid)) {
            return Problems.basic(400, "Bad Request", "A pipeline with leads cannot be deleted");
        }
        a.pipelines.remove(pid);
        a.fields.all("leads").forEach(f -> StatusesApi.dropStages(f, s -> s.path("pipeline_id").asLong() == pid));
        return SandboxResponse.noContent();
    }
}
