package it.io.kommomcp;

import static it.io.kommomcp.ItServer.err;
import static it.io.kommomcp.ItServer.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import it.io.kommomcp.ItServer.Tenant;
import tools.jackson.databind.JsonNode;

/** The account-wide diagnostics: a user's workload, leads missing required fields, setup checks, permissions. */
@ExtendWith(ArquillianExtension.class)
class DiagnosticsIT {

    private final ItServer server = ItServer.local();

    @Test
    void workloadCountsOpenLeadsAndOverdueTasks() throws Exception {
        Tenant t = server.newTenant("d-");
        McpHttp c = server.mcp(t.id(), "kommo.writer");
        JsonNode before = ok(c.call("user_workload", Map.of("user", "boris")));
        long lead = ok(c.call("register_new_opportunity", Map.of("lead_name", "Workload", "price", 700,
                "responsible", "Boris Sales"))).path("lead_id").asLong();
        long boris = before.path("user_id").asLong();
        long now = System.currentTimeMillis() / 1000;
        sandbox(t, "POST", "tasks", "[{\"text\":\"late\",\"complete_till\":" + (now - 7200)
                + ",\"responsible_user_id\":" + boris + ",\"entity_type\":\"leads\",\"entity_id\":" + lead + "}]");
        JsonNode after = ok(c.call("user_workload", Map.of("user", "boris.sales@" + t.account() + ".example")));
        assertEquals("Boris Sales", after.path("user_name").asString());
        assertEquals(before.path("open_leads").asLong() + 1, after.path("open_leads").asLong());
        assertEquals(before.path("open_leads_value").asLong() + 700, after.path("open_leads_value").asLong());
        assertEquals(before.path("overdue_tasks").asLong() + 1, after.path("overdue_tasks").asLong());
        ok(c.call("advance_sales_stage", Map.of("lead_id", lead, "to", "won")));
        assertEquals(before.path("open_leads").asLong(), ok(c.call("user_workload", Map.of("user", "boris")))
                .path("open_leads").asLong(), "a won lead is no longer open");
        assertTrue(McpHttp.text(err(c.call("user_workload", Map.of("user", "nobody")))).contains("Anna Admin"));
    }

    @Test
    void leadsMissingTheFieldsOfTheirStageAreNamed() throws Exception {
        Tenant t = server.newTenant("d-");
        McpHttp c = server.mcp(t.id(), "kommo.writer");
        long pipeline = 0;
        long proposal = 0;
        for (JsonNode p : ok(c.call("pipelines_list", Map.of())).path("pipelines")) {
            if (p.path("name").asString().equals("Sales pipeline")) {
                pipeline = p.path("id").asLong();
                for (JsonNode s : p.path("stages")) {
                    if (s.path("name").asString().equals("Proposal sent")) {
                        proposal = s.path("id").asLong();
                    }
                }
            }
        }
        long bare = ok(c.call("leads_create", Map.of("name", "No seats yet", "pipeline_id", pipeline, "stage_id",
                proposal))).path("lead_id").asLong();
        long filled = ok(c.call("register_new_opportunity", Map.of("lead_name", "Has seats", "pipeline_id", pipeline,
                "stage_id", proposal, "fields", Map.of("Seats", 3)))).path("lead_id").asLong();
        JsonNode report = ok(c.call("check_missing_fields", Map.of("pipeline_id", pipeline, "limit", 100)));
        List<Long> ids = new ArrayList<>();
        report.path("leads").forEach(l -> ids.add(l.path("lead_id").asLong()));
        assertTrue(ids.contains(bare), report.toString());
        assertTrue(!ids.contains(filled), "a lead with its fields is not reported");
        JsonNode mine = null;
        for (JsonNode l : report.path("leads")) {
            if (l.path("lead_id").asLong() == bare) {
                mine = l;
            }
        }
        assertEquals("Proposal sent", mine.path("stage").asString());
        assertEquals(List.of("Seats"), List.of(mine.path("missing").get(0).asString()));
        assertTrue(McpHttp.text(err(c.call("check_missing_fields", Map.of("pipeline_id", 999_999_999L))))
                .contains("no pipeline"));
    }

    @Test
    void setupChecksFindDuplicateFieldNamesAndPermissionsNameTheIntegrationUser() throws Exception {
        Tenant t = server.newTenant("d-");
        McpHttp admin = server.mcp(t.id(), "kommo.admin");
        JsonNode sales = ok(admin.call("pipelines_list", Map.of())).path("pipelines").get(0);
        long stage = sales.path("stages").get(2).path("id").asLong();
        String where = "[{\"pipeline_id\":" + sales.path("id").asLong() + ",\"status_id\":" + stage + "}]";
        sandbox(t, "POST", "leads/custom_fields", "[{\"name\":\"seats\",\"type\":\"text\"},{\"name\":\"Tender id\","
                + "\"type\":\"text\",\"required_statuses\":" + where + ",\"hidden_statuses\":" + where + "}]");
        JsonNode findings = ok(admin.call("validate_account_setup", Map.of())).path("findings");
        assertTrue(findings.toString().contains("duplicate field name") && findings.toString().contains("Seats"),
                findings.toString());
        assertTrue(findings.toString().contains("required but hidden") && findings.toString().contains("Tender id")
                && findings.toString().contains(sales.path("stages").get(2).path("name").asString()),
                findings.toString());
        JsonNode perms = ok(admin.call("test_permissions", Map.of()));
        assertEquals("Anna Admin", perms.path("user_name").asString());
        assertTrue(perms.path("admin").asBoolean());
        assertEquals(0, perms.path("cannot").size());
        assertEquals("A", perms.path("rights").path("leads").path("edit").asString());
        McpHttp reader = server.mcp(t.id(), "kommo.reader");
        assertTrue(McpHttp.text(err(reader.call("validate_account_setup", Map.of()))).contains("kommo.admin"));
    }

    private static void sandbox(Tenant t, String method, String path, String body) throws Exception {
        HttpResponse<String> r = McpHttp.HTTP.send(HttpRequest.newBuilder(URI.create(t.kommoBaseUrl() + "/api/v4/"
                + path)).header("Authorization", "Bearer " + t.kommoToken()).header("Content-Type",
                        "application/json").method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(r.statusCode() >= 200 && r.statusCode() < 300, r.statusCode() + " " + r.body());
    }
}
