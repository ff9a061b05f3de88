package io.kommomcp.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.kommomcp.security.Roles;
import tools.jackson.databind.JsonNode;

/**
 * The TypeScript SDK v2 client, pinned to 2026-07-28 ({@code src/test/node/next-client.mjs}), against the 2026 lane
 * in process: the real handler behind a loopback HTTP listener on a port the system picks, no container. It runs
 * only when {@code -Dnext.client.dir} names a folder where {@code npm ci} installed {@code src/test/node}
 * (NextRevisionIT runs the same script against the deployed server).
 */
class NextRevisionRealClientTest {

    @Test
    void thePinnedTypeScriptClientListsCallsAndConfirmsAGovernedChange() throws Exception {
        String dir = System.getProperty("next.client.dir");
        Assumptions.assumeTrue(dir != null && Files.isDirectory(Path.of(dir, "node_modules",
                "@modelcontextprotocol", "client")), "set -Dnext.client.dir to a folder with src/test/node installed");
        Path script = Path.of(dir, "next-client.mjs");
        Files.copy(Path.of("src/test/node/next-client.mjs"), script, java.nio.file.StandardCopyOption
                .REPLACE_EXISTING);

        NextHarness h = new NextHarness(false);
        NextRevision.Principal alice = h.principal("alice", Roles.ADMIN);
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        List<String> seen = new ArrayList<>();
        http.createContext("/mcp", exchange -> serve(h, alice, exchange, seen));
        http.start();
        try {
            String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/mcp";
            JsonNode report = run(script, List.of("--url", url, "--token", "unused-here", "--read", "fx_read",
                    "--read-args", "{\"lead_id\":7}", "--governed", "fx_remove", "--governed-args",
                    "{\"lead_id\":12}"));
            assertEquals("modern", report.path("era").asString(), report.toString());
            assertEquals("2026-07-28", report.path("protocolVersion").asString());
            assertEquals("kommo-mcp", report.path("server").path("name").asString());
            assertEquals(List.of("fx_add", "fx_read", "fx_remove"), NextRevisionProtocolTest.strings(report.path(
                    "tools")));
            assertFalse(report.path("read").path("isError").asBoolean(), report.toString());
            assertEquals(7, report.path("read").path("structuredContent").path("lead_id").asInt());
            assertEquals("applied", report.path("governed").path("structuredContent").path("status").asString(),
                    report.toString());
            assertEquals(1, report.path("elicitations").size(), "the person was asked once");
            assertTrue(report.path("elicitations").get(0).asString().contains("DELETE /api/v4/leads/12/notes/1"));
            assertEquals(1, h.writer.applied.size(), "applied once");
            assertTrue(seen.contains("POST server/discover") && seen.contains("POST tools/call"), seen.toString());
            assertFalse(seen.stream().anyMatch(s -> s.contains("initialize")), "pinned: no initialize " + seen);

            JsonNode declined = run(script, List.of("--url", url, "--token", "x", "--read", "fx_read", "--read-args",
                    "{\"lead_id\":7}", "--governed", "fx_remove", "--governed-args", "{\"lead_id\":13}", "--answer",
                    "decline"));
            assertEquals("declined", declined.path("governed").path("structuredContent").path("status").asString(),
                    declined.toString());
            assertEquals(1, h.writer.applied.size(), "a decline applies nothing");
        } finally {
            http.stop(0);
        }
    }

    private static void serve(NextHarness h, NextRevision.Principal who, HttpExchange exchange, List<String> seen)
            throws IOException {
        try (exchange) {
            byte[] in;
            try (InputStream body = exchange.getRequestBody()) {
                in = body.readAllBytes();
            }
            if (!"POST".equals(exchange.getRequestMethod())) {
                seen.add(exchange.getRequestMethod());
                exchange.getResponseHeaders().add("Allow", "POST");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            JsonNode message = NextHarness.JSON.readTree(in);
            seen.add("POST " + message.path("method").asString());
            NextRevision.Reply r = h.next.handle(who, name -> exchange.getRequestHeaders().getFirst(name), message);
            if (r.body() == null) {
                exchange.sendResponseHeaders(r.status(), -1);
                return;
            }
            byte[] out = NextHarness.JSON.writeValueAsBytes(r.body());
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(r.status(), out.length);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(out);
            }
        }
    }

    private static JsonNode run(Path script, List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", script.getFileName().toString()));
        command.addAll(args);
        Process p = new ProcessBuilder(command).directory(script.getParent().toFile()).redirectErrorStream(false)
                .start();
        String err;
        String out;
        p.getOutputStream().close();
        try (InputStream stdout = p.getInputStream(); InputStream stderr = p.getErrorStream()) {
            out = new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
            err = new String(stderr.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the client finished");
        assertEquals(0, p.exitValue(), "next-client failed: " + err + out);
        return NextHarness.JSON.readTree(out.strip());
    }
}
