package it.io.kommomcp;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small MCP Streamable HTTP client over real HTTP: initialize, then JSON-RPC calls in one session. */
final class McpHttp {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    /** An initialize request body (2025-11-25, no capabilities). */
    static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{"
            + "\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"it-client\","
            + "\"version\":\"9.9\"}}}";

    final String base;
    final String token;
    String sessionId;
    private final AtomicInteger ids = new AtomicInteger(1);

    McpHttp(String base, String token) {
        this.base = base;
        this.token = token;
    }

    /** Raw POST to /mcp; returns the HTTP response (body as text). */
    HttpResponse<String> post(String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "mcp")).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (sessionId != null) {
            b.header("Mcp-Session-Id", sessionId);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Any HTTP method on /mcp with this client's token and session (body may be null). */
    HttpResponse<String> send(String httpMethod, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "mcp")).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .method(httpMethod, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (sessionId != null) {
            b.header("Mcp-Session-Id", sessionId);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    McpHttp initialize() throws IOException, InterruptedException {
        HttpResponse<String> r = post(INITIALIZE);
        if (r.statusCode() != 200) {
            throw new IllegalStateException("initialize failed: " + r.statusCode() + " " + r.body());
        }
        sessionId = r.headers().firstValue("Mcp-Session-Id").orElseThrow();
        post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        return this;
    }

    /** A JSON-RPC request; returns the response message (with result or error). */
    JsonNode request(String method, Object params) throws IOException, InterruptedException {
        String body = JSON.writeValueAsString(Map.of("jsonrpc", "2.0", "id", ids.incrementAndGet(), "method", method,
                "params", params));
        HttpResponse<String> r = post(body);
        return message(r.body());
    }

    /** tools/call; returns the CallToolResult. */
    JsonNode call(String tool, Map<String, Object> arguments) throws IOException, InterruptedException {
        JsonNode msg = request("tools/call", Map.of("name", tool, "arguments", arguments));
        if (msg.has("error")) {
            throw new IllegalStateException("JSON-RPC error: " + msg);
        }
        String text = text(msg.get("result"));
        // every text rendering is for a model: no Java record or class output may leak into it
        if (text.matches("(?s).*(\\b[A-Z]\\w*\\[\\w+=|Exception|io\\.kommomcp|java\\.lang).*")) {
            throw new AssertionError("internals leaked into the text of " + tool + ": " + text);
        }
        return msg.get("result");
    }

    static JsonNode message(String body) {
        String json = body.trim();
        if (!json.startsWith("{")) { // an event stream: the last data line carries the response
            String last = null;
            for (String line : body.split("\n")) {
                if (line.startsWith("data:")) {
                    last = line.substring(5).trim();
                }
            }
            json = last;
        }
        return JSON.readTree(json);
    }

    static String text(JsonNode callResult) {
        return callResult.path("content").path(0).path("text").asString();
    }
}
