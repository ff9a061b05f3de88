package it.io.kommomcp;

import static it.io.kommomcp.ItServer.assertNoInternals;
import static it.io.kommomcp.ItServer.count;
import static it.io.kommomcp.ItServer.shortId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.kommomcp.mcp.RequestStatesForTests;
import it.io.kommomcp.ItServer.Tenant;
import tools.jackson.databind.JsonNode;

/**
 * The 2026-07-28 revision on the deployed server, over real HTTP with real tokens, beside the 2025 lane on the same
 * {@code /mcp}: discovery without initialize or session, the caller's tool list in name order with caching hints,
 * reads and writes through the same pipeline and audit trail, a governed change confirmed through an input-required
 * result and its requestState (applied once; tampered, expired, replayed and foreign states refused), the header,
 * version and method errors of the revision, the gate unchanged, and a real client (the TypeScript SDK v2, pinned).
 */
@ExtendWith(ArquillianExtension.class)
class NextRevisionIT {

    private final ItServer server = ItServer.local();

    private NextHttp as(Tenant t, String subject, String... roles) {
        return new NextHttp(server.base, TestTokens.build(t.id(), List.of(roles), subject, TestTokens.ISSUER,
                TestTokens.AUDIENCE, 3600, TestTokens.devKey()));
    }

    // ------------------------------------------------------------------ discovery and lists

    @Test
    void discoverAnswersWithoutInitializeOrSession() throws Exception {
        Tenant t = server.newTenant("nx-");
        NextHttp.Reply r = as(t, "alice", "kommo.reader").request("server/discover", Map.of()).send();
        assertEquals(200, r.status(), r.toString());
        assertEquals("complete", r.result().path("resultType").asString());
        assertEquals("2026-07-28", r.result().path("supportedVersions").get(0).asString());
        assertTrue(r.result().path("capabilities").path("tools").isObject(), r.toString());
        assertEquals("kommo-mcp", r.result().path("_meta").path("io.modelcontextprotocol/serverInfo").path("name")
                .asString());
        assertTrue(r.result().has("ttlMs") && r.result().has("cacheScope"));
        HttpResponse<String> get = as(t, "alice", "kommo.reader").send("GET");
        assertEquals(405, get.statusCode(), "no GET stream in 2026-07-28");
    }

    /** One registry: each role's 2026 list is its golden list (the 2025 lane serves the same, McpEndToEndIT). */
    @Test
    void toolsListIsTheRolesGoldenListInNameOrderWithCachingHints() throws Exception {
        Tenant t = server.newTenant("nx-");
        for (String role : List.of("kommo.reader", "kommo.writer", "kommo.admin", "kommo.approver", "audit.reader")) {
            NextHttp.Reply r = as(t, "alice", role).request("tools/list", Map.of()).send();
            assertEquals(200, r.status(), r.toString());
            JsonNode golden = McpHttp.JSON.readTree(Files.readString(Path.of(
                    "src/test/resources/golden/tools-list." + role + ".json")));
            assertEquals(golden.path("tools"), r.result().path("tools"), "tools/list of " + role);
            List<String> names = new ArrayList<>();
            r.result().path("tools").forEach(n -> names.add(n.path("name").asString()));
            assertEquals(names.stream().sorted().toList(), names, "deterministic order");
            assertEquals("private", r.result().path("cacheScope").asString());
            assertTrue(r.result().path("ttlMs").isIntegralNumber() && r.result().path("ttlMs").asLong() >= 0);
            assertEquals("complete", r.result().path("resultType").asString());
        }
        NextHttp.Reply prompts = as(t, "alice", "kommo.reader").request("prompts/list", Map.of()).send();
        assertEquals(5, prompts.result().path("prompts").size());
        NextHttp.Reply resources = as(t, "alice", "kommo.reader").request("resources/list", Map.of()).send();
        assertEquals(9, resources.result().path("resources").size());
        assertTrue(resources.result().has("ttlMs") && resources.result().has("cacheScope"));
    }

