package io.kommomcp.core;

/**
 * A successful answer with something the audit entry must keep beyond before and after: the registry records it as
 * the entry's note (its error text), e.g. the records a bulk call left out and why.
 */
public interface AuditNote {

    /** The note, or null when there is nothing to add. */
    String auditNote();
}
