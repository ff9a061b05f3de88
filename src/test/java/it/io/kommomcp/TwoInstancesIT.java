package it.io.kommomcp;

import static it.io.kommomcp.ItServer.count;
import static it.io.kommomcp.ItServer.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import it.io.kommomcp.ItServer.Tenant;
import tools.jackson.databind.JsonNode;

/**
 * Two kommo-mcp servers on one database, as in a cluster: the Arquillian server and a second Liberty server started
 * from a copy of its directory. Both audit the same tenant at once.
 */
@ExtendWith(ArquillianExtension.class)
class TwoInstancesIT {

    private static SecondServer second;
    private final ItServer first = ItServer.local();

    @BeforeAll
    static void startSecondServer() throws Exception {
        second = SecondServer.start("kommo-mcp-2", 2);
    }

    @AfterAll
    static void stopSecondServer() throws Exception {
        if (second != null) {
            second.close();
        }
    }

    @Test
    void twoServersWritingOneTenantsTrailAtOnceLeaveOneUnbrokenChain() throws Exception {
        Tenant account = first.newTenant("two-");
        String tenant = account.id();
        long leadId = ok(first.mcp(tenant, "kommo.writer").call("leads_create", Map.of("name", "Shared lead")))
                .path("lead_id").asLong();
        long before = count("select count(*) from audit_entry where chain_key = ?", tenant);

        int deniedPerServer = 200;
        int writesPerServer = 10;
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<Boolean>> results = new ArrayList<>();
        List<String> failedWrites = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (ItServer server : List.of(first, second.http)) {
            for (int t = 0; t < 8; t++) {
                McpHttp reader = server.mcp(tenant, "kommo.reader");
                int share = deniedPerServer / 8;
                results.add(pool.submit(calls(share, () -> reader.call("leads_create", Map.of("name", "no"))
                        .path("isError").asBoolean())));
            }
            McpHttp writer = server.mcp(tenant, "kommo.writer");
            int base = server == first ? 1000 : 2000;
            results.add(pool.submit(calls(writesPerServer, new Callable<>() {
                int i;

                @Override
                public Boolean call() throws Exception {
                    JsonNode r = writer.call("leads_update", Map.of("lead_id", leadId, "price", base + i++));
                    if (r.path("isError").asBoolean()) {
                        failedWrites.add(McpHttp.text(r));
                    }
                    return true;
                }
            })));
        }
        for (Future<Boolean> f : results) {
            assertTrue(f.get(), "every call answered as expected");
        }
        pool.shutdown();

        // both servers draw on one request budget per Kommo account (kept in PostgreSQL), so Kommo never answers
        // 429 to them together; a write would not be retried
        assertEquals(List.of(), failedWrites, "no write refused by Kommo");
        JsonNode stats = first.sandboxStats(account);
        System.out.println("two servers, one account: " + stats.path("requests").asLong() + " Kommo requests, "
                + stats.path("throttled").asLong() + " answered 429");
        // each server holds a leased share of the account's 7 slots, so together they never exceed them
        assertEquals(0, stats.path("throttled").asLong(), "no request of either server was answered 429");
        long expected = 2L * deniedPerServer + 2L * writesPerServer * 2; // writes: intent + outcome
        long after = count("select count(*) from audit_entry where chain_key = ?", tenant);
        assertEquals(expected, after - before, "one entry per denied call, two per write, none lost or doubled");
        assertEquals(after, count("select count(distinct seq) from audit_entry where chain_key = ?", tenant));
        assertEquals(after, count("select max(seq) from audit_entry where chain_key = ?", tenant),
                "sequence numbers 1..n without gaps");
        for (ItServer server : List.of(first, second.http)) {
            HttpResponse<String> r = server.http("GET", "/api/audit/chain", null,
                    TestTokens.token(tenant, "audit.reader"));
            assertEquals(200, r.statusCode(), r.body());
            JsonNode chain = McpHttp.JSON.readTree(r.body());
            assertTrue(chain.path("valid").asBoolean(), chain.toString());
            assertEquals(after, chain.path("entries_checked").asLong());
            assertEquals(after, chain.path("head_seq").asLong());
        }
    }

    /** {@code n} calls of {@code one}, true when all returned true. */
    private static Callable<Boolean> calls(int n, Callable<Boolean> one) {
        return () -> {
            boolean all = true;
            for (int i = 0; i < n; i++) {
                all &= one.call();
            }
            return all;
        };
    }

