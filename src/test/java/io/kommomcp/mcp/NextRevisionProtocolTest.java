package io.kommomcp.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kommomcp.mcp.NextHarness.Answer;
import io.kommomcp.security.Roles;
import tools.jackson.databind.JsonNode;

/**
 * The 2026-07-28 lane's envelope, without a container: lane choice, the standard headers (-32020), the per-request
 * {@code _meta} (-32602), versions (-32022), removed and unknown methods (404, -32601), {@code server/discover},
 * lists with {@code ttlMs} and {@code cacheScope} in a deterministic order, {@code resultType} everywhere, and every
 * refusal on the audit trail.
 */
class NextRevisionProtocolTest {

    private NextHarness h;

    @BeforeEach
    void setUp() {
        h = new NextHarness(false);
    }

    // ------------------------------------------------------------------ lanes

    @Test
    void theLaneIsChosenPerRequestFromTheVersionTheClientSends() {
        JsonNode initialize = NextHarness.JSON.valueToTree(Map.of("jsonrpc", "2.0", "id", 1, "method", "initialize",
                "params", Map.of("protocolVersion", "2025-11-25")));
        JsonNode modern = h.request("tools/list", Map.of()).body();
        assertFalse(McpLanes.modern(headers(Map.of()), initialize), "initialize without the header: the SDK's");
        assertFalse(McpLanes.modern(headers(Map.of("mcp-protocol-version", "2025-11-25")), modern),
                "a legacy version in the header: the SDK's, whatever the body");
        assertFalse(McpLanes.modern(headers(Map.of("MCP-Protocol-Version", "2025-06-18")), null));
        assertTrue(McpLanes.modern(headers(Map.of("MCP-Protocol-Version", "2026-07-28")), null), "GET of 2026: ours");
        assertTrue(McpLanes.modern(headers(Map.of("MCP-Protocol-Version", "v999.0.0")), initialize),
                "an unknown version: ours, to answer -32022");
        assertTrue(McpLanes.modern(headers(Map.of()), modern), "no header but _meta: ours, to answer -32020");
        assertEquals(McpLanes.Sessions.STATEFUL, McpLanes.Sessions.of(null));
        assertEquals(McpLanes.Sessions.STATELESS, McpLanes.Sessions.of(" Stateless "));
    }

    private static Function<String, String> headers(Map<String, String> m) {
        java.util.TreeMap<String, String> t = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        t.putAll(m);
        return t::get;
    }

    // ------------------------------------------------------------------ discover and lists

    @Test
    void discoverNamesTheVersionCapabilitiesAndIdentity() {
        Answer a = h.request("server/discover", Map.of()).send();
        assertEquals(200, a.status(), a.toString());
        JsonNode r = a.result();
        assertEquals("complete", r.path("resultType").asString());
        assertEquals(List.of("2026-07-28"), strings(r.path("supportedVersions")));
        assertTrue(r.path("capabilities").path("tools").isObject() && r.path("capabilities").path("resources")
                .isObject() && r.path("capabilities").path("prompts").isObject(), r.toString());
        assertFalse(r.path("capabilities").has("logging"), "nothing is offered that is not served");
        assertEquals("kommo-mcp", r.path("_meta").path("io.modelcontextprotocol/serverInfo").path("name").asString());
        assertTrue(r.path("instructions").asString().contains("kommo-mcp"));
        assertEquals("public", r.path("cacheScope").asString());
        assertTrue(r.path("ttlMs").asLong() > 0);
        assertEquals(a.body().path("id").asInt(), 1, "the id is echoed");
    }

