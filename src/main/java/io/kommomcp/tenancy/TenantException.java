package io.kommomcp.tenancy;

/** A refused tenant operation, with the HTTP status the admin API answers and a message for the administrator. */
public final class TenantException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    public TenantException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
