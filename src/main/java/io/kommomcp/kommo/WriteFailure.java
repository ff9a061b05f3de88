package io.kommomcp.kommo;

import java.util.List;

/**
 * A change that failed after some of its requests landed: which were done, which one failed (and how), and which were
 * not attempted. (When the first request fails, nothing landed and the {@link KommoApiException} itself is thrown.)
 */
public final class WriteFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final List<String> done;
    private final String failed;
    private final List<String> notAttempted;
    private final transient KommoApiException failure;
    private final List<RecordOutcome> records;

    public WriteFailure(List<String> done, String failed, List<String> notAttempted, KommoApiException failure) {
        this(done, failed, notAttempted, failure, List.of());
    }

    /** {@code records}: what became of each numbered record of the change (empty when none is numbered). */
    public WriteFailure(List<String> done, String failed, List<String> notAttempted, KommoApiException failure,
            List<RecordOutcome> records) {
        super(failure.getMessage(), failure, false, false);
        this.done = List.copyOf(done);
        this.failed = failed;
        this.notAttempted = List.copyOf(notAttempted);
        this.failure = failure;
        this.records = List.copyOf(records);
    }

    /**
     * Every numbered record of the change (see {@link KommoWrite#records()}), in record order: written with its id,
     * refused or of unknown outcome (in the request that failed, with Kommo's reason when it named the record), or not
     * attempted. Empty when the change numbers no records.
     */
    public List<RecordOutcome> records() {
        return records;
    }

    public List<String> done() {
        return done;
    }

    public String failed() {
        return failed;
    }

    public List<String> notAttempted() {
        return notAttempted;
    }

    public KommoApiException failure() {
        return failure;
    }

    /** Whether the failed request may have been carried out anyway (5xx, no answer). */
    public boolean mayHaveApplied() {
        return failure.mayHaveApplied();
    }
}
