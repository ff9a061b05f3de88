package io.kommomcp.mcp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;
import jakarta.servlet.http.HttpServletResponse;

/** Writes an HTTP error as a JSON-RPC 2.0 error object (id null: the request could not be attributed). */
public final class JsonRpcErrors {

    /** JSON-RPC "parse error": the body is not JSON. */
    static final int PARSE_ERROR = -32700;
    /** JSON-RPC "invalid request", used for every client-side (4xx) refusal without a more precise code. */
    static final int INVALID_REQUEST = -32600;
    static final int METHOD_NOT_FOUND = -32601;
    static final int INVALID_PARAMS = -32602;
    static final int INTERNAL_ERROR = -32603;

    /** Not the project mapper: that one leaves nulls out, and JSON-RPC requires {@code "id": null}. */
    private static final JsonMapper PLAIN = JsonMapper.builder().build();

    private JsonRpcErrors() {
    }

    public static byte[] body(int httpStatus, String message) {
        return body(httpStatus, httpStatus >= 500 ? INTERNAL_ERROR : INVALID_REQUEST, null, message);
    }

    /** The error object for request {@code id} (a JSON string or number; null when it could not be read). */
    static byte[] body(int httpStatus, int code, Object id, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        error.put("data", Map.of("http_status", httpStatus));
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("jsonrpc", "2.0");
        envelope.put("id", id);
        envelope.put("error", error);
        return PLAIN.writeValueAsString(envelope)
                .getBytes(StandardCharsets.UTF_8);
    }

    public static void write(HttpServletResponse response, int httpStatus, String message) throws IOException {
        send(response, httpStatus, body(httpStatus, message));
    }

    static void write(HttpServletResponse response, int httpStatus, int code, Object id, String message)
            throws IOException {
        send(response, httpStatus, body(httpStatus, code, id, message));
    }

    private static void send(HttpServletResponse response, int httpStatus, byte[] body) throws IOException {
        response.setStatus(httpStatus);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        response.flushBuffer();
    }
}
