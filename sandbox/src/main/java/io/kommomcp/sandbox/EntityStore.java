package io.kommomcp.sandbox;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;

import tools.jackson.databind.node.ObjectNode;

/**
 * The records of one entity type — leads, contacts or companies — by id, each in Kommo's read shape (with
 * {@code _embedded.tags} and {@code _embedded.companies}), and the type's trash (records deleted in Kommo's UI, which
 * {@code with=only_deleted} lists and the UI can restore). Owns nothing else: links between records live in
 * {@link LinkStore}, values' definitions in {@link FieldStore}.
 *
 * <p>Records are kept lean, as {@link Row}s: the columns lists filter and sort on, and the record packed
 * ({@link PackedJson}), so that a benchmark account of 100,000 records fits in a small heap. {@link #get} therefore
 * answers a <b>copy</b>: a change is kept only when the record is {@link #put} back.
 */
final class EntityStore {

    /**
     * One stored record: its id, the columns lists filter and sort on without unpacking, and the packed record.
     * {@code companyId} is the record's company (0: none), {@code pipelineId} and {@code statusId} 0 for contacts and
     * companies.
     */
    record Row(long id, long createdAt, long updatedAt, long responsibleUserId, long pipelineId, long statusId,
            long companyId, byte[] packed) {

        /** The record (a copy). */
        ObjectNode node() {
            return PackedJson.unpackObject(packed);
        }

        static Row of(ObjectNode r) {
            return new Row(r.get("id").asLong(), r.path("created_at").asLong(), r.path("updated_at").asLong(),
                    r.path("responsible_user_id").asLong(), r.path("pipeline_id").asLong(),
                    r.path("status_id").asLong(), r.path("_embedded").path("companies").path(0).path("id").asLong(),
                    PackedJson.pack(r));
        }
    }

    /** The API path of the type: leads, contacts, companies. */
    final String path;
    /** Rows by ascending id (ids only grow, so a new record is appended). */
    private final ArrayList<Row> rows = new ArrayList<>();
    private final ArrayList<Row> trash = new ArrayList<>();

    EntityStore(String path) {
        this.path = path;
    }

    /** lead, contact, company: the type's name in events. */
    String singular() {
        return SandboxAccount.singular(path);
    }

    /** A copy of the record, or null (also for a record in the trash); {@link #put} keeps changes. */
    ObjectNode get(long id) {
        Row row = row(id);
        return row == null ? null : row.node();
    }

    Row row(long id) {
        int i = find(rows, id);
        return i < 0 ? null : rows.get(i);
    }

    boolean has(long id) {
        return find(rows, id) >= 0;
    }

    /** Stores a record, new or changed. */
    void put(ObjectNode record) {
        put(rows, Row.of(record));
    }

    /** Every row, oldest (lowest id) first; a copy of the list. */
    List<Row> rows() {
        return new ArrayList<>(rows);
    }

    /** Every row, newest first: Kommo's list order. */
    List<Row> rowsNewestFirst() {
        List<Row> out = rows();
        Collections.reverse(out);
        return out;
    }

    int size() {
        return rows.size();
    }

    /** All records, oldest first, unpacked (for small accounts and tests; lists use {@link #rows}). */
    List<ObjectNode> all() {
        List<ObjectNode> out = new ArrayList<>(rows.size());
        rows.forEach(r -> out.add(r.node()));
        return out;
    }

    List<Long> ids() {
        List<Long> out = new ArrayList<>(rows.size());
        rows.forEach(r -> out.add(r.id()));
        return out;
    }

    /**
     * Changes records one at a time: {@code change} gets each record (a copy) and answers whether it changed it;
     * changed ones are stored. Never holds more than one unpacked record.
     */
    void rewrite(Predicate<ObjectNode> change) {
        for (int i = 0; i < rows.size(); i++) {
            ObjectNode r = rows.get(i).node();
            if (change.test(r)) {
                rows.set(i, Row.of(r));
            }
        }
    }

    /** Deletes a record for good (Kommo's API deletes none; declining an incoming lead does). */
    void remove(long id) {
        int i = find(rows, id);
        if (i >= 0) {
            rows.remove(i);
        }
    }

    void removeIf(Predicate<ObjectNode> gone) {
        rows.removeIf(r -> gone.test(r.node()));
    }

    // ---------------------------------------------------------------- the trash (deleted in Kommo's UI)

    /** Moves a record, as given (already marked deleted), to the trash. */
    void trash(ObjectNode record) {
        remove(record.get("id").asLong());
        put(trash, Row.of(record));
    }

    /** A copy of a record in the trash, or null. */
    ObjectNode trashed(long id) {
        int i = find(trash, id);
        return i < 0 ? null : trash.get(i).node();
    }

    /** Takes a record out of the trash and stores it, as given (no longer marked deleted). */
    void restore(ObjectNode record) {
        int i = find(trash, record.get("id").asLong());
        if (i >= 0) {
            trash.remove(i);
        }
        put(record);
    }

    /** The trash, newest first. */
    List<Row> trashNewestFirst() {
        List<Row> out = new ArrayList<>(trash);
        Collections.reverse(out);
        return out;
    }

    // ---------------------------------------------------------------- sorted lists

    private static int find(List<Row> list, long id) {
        int lo = 0;
        int hi = list.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long at = list.get(mid).id();
            if (at < id) {
                lo = mid + 1;
            } else if (at > id) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    private static void put(List<Row> list, Row row) {
        if (list.isEmpty() || list.get(list.size() - 1).id() < row.id()) {
            list.add(row);
            return;
        }
        int i = find(list, row.id());
        if (i >= 0) {
            list.set(i, row);
        } else {
            list.add(-(i + 1), row);
        }
    }
}
