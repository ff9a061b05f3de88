package it.io.kommomcp;

import static it.io.kommomcp.ItServer.assertNoInternals;
import static it.io.kommomcp.ItServer.count;
import static it.io.kommomcp.ItServer.err;
import static it.io.kommomcp.ItServer.ok;
import static it.io.kommomcp.ItServer.shortId;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import it.io.kommomcp.ItServer.Tenant;

import tools.jackson.databind.JsonNode;

/**
 * Black-box tests of the deployed WAR on a real Liberty, over real HTTP, with real RS256 tokens, against the Kommo
 * sandbox and the real PostgreSQL database. Each test makes its own tenants and sandbox accounts.
 */
@ExtendWith(ArquillianExtension.class)
class McpEndToEndIT {

    private static final Set<String> READ_TOOLS = Set.of("leads_search", "leads_get", "pipelines_list",
            "contacts_search", "contacts_get", "companies_search", "companies_get", "links_list", "tasks_list",
            "notes_list", "fields_list", "fields_required_for_stage", "tags_list", "account_get", "users_list",
            "loss_reasons_list", "events_list", "catalogs_list", "catalog_elements_list", "catalog_elements_get",
            "leads_products", "user_workload", "check_missing_fields", "leads_timeline", "lead_context_summary",
            "lead_status", "leads_inactive", "toolsets_list", "toolsets_show", "pipeline_stats", "conversion_rates",
            "loss_reasons_stats", "user_performance", "users_compare", "sales_overview", "tasks_overdue",
            "leads_without_tasks", "leads_score", "anomalies_detect");
    /** Reads of the analytics toolset: a policy allowing "read" does not offer them; denying "write" keeps them. */
    private static final Set<String> ANALYTICS_TOOLS = Set.of("lead_context_summary", "lead_status",
            "leads_inactive", "pipeline_stats", "conversion_rates", "loss_reasons_stats", "user_performance",
            "users_compare", "sales_overview", "tasks_overdue", "leads_without_tasks", "leads_score",
            "anomalies_detect");
    private static final Set<String> ALL_TOOLS = union(READ_TOOLS, Set.of("leads_create", "leads_update",
            "leads_move", "notes_add", "contacts_create", "contacts_update", "companies_create", "companies_update",
            "links_link", "links_unlink", "tasks_create", "tasks_update", "tasks_complete",
            "fields_set", "register_new_opportunity", "advance_sales_stage", "log_sales_interaction", "assign_lead",
            "set_lead_fields", "tags_add", "tags_remove", "catalog_elements_create", "catalog_elements_update",
            "leads_add_product", "leads_remove_product", "leads_bulk_create", "leads_bulk_update", "leads_bulk_move",
            "contacts_bulk_create", "contacts_bulk_update", "companies_bulk_create", "companies_bulk_update",
            "leads_distribute"));

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    /** The server Arquillian started, with the application that server.xml declares. */
    final ItServer server = ItServer.local();
    final String base = server.base + "/";

    // ------------------------------------------------------------------ authentication

    @Test
    void noTokenIs401WithAChallengePointingAtTheMetadata() throws Exception {
        HttpResponse<String> r = new McpHttp(base, null).post("{}");
        assertEquals(401, r.statusCode());
        String challenge = r.headers().firstValue("WWW-Authenticate").orElse("");
        assertTrue(challenge.startsWith("Bearer"), challenge);
        assertTrue(challenge.contains("resource_metadata=\"") && challenge.contains("/.well-known/oauth-protected-resource"),
                challenge);
        assertNoInternals(r.body());
    }

