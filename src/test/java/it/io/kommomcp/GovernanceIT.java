package it.io.kommomcp;

import static it.io.kommomcp.ItServer.count;
import static it.io.kommomcp.ItServer.err;
import static it.io.kommomcp.ItServer.ok;
import static it.io.kommomcp.ItServer.ownerDb;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import it.io.kommomcp.ItServer.Tenant;
import tools.jackson.databind.JsonNode;

/**
 * Governed admin changes (issue 4, the loss-reason tools so far): plan, confirmation token, apply; and every way a
 * token is refused: replayed, expired, other arguments, other subject, other tenant, stale state, missing role.
 */
@ExtendWith(ArquillianExtension.class)
class GovernanceIT {

    private final ItServer server = ItServer.local();

    @Test
    void aPlanIsAppliedOnceWithItsTokenAndNothingHappensBefore() throws Exception {
        Tenant t = server.newTenant("g-");
        McpHttp admin = server.mcp(t.id(), "kommo.admin");
        JsonNode dry = ok(admin.call("loss_reasons_create", Map.of("name", "In-house build", "dry_run", true)));
        assertEquals("dry_run", dry.path("status").asString());
        assertTrue(dry.path("confirmation_token").isMissingNode() || dry.path("confirmation_token").isNull());

        JsonNode plan = ok(admin.call("loss_reasons_create", Map.of("name", "In-house build")));
        assertEquals("planned", plan.path("status").asString());
        assertTrue(plan.path("plan").path("kommo_changes").get(0).asString().contains("POST /api/v4/leads/loss_reasons"));
        String token = plan.path("confirmation_token").asString();
        assertFalse(names(admin).contains("In-house build"), "a plan changes nothing");

        JsonNode applied = ok(admin.call("loss_reasons_create", Map.of("name", "In-house build",
                "confirmation_token", token)));
        assertEquals("applied", applied.path("status").asString());
        assertTrue(names(admin).contains("In-house build"));
        assertEquals(0, count("select count(*) from audit_entry where tenant_id = ? and arguments like ?", t.id(),
                "%" + token + "%"), "the token is not kept in the audit trail");

        String replay = McpHttp.text(err(admin.call("loss_reasons_delete", Map.of("loss_reason_id",
                applied.path("ids").get(0).asLong(), "confirmation_token", token))));
        assertTrue(replay.contains("plan of loss_reasons_create"), replay);
        String again = McpHttp.text(err(admin.call("loss_reasons_create", Map.of("name", "In-house build",
                "confirmation_token", token))));
        assertTrue(again.contains("exists already"), "re-planning sees the new state first: " + again);

        long id = applied.path("ids").get(0).asLong();
        String deleteToken = ok(admin.call("loss_reasons_delete", Map.of("loss_reason_id", id)))
                .path("confirmation_token").asString();
        ok(admin.call("loss_reasons_delete", Map.of("loss_reason_id", id, "confirmation_token", deleteToken)));
        assertFalse(names(admin).contains("In-house build"));
        String used = McpHttp.text(err(admin.call("loss_reasons_create", Map.of("name", "Other",
                "confirmation_token", deleteToken))));
        assertTrue(used.contains("plan of loss_reasons_delete"), used);
    }

    @Test
    void tokensAreRefusedForOtherArgumentsSubjectsTenantsStaleStateExpiryAndReplay() throws Exception {
        Tenant t = server.newTenant("g-");
        McpHttp admin = server.mcp(t.id(), "kommo.admin");
        String token = plan(admin, "Budget frozen");

        assertRefused(admin.call("loss_reasons_create", Map.of("name", "Budget cut", "confirmation_token", token)),
                "arguments differ");
        McpHttp colleague = new McpHttp(server.base + "/", TestTokens.build(t.id(), List.of("kommo.admin"),
                "someone-else", TestTokens.ISSUER, TestTokens.AUDIENCE, 600, TestTokens.devKey())).initialize();
        assertRefused(colleague.call("loss_reasons_create", Map.of("name", "Budget frozen", "confirmation_token",
                token)), "issued to someone else");
        Tenant other = server.newTenant("g-");
        assertRefused(server.mcp(other.id(), "kommo.admin").call("loss_reasons_create", Map.of("name",
                "Budget frozen", "confirmation_token", token)), "not known for your tenant");

        // the account changes under the plan: a stale plan is refused
        HttpResponse<String> direct = McpHttp.HTTP.send(HttpRequest.newBuilder(URI.create(t.kommoBaseUrl()
                + "/api/v4/leads/loss_reasons")).header("Authorization", "Bearer " + t.kommoToken())
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "[{\"name\":\"Added behind our back\"}]")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, direct.statusCode());
        assertRefused(admin.call("loss_reasons_create", Map.of("name", "Budget frozen", "confirmation_token", token)),
                "account changed since the plan");

