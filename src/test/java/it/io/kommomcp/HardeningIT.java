package it.io.kommomcp;

import static it.io.kommomcp.ItServer.assertNoInternals;
import static it.io.kommomcp.ItServer.count;
import static it.io.kommomcp.ItServer.err;
import static it.io.kommomcp.ItServer.ok;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import it.io.kommomcp.ItServer.Tenant;
import tools.jackson.databind.JsonNode;

/**
 * The findings of the attack on the running server (issue 11), each pinned by a test that failed before its fix:
 * sessions bound to their principal, an audit trail that takes any input, part-applied writes reported per step,
 * disabled and unknown tenants refused everywhere, the token clock skew, no silent coercion of arguments, and
 * protocol errors answered as 4xx.
 */
@ExtendWith(ArquillianExtension.class)
class HardeningIT {

    final ItServer server = ItServer.local();
    final String base = server.base + "/";

    // ------------------------------------------------------------------ 1. sessions belong to their principal

    @Test
    void aSessionCanBeUsedOnlyByTheTenantAndSubjectThatOpenedIt() throws Exception {
        Tenant a = server.newTenant("ses-a-");
        Tenant b = server.newTenant("ses-b-");
        McpHttp owner = server.mcp(a.id(), "kommo.reader");
        ok(owner.call("leads_search", Map.of("limit", 1)));

        McpHttp unknown = new McpHttp(base, TestTokens.token(b.id(), "kommo.reader"));
        unknown.sessionId = "00000000-0000-0000-0000-000000000000";
        HttpResponse<String> notFound = unknown.post(toolsCall("leads_search", "{}"));

        McpHttp otherTenant = new McpHttp(base, TestTokens.token(b.id(), "kommo.reader"));
        otherTenant.sessionId = owner.sessionId;
        McpHttp otherSubject = new McpHttp(base, TestTokens.build(a.id(), List.of("kommo.reader"), "mallory",
                TestTokens.ISSUER, TestTokens.AUDIENCE, 600, TestTokens.devKey()));
        otherSubject.sessionId = owner.sessionId;
        for (McpHttp intruder : List.of(otherTenant, otherSubject)) {
            HttpResponse<String> post = intruder.post(toolsCall("leads_search", "{}"));
            assertEquals(404, post.statusCode(), post.body());
            // the same answer as for a session that does not exist: the id is not confirmed
            assertEquals(McpHttp.message(notFound.body()).path("error"), McpHttp.message(post.body()).path("error"));
            assertEquals(404, intruder.send("GET", null).statusCode());
            assertEquals(404, intruder.send("DELETE", null).statusCode());
        }
        // the owner's session is intact, and its audit entries are the owner's only
        ok(owner.call("leads_search", Map.of("limit", 1)));
        assertEquals(3, count("select count(*) from audit_entry where chain_key = ? and outcome = 'DENIED' and"
                + " error_text like '%another tenant or user%'", b.id()));
        assertEquals(3, count("select count(*) from audit_entry where chain_key = ? and outcome = 'DENIED' and"
                + " subject = 'mallory' and error_text like '%another tenant or user%'", a.id()));
        assertEquals(0, count("select count(*) from audit_entry where session_id = ? and chain_key <> ?",
                owner.sessionId, a.id()));
        assertEquals(0, count("select count(*) from audit_entry where session_id = ? and subject <> 'it-user'",
                owner.sessionId));
        // and its owner may end it
        assertEquals(200, owner.send("DELETE", null).statusCode());
        assertEquals(404, owner.post(toolsCall("leads_search", "{}")).statusCode());
    }

    // ------------------------------------------------------------------ 2. every call audited, whatever its input

