package it.io.kommomcp;

import static it.io.kommomcp.ItServer.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ElicitFormRequest;
import io.modelcontextprotocol.spec.McpSchema.ElicitResult;
import it.io.kommomcp.ItServer.Tenant;

/**
 * Elicitation (issue 4, point 3) with a real MCP client that declares the capability: the MCP Java SDK's client over
 * Streamable HTTP. The person sees the plan; only an accepted, ticked confirmation applies it; decline, cancel or an
 * unticked box change nothing.
 */
@ExtendWith(ArquillianExtension.class)
class ElicitationIT {

    private final ItServer server = ItServer.local();

    @Test
    void anAcceptedElicitationAppliesThePlanItShowed() throws Exception {
        Tenant t = server.newTenant("eli-");
        List<String> shown = new CopyOnWriteArrayList<>();
        try (McpSyncClient client = client(t, req -> {
            shown.add(req.message());
            assertEquals("boolean", ((Map<?, ?>) ((Map<?, ?>) req.requestedSchema().get("properties")).get("confirm"))
                    .get("type"));
            return new ElicitResult(ElicitResult.Action.ACCEPT, Map.of("confirm", true));
        })) {
            CallToolResult r = client.callTool(new McpSchema.CallToolRequest("loss_reasons_create", Map.of("name",
                    "Project cancelled")));
            assertFalse(Boolean.TRUE.equals(r.isError()), r.toString());
            Map<?, ?> out = (Map<?, ?>) r.structuredContent();
            assertEquals("applied", out.get("status"));
            assertNull(out.get("confirmation_token"), "no token: the person confirmed directly");
            assertEquals(1, shown.size());
            assertTrue(shown.get(0).contains("POST /api/v4/leads/loss_reasons") && shown.get(0).contains(
                    "Project cancelled"), shown.get(0));
            assertTrue(lossReasons(client).contains("Project cancelled"));
        }
        assertEquals(1, count("select count(*) from governance_plan where tenant_id = ? and elicitation = 'accept'"
                + " and outcome = 'APPLIED'", t.id()));
        assertEquals(1, count("select count(*) from audit_entry where tenant_id = ? and kind = 'ELICITATION' and"
                + " outcome = 'SUCCEEDED'", t.id()));
    }

    @Test
    void declineCancelAndAnUntickedBoxChangeNothing() throws Exception {
        Tenant t = server.newTenant("eli-");
        List<ElicitResult> answers = List.of(new ElicitResult(ElicitResult.Action.DECLINE, null),
                new ElicitResult(ElicitResult.Action.CANCEL, null),
                new ElicitResult(ElicitResult.Action.ACCEPT, Map.of("confirm", false)));
        for (ElicitResult answer : answers) {
            try (McpSyncClient client = client(t, req -> answer)) {
                CallToolResult r = client.callTool(new McpSchema.CallToolRequest("loss_reasons_create", Map.of(
                        "name", "Never added")));
                assertFalse(Boolean.TRUE.equals(r.isError()), r.toString());
                assertEquals("declined", ((Map<?, ?>) r.structuredContent()).get("status"), answer.toString());
                assertTrue(((McpSchema.TextContent) r.content().get(0)).text().contains("Nothing was changed"));
                assertFalse(lossReasons(client).contains("Never added"), answer.toString());
            }
        }
        assertEquals(3, count("select count(*) from governance_plan where tenant_id = ? and outcome = 'DECLINED'"
                + " and elicitation in ('decline', 'cancel', 'unticked')", t.id()));
        assertEquals(3, count("select count(*) from audit_entry where tenant_id = ? and kind = 'ELICITATION' and"
                + " outcome = 'DENIED'", t.id()));
        assertEquals(0, count("select count(*) from audit_entry where tenant_id = ? and kommo_calls like ?", t.id(),
                "%\"method\":\"POST\"%"), "nothing was sent to Kommo");
    }

