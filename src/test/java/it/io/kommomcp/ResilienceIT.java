package it.io.kommomcp;

import static it.io.kommomcp.ItServer.appDb;
import static it.io.kommomcp.ItServer.err;
import static it.io.kommomcp.ItServer.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import it.io.kommomcp.ItServer.Tenant;
import tools.jackson.databind.JsonNode;

/**
 * How the server behaves when Kommo misbehaves, with faults injected into the sandbox account: reads retried on 429
 * (after retry_after), 5xx and timeouts; writes never retried, and an unanswered write recorded as outcome unknown;
 * the IP block recognised; the circuit breaker failing fast and recovering. The test server runs with a 3 s read
 * timeout, a 2 s breaker pause and a 3 s IP-block pause (pom.xml).
 */
@ExtendWith(ArquillianExtension.class)
class ResilienceIT {

    private final ItServer server = ItServer.local();

    @Test
    void readsAreRetriedAfter429And5xxAndTimeouts() throws Exception {
        Tenant t = server.newTenant("r-");
        McpHttp c = server.mcp(t.id(), "kommo.reader");
        faults(t, "[{\"kind\":\"429\",\"method\":\"GET\",\"retry_after\":1},"
                + "{\"kind\":\"503\",\"method\":\"GET\"}]");
        ok(c.call("pipelines_list", Map.of()));
        assertEquals(List.of(429, 503, 200), statuses(t, "pipelines_list"), "two retries, then the answer");

        faults(t, "[{\"kind\":\"latency\",\"method\":\"GET\",\"latency_ms\":4000}]");
        long start = System.nanoTime();
        ok(c.call("pipelines_list", Map.of()));
        assertTrue((System.nanoTime() - start) / 1_000_000 >= 3000, "the first attempt waited for the timeout");
        assertEquals(List.of(0, 200), statuses(t, "pipelines_list"), "a timed-out read is retried");
        assertTrue(lastCalls(t, "pipelines_list").contains("timed out"), lastCalls(t, "pipelines_list"));
    }

    @Test
    void writesAreRetriedOnlyAfter429AndAnUnansweredWriteIsRecordedAsOutcomeUnknown() throws Exception {
        Tenant t = server.newTenant("r-");
        McpHttp c = server.mcp(t.id(), "kommo.writer");
        faults(t, "[{\"kind\":\"500\",\"method\":\"POST\"}]");
        String text = McpHttp.text(err(c.call("leads_create", Map.of("name", "Maybe created"))));
        assertTrue(text.contains("HTTP 500") && text.contains("may or may not have been applied"), text);
        assertEquals(List.of(500), statuses(t, "leads_create"), "a write that may have been applied is sent once");
        assertEquals("UNKNOWN", lastOutcome(t, "leads_create"));

        // a write that times out was carried out by Kommo all the same: that is why its outcome is unknown
        faults(t, "[{\"kind\":\"latency\",\"method\":\"POST\",\"latency_ms\":4000}]");
        String timedOut = McpHttp.text(err(c.call("leads_create", Map.of("name", "Slow but real"))));
        assertTrue(timedOut.contains("timed out") && timedOut.contains("may or may not"), timedOut);
        assertEquals("UNKNOWN", lastOutcome(t, "leads_create"));
        Thread.sleep(1500); // the sandbox finishes the delayed request
        assertEquals(1, ok(c.call("leads_search", Map.of("text", "Slow but real"))).path("leads").size());

        // a 429 comes before Kommo does anything, so a write is sent again after retry_after, once
        faults(t, "[{\"kind\":\"429\",\"method\":\"POST\",\"retry_after\":1}]");
        ok(c.call("leads_create", Map.of("name", "Throttled once")));
        assertEquals(List.of(429, 200), statuses(t, "leads_create"));
        assertEquals(1, ok(c.call("leads_search", Map.of("text", "Throttled once"))).path("leads").size());

        // a refused write (Kommo answered) stays FAILED: nothing was applied
        String refused = McpHttp.text(err(c.call("leads_create", Map.of("name", "X", "responsible_user_id", 1))));
        assertTrue(refused.contains("Nothing was changed"), refused);
        assertEquals("FAILED", lastOutcome(t, "leads_create"));
    }

