package io.kommomcp.kommo;

import java.util.List;
import java.util.Optional;

import io.kommomcp.core.Caller;
import io.kommomcp.kommo.KommoPages.Page;
import io.kommomcp.kommo.wire.WireValues;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import tools.jackson.databind.JsonNode;

/**
 * Collections read page by page for one tool call (analytics answered without the mirror), in the shapes the mirror
 * keeps (Kommo's API v4 items), newest first so that the first page also tells how far the rest reaches back. Each
 * request is a request of the call, within the account's budget like any other; the caller decides how many pages it
 * may afford.
 */
@ApplicationScoped
public class KommoBulkReads {

    @Inject
    KommoGateway gateway;

    /** Page {@code page} (from 1) of the leads, newest created first; Kommo filters by pipeline and user. */
    public Page leads(Caller caller, Long pipelineId, Long responsibleUserId, int page) {
        return page(caller, "leads", "leads", leadFilter(pipelineId, responsibleUserId).add("order[created_at]",
                "desc").add("page", page).add("limit", KommoPages.PAGE), KommoPages.PAGE);
    }

    /** When the oldest lead matching the filters was created (one request); empty when there is none. */
    public Optional<Long> oldestLeadCreatedAt(Caller caller, Long pipelineId, Long responsibleUserId) {
        return first(caller, "leads", "leads", leadFilter(pipelineId, responsibleUserId)
                .add("order[created_at]", "asc").add("page", 1).add("limit", 1), "created_at");
    }

    /** Page {@code page} of the events of {@code types} made at or after {@code from}, newest first. */
    public Page events(Caller caller, List<String> types, long from, int page) {
        return page(caller, "events", "events", Query.of().addAll("filter[type][]", types)
                .add("filter[created_at][from]", from).add("page", page).add("limit", KommoPages.EVENTS_PAGE),
                KommoPages.EVENTS_PAGE);
    }

    /**
     * Page {@code page} of the tasks, newest created first: open or completed ones only when {@code completed} is
     * given, changed at or after {@code updatedFrom} when given, of one user when given.
     */
    public Page tasks(Caller caller, Boolean completed, Long updatedFrom, Long responsibleUserId, int page) {
        return page(caller, "tasks", "tasks", taskFilter(completed, updatedFrom, responsibleUserId)
                .add("order[created_at]", "desc").add("page", page).add("limit", KommoPages.PAGE), KommoPages.PAGE);
    }

    /** When the oldest task matching the filters was created (one request); empty when there is none. */
    public Optional<Long> oldestTaskCreatedAt(Caller caller, Boolean completed, Long updatedFrom,
            Long responsibleUserId) {
        return first(caller, "tasks", "tasks", taskFilter(completed, updatedFrom, responsibleUserId)
                .add("order[created_at]", "asc").add("page", 1).add("limit", 1), "created_at");
    }

    /** Page {@code page} of the notes of leads changed at or after {@code updatedFrom}, newest changed first. */
    public Page leadNotes(Caller caller, long updatedFrom, int page) {
        return page(caller, "leads/notes", "notes", Query.of().add("filter[updated_at][from]", updatedFrom)
                .add("order[updated_at]", "desc").add("page", page).add("limit", KommoPages.PAGE), KommoPages.PAGE);
    }

    private static Query leadFilter(Long pipelineId, Long responsibleUserId) {
        return Query.of().add("filter[pipeline_id]", pipelineId).add("filter[responsible_user_id]",
                responsibleUserId);
    }

    private static Query taskFilter(Boolean completed, Long updatedFrom, Long responsibleUserId) {
        return Query.of().add("filter[is_completed]", completed == null ? null : completed ? 1 : 0)
                .add("filter[updated_at][from]", updatedFrom).add("filter[responsible_user_id]", responsibleUserId);
    }

    private Optional<Long> first(Caller caller, String path, String key, Query q, String field) {
        return gateway.client(caller).get(path, q).flatMap(d -> WireValues.embedded(d, key, n -> n).stream()
                .findFirst()).map(n -> WireValues.longOrNull(n, field));
    }

    private Page page(Caller caller, String path, String key, Query q, int size) {
        Optional<JsonNode> doc = gateway.client(caller).get(path, q);
        if (doc.isEmpty()) {
            return new Page(List.of(), false); // 204: nothing (more)
        }
        List<JsonNode> items = WireValues.embedded(doc.get(), key, n -> n);
        return new Page(items, WireValues.hasNext(doc.get()) && items.size() >= size);
    }
}