    @Test
    void badSignatureExpiredWrongIssuerAndWrongAudienceAreAll401() throws Exception {
        String tenant = newTenant().id();
        List<String> bad = List.of(
                TestTokens.build(tenant, List.of("kommo.reader"), "u", TestTokens.ISSUER, TestTokens.AUDIENCE, 600,
                        TestTokens.strangerKey()),
                TestTokens.build(tenant, List.of("kommo.reader"), "u", TestTokens.ISSUER, TestTokens.AUDIENCE, -600,
                        TestTokens.devKey()),
                TestTokens.build(tenant, List.of("kommo.reader"), "u", "urn:someone-else", TestTokens.AUDIENCE, 600,
                        TestTokens.devKey()),
                TestTokens.build(tenant, List.of("kommo.reader"), "u", TestTokens.ISSUER, "another-api", 600,
                        TestTokens.devKey()));
        for (String token : bad) {
            HttpResponse<String> r = new McpHttp(base, token).post(initializeBody());
            assertEquals(401, r.statusCode(), r.body());
            assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").contains("invalid_token"));
            assertNoInternals(r.body());
        }
        // and the same tenant with a good token gets in
        assertEquals(200, new McpHttp(base, TestTokens.token(tenant, "kommo.reader")).post(initializeBody())
                .statusCode());
    }

    @Test
    void unknownAndDisabledTenantsAreRefusedBeforeAnythingRunsAndAudited() throws Exception {
        String unknown = "nobody-" + shortId();
        HttpResponse<String> r = new McpHttp(base, TestTokens.token(unknown, "kommo.reader"))
                .post(initializeBody());
        assertEquals(403, r.statusCode());
        assertTrue(McpHttp.message(r.body()).path("error").path("message").asString().contains("not known"));
        // audited on the platform's chain: no trail is opened under a name a token merely claims
        assertEquals(0, count("select count(*) from audit_entry where tenant_id = ? or chain_key = ?", unknown,
                unknown));
        assertEquals(1, count("select count(*) from audit_entry where chain_key = '_platform' and outcome = 'DENIED'"
                + " and arguments like ?", "%" + unknown + "%"));

        Tenant t = newTenant();
        admin("DELETE", "/api/admin/tenants/" + t.id(), null);
        r = new McpHttp(base, TestTokens.token(t.id(), "kommo.reader")).post(initializeBody());
        assertEquals(403, r.statusCode());
        assertTrue(McpHttp.message(r.body()).path("error").path("message").asString().contains("disabled"));
    }

    @Test
    void tokenWithoutAnyProductRoleIs403() throws Exception {
        Tenant t = newTenant();
        HttpResponse<String> r = new McpHttp(base, TestTokens.token(t.id(), "someone.else"))
                .post(initializeBody());
        assertEquals(403, r.statusCode());
        assertTrue(McpHttp.message(r.body()).path("error").path("message").asString().contains("none of this"
                + " server's roles"), r.body());
        assertNoInternals(r.body());
        assertEquals(1, count("select count(*) from audit_entry where tenant_id = ? and outcome = 'DENIED'",
                t.id()));
    }

    // ------------------------------------------------------------------ roles

    @Test
    void readerSeesOnlyReadToolsAndIsDeniedWritesWithAnAuditedRefusal() throws Exception {
        Tenant t = newTenant();
        McpHttp reader = new McpHttp(base, TestTokens.token(t.id(), "kommo.reader")).initialize();
        assertEquals(READ_TOOLS, toolNames(reader));

        JsonNode denied = reader.call("leads_create", Map.of("name", "Should not exist"));
        assertTrue(denied.path("isError").asBoolean());
        assertTrue(McpHttp.text(denied).contains("requires the role kommo.writer"), McpHttp.text(denied));
        assertEquals(1, count("select count(*) from audit_entry where tenant_id = ? and tool = 'leads_create'"
                + " and outcome = 'DENIED'", t.id()));
        assertEquals(0, count("select coalesce(sum(kommo_call_count), 0) from audit_entry"
                + " where tenant_id = ? and tool = 'leads_create'", t.id()), "a denied call makes no Kommo call");

        McpHttp writer = new McpHttp(base, TestTokens.token(t.id(), "kommo.writer")).initialize();
        assertEquals(ALL_TOOLS, toolNames(writer), "writer implies reader");
        McpHttp auditor = new McpHttp(base, TestTokens.token(t.id(), "audit.reader")).initialize();
        assertEquals(Set.of("audit_activity", "audit_changes", "audit_external_changes", "audit_refusals", "audit_approvals",
                "audit_kommo_usage", "audit_verify_chain"), toolNames(auditor), "an auditor sees audit tools only");
    }

