package io.kommomcp.kommo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.kommomcp.core.Json;
import io.kommomcp.kommo.KommoApiException.Kind;
import io.kommomcp.kommo.KommoApiException.ValidationError;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Turns a Kommo error response into a {@link KommoApiException}, whatever its shape: basic problem+json,
 * {@code validation-errors} by request id, {@code errors} by entity id, OAuth {@code hint}, the Chats API format,
 * or a non-JSON (HTML or empty) body from Kommo's edge.
 */
public final class KommoErrors {

    private KommoErrors() {
    }

    public static KommoApiException fromResponse(int status, String body, String kommoRequestId) {
        JsonNode json = parse(body);
        if (json == null || !json.isObject()) {
            return nonJson(status, body, kommoRequestId);
        }
        String title = text(json, "title");
        String detail = text(json, "detail");
        if (detail == null) {
            detail = text(json, "hint");
        } else if (text(json, "hint") != null) {
            detail = detail + " (" + text(json, "hint") + ")";
        }
        // Chats API: {status, error_code, error_type, error_description}
        if (detail == null && json.has("error_type")) {
            detail = text(json, "error_type") + ": " + text(json, "error_description");
        }
        if (status == 500 && text(json, "trace_id") != null) {
            detail = (detail == null ? "" : detail + "; ") + "trace id " + text(json, "trace_id");
        }
        List<ValidationError> validation = validationErrors(json);
        Map<String, String> byId = errorsById(json);
        Integer retryAfter = json.has("retry_after") ? (int) json.get("retry_after").asLong(0) : null;
        Kind kind = kindOf(status, !validation.isEmpty());
        return new KommoApiException(kind, status, title, detail, validation, byId, retryAfter, kommoRequestId);
    }

    private static KommoApiException nonJson(int status, String body, String requestId) {
        Kind kind = kindOf(status, false);
        if (status == 403) {
            // A real Kommo refusal is problem+json; an HTML/empty 403 is the IP block after rate abuse (API.md §3).
            kind = Kind.IP_BLOCKED;
        } else if (kind == Kind.BAD_REQUEST || kind == Kind.NOT_FOUND) {
            kind = Kind.UNEXPECTED_RESPONSE;
        }
        String detail = body == null || body.isBlank() ? "empty body" : "non-JSON body";
        return new KommoApiException(kind, status, null, detail, List.of(), Map.of(), null, requestId);
    }

    static Kind kindOf(int status, boolean hasValidationErrors) {
        return switch (status) {
            case 400 -> hasValidationErrors ? Kind.VALIDATION : Kind.BAD_REQUEST;
            case 401 -> Kind.UNAUTHORIZED;
            case 402 -> Kind.PAYMENT_REQUIRED;
            case 403 -> Kind.FORBIDDEN;
            case 404 -> Kind.NOT_FOUND;
            case 405 -> Kind.METHOD_NOT_ALLOWED;
            case 422 -> Kind.UNPROCESSABLE;
            case 429 -> Kind.RATE_LIMITED;
            default -> status >= 500 ? Kind.SERVER_ERROR : Kind.UNEXPECTED_RESPONSE;
        };
    }

    private static List<ValidationError> validationErrors(JsonNode json) {
        List<ValidationError> out = new ArrayList<>();
        JsonNode list = json.path("validation-errors");
        if (list.isArray()) {
            for (JsonNode item : list) {
                String requestId = text(item, "request_id");
                for (JsonNode e : item.path("errors")) {
                    out.add(new ValidationError(requestId, text(e, "code"), text(e, "path"), text(e, "detail")));
                }
            }
        }
        return out;
    }

    private static Map<String, String> errorsById(JsonNode json) {
        Map<String, String> out = new LinkedHashMap<>();
        JsonNode errors = json.path("errors");
        if (errors.isObject()) {
            for (Map.Entry<String, JsonNode> e : errors.properties()) {
                out.put(e.getKey(), e.getValue().isString() ? e.getValue().stringValue() : e.getValue().toString());
            }
        }
        return out;
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return Json.mapper().readTree(body);
        } catch (JacksonException e) {
            return null;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        return v.isString() ? v.stringValue() : v.toString();
    }
}