    @Test
    void everyCallIsAuditedWhateverCharactersSizesOrNestingItCarries() throws Exception {
        Tenant t = server.newTenant("odd-");
        McpHttp writer = server.mcp(t.id(), "kommo.writer");
        McpHttp reader = server.mcp(t.id(), "kommo.reader");
        long lead = ok(writer.call("leads_search", Map.of("limit", 1))).path("leads").get(0).path("id").asLong();
        String big = "x".repeat(1_000_000);
        String deep = "{\"k\":".repeat(300) + "1" + "}".repeat(300);
        List<String[]> calls = List.of(
                // {client (w/r), tool, arguments as raw JSON}
                new String[] {"w", "leads_search", "{\"text\":\"nul\\u0000here\"}"},
                new String[] {"w", "leads_search", "{\"text\":\"lone \\ud800 surrogate\"}"},
                new String[] {"w", "leads_search", "{\"text\":\"low \\udc00 first \\u0000\"}"},
                new String[] {"w", "leads_search", "{\"text\":\"" + big + "\"}"},
                new String[] {"w", "leads_search", "{\"nested\":" + deep + "}"},
                new String[] {"w", "leads_create", "{\"name\":\"nul\\u0000lead\"}"},
                new String[] {"w", "leads_create", "{\"name\":\"\\ud83d lone high\"}"},
                new String[] {"w", "leads_update", "{\"lead_id\":" + lead + ",\"name\":\"" + big + "\"}"},
                new String[] {"w", "set_lead_fields", "{\"lead_id\":" + lead + ",\"values\":{\"Seats\":" + deep + "}}"},
                new String[] {"w", "notes_add", "{\"entity_type\":\"leads\",\"entity_id\":" + lead + ",\"text\":\"\\u0000\\ud800\\u0000\"}"},
                new String[] {"r", "leads_create", "{\"name\":\"refused \\u0000 \\udfff\"}"},
                new String[] {"r", "leads_move", "{\"lead_id\":" + lead + ",\"stage_id\":142,\"x\":\"" + big + "\"}"},
                new String[] {"w", "no_such_tool\\u0000\\ud800", "{\"a\":\"\\u0000\"}"},
                new String[] {"w", "x".repeat(300), "{}"});
        long before = calls(t.id());
        for (String[] c : calls) {
            McpHttp client = c[0].equals("w") ? writer : reader;
            HttpResponse<String> r = client.post(toolsCall(c[1], c[2]));
            assertTrue(r.statusCode() < 500, c[1] + ": " + r.statusCode() + " " + r.body());
            assertNoInternals(r.body());
        }
        assertEquals(calls.size(), calls(t.id()) - before, "audit rows = calls");
        assertEquals(0, count("select count(*) from audit_entry where chain_key = ? and kind = 'INTENT' and"
                + " correlation_id not in (select correlation_id from audit_entry where chain_key = ? and kind ="
                + " 'OUTCOME')", t.id(), t.id()), "every intent has its outcome");
        assertEquals(1, count("select count(*) from audit_entry where chain_key = ? and outcome = 'DENIED' and"
                + " tool like 'xxxxxxxxxx%' and length(tool) <= 100", t.id()), "an unknown tool's name is kept, capped");
        JsonNode chain = McpHttp.JSON.readTree(server.http("GET", "/api/audit/chain", null,
                TestTokens.token(t.id(), "audit.reader")).body());
        assertTrue(chain.path("valid").asBoolean(), chain.toString());
    }

    // ------------------------------------------------------------------ 3. part-applied writes tell the truth

    @Test
    void aFollowUpTaskThatFailsAfterTheNoteLandedIsReportedAsPartlyApplied() throws Exception {
        Tenant t = server.newTenant("part-");
        McpHttp c = server.mcp(t.id(), "kommo.writer");
        long lead = ok(c.call("leads_search", Map.of("limit", 1))).path("leads").get(0).path("id").asLong();
        server.faults(t, "[{\"kind\":\"500\",\"method\":\"POST\",\"path_prefix\":\"tasks\"}]");
        JsonNode r = err(c.call("log_sales_interaction", Map.of("kind", "meeting", "entity_id", lead, "summary",
                "Talked it through", "follow_up", Map.of("text", "Call back", "due", "2030-01-15"))));
        String text = McpHttp.text(r);
        JsonNode notes = ok(c.call("notes_list", Map.of("entity_type", "leads", "entity_id", lead))).path("notes");
        assertEquals(1, notes.size(), text);
        long noteId = notes.get(0).path("id").asLong();
        assertTrue(text.contains("Partially applied") && text.contains("note " + noteId + " (created)"), text);
        assertTrue(text.contains("Outcome unknown") && text.contains("/api/v4/tasks"), text);
        assertTrue(text.contains("Do not repeat the whole call"), text);
        assertEquals("PARTIAL", lastOutcome(t.id(), "log_sales_interaction"));
        server.clearFaults(t);

        // one write that may have landed is UNKNOWN, not PARTIAL
        server.faults(t, "[{\"kind\":\"503\",\"method\":\"POST\",\"path_prefix\":\"leads\"}]");
        String unknown = McpHttp.text(err(c.call("leads_create", Map.of("name", "Maybe"))));
        assertTrue(unknown.contains("may or may not have been applied"), unknown);
        assertEquals("UNKNOWN", lastOutcome(t.id(), "leads_create"));
    }