    // ------------------------------------------------------------------ calls

    @Test
    void readsAndWritesGoThroughTheSamePipelineAndAudit() throws Exception {
        Tenant t = server.newTenant("nx-");
        NextHttp.Reply read = as(t, "rita", "kommo.reader").call("pipelines_list", Map.of()).send();
        assertEquals(200, read.status(), read.toString());
        assertEquals("complete", read.result().path("resultType").asString());
        assertEquals("Sales pipeline", read.structured().path("pipelines").get(0).path("name").asString());
        assertEquals(1, count("select count(*) from audit_entry where tenant_id = ? and tool = 'pipelines_list' and"
                + " outcome = 'SUCCEEDED' and subject = 'rita' and session_id is null", t.id()));
        NextHttp.Reply resource = as(t, "rita", "kommo.reader").request("resources/read", Map.of("uri",
                "kommo://schema/pipelines")).send();
        assertEquals("private", resource.result().path("cacheScope").asString(), resource.toString());
        assertTrue(resource.result().path("contents").get(0).path("text").asString().contains("Sales pipeline"));

        NextHttp.Reply write = as(t, "walt", "kommo.writer").call("leads_create", Map.of("name", "From 2026 "
                + shortId())).send();
        assertFalse(write.result().path("isError").asBoolean(), write.toString());
        assertEquals(1, count("select count(*) from audit_entry where tenant_id = ? and tool = 'leads_create' and"
                + " kind = 'OUTCOME' and outcome = 'SUCCEEDED'", t.id()));

        NextHttp.Reply denied = as(t, "rita", "kommo.reader").call("leads_create", Map.of("name", "No")).send();
        assertTrue(denied.result().path("isError").asBoolean(), "roles apply as on the 2025 lane");
        assertEquals(1, count("select count(*) from audit_entry where tenant_id = ? and tool = 'leads_create' and"
                + " outcome = 'DENIED'", t.id()));
        NextHttp.Reply unknown = as(t, "rita", "kommo.reader").call("leads_delete", Map.of()).send();
        assertEquals(-32602, unknown.code());
        assertEquals(1, count("select count(*) from audit_entry where tenant_id = ? and tool = 'leads_delete' and"
                + " outcome = 'DENIED'", t.id()));
    }

    @Test
    void aGovernedChangeIsConfirmedThroughAnInputRequiredResultAndAppliedOnce() throws Exception {
        Tenant t = server.newTenant("nx-");
        NextHttp alice = as(t, "alice", "kommo.admin");
        Map<String, Object> args = Map.of("name", "Budget frozen");
        NextHttp.Reply asked = alice.call("loss_reasons_create", args).send();
        assertEquals(200, asked.status(), asked.toString());
        assertEquals("input_required", asked.result().path("resultType").asString(), asked.toString());
        JsonNode confirm = asked.result().path("inputRequests").path("confirm");
        assertEquals("elicitation/create", confirm.path("method").asString());
        assertTrue(confirm.path("params").path("message").asString().contains("POST /api/v4/leads/loss_reasons"),
                confirm.toString());
        String state = asked.result().path("requestState").asString();
        assertFalse(asked.toString().contains("kmc_"), "no token in clear");
        assertEquals(1, count("select count(*) from governance_plan where tenant_id = ? and outcome = 'PLANNED'",
                t.id()));
        assertFalse(lossReasons(alice).contains("Budget frozen"), "asking changes nothing");

        NextHttp.Reply applied = alice.call("loss_reasons_create", args).param("requestState", state).param(
                "inputResponses", accept()).send();
        assertEquals("applied", applied.structured().path("status").asString(), applied.toString());
        assertTrue(lossReasons(alice).contains("Budget frozen"));
        assertEquals(1, count("select count(*) from governance_plan where tenant_id = ? and outcome = 'APPLIED'",
                t.id()));
        assertEquals(1, count("select count(*) from mcp_request_state where tenant_id = ?", t.id()));
        for (String kind : List.of("PLAN", "ELICITATION", "CONFIRMATION")) {
            assertEquals(1, count("select count(*) from audit_entry where tenant_id = ? and kind = ? and tool ="
                    + " 'loss_reasons_create'", t.id(), kind), kind);
        }

        NextHttp.Reply replay = alice.call("loss_reasons_create", args).param("requestState", state).param(
                "inputResponses", accept()).send();
        assertEquals(-32602, replay.code(), replay.toString());
        assertTrue(replay.message().contains("used already"), replay.message());
        assertEquals(1, lossReasons(alice).stream().filter("Budget frozen"::equals).count(), "applied once");
    }