        String late = plan(admin, "Too late");
        try (Connection db = ownerDb(); Statement st = db.createStatement()) {
            st.executeUpdate("update governance_plan set expires_at = now() - interval '1 minute' where tenant_id = '"
                    + t.id() + "' and used_at is null");
        }
        assertRefused(admin.call("loss_reasons_create", Map.of("name", "Too late", "confirmation_token", late)),
                "expired");

        String fine = plan(admin, "Fine");
        ok(admin.call("loss_reasons_create", Map.of("name", "Fine", "confirmation_token", fine)));
        ok(admin.call("loss_reasons_delete", Map.of("loss_reason_id", id(admin, "Fine"), "dry_run", true)));
        assertRefused(admin.call("loss_reasons_create", Map.of("name", "Fine2", "confirmation_token", fine)),
                "used already");
        assertFalse(names(admin).containsAll(List.of("Budget frozen", "Budget cut", "Too late")),
                "no refused plan was applied");

        McpHttp writer = server.mcp(t.id(), "kommo.writer");
        assertTrue(McpHttp.text(err(writer.call("loss_reasons_create", Map.of("name", "X")))).contains("kommo.admin"));
        assertTrue(McpHttp.text(err(admin.call("loss_reasons_delete", Map.of("loss_reason_id", 1))))
                .contains("Too expensive"));
    }

    @Test
    void aTokenPresentedSixTimesAtOnceAppliesItsPlanOnce() throws Exception {
        Tenant t = server.newTenant("g-");
        McpHttp admin = server.mcp(t.id(), "kommo.admin");
        String token = plan(admin, "Raced");
        List<McpHttp> sessions = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            sessions.add(server.mcp(t.id(), "kommo.admin"));
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(6);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<JsonNode>> results = new ArrayList<>();
        for (McpHttp s : sessions) {
            results.add(pool.submit(() -> {
                go.await();
                return s.call("loss_reasons_create", Map.of("name", "Raced", "confirmation_token", token));
            }));
        }
        go.countDown();
        int applied = 0;
        for (java.util.concurrent.Future<JsonNode> r : results) {
            JsonNode result = r.get(60, java.util.concurrent.TimeUnit.SECONDS);
            if (!result.path("isError").asBoolean()) {
                applied++;
            }
        }
        pool.shutdown();
        assertEquals(1, applied, "a token is redeemed once, however many present it at once");
        assertEquals(1, names(admin).stream().filter("Raced"::equals).count());
        assertEquals(1, count("select count(*) from governance_plan where tenant_id = ? and outcome = 'APPLIED'",
                t.id()));
    }

    private static String plan(McpHttp admin, String name) throws Exception {
        JsonNode p = ok(admin.call("loss_reasons_create", Map.of("name", name)));
        assertEquals("planned", p.path("status").asString());
        return p.path("confirmation_token").asString();
    }

    private static void assertRefused(JsonNode result, String why) {
        String text = McpHttp.text(err(result));
        assertTrue(text.contains(why) && text.contains("Nothing was changed"), text);
    }

    private static List<String> names(McpHttp c) throws Exception {
        List<String> out = new ArrayList<>();
        ok(c.call("loss_reasons_list", Map.of())).path("loss_reasons").forEach(l -> out.add(l.path("name").asString()));
        return out;
    }

    private static long id(McpHttp c, String name) throws Exception {
        for (JsonNode l : ok(c.call("loss_reasons_list", Map.of())).path("loss_reasons")) {
            if (l.path("name").asString().equals(name)) {
                return l.path("id").asLong();
            }
        }
        throw new AssertionError(name);
    }
}
