package io.kommomcp.audit;

/** How a tool call ended, as an audit entry records it. */
public enum Outcome {
    /** Allowed and completed. */
    SUCCEEDED,
    /** Allowed, but ended in an error (bad input, Kommo refused, internal error). */
    FAILED,
    /** Refused before running: missing role, read-only tenant, unknown or disabled tenant. */
    DENIED,
    /** An intent entry: the change is about to be attempted; its outcome entry follows. */
    PENDING,
    /**
     * Some of the call's Kommo writes landed and a later one failed or may have failed: the entry says which landed
     * and what must be checked before retrying.
     */
    PARTIAL,
    /** No outcome was recorded (the server stopped mid-call) and it could not be established afterwards. */
    UNKNOWN
}