    @Test
    void tamperedExpiredForeignAndRetargetedStatesAreRefusedAndAudited() throws Exception {
        Tenant t = server.newTenant("nx-");
        NextHttp alice = as(t, "alice", "kommo.admin");
        Map<String, Object> args = Map.of("name", "Never via forgery");
        String state = alice.call("loss_reasons_create", args).send().result().path("requestState").asString();
        String[] parts = state.split("\\.");

        List<String> refusals = new ArrayList<>();
        refusals.add(alice.call("loss_reasons_create", args).param("requestState", state + "-TAMPERED").param(
                "inputResponses", accept()).send().message());
        refusals.add(alice.call("loss_reasons_create", args).param("requestState", parts[0] + "." + parts[1]
                .substring(2) + "." + parts[2]).param("inputResponses", accept()).send().message());
        refusals.add(as(t, "mallory", "kommo.admin").call("loss_reasons_create", args).param("requestState", state)
                .param("inputResponses", accept()).send().message());
        refusals.add(alice.call("loss_reasons_create", Map.of("name", "Something else")).param("requestState",
                state).param("inputResponses", accept()).send().message());
        String key = System.getProperty("kommo.secrets.key");
        if (key != null && !key.isBlank()) {
            String expired = RequestStatesForTests.seal(key, t.id(), "alice", "loss_reasons_create", args, "kmc_x",
                    Instant.now().minusSeconds(1));
            String m = alice.call("loss_reasons_create", args).param("requestState", expired).param("inputResponses",
                    accept()).send().message();
            assertTrue(m.contains("expired"), m);
            refusals.add(m);
        }
        assertTrue(refusals.get(0).contains("integrity") && refusals.get(1).contains("integrity"), refusals.toString());
        assertTrue(refusals.get(2).contains("someone else"), refusals.get(2));
        assertTrue(refusals.get(3).contains("arguments differ"), refusals.get(3));
        refusals.forEach(ItServer::assertNoInternals);
        assertEquals(refusals.size(), count("select count(*) from audit_entry where tenant_id = ? and tool ="
                + " 'loss_reasons_create' and outcome = 'DENIED'", t.id()), "each refusal is audited");
        assertFalse(lossReasons(alice).contains("Never via forgery"));
        assertEquals(0, count("select count(*) from mcp_request_state where tenant_id = ?", t.id()),
                "nothing refused was spent");

        NextHttp.Reply declined = alice.call("loss_reasons_create", args).param("requestState", state).param(
                "inputResponses", Map.of("confirm", Map.of("action", "decline"))).send();
        assertEquals("declined", declined.structured().path("status").asString(), declined.toString());
        assertFalse(lossReasons(alice).contains("Never via forgery"));
    }

    // ------------------------------------------------------------------ the revision's errors