    @Test
    void aClientErrorIsANoAndAPlanThatWentStaleWhileThePersonDecidedIsNotApplied() throws Exception {
        Tenant t = server.newTenant("eli-");
        try (McpSyncClient client = client(t, req -> {
            throw new IllegalStateException("the client's dialog crashed");
        })) {
            CallToolResult r = client.callTool(new McpSchema.CallToolRequest("loss_reasons_create", Map.of("name",
                    "Nobody answered")));
            assertEquals("declined", ((Map<?, ?>) r.structuredContent()).get("status"), "fail closed");
            assertFalse(lossReasons(client).contains("Nobody answered"));
        }
        // while the person reads the plan, someone adds a loss reason directly in Kommo; then the person accepts
        try (McpSyncClient client = client(t, req -> {
            try {
                assertEquals(200, AdminToolsIT.kommoSend(t, "POST", "/leads/loss_reasons", List.of(Map.of("name",
                        "Added meanwhile"))).statusCode());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return new ElicitResult(ElicitResult.Action.ACCEPT, Map.of("confirm", true));
        })) {
            CallToolResult r = client.callTool(new McpSchema.CallToolRequest("loss_reasons_create", Map.of("name",
                    "Stale by then")));
            assertTrue(Boolean.TRUE.equals(r.isError()), r.toString());
            String text = ((McpSchema.TextContent) r.content().get(0)).text();
            assertTrue(text.contains("changed while the plan was shown") && text.contains("Nothing was changed"),
                    text);
            assertFalse(lossReasons(client).contains("Stale by then"));
        }
    }

    @Test
    void anApprovedPlanIsStillConfirmedByItsRequesterInPerson() throws Exception {
        Tenant t = server.newTenant("eli-");
        assertEquals(200, server.admin("PATCH", "/api/admin/tenants/" + t.id(), "{\"approval_policy\":{\"enabled\""
                + ":true,\"tools\":[\"loss_reasons_create\"]}}").statusCode());
        List<String> asked = new CopyOnWriteArrayList<>();
        try (McpSyncClient client = client(t, req -> {
            asked.add(req.message());
            return new ElicitResult(ElicitResult.Action.ACCEPT, Map.of("confirm", true));
        })) {
            Map<?, ?> plan = (Map<?, ?>) client.callTool(new McpSchema.CallToolRequest("loss_reasons_create", Map.of(
                    "name", "Reorganised"))).structuredContent();
            assertEquals("awaiting_approval", plan.get("status"));
            assertTrue(asked.isEmpty(), "nobody is asked before the approval");
            // the approver's client asks the approver too: a decline decides nothing, an accept approves
            List<ElicitResult> approverSays = new CopyOnWriteArrayList<>(List.of(new ElicitResult(
                    ElicitResult.Action.DECLINE, null), new ElicitResult(ElicitResult.Action.ACCEPT, Map.of("confirm",
                            true))));
            List<String> approverSaw = new CopyOnWriteArrayList<>();
            try (McpSyncClient approver = client(t, "approver", req -> {
                approverSaw.add(req.message());
                return approverSays.remove(0);
            })) {
                Map<String, Object> decide = Map.of("plan_id", plan.get("plan_id"), "decision", "approve");
                CallToolResult no = approver.callTool(new McpSchema.CallToolRequest("approvals_decide", decide));
                assertTrue(Boolean.TRUE.equals(no.isError()), no.toString());
                assertEquals(1, count("select count(*) from governance_plan where id = ?::uuid and outcome ="
                        + " 'AWAITING_APPROVAL'", plan.get("plan_id")), "a declined decision decides nothing");
                CallToolResult yes = approver.callTool(new McpSchema.CallToolRequest("approvals_decide", decide));
                assertFalse(Boolean.TRUE.equals(yes.isError()), yes.toString());
                assertTrue(approverSaw.get(0).contains("create loss reason \"Reorganised\""), approverSaw.get(0));
            }
            CallToolResult applied = client.callTool(new McpSchema.CallToolRequest("loss_reasons_create", Map.of(
                    "name", "Reorganised", "confirmation_token", plan.get("confirmation_token"))));
            assertEquals("applied", ((Map<?, ?>) applied.structuredContent()).get("status"), applied.toString());
            assertEquals(1, asked.size(), "the requester confirmed in person too");
            assertTrue(lossReasons(client).contains("Reorganised"));
            assertEquals(1, count("select count(*) from governance_plan where id = ?::uuid and elicitation = 'accept'"
                    + " and decided_by = 'approver' and outcome = 'APPLIED'", plan.get("plan_id")));
            assertEquals(1, count("select count(*) from audit_entry where tenant_id = ? and kind = 'ELICITATION' and"
                    + " correlation_id = ?::uuid", t.id(), plan.get("plan_id")));
        }
    }

    private McpSyncClient client(Tenant t, Function<ElicitFormRequest, ElicitResult> person) {
        return client(t, "it-user", person);
    }

    /** The MCP Java SDK's client, declaring elicitation, as {@code subject} with kommo.admin. */
    private McpSyncClient client(Tenant t, String subject, Function<ElicitFormRequest, ElicitResult> person) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(server.base)
                .endpoint("/mcp")
                .clientBuilder(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1))
                .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + TestTokens.build(t.id(),
                        List.of("kommo.admin"), subject, TestTokens.ISSUER, TestTokens.AUDIENCE, 600,
                        TestTokens.devKey())))
                .build();
        McpSyncClient client = McpClient.sync(transport)
                .clientInfo(new McpSchema.Implementation("elicitation-it", "1.0"))
                .requestTimeout(Duration.ofSeconds(60))
                .capabilities(McpSchema.ClientCapabilities.builder().elicitation().build())
                .elicitation(person)
                .build();
        client.initialize();
        return client;
    }

    private static List<String> lossReasons(McpSyncClient client) {
        CallToolResult r = client.callTool(new McpSchema.CallToolRequest("loss_reasons_list", Map.of()));
        List<?> list = (List<?>) ((Map<?, ?>) r.structuredContent()).get("loss_reasons");
        return list.stream().map(l -> String.valueOf(((Map<?, ?>) l).get("name"))).toList();
    }
}