    @Test
    void theIpBlockIsRecognisedNotRetriedAndPausesTheAccount() throws Exception {
        Tenant t = server.newTenant("r-");
        McpHttp c = server.mcp(t.id(), "kommo.reader");
        faults(t, "[{\"kind\":\"ip_block\",\"count\":-1}]");
        String blocked = McpHttp.text(err(c.call("pipelines_list", Map.of())));
        assertTrue(blocked.contains("blocked this server's address") && blocked.contains("stop retrying"), blocked);
        assertEquals(List.of(403), statuses(t, "pipelines_list"), "the block is not retried");
        String paused = McpHttp.text(err(c.call("pipelines_list", Map.of())));
        assertTrue(paused.contains("paused") && paused.contains("Kommo support"), paused);
        assertEquals(List.of(), statuses(t, "pipelines_list"), "while paused nothing is sent");

        clearFaults(t);
        Thread.sleep(3200);
        ok(c.call("pipelines_list", Map.of()));
    }

    @Test
    void theCircuitBreakerOpensAfterRepeatedFailuresFailsFastAndRecovers() throws Exception {
        Tenant t = server.newTenant("r-");
        McpHttp c = server.mcp(t.id(), "kommo.reader");
        faults(t, "[{\"kind\":\"502\",\"count\":-1}]");
        String first = McpHttp.text(err(c.call("pipelines_list", Map.of())));
        assertTrue(first.contains("HTTP 502") && first.contains("try again later"), first);
        assertEquals(List.of(502, 502, 502), statuses(t, "pipelines_list"), "a read is tried three times");
        err(c.call("pipelines_list", Map.of())); // two more failures open the breaker (threshold 5)
        String fast = McpHttp.text(err(c.call("pipelines_list", Map.of())));
        assertTrue(fast.contains("5 times in a row") && fast.contains("Nothing was sent"), fast);
        assertEquals(List.of(), statuses(t, "pipelines_list"));

        clearFaults(t);
        Thread.sleep(2200);
        ok(c.call("pipelines_list", Map.of())); // the trial request succeeds and closes the breaker
        ok(c.call("pipelines_list", Map.of()));
        assertEquals(List.of(200), statuses(t, "pipelines_list"));
    }

    @Test
    void badFaultSpecsAreRefusedByTheSandbox() throws Exception {
        Tenant t = server.newTenant("r-");
        HttpResponse<String> r = server.http("PUT", "/sandbox/_control/accounts/" + t.account() + "/faults",
                "{\"faults\":[{\"kind\":\"418\"}]}", null);
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("ip_block"), r.body());
    }

    private void faults(Tenant t, String list) throws Exception {
        server.faults(t, list);
    }

    private void clearFaults(Tenant t) throws Exception {
        server.clearFaults(t);
    }

    /** HTTP statuses of the Kommo calls of the tenant's latest call of {@code tool} (0: no answer). */
    private static List<Integer> statuses(Tenant t, String tool) throws Exception {
        JsonNode calls = McpHttp.JSON.readTree(lastCalls(t, tool));
        List<Integer> out = new ArrayList<>();
        calls.forEach(n -> out.add(n.path("status").asInt()));
        return out;
    }

    private static String lastCalls(Tenant t, String tool) throws Exception {
        return last(t, tool, "kommo_calls");
    }

    private static String lastOutcome(Tenant t, String tool) throws Exception {
        return last(t, tool, "outcome");
    }

    private static String last(Tenant t, String tool, String column) throws Exception {
        try (Connection db = appDb(); PreparedStatement ps = db.prepareStatement("select " + column
                + " from audit_entry where chain_key = ? and tool = ? and kind in ('CALL', 'OUTCOME')"
                + " order by seq desc limit 1")) {
            ps.setString(1, t.id());
            ps.setString(2, tool);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), "no audit entry for " + tool);
                return rs.getString(1);
            }
        }
    }
}