    /** What the server serves is what the golden files pin (ToolsListGoldenTest builds them without a server). */
    @Test
    void eachRoleIsServedExactlyItsGoldenToolList() throws Exception {
        Tenant t = newTenant();
        for (String role : List.of("kommo.reader", "kommo.writer", "kommo.admin", "kommo.approver", "audit.reader")) {
            JsonNode served = new McpHttp(base, TestTokens.token(t.id(), role)).initialize().request("tools/list",
                    Map.of()).path("result");
            JsonNode golden = McpHttp.JSON.readTree(Files.readString(Path.of(
                    "src/test/resources/golden/tools-list." + role + ".json")));
            assertEquals(golden, served, "tools/list of " + role);
        }
    }

    @Test
    void readOnlyTenantHidesAndRefusesWriteTools() throws Exception {
        Tenant t = newTenant();
        admin("PATCH", "/api/admin/tenants/" + t.id(), "{\"read_only\":true}");
        McpHttp writer = new McpHttp(base, TestTokens.token(t.id(), "kommo.writer")).initialize();
        assertEquals(READ_TOOLS, toolNames(writer));
        JsonNode r = writer.call("notes_add", Map.of("entity_type", "leads", "entity_id", 1, "text", "x"));
        assertTrue(McpHttp.text(r).contains("read-only"), McpHttp.text(r));
    }

    @Test
    void toolPolicyFiltersTheListAndRefusesCallsUntilItIsLifted() throws Exception {
        Tenant t = newTenant();
        McpHttp writer = new McpHttp(base, TestTokens.token(t.id(), "kommo.writer")).initialize();
        HttpResponse<String> set = admin("PATCH", "/api/admin/tenants/" + t.id(),
                "{\"tool_policy\":{\"allow\":[\"read\",\"notes_add\"],\"deny\":[\"leads_search\"]}}");
        assertEquals(200, set.statusCode(), set.body());
        assertTrue(set.body().contains("\"allow\":[\"read\",\"notes_add\"]"), set.body());
        Set<String> expected = new HashSet<>(READ_TOOLS);
        expected.removeAll(ANALYTICS_TOOLS);
        expected.remove("leads_search");
        expected.add("notes_add");
        assertEquals(expected, toolNames(writer), "allow-list by toolset and by name, minus the deny-list");

        String denied = McpHttp.text(writer.call("leads_search", Map.of()));
        assertTrue(denied.contains("tool policy") && denied.contains("deny-list"), denied);
        String notAllowed = McpHttp.text(writer.call("leads_create", Map.of("name", "Not allowed")));
        assertTrue(notAllowed.contains("not enabled for this tenant"), notAllowed);
        assertEquals(2, count("select count(*) from audit_entry where tenant_id = ? and outcome = 'DENIED'"
                + " and tool in ('leads_search', 'leads_create')", t.id()), "refusals are audited");
        assertEquals(0, count("select coalesce(sum(kommo_call_count), 0) from audit_entry where tenant_id = ?"
                + " and tool in ('leads_search', 'leads_create')", t.id()), "a refused call reaches no Kommo");

        // read-only overrides the allow-list: notes_add disappears too
        admin("PATCH", "/api/admin/tenants/" + t.id(), "{\"read_only\":true}");
        assertFalse(toolNames(writer).contains("notes_add"));
        admin("PATCH", "/api/admin/tenants/" + t.id(), "{\"read_only\":false,\"tool_policy\":{\"allow\":[],"
                + "\"deny\":[\"write\"]}}");
        Set<String> readOnly = toolNames(writer);
        assertEquals(READ_TOOLS, readOnly, "deny the write toolset");
        admin("PATCH", "/api/admin/tenants/" + t.id(), "{\"tool_policy\":{\"allow\":[\"analytics\"],\"deny\":[]}}");
        assertEquals(ANALYTICS_TOOLS, toolNames(writer), "allow the analytics toolset only");
        admin("PATCH", "/api/admin/tenants/" + t.id(), "{\"tool_policy\":{\"allow\":[],\"deny\":[]}}");
        assertEquals(ALL_TOOLS, toolNames(writer), "empty lists lift the policy");

        HttpResponse<String> unknown = admin("PATCH", "/api/admin/tenants/" + t.id(),
                "{\"tool_policy\":{\"deny\":[\"leads_delete\"]}}");
        assertEquals(400, unknown.statusCode());
        assertTrue(unknown.body().contains("leads_delete") && unknown.body().contains("analytics"), unknown.body());
        HttpResponse<String> both = admin("PATCH", "/api/admin/tenants/" + t.id(),
                "{\"tool_policy\":{\"allow\":[\"read\"],\"deny\":[\"read\"]}}");
        assertEquals(400, both.statusCode());
        assertEquals(ALL_TOOLS, toolNames(writer), "a refused policy change changes nothing");
    }