    // ------------------------------------------------------------------ 4, 5. disabled and unknown tenants

    @Test
    void aDisabledTenantIsRefusedByEveryRestResourceAndAudited() throws Exception {
        Tenant t = server.newTenant("off-");
        String adminToken = TestTokens.token(t.id(), "kommo.admin");
        String auditToken = TestTokens.token(t.id(), "audit.reader");
        assertEquals(200, server.http("GET", "/api/governance/approvals", null, adminToken).statusCode());
        assertEquals(200, server.http("GET", "/api/audit/activity", null, auditToken).statusCode());
        assertEquals(200, server.admin("DELETE", "/api/admin/tenants/" + t.id(), null).statusCode());
        for (String[] call : List.of(new String[] {"GET", "/api/governance/approvals", adminToken},
                new String[] {"POST", "/api/governance/approvals/" + java.util.UUID.randomUUID() + "/approve",
                    adminToken},
                new String[] {"GET", "/api/audit/activity", auditToken},
                new String[] {"GET", "/api/audit/chain", auditToken})) {
            HttpResponse<String> r = server.http(call[0], call[1], call[0].equals("POST") ? "{}" : null, call[2]);
            assertEquals(403, r.statusCode(), call[1] + ": " + r.body());
            assertTrue(r.body().contains("is disabled"), r.body());
        }
        assertEquals(4, count("select count(*) from audit_entry where chain_key = ? and tool = '(rest request)'"
                + " and outcome = 'DENIED'", t.id()));
    }

    @Test
    void anUnregisteredTenantOpensNoAuditTrailAndGetsNoReports() throws Exception {
        String ghost = "ghost-" + ItServer.shortId();
        long platformBefore = count("select count(*) from audit_entry where chain_key = '_platform'");
        HttpResponse<String> rest = server.http("GET", "/api/audit/activity", null,
                TestTokens.token(ghost, "audit.reader"));
        assertEquals(403, rest.statusCode(), rest.body());
        HttpResponse<String> mcp = new McpHttp(base, TestTokens.token(ghost, "kommo.reader"))
                .post(McpHttp.INITIALIZE);
        assertEquals(403, mcp.statusCode());
        String longClaim = ghost + "Z".repeat(5_000);
        assertEquals(403, new McpHttp(base, TestTokens.token(longClaim, "kommo.reader")).post(McpHttp.INITIALIZE)
                .statusCode());
        assertEquals(0, count("select count(*) from audit_chain_head where chain_key = ?", ghost));
        assertEquals(0, count("select count(*) from audit_entry where tenant_id = ?", ghost));
        assertEquals(3, count("select count(*) from audit_entry where chain_key = '_platform'") - platformBefore);
        assertEquals(2, count("select count(*) from audit_entry where chain_key = '_platform' and arguments like ?",
                "%\"claimed_tenant\":\"" + ghost + "\"%"));
        assertEquals(1, count("select count(*) from audit_entry where chain_key = '_platform' and arguments like ?"
                + " and length(arguments) < 300", "%\"claimed_tenant\":\"" + ghost + "ZZZZ%"), "capped");
    }

    // ------------------------------------------------------------------ 6. clock skew

    @Test
    void tokensAreAcceptedUpToThirtySecondsPastExpiryAndNoLonger() throws Exception {
        Tenant t = server.newTenant("skew-");
        assertEquals(200, new McpHttp(base, TestTokens.expired(t.id(), 10, "kommo.reader")).post(McpHttp.INITIALIZE)
                .statusCode(), "within kommo.auth.clock-skew-seconds (30)");
        HttpResponse<String> late = new McpHttp(base, TestTokens.expired(t.id(), 31, "kommo.reader"))
                .post(McpHttp.INITIALIZE);
        assertEquals(401, late.statusCode(), late.body());
        assertNoInternals(late.body());
    }

    // ------------------------------------------------------------------ 7. no silent coercion

