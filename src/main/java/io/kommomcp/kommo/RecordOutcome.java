package io.kommomcp.kommo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * What became of one record of a bulk change: its number in the call (the index of the record in the tool's
 * arguments), the id of the object written, or why it was not written. Writes whose objects carry record numbers
 * ({@link KommoWrite#records()}) report these from Kommo's answers, and a change that fails part-way reports every
 * record ({@link WriteFailure#records()}).
 *
 * @param record the record's index in the call
 * @param id     the object's id (created or updated); null when not written
 * @param status what happened to it
 * @param error  why it was not written (Kommo's words for this record when Kommo named it); null when written
 */
public record RecordOutcome(int record, Long id, Status status, String error) {

    /** Written; refused (not applied); unknown (its request got no proper answer: may have been applied); not sent. */
    public enum Status {
        WRITTEN, REFUSED, UNKNOWN, NOT_ATTEMPTED
    }

    public static RecordOutcome written(int record, long id) {
        return new RecordOutcome(record, id, Status.WRITTEN, null);
    }

    /**
     * The outcomes as a person reads them, consecutive records alike in one range: "records 0-249: done (ids
     * 1001-1250)", "record 263: refused (custom_fields_values: ...)", "records 500-999: not attempted". Records are
     * named {@code noun[i]} when a noun is given ({@code leads[12]}), else "record 12".
     */
    public static String summary(List<RecordOutcome> outcomes, String noun) {
        List<RecordOutcome> sorted = new ArrayList<>(outcomes);
        sorted.sort(Comparator.comparingInt(RecordOutcome::record));
        List<String> parts = new ArrayList<>();
        int i = 0;
        while (i < sorted.size()) {
            RecordOutcome first = sorted.get(i);
            int j = i;
            while (j + 1 < sorted.size() && continues(sorted.get(j), sorted.get(j + 1))) {
                j++;
            }
            RecordOutcome last = sorted.get(j);
            StringBuilder b = new StringBuilder(range(noun, first.record(), last.record())).append(": ");
            switch (first.status()) {
                case WRITTEN -> b.append("done (").append(first.id().equals(last.id()) ? "id " + first.id()
                        : "ids " + first.id() + "-" + last.id()).append(')');
                case REFUSED -> b.append("refused, not applied").append(first.error() == null ? ""
                        : " (" + first.error() + ")");
                case UNKNOWN -> b.append("outcome unknown, may have been applied: check before repeating")
                        .append(first.error() == null ? "" : " (" + first.error() + ")");
                case NOT_ATTEMPTED -> b.append("not attempted");
            }
            parts.add(b.toString());
            i = j + 1;
        }
        return String.join("; ", parts);
    }

    /** {@code leads[3]}, {@code leads[3-9]}; or "record 3", "records 3-9". */
    public static String range(String noun, int from, int to) {
        if (noun == null) {
            return from == to ? "record " + from : "records " + from + "-" + to;
        }
        return noun + "[" + (from == to ? String.valueOf(from) : from + "-" + to) + "]";
    }

    private static boolean continues(RecordOutcome a, RecordOutcome b) {
        if (b.record() != a.record() + 1 || a.status() != b.status() || !Objects.equals(a.error(), b.error())) {
            return false;
        }
        return a.status() != Status.WRITTEN || (a.id() != null && b.id() != null && b.id() == a.id() + 1);
    }
}
