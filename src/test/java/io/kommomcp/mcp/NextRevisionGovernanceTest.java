package io.kommomcp.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kommomcp.core.ApprovalPolicy;
import io.kommomcp.mcp.NextHarness.Answer;
import io.kommomcp.security.Roles;
import io.kommomcp.testing.UnitDatabase;
import tools.jackson.databind.JsonNode;

/**
 * Governed changes on the 2026-07-28 lane, on the real plan store and request-state ledger in PostgreSQL: the plan
 * is asked for in an input-required result whose requestState carries its token; only the retry with an accepted
 * tick and that state applies it, once; a tampered, expired, replayed, foreign or re-targeted state changes nothing.
 */
class NextRevisionGovernanceTest {

    private static final Map<String, Object> ARGS = Map.of("lead_id", 12);

    private NextHarness h;

    @BeforeEach
    void setUp() {
        h = new NextHarness(false);
    }

    private Answer first() {
        return h.call("fx_remove", ARGS).send();
    }

    private Answer retry(String state, Map<String, Object> responses) {
        NextHarness.Request r = h.call("fx_remove", ARGS).param("requestState", state);
        if (responses != null) {
            r.param("inputResponses", responses);
        }
        return r.send();
    }

    @Test
    void aGovernedChangeIsAskedForThenAppliedOnceWithTheAnswerAndTheState() throws SQLException {
        Answer asked = first();
        assertEquals(200, asked.status(), asked.toString());
        JsonNode r = asked.result();
        assertEquals("input_required", r.path("resultType").asString());
        JsonNode confirm = r.path("inputRequests").path("confirm");
        assertEquals("elicitation/create", confirm.path("method").asString());
        assertTrue(confirm.path("params").path("message").asString().contains("DELETE /api/v4/leads/12/notes/1"),
                "the person sees the exact Kommo requests: " + confirm);
        assertEquals("boolean", confirm.path("params").path("requestedSchema").path("properties").path("confirm")
                .path("type").asString());
        String state = r.path("requestState").asString();
        assertTrue(state.startsWith("krs1."), state);
        assertFalse(r.has("ttlMs"), "an input-required result is not cacheable");
        assertTrue(h.writer.applied.isEmpty(), "asking changes nothing");
        assertEquals(List.of("PLANNED"), outcomes(), "the plan is stored as for a token");
        assertFalse(new String(java.util.Base64.getUrlDecoder().decode(state.split("\\.")[1])).contains("kmc_"),
                "the confirmation token travels encrypted, never in clear");
        assertTrue(h.audit.entries.contains("PLAN fx_remove SUCCEEDED"), h.audit.entries.toString());

        Answer applied = retry(state, NextHarness.accept(true));
        assertEquals(200, applied.status(), applied.toString());
        assertEquals("complete", applied.result().path("resultType").asString());
        assertEquals("applied", applied.result().path("structuredContent").path("status").asString(),
                applied.toString());
        assertEquals(1, h.writer.applied.size(), "applied");
        assertEquals(List.of("APPLIED"), outcomes());
        assertTrue(h.audit.entries.contains("ELICITATION fx_remove SUCCEEDED") && h.audit.entries.contains(
                "CONFIRMATION fx_remove SUCCEEDED"), h.audit.entries.toString());

        Answer replay = retry(state, NextHarness.accept(true));
        assertEquals(-32602, replay.code(), replay.toString());
        assertTrue(replay.message().contains("used already"), replay.message());
        assertEquals(1, h.writer.applied.size(), "applied exactly once");
        assertEquals(1, uses(state), "the use is in PostgreSQL");
    }

    @Test
    void aTamperedStateIsRefusedAndChangesNothing() {
        String state = first().result().path("requestState").asString();
        String[] parts = state.split("\\.");
        List<String> forged = List.of(state + "-TAMPERED", parts[0] + "." + parts[1] + "x." + parts[2],
                parts[0] + "." + parts[1] + "." + parts[2].substring(1) + "A", "krs1.e30.AAAA", "not-a-state",
                state.replace("krs1.", "krs2."));
        for (String f : forged) {
            Answer a = retry(f, NextHarness.accept(true));
            assertEquals(-32602, a.code(), f + ": " + a);
        }
        assertTrue(h.writer.applied.isEmpty());
        assertEquals(List.of("PLANNED"), outcomes(), "the plan is untouched");
        assertEquals(forged.size(), h.audit.entries.stream().filter("ENTRY fx_remove DENIED"::equals).count(),
                "each refusal is audited");
        assertEquals(1, retry(state, NextHarness.accept(true)).result().path("structuredContent").path("done")
                .size(), "the genuine state still works");
    }