    @Test
    void toolsListIsTheCallersListInNameOrderWithCachingHints() {
        Answer admin = h.request("tools/list", Map.of()).send();
        assertEquals(List.of("fx_add", "fx_read", "fx_remove"), names(admin.result().path("tools")));
        assertEquals("private", admin.result().path("cacheScope").asString(), "it depends on the caller's roles");
        assertEquals(60_000, admin.result().path("ttlMs").asLong());
        assertEquals("complete", admin.result().path("resultType").asString());
        assertFalse(admin.result().has("nextCursor"));
        JsonNode remove = admin.result().path("tools").get(2);
        assertTrue(remove.path("inputSchema").path("properties").has("confirmation_token"), remove.toString());

        Answer reader = h.request("tools/list", Map.of()).as("rita", Roles.READER).send();
        assertEquals(List.of("fx_read"), names(reader.result().path("tools")), "a reader sees what it may call");

        Answer twice = h.request("tools/list", Map.of()).send();
        assertEquals(admin.result().path("tools"), twice.result().path("tools"), "deterministic");

        Answer cursor = h.request("tools/list", Map.of("cursor", "abc")).send();
        assertEquals(-32602, cursor.code());
    }

    @Test
    void promptsAndResourcesAreListedWithCachingHints() {
        JsonNode prompts = h.request("prompts/list", Map.of()).send().result();
        assertEquals(List.of("data_quality_check", "lead_follow_up_plan", "my_day", "pipeline_review",
                "weekly_pipeline_review"), names(prompts.path(
                "prompts")));
        assertEquals("public", prompts.path("cacheScope").asString());
        JsonNode resources = h.request("resources/list", Map.of()).send().result();
        assertEquals(9, resources.path("resources").size(), "7 schema resources and 2 analytics views");
        assertEquals("kommo://schema/pipelines", resources.path("resources").get(0).path("uri").asString());
        assertTrue(resources.has("ttlMs") && resources.has("cacheScope"));
        JsonNode templates = h.request("resources/templates/list", Map.of()).send().result();
        assertEquals(0, templates.path("resourceTemplates").size());
        assertTrue(templates.has("ttlMs") && templates.has("cacheScope"));

        JsonNode prompt = h.request("prompts/get", Map.of("name", "lead_follow_up_plan", "arguments", Map.of(
                "lead_id", "10000078"))).send().result();
        assertEquals("complete", prompt.path("resultType").asString());
        assertTrue(prompt.path("messages").get(0).path("content").path("text").asString().contains("10000078"));
        Answer badPrompt = h.request("prompts/get", Map.of("name", "lead_follow_up_plan", "arguments", Map.of(
                "lead_id", "x"))).send();
        assertEquals(-32602, badPrompt.code());

        Answer unknown = h.request("resources/read", Map.of("uri", "kommo://schema/nothing")).send();
        assertEquals(-32602, unknown.code(), "2026-07-28: a missing resource is -32602, not -32002");
    }

    // ------------------------------------------------------------------ headers

    @Test
    void headersThatDisagreeWithTheBodyOrAreMissingAre400HeaderMismatch() {
        int audited = h.audit.entries.size();
        List<Answer> refused = new ArrayList<>();
        refused.add(h.request("tools/list", Map.of()).header("Mcp-Method", "prompts/list").send());
        refused.add(h.request("tools/list", Map.of()).header("Mcp-Method", null).send());
        refused.add(h.request("tools/list", Map.of()).header("Mcp-Method", "TOOLS/LIST").send());
        refused.add(h.request("tools/list", Map.of()).header("MCP-Protocol-Version", null).send());
        refused.add(h.call("fx_read", Map.of("lead_id", 1)).header("Mcp-Name", "wrong_tool_name").send());
        refused.add(h.call("fx_read", Map.of("lead_id", 1)).header("Mcp-Name", null).send());
        refused.add(h.request("resources/read", Map.of("uri", "kommo://schema/pipelines")).header("Mcp-Name",
                "kommo://schema/users").send());
        NextHarness.Request mismatch = h.request("server/discover", Map.of());
        mismatch.meta.put(McpLanes.META_PROTOCOL_VERSION, "v999.0.0");
        refused.add(mismatch.send());
        refused.add(h.call("fx_read", Map.of()).header("Mcp-Name", "=?base64?not*base64?=").send());
        for (Answer a : refused) {
            assertEquals(400, a.status(), a.toString());
            assertEquals(-32020, a.code(), a.toString());
            assertTrue(a.message().startsWith("Header mismatch"), a.message());
            assertFalse(a.body().path("id").isNull(), "the id is echoed: " + a);
        }
        assertEquals(audited + refused.size(), h.audit.entries.size(), "every refusal is audited");
        assertTrue(h.audit.entries.stream().skip(audited).allMatch(e -> e.endsWith("DENIED")), h.audit.entries
                .toString());
        assertTrue(h.audit.entries.contains("ENTRY fx_read DENIED"), "a tools/call refusal names the tool");
    }

