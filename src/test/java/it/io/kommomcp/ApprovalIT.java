package it.io.kommomcp;

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
 * Four-eyes approval (issue 4, point 4): a plan of a covered tool waits for another kommo.admin, who approves or
 * rejects it by tool or REST; its requester then applies it; nobody decides their own plan.
 */
@ExtendWith(ArquillianExtension.class)
class ApprovalIT {

    private final ItServer server = ItServer.local();

    @Test
    void aDeleteWaitsForAnotherAdminAndNobodyApprovesTheirOwnPlan() throws Exception {
        Tenant t = server.newTenant("apr-");
        policy(t, "{\"enabled\":true}");
        McpHttp alice = as(t, "alice", "kommo.admin");
        McpHttp bob = as(t, "bob", "kommo.admin");

        JsonNode create = ok(alice.call("loss_reasons_create", Map.of("name", "Merged with a customer")));
        assertEquals("planned", create.path("status").asString(), "only deletes need approval by default");
        long id = ok(alice.call("loss_reasons_create", Map.of("name", "Merged with a customer", "confirmation_token",
                create.path("confirmation_token").asString()))).path("ids").get(0).asLong();

        long source = AdminToolsIT.fieldId(t, "leads", "Lead source");
        assertEquals("awaiting_approval", ok(alice.call("fields_update", Map.of("entity_type", "leads", "field_id",
                source, "remove_options", List.of("Referral")))).path("status").asString(), "removing options erases"
                        + " values, so it counts as a delete");
        assertEquals("planned", ok(alice.call("fields_update", Map.of("entity_type", "leads", "field_id", source,
                "add_options", List.of("Partner")))).path("status").asString());

        JsonNode plan = ok(alice.call("loss_reasons_delete", Map.of("loss_reason_id", id)));
        assertEquals("awaiting_approval", plan.path("status").asString());
        String planId = plan.path("plan_id").asString();
        String token = plan.path("confirmation_token").asString();
        Map<String, Object> confirm = Map.of("loss_reason_id", id, "confirmation_token", token);

        String early = McpHttp.text(err(alice.call("loss_reasons_delete", confirm)));
        assertTrue(early.contains("still waits"), early);
        assertTrue(McpHttp.text(err(alice.call("approvals_decide", Map.of("plan_id", planId, "decision", "approve"))))
                .contains("another person"));
        HttpResponse<String> selfRest = server.http("POST", "/api/governance/approvals/" + planId + "/approve", "{}",
                TestTokens.build(t.id(), List.of("kommo.admin"), "alice", TestTokens.ISSUER, TestTokens.AUDIENCE, 600,
                        TestTokens.devKey()));
        assertEquals(403, selfRest.statusCode(), selfRest.body());
        assertTrue(ok(bob.call("approvals_list", Map.of())).toString().contains(planId));
        HttpResponse<String> writerRest = server.http("GET", "/api/governance/approvals", null, TestTokens.token(
                t.id(), "kommo.writer"));
        assertEquals(403, writerRest.statusCode());

        HttpResponse<String> approved = server.http("POST", "/api/governance/approvals/" + planId + "/approve",
                "{\"note\":\"checked: no open leads use it\"}", bobToken(t));
        assertEquals(200, approved.statusCode(), approved.body());
        assertEquals("APPROVED", McpHttp.JSON.readTree(approved.body()).path("decision").asString());
        assertTrue(names(alice).contains("Merged with a customer"), "approving changes nothing in Kommo");

        assertTrue(McpHttp.text(err(bob.call("loss_reasons_delete", confirm))).contains("someone else"),
                "the approver cannot apply the requester's plan");
        JsonNode applied = ok(alice.call("loss_reasons_delete", confirm));
        assertEquals("applied", applied.path("status").asString());
        assertFalse(names(alice).contains("Merged with a customer"));

        HttpResponse<String> again = server.http("POST", "/api/governance/approvals/" + planId + "/approve", "{}",
                bobToken(t));
        assertEquals(409, again.statusCode(), again.body());
        assertEquals(1, count("select count(*) from audit_entry where tenant_id = ? and kind = 'APPROVAL' and"
                + " subject = 'bob' and arguments like ?", t.id(), "%" + planId + "%"));
        assertEquals(1, count("select count(*) from audit_entry where tenant_id = ? and kind = 'CONFIRMATION' and"
                + " arguments like ?", t.id(), "%" + planId + "%"));
        assertEquals(1, count("select count(*) from governance_plan where id = ?::uuid and outcome = 'APPLIED' and"
                + " decided_by = 'bob'", planId));
        HttpResponse<String> report = server.http("GET", "/api/audit/approvals", null, TestTokens.token(t.id(),
                "audit.reader"));
        assertEquals(200, report.statusCode(), report.body());
        for (String kind : List.of("PLAN", "APPROVAL", "CONFIRMATION")) {
            assertTrue(report.body().contains("\"" + kind + "\""), "the compliance report shows " + kind + ": "
                    + report.body());
        }
    }

    @Test
    void aRejectedPlanCanNeverBeAppliedAndThePolicyNamesTools() throws Exception {
        Tenant t = server.newTenant("apr-");
        HttpResponse<String> bad = server.admin("PATCH", "/api/admin/tenants/" + t.id(),
                "{\"approval_policy\":{\"enabled\":true,\"tools\":[\"leads_list\"]}}");
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("not a tool that changes Kommo"), bad.body());
        policy(t, "{\"enabled\":true,\"tools\":[\"loss_reasons_create\"]}");
        McpHttp alice = as(t, "alice", "kommo.admin");
        McpHttp bob = as(t, "bob", "kommo.admin");

