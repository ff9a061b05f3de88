package io.kommomcp.core;

/**
 * A change that failed after part of it landed in Kommo, already explained in full (what landed, what failed, what
 * must be checked before retrying). The registry records such a call as PARTIAL and passes the message on as is.
 */
public class PartiallyApplied extends ToolException {

    private static final long serialVersionUID = 1L;

    public PartiallyApplied(String message) {
        super(message);
    }
}
