package io.kommomcp.core;

/**
 * Tells the client how far a long call has come (MCP progress notifications), when it asked for them with a progress
 * token. Optional: a client that did not ask gets {@link #NONE}, and reporting never fails a call.
 */
public interface Progress {

    /** A client that asked for no progress. */
    Progress NONE = (done, total, message) -> {
    };

    /** {@code done} of {@code total} steps are finished; {@code done} only grows within a call. */
    void report(long done, long total, String message);
}
