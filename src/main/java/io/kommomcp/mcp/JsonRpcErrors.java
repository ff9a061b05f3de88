package io.kommomcp.mcp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;
import jakarta.servlet.http.HttpServletResponse;

/** Writes an HTTP error as a JSON-RPC 2.0 error object (id null: the request could not be attributed). */
public final class JsonRpcErrors {

    /** JSON-RPC "invalid request", used for every client-side (4xx) refusal. */
    static final int INVALID_REQUEST = -32600;
    static final int INTERNAL_ERROR = -32603;

    /** Not the project mapper: that one leaves nulls out, and JSON-RPC requires {@code "id": null}. */
    private static final JsonMapper PLAIN = JsonMapper.builder().build();

    private JsonRpcErrors() {
    }

    public static byte[] body(int httpStatus, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", httpStatus >= 500 ? INTERNAL_ERROR : INVALID_REQUEST);
        error.put("message", message);
        error.put("data", Map.of("http_status", httpStatus));
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("jsonrpc", "2.0");
        envelope.put("id", null);
        envelope.put("error", error);
        return PLAIN.writeValueAsString(envelope)
                .getBytes(StandardCharsets.UTF_8);
    }

    public static void write(HttpServletResponse response, int httpStatus, String message) throws IOException {
        byte[] body = body(httpStatus, message);
        response.setStatus(httpStatus);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        response.flushBuffer();
    }
}