    @Test
    void headerVersionMetaAndMethodErrorsAreTheRevisions() throws Exception {
        Tenant t = server.newTenant("nx-");
        NextHttp c = as(t, "alice", "kommo.reader");
        NextHttp.Reply mismatch = c.request("tools/list", Map.of()).header("Mcp-Method", "prompts/list").send();
        assertEquals(400, mismatch.status());
        assertEquals(-32020, mismatch.code());
        NextHttp.Reply name = c.call("pipelines_list", Map.of()).header("Mcp-Name", "leads_search").send();
        assertEquals(-32020, name.code());
        NextHttp.Reply missing = c.request("tools/list", Map.of()).header("Mcp-Method", null).send();
        assertEquals(-32020, missing.code());
        NextHttp.Reply versions = c.request("server/discover", Map.of()).header("MCP-Protocol-Version", "v999.0.0")
                .meta("io.modelcontextprotocol/protocolVersion", "v999.0.0").send();
        assertEquals(400, versions.status());
        assertEquals(-32022, versions.code());
        assertEquals("v999.0.0", versions.body().path("error").path("data").path("requested").asString());
        NextHttp.Reply noMeta = c.request("server/discover", Map.of()).meta("io.modelcontextprotocol/clientCapabilities",
                null).send();
        assertEquals(400, noMeta.status());
        assertEquals(-32602, noMeta.code());
        for (String removed : List.of("initialize", "ping", "logging/setLevel", "resources/subscribe", "nope/nope")) {
            NextHttp.Reply r = c.request(removed, Map.of()).send();
            assertEquals(404, r.status(), removed);
            assertEquals(-32601, r.code(), removed);
            assertNoInternals(r.toString());
        }
        assertTrue(count("select count(*) from audit_entry where tenant_id = ? and outcome = 'DENIED' and tool ="
                + " '(mcp request)'", t.id()) >= 8, "protocol refusals are audited");
    }

    @Test
    void theGateIsUnchangedOnThe2026Lane() throws Exception {
        NextHttp.Reply noToken = new NextHttp(server.base, null).request("server/discover", Map.of()).send();
        assertEquals(401, noToken.status());
        String unknown = "nobody-" + shortId();
        NextHttp.Reply stranger = new NextHttp(server.base, TestTokens.token(unknown, "kommo.reader")).request(
                "tools/list", Map.of()).send();
        assertEquals(403, stranger.status());
        assertTrue(stranger.message().contains("not known"), stranger.toString());
        assertEquals(1, count("select count(*) from audit_entry where chain_key = '_platform' and outcome = 'DENIED'"
                + " and arguments like ?", "%" + unknown + "%"));
    }

    @Test
    void the2025LaneStillWorksBesideItOnTheSamePath() throws Exception {
        Tenant t = server.newTenant("nx-");
        McpHttp legacy = new McpHttp(server.base + "/", TestTokens.token(t.id(), "kommo.reader")).initialize();
        assertTrue(legacy.sessionId != null && !legacy.sessionId.isBlank());
        JsonNode list = legacy.request("tools/list", Map.of()).path("result");
        JsonNode golden = McpHttp.JSON.readTree(Files.readString(Path.of(
                "src/test/resources/golden/tools-list.kommo.reader.json")));
        assertEquals(golden, list, "the SDK's lane answers as before");
        assertFalse(list.has("resultType"), "2025 results are the SDK's");
        assertEquals("Sales pipeline", ItServer.ok(legacy.call("pipelines_list", Map.of())).path("pipelines").get(0)
                .path("name").asString());
        // a 2026 request that carries a session header is served statelessly, the header ignored
        NextHttp.Reply modern = as(t, "it-user", "kommo.reader").request("tools/list", Map.of()).header(
                "Mcp-Session-Id", legacy.sessionId).send();
        assertEquals(200, modern.status(), modern.toString());
        assertEquals(golden.path("tools"), modern.result().path("tools"));
        assertTrue(legacy.request("tools/list", Map.of()).has("result"), "and the session is intact");
    }

    // ------------------------------------------------------------------ a real client