    @Test
    void schemaResourcesAreReadThroughTheirToolsAndPromptsAreServed() throws Exception {
        Tenant t = newTenant();
        McpHttp reader = new McpHttp(base, TestTokens.token(t.id(), "kommo.reader")).initialize();
        List<String> uris = new ArrayList<>();
        reader.request("resources/list", Map.of()).path("result").path("resources")
                .forEach(r -> uris.add(r.path("uri").asString()));
        assertEquals(Set.of("kommo://schema/pipelines", "kommo://schema/fields/leads",
                "kommo://schema/fields/contacts", "kommo://schema/fields/companies", "kommo://schema/users",
                "kommo://schema/account", "kommo://schema/loss-reasons", "kommo://analytics/pipeline-stats",
                "kommo://analytics/sales-overview"), Set.copyOf(uris));

        JsonNode read = reader.request("resources/read", Map.of("uri", "kommo://schema/pipelines"))
                .path("result").path("contents").get(0);
        assertEquals("application/json", read.path("mimeType").asString());
        JsonNode pipelines = McpHttp.JSON.readTree(read.path("text").asString());
        assertEquals("Sales pipeline", pipelines.path("pipelines").get(0).path("name").asString());
        String fields = reader.request("resources/read", Map.of("uri", "kommo://schema/fields/leads"))
                .path("result").path("contents").get(0).path("text").asString();
        assertTrue(fields.contains("\"Seats\"") && fields.contains("required_in"), fields);
        assertEquals(1, count("select count(*) from audit_entry where tenant_id = ? and tool = 'pipelines_list'"
                + " and outcome = 'SUCCEEDED'", t.id()), "a resource read is audited as its tool");

        JsonNode view = McpHttp.JSON.readTree(reader.request("resources/read", Map.of("uri",
                "kommo://analytics/pipeline-stats")).path("result").path("contents").get(0).path("text").asString());
        JsonNode tool = ok(reader.call("pipeline_stats", Map.of()));
        assertEquals("Sales pipeline", view.path("pipelines").get(0).path("name").asString(), view.toString());
        assertEquals(tool.path("pipelines"), view.path("pipelines"),
                "the view is the tool's answer with its defaults");
        assertEquals(tool.path("from"), view.path("from"));
        assertEquals(2, count("select count(*) from audit_entry where tenant_id = ? and tool = 'pipeline_stats'"
                + " and outcome = 'SUCCEEDED'", t.id()), "the view's read is audited as its tool, like the call");

        McpHttp auditor = new McpHttp(base, TestTokens.token(t.id(), "audit.reader")).initialize();
        JsonNode refused = auditor.request("resources/read", Map.of("uri", "kommo://schema/users"));
        assertTrue(refused.path("error").path("message").asString().contains("kommo.reader"), refused.toString());
        assertNoInternals(refused.toString());

        List<String> prompts = new ArrayList<>();
        reader.request("prompts/list", Map.of()).path("result").path("prompts")
                .forEach(p -> prompts.add(p.path("name").asString()));
        assertEquals(List.of("data_quality_check", "lead_follow_up_plan", "my_day", "pipeline_review",
                "weekly_pipeline_review"),
                prompts.stream().sorted().toList());
        JsonNode plan = reader.request("prompts/get", Map.of("name", "lead_follow_up_plan", "arguments",
                Map.of("lead_id", "10000078")));
        String text = plan.path("result").path("messages").get(0).path("content").path("text").asString();
        assertTrue(text.contains("lead 10000078") && text.contains("fields_required_for_stage"), text);
        JsonNode bad = reader.request("prompts/get", Map.of("name", "lead_follow_up_plan", "arguments",
                Map.of("lead_id", "the big one")));
        assertEquals(-32602, bad.path("error").path("code").asInt(), bad.toString());
        assertTrue(bad.path("error").path("message").asString().contains("numeric id"), bad.toString());
    }