    @Test
    void headerNamesAreCaseInsensitiveValuesTrimmedAndBase64Decoded() {
        assertEquals(200, h.request("tools/list", Map.of()).header("Mcp-Method", null).header("mcp-method",
                "tools/list").send().status());
        Answer spaced = h.call("fx_read", Map.of("lead_id", 5)).header("Mcp-Name", "  fx_read  ").send();
        assertEquals(200, spaced.status(), spaced.toString());
        assertFalse(spaced.result().path("isError").asBoolean(), spaced.toString());
        String encoded = "=?base64?" + Base64.getEncoder().encodeToString("fx_read".getBytes()) + "?=";
        assertEquals(200, h.call("fx_read", Map.of("lead_id", 5)).header("Mcp-Name", encoded).send().status());
        assertEquals("fx_read", NextRevision.decoded("=?base64?ZnhfcmVhZA==?="));
        assertEquals("=?base64?", NextRevision.decoded("=?base64?"), "too short for the sentinel: as it is");
    }

    // ------------------------------------------------------------------ _meta and versions

    @Test
    void aRequestWithoutItsMetaIs400InvalidParams() {
        NextHarness.Request noMeta = h.request("server/discover", Map.of()).noMeta();
        NextHarness.Request noVersion = h.request("server/discover", Map.of());
        noVersion.meta.remove(McpLanes.META_PROTOCOL_VERSION);
        NextHarness.Request noCaps = h.request("server/discover", Map.of());
        noCaps.meta.remove(NextRevision.META_CLIENT_CAPABILITIES);
        for (NextHarness.Request r : List.of(noMeta, noVersion, noCaps)) {
            Answer a = r.send();
            assertEquals(400, a.status(), a.toString());
            assertEquals(-32602, a.code(), a.toString());
        }
        NextHarness.Request noInfo = h.request("server/discover", Map.of());
        noInfo.meta.remove(NextRevision.META_CLIENT_INFO);
        assertEquals(200, noInfo.send().status(), "clientInfo is optional");
    }

    @Test
    void anUnsupportedVersionIs400WithTheSupportedOnes() {
        NextHarness.Request r = h.request("server/discover", Map.of()).header("MCP-Protocol-Version", "v999.0.0");
        r.meta.put(McpLanes.META_PROTOCOL_VERSION, "v999.0.0");
        Answer a = r.send();
        assertEquals(400, a.status());
        assertEquals(-32022, a.code());
        assertEquals(List.of("2026-07-28"), strings(a.body().path("error").path("data").path("supported")));
        assertEquals("v999.0.0", a.body().path("error").path("data").path("requested").asString());

        NextHarness.Request legacyInMeta = h.request("tools/list", Map.of()).header("MCP-Protocol-Version",
                "2025-11-25");
        legacyInMeta.meta.put(McpLanes.META_PROTOCOL_VERSION, "2025-11-25");
        assertEquals(-32022, legacyInMeta.send().code(), "2025-11-25 is served after initialize, not per request");
    }

    // ------------------------------------------------------------------ methods