    @Test
    void anExpiredStateIsRefused() {
        String state = first().result().path("requestState").asString();
        h.states.clock = () -> java.time.Instant.now().plusSeconds(301);
        Answer late = retry(state, NextHarness.accept(true));
        assertEquals(-32602, late.code());
        assertTrue(late.message().contains("expired"), late.message());
        assertTrue(h.writer.applied.isEmpty());
    }

    @Test
    void anotherPersonAnotherToolOrOtherArgumentsCannotUseTheState() {
        String state = first().result().path("requestState").asString();
        Answer bob = h.call("fx_remove", ARGS).as("bob", Roles.ADMIN).param("requestState", state).param(
                "inputResponses", NextHarness.accept(true)).send();
        assertTrue(bob.message().contains("someone else"), bob.toString());

        Answer otherArgs = h.call("fx_remove", Map.of("lead_id", 13)).param("requestState", state).param(
                "inputResponses", NextHarness.accept(true)).send();
        assertTrue(otherArgs.message().contains("arguments differ"), otherArgs.toString());

        Answer otherTool = h.call("fx_add", Map.of("lead_id", 12, "text", "x")).param("requestState", state).param(
                "inputResponses", NextHarness.accept(true)).send();
        assertTrue(otherTool.message().contains("belongs to tools/call of fx_remove"), otherTool.toString());

        NextHarness other = new NextHarness(false); // another tenant, same key
        NextHarness.Request r = other.call("fx_remove", ARGS).param("requestState", state).param("inputResponses",
                NextHarness.accept(true));
        Answer foreign = r.send();
        assertTrue(foreign.message().contains("someone else"), foreign.toString());
        assertTrue(h.writer.applied.isEmpty() && other.writer.applied.isEmpty());
    }

    @Test
    void declineCancelOrAnUntickedBoxChangeNothingAndSpendTheState() {
        for (Map<String, Object> no : List.<Map<String, Object>>of(Map.of("confirm", Map.of("action", "decline")),
                Map.of("confirm", Map.of("action", "cancel")), NextHarness.accept(false))) {
            String state = first().result().path("requestState").asString();
            Answer a = retry(state, no);
            assertEquals("declined", a.result().path("structuredContent").path("status").asString(), a.toString());
            assertEquals(-32602, retry(state, NextHarness.accept(true)).code(), "spent: the answer was given");
        }
        assertTrue(h.writer.applied.isEmpty());
        assertEquals(3, h.audit.entries.stream().filter("ELICITATION fx_remove DENIED"::equals).count());
    }

    @Test
    void aRetryWithoutTheAnswerIsAskedAgainWithTheSameState() {
        String state = first().result().path("requestState").asString();
        Answer again = retry(state, null);
        assertEquals("input_required", again.result().path("resultType").asString());
        assertEquals(state, again.result().path("requestState").asString());
        Answer wrongKey = retry(state, Map.of("something_else", Map.of("action", "accept")));
        assertEquals("input_required", wrongKey.result().path("resultType").asString());
        Answer malformed = retry(state, Map.of("confirm", 12345));
        assertEquals(-32602, malformed.code(), "an answer that is no ElicitResult is a protocol error");
        NextHarness.Request nullResponses = h.call("fx_remove", ARGS).param("requestState", state);
        nullResponses.params.put("inputResponses", null);
        assertEquals(-32602, nullResponses.send().code());
        assertTrue(h.writer.applied.isEmpty());
        assertEquals("applied", retry(state, NextHarness.accept(true)).result().path("structuredContent")
                .path("status").asString(), "nothing above spent it");
    }

    @Test
    void withoutElicitationThePlanAndItsTokenAreTheAnswerAsIn2025() {
        Answer planned = h.call("fx_remove", ARGS).capabilities(Map.of()).send();
        JsonNode sc = planned.result().path("structuredContent");
        assertEquals("complete", planned.result().path("resultType").asString());
        assertEquals("planned", sc.path("status").asString(), planned.toString());
        String token = sc.path("confirmation_token").asString();
        assertTrue(token.startsWith("kmc_"));
        Answer applied = h.call("fx_remove", Map.of("lead_id", 12, "confirmation_token", token)).capabilities(
                Map.of()).send();
        assertEquals("applied", applied.result().path("structuredContent").path("status").asString(),
                applied.toString());
        assertEquals(1, h.writer.applied.size());

        Answer dry = h.call("fx_remove", Map.of("lead_id", 12, "dry_run", true)).send();
        assertEquals("dry_run", dry.result().path("structuredContent").path("status").asString(),
                "a dry run is answered at once, elicitation or not");
    }