    // ------------------------------------------------------------------ isolation

    @Test
    void twoTenantsOnTwoAccountsNeverSeeEachOthersLeads() throws Exception {
        Tenant a = newTenant();
        Tenant b = newTenant();
        McpHttp ca = new McpHttp(base, TestTokens.token(a.id(), "kommo.writer")).initialize();
        McpHttp cb = new McpHttp(base, TestTokens.token(b.id(), "kommo.writer")).initialize();
        long created = ca.call("leads_create", Map.of("name", "Only for A " + a.id())).path("structuredContent")
                .path("lead_id").asLong();

        Set<Long> idsA = leadIds(ca);
        Set<Long> idsB = leadIds(cb);
        assertTrue(idsA.contains(created));
        assertFalse(idsA.isEmpty());
        assertFalse(idsB.isEmpty());
        Set<Long> overlap = new HashSet<>(idsA);
        overlap.retainAll(idsB);
        assertTrue(overlap.isEmpty(), "shared lead ids: " + overlap);

        JsonNode searchB = cb.call("leads_search", Map.of("text", "Only for A " + a.id()));
        assertEquals(0, searchB.path("structuredContent").path("leads").size());
        JsonNode getB = cb.call("leads_get", Map.of("lead_id", created));
        assertTrue(getB.path("isError").asBoolean(), "B must not read A's lead");
    }

    // ------------------------------------------------------------------ every tool, happy path and bad input