        JsonNode plan = ok(alice.call("loss_reasons_create", Map.of("name", "Lost to a partner")));
        assertEquals("awaiting_approval", plan.path("status").asString());
        JsonNode rejected = ok(bob.call("approvals_decide", Map.of("plan_id", plan.path("plan_id").asString(),
                "decision", "reject", "note", "we track partners another way")));
        assertEquals("REJECTED", rejected.path("decision").path("decision").asString());
        String text = McpHttp.text(err(alice.call("loss_reasons_create", Map.of("name", "Lost to a partner",
                "confirmation_token", plan.path("confirmation_token").asString()))));
        assertTrue(text.contains("rejected by bob"), text);
        assertFalse(names(alice).contains("Lost to a partner"));
        assertFalse(ok(bob.call("approvals_list", Map.of())).toString().contains(plan.path("plan_id").asString()));

        long reason = ok(alice.call("loss_reasons_list", Map.of())).path("loss_reasons").get(0).path("id").asLong();
        assertEquals("planned", ok(alice.call("loss_reasons_delete", Map.of("loss_reason_id", reason)))
                .path("status").asString(), "a tool the list leaves out needs no approval");
        assertTrue(McpHttp.text(err(as(t, "carol", "kommo.writer").call("approvals_list", Map.of())))
                .contains("kommo.approver"));
    }

    @Test
    void makerCheckerRulesHoldAsBanksApplyThem() throws Exception {
        Tenant t = server.newTenant("apr-");
        policy(t, "{\"enabled\":true}");
        McpHttp alice = as(t, "alice", "kommo.admin");
        McpHttp dora = as(t, "dora", "kommo.approver");
        long reason = ok(alice.call("loss_reasons_list", Map.of())).path("loss_reasons").get(0).path("id").asLong();

        JsonNode first = ok(alice.call("loss_reasons_delete", Map.of("loss_reason_id", reason)));
        assertEquals("awaiting_approval", first.path("status").asString());
        String planId = first.path("plan_id").asString();

        // a second plan for the same target while the first waits is refused, pointing at the waiting one
        String second = McpHttp.text(err(as(t, "erin", "kommo.admin").call("loss_reasons_delete",
                Map.of("loss_reason_id", reason))));
        assertTrue(second.contains(planId) && second.contains("waits for approval"), second);
        assertEquals(1, count("select count(*) from governance_plan where tenant_id = ?", t.id()),
                "the refused plan was not stored");

        // an approver-only role decides but can neither propose nor read the CRM through tools
        String propose = McpHttp.text(err(dora.call("loss_reasons_delete", Map.of("loss_reason_id", reason))));
        assertTrue(propose.contains("requires the role kommo.admin"), propose);
        assertTrue(McpHttp.text(err(dora.call("leads_search", Map.of()))).contains("requires the role"));
        // the approver sees the exact Kommo requests
        String waiting = ok(dora.call("approvals_list", Map.of())).toString();
        assertTrue(waiting.contains("DELETE /api/v4/leads/loss_reasons/" + reason), waiting);

        // the approval is bound to the plan as it was asked for: a plan altered afterwards is not the approved one
        JsonNode decided = ok(dora.call("approvals_decide", Map.of("plan_id", planId, "decision", "approve")));
        assertEquals("APPROVED", decided.path("decision").path("decision").asString());
        assertEquals(1, count("select count(*) from governance_plan where id = ?::uuid and approved_digest ="
                + " plan_digest and approval_policy like '%\"enabled\":true%'", planId),
                "the approval records the digest it approved and the policy in force when it was asked");
        try (java.sql.Connection db = ItServer.ownerDb(); java.sql.PreparedStatement ps = db.prepareStatement(
                "update governance_plan set plan = replace(plan, 'delete', 'erase') where id = ?::uuid")) {
            ps.setString(1, planId);
            assertEquals(1, ps.executeUpdate());
        }
        String altered = McpHttp.text(err(alice.call("loss_reasons_delete", Map.of("loss_reason_id", reason,
                "confirmation_token", first.path("confirmation_token").asString()))));
        assertTrue(altered.contains("not the one that was approved"), altered);
        assertTrue(ok(alice.call("loss_reasons_list", Map.of())).toString().contains("\"id\":" + reason),
                "nothing was deleted");
    }

    private void policy(Tenant t, String json) throws Exception {
        HttpResponse<String> r = server.admin("PATCH", "/api/admin/tenants/" + t.id(), "{\"approval_policy\":" + json
                + "}");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(McpHttp.JSON.readTree(r.body()).path("approval_policy").path("enabled").asBoolean());
    }

    private McpHttp as(Tenant t, String subject, String role) throws Exception {
        return new McpHttp(server.base + "/", TestTokens.build(t.id(), List.of(role), subject, TestTokens.ISSUER,
                TestTokens.AUDIENCE, 600, TestTokens.devKey())).initialize();
    }

    private static String bobToken(Tenant t) {
        return TestTokens.build(t.id(), List.of("kommo.admin"), "bob", TestTokens.ISSUER, TestTokens.AUDIENCE, 600,
                TestTokens.devKey());
    }

    private static List<String> names(McpHttp mcp) throws Exception {
        List<String> out = new java.util.ArrayList<>();
        ok(mcp.call("loss_reasons_list", Map.of())).path("loss_reasons").forEach(l -> out.add(l.path("name")
                .asString()));
        return out;
    }
}
