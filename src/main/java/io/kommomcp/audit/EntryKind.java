package io.kommomcp.audit;

/** The kinds of audit entry. */
public enum EntryKind {
    /** A complete read-only or refused call, in one entry. */
    CALL,
    /** A state-changing call, recorded before anything is sent to Kommo. */
    INTENT,
    /** The outcome of an intent, linked to it by the correlation id. */
    OUTCOME,
    /** Governance steps of administrative changes. */
    PLAN, ELICITATION, APPROVAL, CONFIRMATION,
    /** A change made in Kommo outside kommo-mcp (seen by webhook, sweep or configuration snapshot). */
    EXTERNAL
}
