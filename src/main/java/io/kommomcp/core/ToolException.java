package io.kommomcp.core;

/**
 * A failure a tool explains to the model (and the person behind it): what was wrong and what to do instead. The
 * message is shown to the client as is, so it must never carry internals (class names, stack traces, SQL).
 */
public class ToolException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ToolException(String message) {
        super(message, null, false, false);
    }
}
