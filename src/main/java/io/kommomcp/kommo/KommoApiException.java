package io.kommomcp.kommo;

import java.util.List;
import java.util.Map;

/**
 * A failed Kommo call, parsed from whichever error shape Kommo used (API.md §4.1). {@link #toolMessage()} is the
 * explanation a model and its user get: what Kommo said, what it means, and what to do.
 */
public final class KommoApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What went wrong, independent of the exact body shape. */
    public enum Kind {
        VALIDATION, BAD_REQUEST, UNAUTHORIZED, PAYMENT_REQUIRED, FORBIDDEN, IP_BLOCKED, NOT_FOUND, METHOD_NOT_ALLOWED,
        UNPROCESSABLE, RATE_LIMITED, SERVER_ERROR, UNREACHABLE, UNEXPECTED_RESPONSE,
        /** Not sent: the account's circuit breaker is open after repeated failures or the IP block. */
        CIRCUIT_OPEN
    }

    /** One entry of a {@code validation-errors} list. */
    public record ValidationError(String requestId, String code, String path, String detail) {
    }

    private final Kind kind;
    private final int status;
    private final String title;
    private final String detail;
    private final List<ValidationError> validationErrors;
    private final Map<String, String> errorsById;
    private final Integer retryAfterSeconds;
    private final String kommoRequestId;

    public KommoApiException(Kind kind, int status, String title, String detail, List<ValidationError> validationErrors,
            Map<String, String> errorsById, Integer retryAfterSeconds, String kommoRequestId) {
        super(kind + " " + status + ": " + detail, null, false, false);
        this.kind = kind;
        this.status = status;
        this.title = title;
        this.detail = detail;
        this.validationErrors = List.copyOf(validationErrors);
        this.errorsById = Map.copyOf(errorsById);
        this.retryAfterSeconds = retryAfterSeconds;
        this.kommoRequestId = kommoRequestId;
    }

    public Kind kind() {
        return kind;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return detail;
    }

    public List<ValidationError> validationErrors() {
        return validationErrors;
    }

    public Map<String, String> errorsById() {
        return errorsById;
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public String kommoRequestId() {
        return kommoRequestId;
    }

    /**
     * For a write: Kommo may have applied it although the call failed (a server error, no answer, a timeout, an
     * unreadable success), so its outcome is unknown rather than failed.
     */
    public boolean mayHaveApplied() {
        return kind == Kind.SERVER_ERROR || kind == Kind.UNREACHABLE || (kind == Kind.UNEXPECTED_RESPONSE
                && status >= 200 && status < 300);
    }

    /** Reads are safe to repeat after these; writes only after RATE_LIMITED (the others may have applied them). */
    public boolean isTransient() {
        return kind == Kind.RATE_LIMITED || kind == Kind.SERVER_ERROR || kind == Kind.UNREACHABLE;
    }

    /** A clear, actionable sentence for the model and the person behind it; never internals. */
    public String toolMessage() {
        String ref = kommoRequestId == null ? "" : " (Kommo request id " + kommoRequestId + ")";
        return switch (kind) {
            case VALIDATION -> "Kommo rejected the data (HTTP 400, " + nonBlank(detail, "request validation failed")
                    + "): " + describeValidation() + ". Nothing was changed; correct the values and try again." + ref;
            case BAD_REQUEST -> errorsById.isEmpty()
                    ? "Kommo rejected the request (HTTP 400): " + nonBlank(detail, "bad request")
                            + ". Nothing was changed." + ref
                    : "Kommo rejected the request (HTTP 400): " + describeById() + ". Nothing was changed." + ref;
            case UNAUTHORIZED -> "Kommo did not accept this tenant's credentials (HTTP 401: "
                    + nonBlank(detail, "unauthorized") + "). A platform administrator must renew the tenant's Kommo"
                    + " token; retrying will not help." + ref;
            case PAYMENT_REQUIRED -> "The Kommo account is not paid (HTTP 402: " + nonBlank(detail, "payment required")
                    + "). The account owner must renew the subscription; nothing was changed." + ref;
            case FORBIDDEN -> "Kommo refused the operation (HTTP 403: " + nonBlank(detail, "forbidden")
                    + "). The Kommo user behind this tenant's integration lacks the rights for it." + ref;
            case IP_BLOCKED -> "Kommo has blocked this server's address (HTTP 403 with a non-JSON page), which Kommo"
                    + " does after repeated rate-limit violations. Every request will fail until Kommo support lifts"
                    + " the block; stop retrying and tell an administrator." + ref;
            case NOT_FOUND -> "Kommo could not find it (HTTP 404: " + nonBlank(detail, "not found") + ")." + ref;
            case METHOD_NOT_ALLOWED -> "Kommo does not allow this operation on that resource (HTTP 405: "
                    + nonBlank(detail, "method not allowed") + ")." + ref;
            case UNPROCESSABLE -> "Kommo could not process the request (HTTP 422: "
                    + nonBlank(detail, "unprocessable entity") + "). Nothing was changed." + ref;
            case RATE_LIMITED -> "Kommo's rate limit was hit (HTTP 429: at most 7 requests per second per account)"
                    + (retryAfterSeconds == null ? "" : "; Kommo asks to wait " + retryAfterSeconds + " s")
                    + ". Wait before retrying." + ref;
            case SERVER_ERROR -> "Kommo had an internal error (HTTP " + status + ": " + nonBlank(detail, title)
                    + "). It is on Kommo's side; try again later." + ref;
            case UNREACHABLE -> "Kommo could not be reached (" + nonBlank(detail, "no response")
                    + "). Try again later." + ref;
            case UNEXPECTED_RESPONSE -> "Kommo answered in an unexpected way (HTTP " + status + ": "
                    + nonBlank(detail, "unreadable body") + ")." + ref;
            case CIRCUIT_OPEN -> detail;
        };
    }

    private String describeValidation() {
        if (validationErrors.isEmpty()) {
            return "no details given";
        }
        StringBuilder sb = new StringBuilder();
        for (ValidationError e : validationErrors) {
            if (!sb.isEmpty()) {
                sb.append("; ");
            }
            sb.append(e.requestId() != null && e.requestId().startsWith("record ") ? "" : "item ")
                    .append(e.requestId()).append(": ")
                    .append(nonBlank(e.path(), "(no path)")).append(" — ")
                    .append(nonBlank(e.detail(), "invalid"))
                    .append(e.code() == null ? "" : " (" + e.code() + ")");
        }
        return sb.toString();
    }

    private String describeById() {
        StringBuilder sb = new StringBuilder();
        errorsById.forEach((id, msg) -> {
            if (!sb.isEmpty()) {
                sb.append("; ");
            }
            sb.append("entity ").append(id).append(": ").append(msg);
        });
        return sb.toString();
    }

    private static String nonBlank(String s, String fallback) {
        return s == null || s.isBlank() ? fallback : s;
    }
}
