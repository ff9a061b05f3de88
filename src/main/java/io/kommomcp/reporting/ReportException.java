package io.kommomcp.reporting;

/** A report request that cannot be answered as asked; the message says how to fix it. HTTP 400. */
public class ReportException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ReportException(String message) {
        super(message);
    }
}