    @Test
    void removedAndUnknownMethodsAre404MethodNotFound() {
        for (String m : List.of("initialize", "ping", "logging/setLevel", "resources/subscribe",
                "resources/unsubscribe", "subscriptions/listen", "completion/complete", "unknown/method")) {
            Answer a = h.request(m, Map.of()).send();
            assertEquals(404, a.status(), m + ": " + a);
            assertEquals(-32601, a.code(), m);
            assertTrue(a.body().path("id").isIntegralNumber(), "id echoed for " + m);
        }
    }

    @Test
    void notificationsAreAcceptedAndResponsesOrNullIdsRefused() {
        JsonNode notification = NextHarness.JSON.valueToTree(Map.of("jsonrpc", "2.0", "method",
                "notifications/cancelled", "params", Map.of("requestId", 3)));
        NextRevision.Reply r = h.next.handle(h.principal("alice", Roles.READER), name -> null, notification);
        assertEquals(202, r.status());
        assertEquals(null, r.body());

        java.util.Map<String, Object> nullId = new java.util.HashMap<>();
        nullId.put("jsonrpc", "2.0");
        nullId.put("id", null);
        nullId.put("method", "tools/list");
        r = h.next.handle(h.principal("alice", Roles.READER), name -> null, NextHarness.JSON.valueToTree(nullId));
        assertEquals(400, r.status());

        r = h.next.handle(h.principal("alice", Roles.READER), name -> null, NextHarness.JSON.valueToTree(Map.of(
                "jsonrpc", "2.0", "id", 4, "result", Map.of())));
        assertEquals(400, r.status(), "clients send no responses in 2026-07-28");
    }

    // ------------------------------------------------------------------ tools/call, plain

    @Test
    void aReadAndAnOrdinaryWriteGoThroughTheSamePipelineAndAudit() {
        Answer read = h.call("fx_read", Map.of("lead_id", 12, "text", "hi")).as("rita", Roles.READER).send();
        assertEquals(200, read.status(), read.toString());
        assertEquals("complete", read.result().path("resultType").asString());
        assertEquals(12, read.result().path("structuredContent").path("lead_id").asInt());
        assertEquals("kommo-mcp", read.result().path("_meta").path("io.modelcontextprotocol/serverInfo")
                .path("name").asString());
        assertTrue(h.audit.entries.contains("ENTRY fx_read SUCCEEDED"), h.audit.entries.toString());
        assertEquals("unit-client", h.audit.calls.get(h.audit.calls.size() - 1).clientName(),
                "the client named in _meta is on the record");

        Answer write = h.call("fx_add", Map.of("lead_id", 12, "text", "hello")).as("walt", Roles.WRITER).send();
        assertFalse(write.result().path("isError").asBoolean(), write.toString());
        assertEquals(77, write.result().path("structuredContent").path("note_id").asInt());
        assertEquals(1, h.writer.applied.size(), "an ordinary change applies at once");

        Answer denied = h.call("fx_add", Map.of("lead_id", 12, "text", "x")).as("rita", Roles.READER).send();
        assertTrue(denied.result().path("isError").asBoolean());
        assertTrue(h.audit.entries.contains("ENTRY fx_add DENIED"), "a role refusal is audited as in 2025");
        assertEquals(1, h.writer.applied.size());

        Answer bad = h.call("fx_read", Map.of("lead_id", "twelve")).send();
        assertTrue(bad.result().path("isError").asBoolean(), "arguments are checked against the schema");

        Answer unknown = h.call("nope", Map.of()).send();
        assertEquals(-32602, unknown.code());
        assertTrue(h.audit.entries.contains("ENTRY nope DENIED"), "an unknown tool is audited with its name");
    }

    @Test
    void anOriginNotAllowedIs403() {
        assertEquals(null, h.next.origin("http://localhost:6274"));
        NextRevision.Reply r = h.next.origin("https://evil.example");
        assertEquals(403, r.status());
    }

    static List<String> names(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(t -> out.add(t.path("name").asString()));
        return out;
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(t -> out.add(t.asString()));
        return out;
    }
}