    @Test
    void argumentsOfTheWrongTypeAreRefusedNamingTheArgumentAndNothingIsSent() throws Exception {
        Tenant t = server.newTenant("types-");
        McpHttp c = server.mcp(t.id(), "kommo.writer");
        ok(c.call("pipelines_list", Map.of())); // metadata read before counting
        long requests = server.sandboxStats(t).path("requests").asLong();
        String[][] bad = {
            {"{\"name\":\"Fractional\",\"price\":1.5}", "'price' must be a whole number"},
            {"{\"name\":\"Padded\",\"price\":\" 12 \"}", "'price' must be a whole number (integer), not the string"},
            {"{\"name\":true}", "'name' must be a string, not true"},
            {"{\"name\":\"Tags\",\"tags\":[\"a\",3]}", "'tags[1]' must be a string"},
            {"{\"name\":\"Extra\",\"colour\":\"red\"}", "Unknown argument 'colour'"},
            {"{\"price\":10}", "Missing required argument 'name'"}};
        for (String[] b : bad) {
            JsonNode msg = McpHttp.message(c.post(toolsCall("leads_create", b[0])).body());
            String text = McpHttp.text(err(msg.path("result")));
            assertTrue(text.contains(b[1]) && text.contains("Nothing was sent to Kommo"), b[0] + " -> " + text);
        }
        assertEquals(requests, server.sandboxStats(t).path("requests").asLong(), "no Kommo request at all");
        assertEquals(bad.length, count("select count(*) from audit_entry where chain_key = ? and tool = 'leads_create'"
                + " and kind = 'CALL' and outcome = 'FAILED' and kommo_call_count = 0", t.id()));
        // an integral value written as 12.0 is still the integer 12
        ok(c.call("leads_create", Map.of("name", "Whole", "price", 12.0)));
    }

    // ------------------------------------------------------------------ 8. protocol errors are 4xx

    @Test
    void malformedMessagesAndMethodsAreAnsweredWithJsonRpcErrorsAndClientStatuses() throws Exception {
        Tenant t = server.newTenant("proto-");
        McpHttp c = server.mcp(t.id(), "kommo.reader");
        Object[][] cases = {
            {"POST", "null", 400, -32600},
            {"POST", "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]", 400, -32600},
            {"POST", "{not json", 400, -32700},
            {"POST", "\"text\"", 400, -32600},
            {"POST", "{\"jsonrpc\":\"2.0\",\"id\":\"zzz\",\"result\":{}}", 400, -32600},
            {"POST", "{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":1,\"message\":\"m\"}}", 400, -32600},
            {"POST", "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}", 400, -32600},
            {"PATCH", "{}", 405, -32600},
            {"PUT", "{}", 405, -32600}};
        for (Object[] k : cases) {
            HttpResponse<String> r = c.send((String) k[0], (String) k[1]);
            assertEquals(k[2], r.statusCode(), k[0] + " " + k[1] + ": " + r.body());
            assertEquals(k[3], McpHttp.message(r.body()).path("error").path("code").asInt(), r.body());
            assertNoInternals(r.body());
            if (r.statusCode() == 405) {
                assertTrue(r.headers().firstValue("Allow").orElse("").contains("POST"));
            }
        }
        McpHttp fresh = new McpHttp(base, TestTokens.token(t.id(), "kommo.reader"));
        HttpResponse<String> noParams = fresh.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\"}");
        assertEquals(400, noParams.statusCode(), noParams.body());
        assertEquals(-32602, McpHttp.message(noParams.body()).path("error").path("code").asInt());
        assertNoInternals(noParams.body());
        // the session survived all of it
        ok(c.call("leads_search", Map.of("limit", 1)));

        JsonNode unknown = c.request("tools/call", Map.of("name", "delete_everything", "arguments", Map.of()));
        assertEquals(-32602, unknown.path("error").path("code").asInt(), unknown.toString());
        assertTrue(unknown.path("error").path("message").asString().contains("Unknown tool 'delete_everything'"));
        assertEquals(1, count("select count(*) from audit_entry where chain_key = ? and tool = 'delete_everything'"
                + " and outcome = 'DENIED'", t.id()));
    }

    // ------------------------------------------------------------------ helpers

    private static String toolsCall(String tool, String argumentsJson) {
        return "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":" + argumentsJson + "}}";
    }

    /** Calls recorded for the tenant: one CALL entry, or one OUTCOME entry per write. */
    private static long calls(String tenant) throws Exception {
        return count("select count(*) from audit_entry where chain_key = ? and kind in ('CALL', 'OUTCOME')", tenant);
    }

    private static String lastOutcome(String tenant, String tool) throws Exception {
        try (var db = ItServer.appDb(); var ps = db.prepareStatement("select outcome from audit_entry where"
                + " chain_key = ? and tool = ? and kind = 'OUTCOME' order by seq desc limit 1")) {
            ps.setString(1, tenant);
            ps.setString(2, tool);
            try (var rs = ps.executeQuery()) {
                assertTrue(rs.next(), "no outcome of " + tool);
                assertFalse(rs.getString(1).isEmpty());
                return rs.getString(1);
            }
        }
    }
}
