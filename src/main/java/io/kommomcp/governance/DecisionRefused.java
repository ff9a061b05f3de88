package io.kommomcp.governance;

import io.kommomcp.core.ToolException;

/** An approval decision that cannot be taken, with the HTTP status the admin REST API answers for it. */
public class DecisionRefused extends ToolException {

    private static final long serialVersionUID = 1L;

    private final int status;

    public DecisionRefused(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