    @Test
    void fourEyesWaitsForAnotherPersonThenTheRequesterConfirmsInPerson() {
        h.policies.policy = new ApprovalPolicy(true, List.of("fx_remove"));
        Answer waiting = first();
        JsonNode sc = waiting.result().path("structuredContent");
        assertEquals("awaiting_approval", sc.path("status").asString(), waiting.toString());
        String token = sc.path("confirmation_token").asString();
        String planId = sc.path("plan_id").asString();

        Answer early = h.call("fx_remove", Map.of("lead_id", 12, "confirmation_token", token)).send();
        String earlyState = early.result().path("requestState").asString();
        Answer refused = h.call("fx_remove", Map.of("lead_id", 12, "confirmation_token", token)).param(
                "requestState", earlyState).param("inputResponses", NextHarness.accept(true)).send();
        assertTrue(refused.result().path("isError").asBoolean(), refused.toString());
        assertTrue(refused.result().path("content").get(0).path("text").asString().contains("still waits"),
                refused.toString());

        h.plans.decide(h.tenant, "bob", planId, true, "fine");
        Answer asked = h.call("fx_remove", Map.of("lead_id", 12, "confirmation_token", token)).send();
        assertEquals("input_required", asked.result().path("resultType").asString(),
                "the requester confirms the approved plan in person");
        Answer applied = h.call("fx_remove", Map.of("lead_id", 12, "confirmation_token", token)).param(
                "requestState", asked.result().path("requestState").asString()).param("inputResponses",
                        NextHarness.accept(true)).send();
        assertEquals("applied", applied.result().path("structuredContent").path("status").asString(),
                applied.toString());
        assertEquals(1, h.writer.applied.size());
    }

    @Test
    void aPlanThatWentStaleBeforeTheAnswerIsNotApplied() {
        String state = first().result().path("requestState").asString();
        NextHarness.Tools.accountState = "changed in Kommo meanwhile";
        Answer a = retry(state, NextHarness.accept(true));
        assertTrue(a.result().path("isError").asBoolean(), a.toString());
        assertTrue(a.result().path("content").get(0).path("text").asString().contains("account changed"),
                a.toString());
        assertTrue(h.writer.applied.isEmpty());
    }

    @Test
    void aStatelessRequestOfThe2025LaneUsesTheSamePipelineAndConfirmsByToken() {
        io.modelcontextprotocol.common.McpTransportContext ctx = io.modelcontextprotocol.common.McpTransportContext
                .create(Map.of(ToolRegistry.CTX_TENANT, h.tenant, ToolRegistry.CTX_SUBJECT, "alice",
                        ToolRegistry.CTX_ROLES, java.util.Set.of(Roles.ADMIN)));
        var spec = h.registry.statelessSpecifications().stream().filter(s -> s.tool().name().equals("fx_remove"))
                .findFirst().orElseThrow();
        var planned = spec.callHandler().apply(ctx, new io.modelcontextprotocol.spec.McpSchema.CallToolRequest(
                "fx_remove", Map.of("lead_id", 12)));
        @SuppressWarnings("unchecked")
        Map<String, Object> sc = (Map<String, Object>) planned.structuredContent();
        assertEquals("planned", String.valueOf(sc.get("status")), "no elicitation without a session: a token");
        var applied = spec.callHandler().apply(ctx, new io.modelcontextprotocol.spec.McpSchema.CallToolRequest(
                "fx_remove", Map.of("lead_id", 12, "confirmation_token", sc.get("confirmation_token"))));
        assertFalse(Boolean.TRUE.equals(applied.isError()), applied.toString());
        assertEquals(1, h.writer.applied.size());
    }

    private List<String> outcomes() {
        try (Connection c = UnitDatabase.owner(); PreparedStatement ps = c.prepareStatement("select outcome from"
                + " governance_plan where tenant_id = ? order by created_at")) {
            ps.setString(1, h.tenant);
            try (ResultSet rs = ps.executeQuery()) {
                List<String> out = new java.util.ArrayList<>();
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
                return out;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private long uses(String state) throws SQLException {
        try (Connection c = UnitDatabase.owner(); PreparedStatement ps = c.prepareStatement("select count(*) from"
                + " mcp_request_state where tenant_id = ? and name = 'fx_remove'")) {
            ps.setString(1, h.tenant);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