    @Test
    void everyToolWorksOnTheSandboxAndRefusesBadInputChangingNothing() throws Exception {
        Tenant t = newTenant();
        McpHttp c = new McpHttp(base, TestTokens.token(t.id(), "kommo.writer")).initialize();

        // pipelines_list
        JsonNode pipelines = ok(c.call("pipelines_list", Map.of())).path("pipelines");
        JsonNode sales = pipelines.get(0);
        long salesId = sales.path("id").asLong();
        long qualification = stageId(sales, "Qualification");
        long partnersFirst = pipelines.get(1).path("stages").get(1).path("id").asLong();
        assertTrue(McpHttp.text(err(c.call("pipelines_list", Map.of("unexpected", 1)))).contains("takes no arguments"));

        // leads_create
        long leadId = ok(c.call("leads_create", Map.of("name", "Acme rollout", "price", 1200, "tags", List.of("it"))))
                .path("lead_id").asLong();
        String bad = McpHttp.text(err(c.call("leads_create", Map.of("name", "x", "pipeline_id", salesId,
                "stage_id", partnersFirst))));
        assertTrue(bad.contains("is not in pipeline") && bad.contains("Qualification"), bad);
        assertTrue(McpHttp.text(err(c.call("leads_create", Map.of("price", 5)))).contains("Missing required argument 'name'"));

        // leads_get
        JsonNode lead = ok(c.call("leads_get", Map.of("lead_id", leadId)));
        assertEquals("Acme rollout", lead.path("name").asString());
        assertEquals(1200, lead.path("price").asLong());
        assertEquals("Initial contact", lead.path("stage").path("stage_name").asString());
        assertEquals(List.of("it"), List.of(lead.path("tags").get(0).asString()));
        assertTrue(McpHttp.text(err(c.call("leads_get", Map.of("lead_id", 999_999_999L)))).contains("no lead with id"));
        assertTrue(McpHttp.text(err(c.call("leads_get", Map.of("lead_id", "abc")))).contains("lead_id"));

        // a seeded lead shows contacts and custom fields by name
        JsonNode seeded = ok(c.call("leads_search", Map.of("text", "Northwind", "limit", 1))).path("leads").get(0);
        JsonNode full = ok(c.call("leads_get", Map.of("lead_id", seeded.path("id").asLong())));
        assertEquals("Lead source", full.path("custom_fields").get(0).path("field_name").asString());
        assertTrue(full.path("contacts").get(0).path("custom_fields").toString().contains("Phone"));

        // leads_search
        JsonNode page = ok(c.call("leads_search", Map.of("pipeline_id", salesId, "limit", 5)));
        assertEquals(5, page.path("leads").size());
        assertTrue(page.path("has_more").asBoolean());
        assertEquals(2, page.path("next_page").asInt());
        JsonNode byStage = ok(c.call("leads_search", Map.of("stage_id", qualification, "limit", 250)));
        for (JsonNode l : byStage.path("leads")) {
            assertEquals(qualification, l.path("stage").path("stage_id").asLong());
        }
        String tooMany = McpHttp.text(err(c.call("leads_search", Map.of("limit", 500))));
        assertTrue(tooMany.contains("between 1 and 250"), tooMany);
        assertTrue(McpHttp.text(err(c.call("leads_search", Map.of("stage_id", 142)))).contains("pass pipeline_id"));

        // leads_update
        ok(c.call("leads_update", Map.of("lead_id", leadId, "price", 1500, "tags_to_add", List.of("vip"))));
        assertEquals(1500, ok(c.call("leads_get", Map.of("lead_id", leadId))).path("price").asLong());
        assertTrue(McpHttp.text(err(c.call("leads_update", Map.of("lead_id", leadId)))).contains("Nothing to change"));
        assertTrue(McpHttp.text(err(c.call("leads_update", Map.of("lead_id", leadId, "price", -1)))).contains("must be at least 0"));

        // leads_move: a stage of another pipeline is refused, naming the valid ones, and nothing changes
        String refused = McpHttp.text(err(c.call("leads_move", Map.of("lead_id", leadId, "stage_id", partnersFirst))));
        assertTrue(refused.contains("Its stages are") && refused.contains("Negotiation"), refused);
        assertEquals("Initial contact",
                ok(c.call("leads_get", Map.of("lead_id", leadId))).path("stage").path("stage_name").asString());
        JsonNode moved = ok(c.call("leads_move", Map.of("lead_id", leadId, "stage_id", qualification)));
        assertEquals("Qualification", moved.path("stage").path("stage_name").asString());
        assertEquals("Qualification",
                ok(c.call("leads_get", Map.of("lead_id", leadId))).path("stage").path("stage_name").asString());
        assertTrue(McpHttp.text(err(c.call("leads_move", Map.of("lead_id", leadId, "stage_id", qualification,
                "loss_reason_id", 5)))).contains("only when moving to stage 143"));

        // notes_add
        JsonNode note = ok(c.call("notes_add", Map.of("entity_type", "leads", "entity_id", leadId, "text", "Call went well")));
        assertTrue(note.path("note_id").asLong() > 0);
        assertTrue(McpHttp.text(err(c.call("notes_add", Map.of("entity_type", "deal", "entity_id", leadId,
                "text", "x")))).contains("entity_type"));
        String kommoRefusal = McpHttp.text(err(c.call("notes_add", Map.of("entity_type", "leads", "entity_id", 999_999_999L,
                "text", "x"))));
        assertTrue(kommoRefusal.contains("Kommo rejected the data") && kommoRefusal.contains("entity_id"), kommoRefusal);
    }