    /**
     * The TypeScript SDK v2 client ({@code @modelcontextprotocol/client} 2.0.0) pinned to 2026-07-28: it discovers,
     * lists, calls a read tool, and a governed tool whose input-required confirmation its elicitation handler
     * accepts. Needs Node 20+ and npm reaching the registry (installs {@code src/test/node} into
     * {@code target/node-clients} with {@code npm ci}); skipped with the reason otherwise.
     */
    @Test
    void theTypeScriptClientPinnedTo2026ListsCallsAndConfirms() throws Exception {
        Path dir = Path.of("target", "node-clients");
        String node = version("node", "--version");
        Assumptions.assumeTrue(node != null && Integer.parseInt(node.replaceAll("^v(\\d+).*", "$1")) >= 20,
                "Node 20 or later is needed for the TypeScript client (found " + node + ")");
        Assumptions.assumeTrue(version("npm", "--version") != null, "npm is needed to install the TypeScript client");
        Files.createDirectories(dir);
        for (String f : List.of("package.json", "package-lock.json", "next-client.mjs")) {
            Files.copy(Path.of("src/test/node", f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isDirectory(dir.resolve("node_modules/@modelcontextprotocol/client"))) {
            Run install = run(dir, 300, "npm", "ci", "--no-audit", "--no-fund");
            Assumptions.assumeTrue(install.code() == 0, "npm ci could not install @modelcontextprotocol/client"
                    + " (is the npm registry reachable?): " + install.out());
        }
        Tenant t = server.newTenant("nx-");
        String token = TestTokens.build(t.id(), List.of("kommo.admin"), "ts-client", TestTokens.ISSUER,
                TestTokens.AUDIENCE, 3600, TestTokens.devKey());
        Run client = run(dir, 120, "node", "next-client.mjs", "--url", server.base + "/mcp", "--token", token,
                "--read", "pipelines_list", "--governed", "loss_reasons_create", "--governed-args",
                "{\"name\":\"Chosen by the TS client\"}");
        assertEquals(0, client.code(), client.out());
        String last = client.out().strip().lines().reduce((a, b) -> b).orElse("{}");
        JsonNode report = McpHttp.JSON.readTree(last);
        assertEquals("modern", report.path("era").asString(), report.toString());
        assertEquals("2026-07-28", report.path("protocolVersion").asString());
        assertEquals("kommo-mcp", report.path("server").path("name").asString());
        List<String> tools = new ArrayList<>();
        report.path("tools").forEach(n -> tools.add(n.asString()));
        assertTrue(tools.contains("pipelines_list") && tools.contains("loss_reasons_create"), tools.toString());
        assertFalse(report.path("read").path("isError").asBoolean(), report.toString());
        assertEquals("applied", report.path("governed").path("structuredContent").path("status").asString(),
                report.toString());
        assertEquals(1, report.path("elicitations").size());
        assertTrue(lossReasons(new NextHttp(server.base, token)).contains("Chosen by the TS client"));
        assertEquals(2, count("select count(*) from audit_entry where tenant_id = ? and tool = 'loss_reasons_create'"
                + " and kind = 'OUTCOME' and outcome = 'SUCCEEDED' and client_name = 'kommo-mcp-next-client'",
                t.id()), "the plan and its application, by the client named in _meta");
        assertEquals(1, count("select count(*) from governance_plan where tenant_id = ? and outcome = 'APPLIED'",
                t.id()));
    }

    // ------------------------------------------------------------------ helpers

    private static Map<String, Object> accept() {
        return Map.of("confirm", Map.of("action", "accept", "content", Map.of("confirm", true)));
    }

    private static List<String> lossReasons(NextHttp c) throws Exception {
        NextHttp.Reply r = c.call("loss_reasons_list", Map.of()).send();
        List<String> out = new ArrayList<>();
        r.structured().path("loss_reasons").forEach(l -> out.add(l.path("name").asString()));
        return out;
    }

    private record Run(int code, String out) {
    }

    private static String version(String... command) {
        try {
            Run r = run(Path.of("."), 30, command);
            return r.code() == 0 ? r.out().strip() : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static Run run(Path dir, int seconds, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Run(-1, "timed out: " + String.join(" ", command));
        }
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