    /**
     * Kommo stops accepting a tenant's access token while both servers are busy with it: every rejected call asks
     * for a new token, and the tenant row's lock makes exactly one of them refresh; the others, in either server,
     * find the new token. The rotating refresh token is never presented twice, so nothing is burned.
     */
    @Test
    void aPlanMadeOnOneServerIsApprovedAndConfirmedOnTheOtherOnce() throws Exception {
        Tenant t = first.newTenant("two-");
        assertEquals(200, first.admin("PATCH", "/api/admin/tenants/" + t.id(), "{\"approval_policy\":{\"enabled\""
                + ":true}}").statusCode());
        McpHttp onFirst = first.mcp(t.id(), "kommo.admin");
        McpHttp onSecond = second.http.mcp(t.id(), "kommo.admin");

        JsonNode plan = ok(onFirst.call("loss_reasons_create", Map.of("name", "Moved abroad")));
        Map<String, Object> confirm = Map.of("name", "Moved abroad", "confirmation_token",
                plan.path("confirmation_token").asString());
        assertEquals("applied", ok(onSecond.call("loss_reasons_create", confirm)).path("status").asString());
        assertTrue(onFirst.call("loss_reasons_create", confirm).path("isError").asBoolean(), "a replay is refused");
        assertEquals(1, count("select count(*) from governance_plan where tenant_id = ? and outcome = 'APPLIED'",
                t.id()));

        long id = ok(onFirst.call("loss_reasons_list", Map.of())).path("loss_reasons").findValues("id").stream()
                .mapToLong(JsonNode::asLong).max().orElseThrow();
        JsonNode delete = ok(onSecond.call("loss_reasons_delete", Map.of("loss_reason_id", id)));
        assertEquals("awaiting_approval", delete.path("status").asString());
        HttpResponse<String> approved = first.http("POST", "/api/governance/approvals/" + delete.path("plan_id")
                .asString() + "/approve", "{}", TestTokens.build(t.id(), List.of("kommo.admin"), "second-admin",
                        TestTokens.ISSUER, TestTokens.AUDIENCE, 600, TestTokens.devKey()));
        assertEquals(200, approved.statusCode(), approved.body());
        assertEquals("applied", ok(onFirst.call("loss_reasons_delete", Map.of("loss_reason_id", id,
                "confirmation_token", delete.path("confirmation_token").asString()))).path("status").asString());
    }

    @Test
    void concurrentRefreshesOnTwoServersUseTheRefreshTokenOnce() throws Exception {
        Tenant t = first.newOAuthTenant("two-", 86_400);
        List<McpHttp> sessions = new ArrayList<>();
        for (ItServer server : List.of(first, second.http)) {
            for (int i = 0; i < 6; i++) {
                McpHttp s = server.mcp(t.id(), "kommo.reader");
                ok(s.call("pipelines_list", Map.of())); // both servers hold the current token
                sessions.add(s);
            }
        }
        Thread.sleep(1200); // an empty rate window for the burst
        JsonNode before = first.sandboxStats(t);
        first.sandboxControl(t, "oauth/expire", null);

        ExecutorService pool = Executors.newFixedThreadPool(sessions.size());
        List<Future<JsonNode>> results = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        for (McpHttp s : sessions) {
            results.add(pool.submit(() -> {
                go.await();
                return s.call("pipelines_list", Map.of());
            }));
        }
        go.countDown();
        for (Future<JsonNode> f : results) {
            ok(f.get(120, TimeUnit.SECONDS));
        }
        pool.shutdown();
        JsonNode after = first.sandboxStats(t);
        assertEquals(1, after.path("oauth_refreshes").asInt() - before.path("oauth_refreshes").asInt(),
                "one refresh for " + sessions.size() + " rejected calls on two servers");
        assertEquals(0, after.path("oauth_revoked_refresh_attempts").asInt(), "no refresh token was burned");
        assertTrue(after.path("unauthorized").asInt() - before.path("unauthorized").asInt() >= 1);
        // and the tenant goes on working from both servers with the one new pair
        ok(first.mcp(t.id(), "kommo.reader").call("pipelines_list", Map.of()));
        ok(second.http.mcp(t.id(), "kommo.reader").call("pipelines_list", Map.of()));
    }
}