    // ------------------------------------------------------------------ audit

    @Test
    void auditRecordsSucceededFailedAndDeniedCallsWithTheirKommoCalls() throws Exception {
        Tenant t = newTenant();
        McpHttp c = new McpHttp(base, TestTokens.token(t.id(), "kommo.writer")).initialize();
        long leadId = ok(c.call("leads_create", Map.of("name", "Audited lead"))).path("lead_id").asLong();
        err(c.call("leads_move", Map.of("lead_id", leadId, "stage_id", 1)));
        McpHttp reader = new McpHttp(base, TestTokens.token(t.id(), "kommo.reader")).initialize();
        err(reader.call("notes_add", Map.of("entity_type", "leads", "entity_id", leadId, "text", "no")));

        try (Connection db = ItServer.appDb(); PreparedStatement ps = db.prepareStatement("select tool, outcome, subject, roles,"
                + " client_name, client_version, arguments, error_text, duration_ms, kind, correlation_id,"
                + " kommo_calls, kommo_call_count, before_state, after_state from audit_entry"
                + " where tenant_id = ? order by seq")) {
            ps.setString(1, t.id());
            List<String[]> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String[] row = new String[15];
                    for (int i = 0; i < row.length; i++) {
                        row[i] = rs.getString(i + 1);
                    }
                    rows.add(row);
                }
            }
            // leads_create: intent, outcome; leads_move: intent, outcome; notes_add as a reader: one refusal
            assertEquals(List.of("INTENT", "OUTCOME", "INTENT", "OUTCOME", "CALL"),
                    rows.stream().map(r -> r[9]).toList());
            String[] intent = rows.get(0);
            assertEquals("PENDING", intent[1]);
            assertEquals("0", intent[12], "the intent is written before any Kommo call");
            String[] created = rows.get(1);
            assertEquals(intent[10], created[10], "outcome and intent share the correlation id");
            assertEquals("leads_create", created[0]);
            assertEquals("SUCCEEDED", created[1]);
            assertEquals("it-user", created[2]);
            assertEquals("kommo.writer", created[3]);
            assertEquals("it-client", created[4]);
            assertEquals("9.9", created[5]);
            assertTrue(created[6].contains("Audited lead"));
            assertTrue(created[14].contains("Audited lead"), "the outcome holds the state after: " + created[14]);
            assertEquals("FAILED", rows.get(3)[1]);
            assertTrue(rows.get(3)[7].contains("No pipeline has a stage 1") || rows.get(3)[7].contains("not in pipeline"),
                    rows.get(3)[7]);
            assertEquals("DENIED", rows.get(4)[1]);
            assertEquals("0", rows.get(4)[12]);

