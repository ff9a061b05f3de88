package io.kommomcp.kommo;

import java.util.ArrayList;
import java.util.List;

/**
 * What a change did: per write, the ids Kommo gave the objects it created and the objects it wrote; and the
 * requests carried out, as a plan lists them.
 */
public record Applied(List<KommoWrite.Result> results, List<String> done) {

    public Applied {
        results = List.copyOf(results);
        done = List.copyOf(done);
    }

    /** The id of the first object write number {@code write} created. */
    public long id(int write) {
        List<Long> ids = results.get(write).created();
        if (ids.isEmpty()) {
            throw new KommoApiException(KommoApiException.Kind.UNEXPECTED_RESPONSE, 200, null,
                    "the answer named no new object", List.of(), java.util.Map.of(), null, null);
        }
        return ids.get(0);
    }

    /** The ids write number {@code write} created. */
    public List<Long> ids(int write) {
        return results.get(write).created();
    }

    /** Every id created, in order. */
    public List<Long> allCreated() {
        List<Long> out = new ArrayList<>();
        results.forEach(r -> out.addAll(r.created()));
        return out;
    }

    /** Each numbered record written, with its id, in record order (see {@link KommoWrite#records()}). */
    public List<RecordOutcome> records() {
        List<RecordOutcome> out = new ArrayList<>();
        results.forEach(r -> out.addAll(r.records()));
        out.sort(java.util.Comparator.comparingInt(RecordOutcome::record));
        return out;
    }

    /** The objects write number {@code write} wrote. */
    public List<Written> written(int write) {
        return results.get(write).written();
    }
}
