package it.io.kommomcp;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import tools.jackson.databind.JsonNode;

/**
 * Raw requests of the 2026-07-28 revision to {@code /mcp}, as a conformant client sends them: one POST per request,
 * {@code MCP-Protocol-Version}, {@code Mcp-Method} and {@code Mcp-Name} mirrored from the body, {@code _meta} with the
 * version, the client and its capabilities (form elicitation by default), no session. Every part can be bent.
 */
final class NextHttp {

    static final String VERSION = "2026-07-28";

    final String base;
    final String token;
    private final AtomicInteger ids = new AtomicInteger(100);

    NextHttp(String base, String token) {
        this.base = base.replaceAll("/$", "");
        this.token = token;
    }

    /** The answer: HTTP status and JSON body (null when there is none). */
    record Reply(int status, JsonNode body) {

        JsonNode result() {
            return body.path("result");
        }

        int code() {
            return body.path("error").path("code").asInt();
        }

        String message() {
            return body.path("error").path("message").asString();
        }

        /** A tools/call's structured content. */
        JsonNode structured() {
            return result().path("structuredContent");
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    /** A request being built. */
    final class Call {

        final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        final Map<String, Object> params = new LinkedHashMap<>();
        final Map<String, Object> meta = new LinkedHashMap<>();
        final String method;

        Call(String method, Map<String, Object> params) {
            this.method = method;
            this.params.putAll(params);
            meta.put("io.modelcontextprotocol/protocolVersion", VERSION);
            meta.put("io.modelcontextprotocol/clientInfo", Map.of("name", "next-revision-it", "version", "1.0"));
            meta.put("io.modelcontextprotocol/clientCapabilities", Map.of("elicitation", Map.of()));
            headers.put("MCP-Protocol-Version", VERSION);
            headers.put("Mcp-Method", method);
            Object name = "resources/read".equals(method) ? params.get("uri") : params.get("name");
            if (name instanceof String s) {
                headers.put("Mcp-Name", s);
            }
        }

        Call header(String name, String value) {
            if (value == null) {
                headers.remove(name);
            } else {
                headers.put(name, value);
            }
            return this;
        }

        Call param(String name, Object value) {
            params.put(name, value);
            return this;
        }

        Call meta(String key, Object value) {
            if (value == null) {
                meta.remove(key);
            } else {
                meta.put(key, value);
            }
            return this;
        }

        Reply send() throws Exception {
            Map<String, Object> p = new LinkedHashMap<>(params);
            if (!meta.isEmpty()) {
                p.put("_meta", meta);
            }
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("jsonrpc", "2.0");
            message.put("id", ids.incrementAndGet());
            message.put("method", method);
            message.put("params", p);
            return post(McpHttp.JSON.writeValueAsString(message), headers);
        }
    }

    Call request(String method, Map<String, Object> params) {
        return new Call(method, params);
    }

    Call call(String tool, Map<String, Object> arguments) {
        return new Call("tools/call", Map.of("name", tool, "arguments", arguments));
    }

    /** A raw POST of {@code body} with these headers (and the token, and the Accept a client sends). */
    Reply post(String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/mcp")).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = McpHttp.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body().isBlank() ? null : McpHttp.JSON.readTree(r.body()));
    }

    /** Any HTTP method with the 2026 version header and the token. */
    HttpResponse<String> send(String httpMethod) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/mcp")).timeout(Duration.ofSeconds(10))
                .header("MCP-Protocol-Version", VERSION).method(httpMethod, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return McpHttp.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
