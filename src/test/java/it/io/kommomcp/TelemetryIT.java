package it.io.kommomcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import it.io.kommomcp.ItServer.Tenant;
import tools.jackson.databind.JsonNode;

/**
 * OpenTelemetry after the MCP semantic conventions (issue 15), received by the tests' own OTLP receiver: a tool call
 * is a SERVER span named "tools/call {tool}" in the trace its {@code params._meta.traceparent} names, with the MCP
 * attributes; its Kommo requests and its audit entry are child spans; the audit entry carries the trace id; the
 * operation duration and the Kommo request counters are exported as metrics.
 */
@ExtendWith(ArquillianExtension.class)
class TelemetryIT {

    private final ItServer server = ItServer.local();

    @Test
    void aToolCallIsASpanOfTheCallersTraceWithItsKommoRequestsAndAuditEntryAsChildren() throws Exception {
        OtlpReceiver otlp = OtlpReceiver.shared();
        Tenant t = server.newTenant("otel-");
        McpHttp c = server.mcp(t.id(), "kommo.reader");
        Random r = new Random();
        byte[] traceBytes = new byte[16];
        byte[] parentBytes = new byte[8];
        r.nextBytes(traceBytes);
        r.nextBytes(parentBytes);
        String trace = HexFormat.of().formatHex(traceBytes);
        String parent = HexFormat.of().formatHex(parentBytes);
        JsonNode answer = c.request("tools/call", Map.of("name", "leads_search", "arguments", Map.of("limit", 3),
                "_meta", Map.of("traceparent", "00-" + trace + "-" + parent + "-01")));
        assertTrue(answer.path("result").has("structuredContent"), answer.toString());

        OtlpReceiver.SpanData call = await(otlp, trace, "tools/call leads_search");
        assertEquals(parent, call.parentSpanId(), "the caller's span is the parent");
        assertEquals(2, call.kind(), "SERVER");
        assertEquals("tools/call", call.attributes().get("mcp.method.name"));
        assertEquals(c.sessionId, call.attributes().get("mcp.session.id"));
        assertEquals(t.id(), call.attributes().get("kommo.tenant"));
        assertEquals("leads_search", call.attributes().get("gen_ai.tool.name"));
        assertNotNull(call.attributes().get("jsonrpc.request.id"));
        assertNotNull(call.attributes().get("mcp.protocol.version"));

        OtlpReceiver.SpanData kommo = await(otlp, trace, "kommo GET");
        assertEquals(call.spanId(), kommo.parentSpanId(), () -> "a Kommo request is a child of the tool call; the trace: "
                + describe(otlp, trace));
        assertEquals(3, kommo.kind(), "CLIENT");
        assertEquals(t.id(), kommo.attributes().get("kommo.tenant"));
        assertEquals("200", kommo.attributes().get("http.response.status_code"));
        OtlpReceiver.SpanData audit = await(otlp, trace, "audit append");
        assertEquals(call.spanId(), audit.parentSpanId(), () -> "so is its audit entry; the trace: " + describe(otlp,
                trace));

        assertEquals(1, ItServer.count("select count(*) from audit_entry where tenant_id = ? and tool ="
                + " 'leads_search' and trace_id = ?", t.id(), trace), "the audit entry carries the trace id");
        JsonNode chain = McpHttp.JSON.readTree(server.http("GET", "/api/audit/chain", null, TestTokens.token(t.id(),
                "audit.reader")).body());
        assertTrue(chain.path("valid").asBoolean(), "the trace id is covered by the hash: " + chain);

        Instant until = Instant.now().plus(Duration.ofSeconds(20));
        boolean duration = false;
        boolean requests = false;
        while (Instant.now().isBefore(until) && !(duration && requests)) {
            for (OtlpReceiver.Point p : otlp.points()) {
                duration |= p.metric().equals("mcp.server.operation.duration")
                        && "tools/call".equals(p.attributes().get("mcp.method.name"));
                requests |= p.metric().equals("kommo.client.requests") && t.id().equals(p.attributes().get(
                        "kommo.tenant"));
            }
            Thread.sleep(250);
        }
        assertTrue(duration, "mcp.server.operation.duration exported");
        assertTrue(requests, "kommo.client.requests exported per tenant");
    }

    @Test
    void withoutTraceContextInMetaTheHttpRequestsTraceparentIsTheParent() throws Exception {
        OtlpReceiver otlp = OtlpReceiver.shared();
        Tenant t = server.newTenant("otel-");
        McpHttp c = server.mcp(t.id(), "kommo.reader");
        byte[] traceBytes = new byte[16];
        new Random().nextBytes(traceBytes);
        String trace = HexFormat.of().formatHex(traceBytes);
        String parent = "00f067aa0ba902b7";
        java.net.http.HttpResponse<String> r = McpHttp.HTTP.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(c.base + "mcp")).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream").header("Authorization", "Bearer " + c.token)
                .header("Mcp-Session-Id", c.sessionId).header("MCP-Protocol-Version", "2025-11-25")
                .header("traceparent", "00-" + trace + "-" + parent + "-01")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":7,"
                        + "\"method\":\"tools/list\",\"params\":{}}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        OtlpReceiver.SpanData list = await(otlp, trace, "tools/list");
        assertEquals(parent, list.parentSpanId(), "the HTTP request's trace context is the parent");
        assertEquals("2025-11-25", list.attributes().get("mcp.protocol.version"));
    }

    private static String describe(OtlpReceiver otlp, String trace) {
        return otlp.spans().stream().filter(s -> trace.equals(s.traceId())).map(s -> s.name() + " " + s.spanId()
                + " <- " + s.parentSpanId()).toList().toString();
    }

    private static OtlpReceiver.SpanData await(OtlpReceiver otlp, String trace, String name) throws Exception {
        Instant until = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(until)) {
            List<OtlpReceiver.SpanData> found = otlp.spans().stream().filter(s -> trace.equals(s.traceId())
                    && name.equals(s.name())).toList();
            if (!found.isEmpty()) {
                return found.get(0);
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no span " + name + " in trace " + trace + "; spans of the trace: " + otlp.spans()
                .stream().filter(s -> trace.equals(s.traceId())).map(OtlpReceiver.SpanData::name).toList());
    }
}
