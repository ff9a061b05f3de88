package io.kommomcp.audit;

/** How a tool call ended. */
public enum Outcome {
    /** Allowed and completed. */
    SUCCEEDED,
    /** Allowed, but ended in an error (bad input, Kommo refused, internal error). */
    FAILED,
    /** Refused before running: missing role, read-only tenant, unknown or disabled tenant. */
    DENIED
}
