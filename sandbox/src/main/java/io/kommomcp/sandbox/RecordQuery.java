package io.kommomcp.sandbox;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

import io.kommomcp.sandbox.EntityStore.Row;
import tools.jackson.databind.node.ObjectNode;

/**
 * The filters and orders that leads, contacts and companies lists share (API.md §5.5, §5.6): {@code filter[id]},
 * {@code filter[responsible_user_id]}, {@code filter[created_by]}, {@code filter[updated_by]},
 * {@code filter[created_at]} and {@code filter[updated_at]} (a range: see {@link Range}), {@code order[id]},
 * {@code order[created_at]}, {@code order[updated_at]} ({@code asc|desc}), and {@code with=only_deleted} (the trash
 * instead of the records, API.md §5.3). Filters on columns work on lean rows; the others unpack one record at a time.
 *
 * <p>Order: Kommo does not document its default (API.md §5.6, §25); the sandbox lists newest first (id descending),
 * as it always has. An order on a time breaks ties by id in the same direction, so pages never overlap. The first
 * {@code order[...]} of the query wins; an unknown field or direction is ignored.
 */
final class RecordQuery {

    private RecordQuery() {
    }

    /**
     * A time filter: {@code filter[x][from]} and {@code filter[x][to]}, both inclusive, or {@code filter[x]=ts} alone,
     * which amoCRM's docs read as "changed after ts" (the sandbox: from ts, inclusive). Non-numbers are ignored.
     */
    record Range(long from, long to) {

        boolean test(long t) {
            return t >= from && t <= to;
        }

        /** The range the query asks of {@code field}, or null when it asks none. */
        static Range of(SandboxRequest r, String field) {
            Long from = number(r.param("filter[" + field + "][from]"));
            Long to = number(r.param("filter[" + field + "][to]"));
            Long alone = number(r.param("filter[" + field + "]"));
            if (from == null && to == null && alone == null) {
                return null;
            }
            return new Range(from != null ? from : alone != null ? alone : Long.MIN_VALUE,
                    to != null ? to : Long.MAX_VALUE);
        }

        /** Adds a test of {@code field} to {@code tests} when the query asks one. */
        static <T> void add(List<Predicate<T>> tests, SandboxRequest r, String field, ToLongFunction<T> value) {
            Range range = of(r, field);
            if (range != null) {
                tests.add(x -> range.test(value.applyAsLong(x)));
            }
        }

        private static Long number(String s) {
            return s != null && s.matches("-?\\d{1,18}") ? Long.parseLong(s) : null;
        }
    }

    /**
     * The rows of {@code store} (or its trash with {@code with=only_deleted}) that pass the shared filters, the
     * entity's own {@code rowTests} and {@code recordTests} (which see the unpacked record), in the asked order.
     */
    static List<Row> select(EntityStore store, SandboxRequest r, List<Predicate<Row>> rowTests,
            List<Predicate<ObjectNode>> recordTests) {
        List<Predicate<Row>> rows = new ArrayList<>(rowTests);
        List<String> ids = r.params("filter[id]");
        if (!ids.isEmpty()) {
            rows.add(x -> ids.contains(String.valueOf(x.id())));
        }
        List<String> responsible = r.params("filter[responsible_user_id]");
        if (!responsible.isEmpty()) {
            rows.add(x -> responsible.contains(String.valueOf(x.responsibleUserId())));
        }
        Range.add(rows, r, "created_at", Row::createdAt);
        Range.add(rows, r, "updated_at", Row::updatedAt);
        List<Predicate<ObjectNode>> records = new ArrayList<>(recordTests);
        for (String author : List.of("created_by", "updated_by")) {
            List<String> wanted = r.params("filter[" + author + "]");
            if (!wanted.isEmpty()) {
                records.add(x -> wanted.contains(x.path(author).asString("")));
            }
        }
        List<Row> out = new ArrayList<>();
        for (Row row : r.with("only_deleted") ? store.trashNewestFirst() : store.rowsNewestFirst()) {
            if (rows.stream().allMatch(t -> t.test(row))
                    && (records.isEmpty() || passes(records, row.node()))) {
                out.add(row);
            }
        }
        Comparator<Row> order = order(r);
        if (order != null) {
            out.sort(order);
        }
        return out;
    }

    private static boolean passes(List<Predicate<ObjectNode>> tests, ObjectNode record) {
        return tests.stream().allMatch(t -> t.test(record));
    }

    /** The order the query asks ({@code order[id|created_at|updated_at]=asc|desc}), or null for the default. */
    static Comparator<Row> order(SandboxRequest r) {
        for (var e : r.query()) {
            String key = e.getKey();
            if (!key.startsWith("order[") || !key.endsWith("]")) {
                continue;
            }
            String field = key.substring(6, key.length() - 1);
            ToLongFunction<Row> value = switch (field) {
                case "id" -> Row::id;
                case "created_at" -> Row::createdAt;
                case "updated_at" -> Row::updatedAt;
                default -> null;
            };
            String dir = e.getValue();
            if (value == null || !(dir.equalsIgnoreCase("asc") || dir.equalsIgnoreCase("desc"))) {
                continue;
            }
            Comparator<Row> c = Comparator.comparingLong(value).thenComparingLong(Row::id);
            return dir.equalsIgnoreCase("desc") ? c.reversed() : c;
        }
        return null;
    }
}
