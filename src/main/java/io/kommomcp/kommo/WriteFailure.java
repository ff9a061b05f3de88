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

    public WriteFailure(List<String> done, String failed, List<String> notAttempted, KommoApiException failure) {
        super(failure.getMessage(), failure, false, false);
        this.done = List.copyOf(done);
        this.failed = failed;
        this.notAttempted = List.copyOf(notAttempted);
        this.failure = failure;
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