            JsonNode calls = McpHttp.JSON.readTree(created[11]);
            assertEquals(Integer.parseInt(created[12]), calls.size());
            JsonNode post = calls.get(calls.size() - 1);
            assertEquals("POST", post.path("method").asString());
            assertEquals("/api/v4/leads", post.path("path").asString());
            assertEquals(200, post.path("status").asInt());
            assertEquals(32, post.path("request_id").asString().length(), "Kommo's X-Request-Id is kept");
        }
    }

    // ------------------------------------------------------------------ admin API, metadata, health, transport

    @Test
    void adminApiNeedsPlatformAdminAndNeverReturnsSecrets() throws Exception {
        Tenant t = newTenant();
        HttpResponse<String> asReader = http("GET", "/api/admin/tenants", null, TestTokens.token(t.id(), "kommo.admin"));
        assertEquals(403, asReader.statusCode());
        HttpResponse<String> list = admin("GET", "/api/admin/tenants/" + t.id(), null);
        assertEquals(200, list.statusCode());
        assertTrue(list.body().contains("\"has_access_token\":true"));
        assertFalse(list.body().contains(t.kommoToken()), "the Kommo token never comes back");
        try (Connection db = ItServer.appDb(); PreparedStatement ps = db.prepareStatement(
                "select access_token_enc from tenant where id = ?")) {
            ps.setString(1, t.id());
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                assertFalse(rs.getString(1).contains(t.kommoToken()), "encrypted at rest");
            }
        }
        HttpResponse<String> badUrl = admin("POST", "/api/admin/tenants", "{\"id\":\"x-" + shortId()
                + "\",\"display_name\":\"X\",\"kommo_base_url\":\"http://crm.example.com\",\"auth_kind\":\"LONG_LIVED_TOKEN\"}");
        assertEquals(400, badUrl.statusCode());
        assertTrue(badUrl.body().contains("https"), badUrl.body());
        HttpResponse<String> unknownField = admin("POST", "/api/admin/tenants", "{\"idd\":\"x\"}");
        assertEquals(400, unknownField.statusCode());
        assertTrue(unknownField.body().contains("Unknown field 'idd'"), unknownField.body());
        assertNoInternals(unknownField.body());
    }

    @Test
    void metadataHealthAndTransportErrorsAreCleanJson() throws Exception {
        HttpResponse<String> meta = http("GET", "/.well-known/oauth-protected-resource", null, null);
        assertEquals(200, meta.statusCode());
        JsonNode doc = McpHttp.JSON.readTree(meta.body());
        assertTrue(doc.path("resource").asString().endsWith("/mcp"));
        assertEquals(TestTokens.ISSUER, doc.path("authorization_servers").get(0).asString());

        HttpResponse<String> ready = http("GET", "/health/ready", null, null);
        assertEquals(200, ready.statusCode(), ready.body());
        // the schema version reported is the newest migration in db/ (V21 was reported as "9" when compared as text)
        int newest;
        try (var files = Files.list(Path.of("db"))) {
            newest = files.map(f -> f.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).max().orElseThrow();
        }
        assertEquals(String.valueOf(newest), McpHttp.JSON.readTree(ready.body()).path("checks").get(0).path("data")
                .path("schema_version").asString(), ready.body());

        Tenant t = newTenant();
        McpHttp c = new McpHttp(base, TestTokens.token(t.id(), "kommo.reader"));
        c.sessionId = "no-such-session";
        HttpResponse<String> lost = c.post("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/list\"}");
        assertEquals(404, lost.statusCode());
        assertTrue(McpHttp.message(lost.body()).path("error").path("message").asString().contains("Session not found"));
        assertNoInternals(lost.body());

        HttpResponse<String> noAccept = http("POST", "/mcp", "{}", TestTokens.token(t.id(), "kommo.reader"));
        assertEquals(400, McpHttp.message(noAccept.body()).path("error").path("data").path("http_status").asInt());
        assertNoInternals(noAccept.body());
    }

    // ------------------------------------------------------------------ helpers

    private Tenant newTenant() throws Exception {
        return server.newTenant("t-");
    }

    private HttpResponse<String> admin(String method, String path, String body) throws Exception {
        return server.admin(method, path, body);
    }

    private HttpResponse<String> http(String method, String path, String body, String token) throws Exception {
        return server.http(method, path, body, token);
    }

    private static Set<String> toolNames(McpHttp c) throws Exception {
        Set<String> names = new HashSet<>();
        for (JsonNode t : c.request("tools/list", Map.of()).path("result").path("tools")) {
            names.add(t.path("name").asString());
        }
        return names;
    }

    private static Set<Long> leadIds(McpHttp c) throws Exception {
        Set<Long> ids = new HashSet<>();
        for (JsonNode l : ok(c.call("leads_search", Map.of("limit", 250))).path("leads")) {
            ids.add(l.path("id").asLong());
        }
        return ids;
    }

    private static long stageId(JsonNode pipeline, String name) {
        for (JsonNode s : pipeline.path("stages")) {
            if (s.path("name").asString().equals(name)) {
                return s.path("id").asLong();
            }
        }
        throw new AssertionError("no stage " + name + " in " + pipeline);
    }

    private static String initializeBody() {
        return "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"it\",\"version\":\"1\"}}}";
    }
}
