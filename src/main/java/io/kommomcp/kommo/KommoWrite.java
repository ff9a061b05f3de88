package io.kommomcp.kommo;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import tools.jackson.databind.JsonNode;

/**
 * A change to make in Kommo, as a typed operation: it says exactly which requests it sends ({@link #requests}, what a
 * plan shows), and what Kommo's answers mean for the objects written ({@link #result}: their ids, and before and after
 * for the audit trail). Built by tools from plain values; sent only by {@link KommoWriter}. An operation carries any
 * number of objects and splits them into requests of Kommo's batch size itself.
 */
public interface KommoWrite {

    /** Kommo's largest batch: items per add or update request. */
    int BATCH = 250;
    /** Kommo's largest batch of complex adds (a lead with its contact and company). */
    int COMPLEX_BATCH = 50;

    /**
     * The requests, in order. {@code ids} gives the value of each {@link IdRef}: the id itself when applying, a
     * readable reference in a plan.
     */
    List<KommoRequest> requests(Function<IdRef, Object> ids);

    /** What the answers of the requests sent so far (in order; null for an empty answer) say was written. */
    Result result(List<JsonNode> answers);

    /**
     * This write with the ids of objects created by earlier writes of the change filled in ({@code ids} resolves each
     * {@link IdRef}); a write that refers to none is its own resolved form.
     */
    default KommoWrite resolved(Function<IdRef, Object> ids) {
        return this;
    }

    /** The account schema this write changes, whose cached copy must go. */
    default Set<MetadataKey> invalidates() {
        return Set.of();
    }

    /**
     * The call's record number of each object this write carries, in order (a bulk tool numbers them: the index of
     * each record in its arguments); empty when the objects are not numbered. Numbered writes report what became of
     * each record ({@link Result#records()}), and their requests are shown in plans by count, record range and digest
     * rather than in full.
     */
    default List<Integer> records() {
        return List.of();
    }

    /**
     * The ids of the objects created (in the order they were given), each object written, and for a numbered write
     * each record written with its id.
     */
    record Result(List<Long> created, List<Written> written, List<RecordOutcome> records) {

        public Result {
            created = List.copyOf(created);
            written = List.copyOf(written);
            records = records == null ? List.of() : List.copyOf(records);
        }

        public Result(List<Long> created, List<Written> written) {
            this(created, written, List.of());
        }
    }

    /** {@code items} in batches of at most {@code size}. */
    static <T> List<List<T>> batches(List<T> items, int size) {
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i += size) {
            out.add(items.subList(i, Math.min(items.size(), i + size)));
        }
        return out;
    }
}
