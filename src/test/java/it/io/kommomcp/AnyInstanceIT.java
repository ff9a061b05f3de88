package it.io.kommomcp;

import static it.io.kommomcp.ItServer.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import it.io.kommomcp.ItServer.Tenant;
import tools.jackson.databind.JsonNode;

/**
 * "Any instance serves any request" (issue 15): a second server on the same database with
 * {@code kommo.mcp.sessions=stateless} beside the Arquillian server (stateful). The 2025 lane without sessions on the
 * second; a confirmation token made on one instance redeemed on the other; a 2026-07-28 multi-round-trip request
 * whose retry lands on the other instance, spent once across both.
 */
@ExtendWith(ArquillianExtension.class)
class AnyInstanceIT {

    private static SecondServer stateless;
    private final ItServer first = ItServer.local();

    @BeforeAll
    static void startStatelessServer() throws Exception {
        stateless = SecondServer.start("kommo-mcp-stateless", 4, Map.of("kommo.mcp.sessions", "stateless"));
    }

    @AfterAll
    static void stopStatelessServer() throws Exception {
        if (stateless != null) {
            stateless.close();
        }
    }

    @Test
    void the2025LaneWithoutSessionsServesEveryRequestOnItsOwn() throws Exception {
        Tenant t = first.newTenant("any-");
        McpHttp c = new McpHttp(stateless.http.base + "/", TestTokens.token(t.id(), "kommo.reader"));
        HttpResponse<String> init = c.post(McpHttp.INITIALIZE);
        assertEquals(200, init.statusCode(), init.body());
        assertTrue(init.headers().firstValue("Mcp-Session-Id").isEmpty(), "no session is created");
        JsonNode golden = McpHttp.JSON.readTree(Files.readString(Path.of(
                "src/test/resources/golden/tools-list.kommo.reader.json")));
        assertEquals(golden, c.request("tools/list", Map.of()).path("result"), "the same registry, no session");
        assertEquals("Sales pipeline", ok(c.call("pipelines_list", Map.of())).path("pipelines").get(0).path("name")
                .asString());
        assertEquals(405, c.send("GET", null).statusCode(), "no event stream without a session");
        assertEquals(1, ItServer.count("select count(*) from audit_entry where tenant_id = ? and tool ="
                + " 'pipelines_list' and outcome = 'SUCCEEDED'", t.id()), "audited as on the stateful lane");
        JsonNode denied = c.call("leads_create", Map.of("name", "No"));
        assertTrue(denied.path("isError").asBoolean(), "roles apply");
        JsonNode unknown = c.request("tools/call", Map.of("name", "leads_delete", "arguments", Map.of()));
        assertTrue(unknown.has("error"), unknown.toString());
        assertEquals(1, ItServer.count("select count(*) from audit_entry where tenant_id = ? and tool ="
                + " 'leads_delete' and outcome = 'DENIED'", t.id()), "an unknown tool is refused and audited");
    }

    @Test
    void aTokenPlannedOnOneInstanceIsRedeemedOnTheOther() throws Exception {
        Tenant t = first.newTenant("any-");
        McpHttp onStateless = new McpHttp(stateless.http.base + "/", TestTokens.token(t.id(), "kommo.admin"));
        onStateless.post(McpHttp.INITIALIZE);
        JsonNode plan = ok(onStateless.call("loss_reasons_create", Map.of("name", "Moved on")));
        assertEquals("planned", plan.path("status").asString(), "no elicitation without a session: a token");
        McpHttp onFirst = first.mcp(t.id(), "kommo.admin");
        JsonNode applied = ok(onFirst.call("loss_reasons_create", Map.of("name", "Moved on", "confirmation_token",
                plan.path("confirmation_token").asString())));
        assertEquals("applied", applied.path("status").asString());
        assertEquals(1, ItServer.count("select count(*) from governance_plan where tenant_id = ? and outcome ="
                + " 'APPLIED'", t.id()));
    }

    @Test
    void aMultiRoundTripRetryMayLandOnAnotherInstance() throws Exception {
        Tenant t = first.newTenant("any-");
        String token = TestTokens.token(t.id(), "kommo.admin");
        NextHttp a = new NextHttp(first.base, token);
        NextHttp b = new NextHttp(stateless.http.base, token);
        Map<String, Object> args = Map.of("name", "Asked on one, applied on the other");
        NextHttp.Reply asked = a.call("loss_reasons_create", args).send();
        assertEquals("input_required", asked.result().path("resultType").asString(), asked.toString());
        String state = asked.result().path("requestState").asString();
        Map<String, Object> yes = Map.of("confirm", Map.of("action", "accept", "content", Map.of("confirm", true)));
        NextHttp.Reply applied = b.call("loss_reasons_create", args).param("requestState", state).param(
                "inputResponses", yes).send();
        assertEquals("applied", applied.structured().path("status").asString(), applied.toString());
        NextHttp.Reply replay = a.call("loss_reasons_create", args).param("requestState", state).param(
                "inputResponses", yes).send();
        assertEquals(-32602, replay.code(), "spent once, across instances: " + replay);
        // the first instance had the loss reasons cached; the change made on the other one is seen within
        // kommo.metadata.peer-check-ms (1 s)
        List<String> names = new ArrayList<>();
        for (int attempt = 0; attempt < 20; attempt++) {
            names.clear();
            NextHttp.Reply list = a.call("loss_reasons_list", Map.of()).send();
            list.structured().path("loss_reasons").forEach(l -> names.add(l.path("name").asString()));
            if (names.contains(args.get("name"))) {
                break;
            }
            Thread.sleep(250);
        }
        assertEquals(1, names.stream().filter(args.get("name")::equals).count(), names.toString());
    }
}
