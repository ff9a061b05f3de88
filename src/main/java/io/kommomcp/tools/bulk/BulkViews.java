package io.kommomcp.tools.bulk;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.kommomcp.core.AuditNote;
import io.kommomcp.core.Describe;
import io.kommomcp.core.Rendered;
import io.kommomcp.kommo.RecordOutcome;

/** What the bulk tools answer: per record, by runs of consecutive records alike, and each problem by index. */
public final class BulkViews {

    private BulkViews() {
    }

    /** Records {@code from}-{@code to} (indices in the list sent) alike; created ones with ids firstId..lastId. */
    public record Run(int from, int to, String status, Long firstId, Long lastId) {
    }

    /** A record not written: its index in the list sent, its id when it has one, and why. */
    public record Problem(int record, Long id, String reason) {
    }

    /**
     * A bulk call's answer.
     *
     * @param entity        the list's name, which the records are indexed in ("leads")
     * @param requested     records sent
     * @param written       records created, updated or moved
     * @param unchanged     records that needed no change (already so)
     * @param skipped       invalid records left out (skip_invalid)
     * @param kommoRequests write requests sent to Kommo
     */
    public record BulkResult(String action, String entity, int requested, int written, int unchanged, int skipped,
            int kommoRequests,
            @Describe("Consecutive records alike; record i of a created run has id first_id + (i - from).")
            List<Run> records,
            List<Problem> problems) implements Rendered, AuditNote {

        /** The audit entry keeps the records left out, each with its reason (what was written is its after). */
        @Override
        public String auditNote() {
            if (problems.isEmpty()) {
                return null;
            }
            return "Not written: " + String.join("; ", problems.stream().map(p -> entity + "[" + p.record() + "]"
                    + (p.id() == null ? "" : " (" + p.id() + ")") + ": " + p.reason()).toList());
        }

        @Override
        public String toText() {
            StringBuilder b = new StringBuilder(action).append(": ").append(written).append(" of ").append(requested)
                    .append(' ').append(entity).append(" in ").append(kommoRequests).append(" Kommo request")
                    .append(kommoRequests == 1 ? "" : "s").append('.');
            int shown = 0;
            for (Run r : records) {
                if (shown++ == 40) {
                    b.append("\n... ").append(records.size() - 40).append(" more runs in records.");
                    break;
                }
                b.append('\n').append(RecordOutcome.range(entity, r.from(), r.to())).append(": ").append(r.status());
                if (r.firstId() != null) {
                    b.append(r.firstId().equals(r.lastId()) ? ", id " + r.firstId() : ", ids " + r.firstId() + "-"
                            + r.lastId());
                }
            }
            if (!problems.isEmpty()) {
                b.append("\nNot written:");
                problems.stream().limit(40).forEach(p -> b.append("\n- ").append(entity).append('[').append(p.record())
                        .append("]").append(p.id() == null ? "" : " (" + p.id() + ")").append(": ").append(p.reason()));
                if (problems.size() > 40) {
                    b.append("\n... ").append(problems.size() - 40).append(" more in problems.");
                }
            }
            return b.toString();
        }
    }

    /**
     * Runs of consecutive records alike. {@code written} gives each record's status ({@code verb} for records
     * written) and id; created runs also need consecutive ids ({@code withIds}); other records' statuses come from
     * {@code others}.
     */
    static List<Run> runs(List<RecordOutcome> written, String verb, boolean withIds, Map<Integer, String> others) {
        TreeMap<Integer, Object[]> all = new TreeMap<>();
        written.forEach(o -> all.put(o.record(), new Object[] {verb, withIds ? o.id() : null}));
        others.forEach((record, status) -> all.putIfAbsent(record, new Object[] {status, null}));
        List<Run> out = new ArrayList<>();
        Run open = null;
        for (Map.Entry<Integer, Object[]> e : all.entrySet()) {
            String status = (String) e.getValue()[0];
            Long id = (Long) e.getValue()[1];
            if (open != null && open.to() == e.getKey() - 1 && open.status().equals(status) && (id == null
                    ? open.lastId() == null : open.lastId() != null && open.lastId() == id - 1)) {
                open = new Run(open.from(), e.getKey(), status, open.firstId(), id);
            } else {
                if (open != null) {
                    out.add(open);
                }
                open = new Run(e.getKey(), e.getKey(), status, id, id);
            }
        }
        if (open != null) {
            out.add(open);
        }
        return out;
    }
}
