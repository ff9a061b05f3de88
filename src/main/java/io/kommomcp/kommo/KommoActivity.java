package io.kommomcp.kommo;

import java.util.List;
import java.util.Optional;

import io.kommomcp.core.Caller;
import io.kommomcp.kommo.KommoCrm.Page;
import io.kommomcp.kommo.wire.Lead;
import io.kommomcp.kommo.wire.Note;
import io.kommomcp.kommo.wire.Task;
import io.kommomcp.kommo.wire.WireValues;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import tools.jackson.databind.JsonNode;

/**
 * What the account's activity looks like across leads, for finding leads nobody works on without reading each one:
 * leads not changed since a time, and the notes and tasks of leads changed since a time (API.md §5.5, §12, §13).
 */
@ApplicationScoped
public class KommoActivity {

    @Inject
    KommoGateway gateway;

    /**
     * A page (of {@code limit}, at most 250) of the leads whose {@code updated_at} is at or before {@code before}
     * (Unix seconds), least recently changed first; null filters are "any". A stage needs its pipeline.
     */
    public Page<Lead> leadsUnchangedSince(Caller caller, Long pipelineId, Long stageId, Long responsibleUserId,
            long before, int page, int limit) {
        Query q = Query.of().add("filter[updated_at][to]", before)
                .add("filter[responsible_user_id]", responsibleUserId)
                .add("order[updated_at]", "asc").add("page", page).add("limit", limit);
        if (stageId != null) {
            q.add("filter[statuses][0][pipeline_id]", pipelineId).add("filter[statuses][0][status_id]", stageId);
        } else {
            q.add("filter[pipeline_id]", pipelineId);
        }
        Optional<JsonNode> doc = gateway.client(caller).get("leads", q);
        return new Page<>(doc.map(d -> WireValues.embedded(d, "leads", Lead::from)).orElse(List.of()), page, limit,
                doc.map(WireValues::hasNext).orElse(false));
    }

    /** A page (of 250) of the notes of any lead changed at or after {@code from} (Unix seconds), newest first. */
    public Page<Note> leadNotesChangedSince(Caller caller, long from, int page) {
        Optional<JsonNode> doc = gateway.client(caller).get("leads/notes", Query.of()
                .add("filter[updated_at][from]", from).add("order[updated_at]", "desc").add("page", page)
                .add("limit", KommoCrm.MAX_PAGE_SIZE));
        return new Page<>(doc.map(d -> WireValues.embedded(d, "notes", Note::from)).orElse(List.of()), page,
                KommoCrm.MAX_PAGE_SIZE, doc.map(WireValues::hasNext).orElse(false));
    }

    /** A page (of 250) of the tasks on leads changed at or after {@code from} (Unix seconds). */
    public Page<Task> leadTasksChangedSince(Caller caller, long from, int page) {
        Optional<JsonNode> doc = gateway.client(caller).get("tasks", Query.of().add("filter[entity_type]", "leads")
                .add("filter[updated_at][from]", from).add("order[id]", "desc").add("page", page)
                .add("limit", KommoCrm.MAX_PAGE_SIZE));
        return new Page<>(doc.map(d -> WireValues.embedded(d, "tasks", Task::from)).orElse(List.of()), page,
                KommoCrm.MAX_PAGE_SIZE, doc.map(WireValues::hasNext).orElse(false));
    }

    /** An event as Kommo shows it (an answer's item, or the mirror's copy of one) read into the event record. */
    public static KommoEvents.Event event(JsonNode e) {
        return new KommoEvents.Event(WireValues.textOrNull(e, "id"), WireValues.textOrNull(e, "type"),
                WireValues.textOrNull(e, "entity_type"), WireValues.longOr(e, "entity_id", 0),
                WireValues.longOrNull(e, "created_by"), WireValues.longOrNull(e, "created_at"), e.path("value_before"),
                e.path("value_after"));
    }
}
