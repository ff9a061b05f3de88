package it.io.kommomcp;

import static it.io.kommomcp.ItServer.count;
import static it.io.kommomcp.ItServer.err;
import static it.io.kommomcp.ItServer.lastChange;
import static it.io.kommomcp.ItServer.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import it.io.kommomcp.ItServer.Tenant;
import tools.jackson.databind.JsonNode;

/**
 * The governed admin tools for pipelines, stages, custom fields and field groups (issue 4): each through plan,
 * confirmation and apply, checked against the sandbox's state read directly; Kommo's constraints refused up front
 * with nothing changed; consequence counts that match the data; an apply that fails part-way.
 */
@ExtendWith(ArquillianExtension.class)
class AdminToolsIT {

    private final ItServer server = ItServer.local();

    @Test
    void pipelinesAndStagesArePlannedConfirmedAndApplied() throws Exception {
        Tenant t = server.newTenant("adm-");
        McpHttp admin = server.mcp(t.id(), "kommo.admin");

        JsonNode created = apply(admin, "pipelines_create", Map.of("name", "Renewals", "stages", List.of(
                Map.of("name", "Offer sent", "color", "#98cbff"), Map.of("name", "Negotiation")), "won_name",
                "Renewed"));
        long pid = created.path("ids").get(0).asLong();
        JsonNode p = kommo(t, "/leads/pipelines/" + pid);
        assertEquals("Renewals", p.path("name").asString());
        assertEquals(List.of("Incoming leads", "Offer sent", "Negotiation", "Renewed", "Closed - lost"),
                stageNames(p));
        assertTrue(lastChange(t.id(), "pipelines_create")[1].contains("Renewals"));

        apply(admin, "stages_create", Map.of("pipeline_id", pid, "stages", List.of(Map.of("name", "Legal review",
                "color", "#ffdc7f"))));
        long negotiation = stageId(t, pid, "Negotiation");
        long legal = stageId(t, pid, "Legal review");
        long offer = stageId(t, pid, "Offer sent");
        apply(admin, "stages_update", Map.of("pipeline_id", pid, "stage_id", negotiation, "name", "Haggling",
                "color", "#ffc8c8"));
        JsonNode haggling = kommo(t, "/leads/pipelines/" + pid + "/statuses/" + negotiation);
        assertEquals("Haggling", haggling.path("name").asString());
        assertEquals("#ffc8c8", haggling.path("color").asString());
        String[] change = lastChange(t.id(), "stages_update");
        assertTrue(change[0].contains("Negotiation") && change[1].contains("Haggling"), change[0] + change[1]);

        JsonNode reordered = apply(admin, "stages_reorder", Map.of("pipeline_id", pid, "stage_ids", List.of(legal,
                offer, negotiation)));
        assertEquals(3, reordered.path("done").size(), "one PATCH per stage that moves");
        assertEquals(List.of("Incoming leads", "Legal review", "Offer sent", "Haggling", "Renewed", "Closed - lost"),
                stageNames(kommo(t, "/leads/pipelines/" + pid)));

        JsonNode planDelete = ok(admin.call("stages_delete", Map.of("pipeline_id", pid, "stage_id", negotiation,
                "dry_run", true)));
        assertTrue(planDelete.path("plan").path("consequences").toString().contains("holds no leads"));
        apply(admin, "stages_delete", Map.of("pipeline_id", pid, "stage_id", negotiation));
        assertFalse(stageNames(kommo(t, "/leads/pipelines/" + pid)).contains("Haggling"));

        apply(admin, "pipelines_update", Map.of("pipeline_id", pid, "name", "Renewals 2027", "is_main", true));
        JsonNode renamed = kommo(t, "/leads/pipelines/" + pid);
        assertEquals("Renewals 2027", renamed.path("name").asString());
        assertTrue(renamed.path("is_main").asBoolean());
        String mainRefusal = McpHttp.text(err(admin.call("pipelines_delete", Map.of("pipeline_id", pid))));
        assertTrue(mainRefusal.contains("main pipeline"), mainRefusal);
        long sales = pipelineId(t, "Sales pipeline");
        apply(admin, "pipelines_update", Map.of("pipeline_id", sales, "is_main", true));
        apply(admin, "pipelines_delete", Map.of("pipeline_id", pid));
        assertEquals(404, kommoStatus(t, "/leads/pipelines/" + pid), "the pipeline is gone");
        assertEquals(8, count("select count(*) from governance_plan where tenant_id = ? and outcome = 'APPLIED'",
                t.id()), "every apply is recorded on its plan");
    }

    @Test
    void kommoConstraintsAreRefusedUpFrontAndChangeNothing() throws Exception {
        Tenant t = server.newTenant("adm-");
        McpHttp admin = server.mcp(t.id(), "kommo.admin");
        long sales = pipelineId(t, "Sales pipeline");
        long partners = pipelineId(t, "Partners");

        refused(admin, "stages_update", Map.of("pipeline_id", sales, "stage_id", 142, "name", "Won!"),
                "system stage");
        refused(admin, "stages_delete", Map.of("pipeline_id", sales, "stage_id", 143), "system stage");
        refused(admin, "stages_delete", Map.of("pipeline_id", sales, "stage_id", stageId(t, sales, "Incoming leads")),
                "system stage");
        refused(admin, "stages_create", Map.of("pipeline_id", sales, "stages", List.of(Map.of("name", "Odd",
                "color", "#123456"))), "#fffeb2");
        refused(admin, "pipelines_delete", Map.of("pipeline_id", sales), "main pipeline");
        long partnerLeads = leadsIn(t, partners, null);
        assertTrue(partnerLeads > 0);
        refused(admin, "pipelines_delete", Map.of("pipeline_id", partners), "holds " + partnerLeads + " leads");
        refused(admin, "pipelines_update", Map.of("pipeline_id", sales, "is_main", false), "always has one");
        List<Map<String, Object>> many = new ArrayList<>();
        for (int i = 0; i < 94; i++) {
            many.add(Map.of("name", "Step " + i));
        }
        refused(admin, "stages_create", Map.of("pipeline_id", sales, "stages", many), "maximum of 100");
        long phone = fieldId(t, "contacts", "Phone");
        refused(admin, "fields_delete", Map.of("entity_type", "contacts", "field_id", phone), "predefined");
        refused(admin, "fields_update", Map.of("entity_type", "contacts", "field_id", phone, "name", "Tel"),
                "predefined");
        refused(admin, "fields_create", Map.of("entity_type", "leads", "name", "Kind", "type", "select"),
                "needs options");
        refused(admin, "fields_create", Map.of("entity_type", "leads", "name", "Lead source", "type", "text"),
                "already have a field");
        // the account fills up to Kommo's 50 pipelines behind the tool's back: the 51st is refused before Kommo
        List<Map<String, Object>> pipelines = new ArrayList<>();
        for (int i = 0; i < 48; i++) {
            pipelines.add(Map.of("name", "Filler " + i, "sort", 10 + i, "is_main", false, "is_unsorted_on", false));
        }
        assertEquals(200, kommoSend(t, "POST", "/leads/pipelines", pipelines).statusCode());
        refused(admin, "pipelines_create", Map.of("name", "One too many", "stages", List.of(Map.of("name", "A"))),
                "maximum is 50");
        assertEquals(400, kommoSend(t, "POST", "/leads/pipelines", List.of(Map.of("name", "Direct 51st", "sort", 99,
                "is_main", false, "is_unsorted_on", false))).statusCode(), "the sandbox enforces it too");

        assertEquals(0, count("select count(*) from audit_entry where tenant_id = ? and kommo_calls ~ ?", t.id(),
                "\"method\":\"(POST|PATCH|DELETE)\""), "no refused plan sent a write to Kommo");
        assertTrue(count("select count(*) from audit_entry where tenant_id = ? and kommo_calls ~ ?", t.id(),
                "\"method\":\"GET\"") > 0, "the checks read the account");
    }

    @Test
    void configurationPlansAreBoundToTheStateTheArgumentsTheToolAndTheRole() throws Exception {
        Tenant t = server.newTenant("adm-");
        McpHttp admin = server.mcp(t.id(), "kommo.admin");
        long sales = pipelineId(t, "Sales pipeline");
        long proposal = stageId(t, sales, "Proposal sent");
        Map<String, Object> rename = new HashMap<>(Map.of("pipeline_id", sales, "stage_id", proposal, "name",
                "Quote sent"));
        String token = ok(admin.call("stages_update", rename)).path("confirmation_token").asString();

        Map<String, Object> tampered = new HashMap<>(rename);
        tampered.put("name", "Something else");
        tampered.put("confirmation_token", token);
        refused(admin, "stages_update", tampered, "arguments differ");
        Map<String, Object> otherTool = new HashMap<>(Map.of("pipeline_id", sales, "stage_id", proposal,
                "confirmation_token", token));
        refused(admin, "stages_delete", otherTool, "plan of stages_update");
        // someone changes the pipeline in Kommo directly: the plan no longer fits and is refused
        assertEquals(200, kommoSend(t, "PATCH", "/leads/pipelines/" + sales + "/statuses/" + stageId(t, sales,
                "Negotiation"), Map.of("color", "#e6e8ea")).statusCode());
        rename.put("confirmation_token", token);
        refused(admin, "stages_update", rename, "account changed since the plan");
        assertEquals("Proposal sent", kommo(t, "/leads/pipelines/" + sales + "/statuses/" + proposal).path("name")
                .asString());

        String denied = McpHttp.text(err(server.mcp(t.id(), "kommo.writer").call("pipelines_delete", Map.of(
                "pipeline_id", sales))));
        assertTrue(denied.contains("requires the role kommo.admin"), denied);
        assertEquals(1, count("select count(*) from audit_entry where tenant_id = ? and tool = 'pipelines_delete'"
                + " and outcome = 'DENIED'", t.id()));
    }

    @Test
    void stageDeletionCountsTheLeadsThatMoveAndMovesThem() throws Exception {
        Tenant t = server.newTenant("adm-");
        McpHttp admin = server.mcp(t.id(), "kommo.admin");
        long sales = pipelineId(t, "Sales pipeline");
        long qualification = stageId(t, sales, "Qualification");
        long initial = stageId(t, sales, "Initial contact");
        long moving = leadsIn(t, sales, qualification);
        long already = leadsIn(t, sales, initial);
        assertTrue(moving > 0, "the seed has leads in Qualification");

        JsonNode plan = ok(admin.call("stages_delete", Map.of("pipeline_id", sales, "stage_id", qualification)));
        assertTrue(plan.path("plan").path("consequences").toString().contains(moving + " lead(s) in \\\"Qualification"
                + "\\\" will move to \\\"Initial contact\\\""), plan.toString());
        assertEquals(moving, leadsIn(t, sales, qualification), "planning changed nothing");
        JsonNode applied = ok(admin.call("stages_delete", Map.of("pipeline_id", sales, "stage_id", qualification,
                "confirmation_token", plan.path("confirmation_token").asString())));
        assertEquals(plan.path("plan"), applied.path("plan"), "the answer shows the plan as confirmed, counts included");
        assertEquals(List.of("GET /api/v4/leads/pipelines",
                "DELETE /api/v4/leads/pipelines/" + sales + "/statuses/" + qualification), kommoRequests(t.id(),
                        "stages_delete"), "the leads are not counted again when a confirmed plan is applied");
        assertEquals(moving + already, leadsIn(t, sales, initial));
    }

    @Test
    void fieldsOptionsAndGroupsArePlannedWithTheirCostAndApplied() throws Exception {
        Tenant t = server.newTenant("adm-");
        McpHttp admin = server.mcp(t.id(), "kommo.admin");
        long sales = pipelineId(t, "Sales pipeline");
        long proposal = stageId(t, sales, "Proposal sent");

        JsonNode created = apply(admin, "fields_create", Map.of("entity_type", "leads", "name", "Contract term",
                "type", "select", "options", List.of("Monthly", "Yearly", "Three years"), "code", "contract_term",
                "required_in_stages", List.of(Map.of("pipeline_id", sales, "stage_id", proposal))));
        long fieldId = created.path("ids").get(0).asLong();
        long inProposal = leadsIn(t, sales, proposal);
        assertTrue(inProposal > 0);
        assertTrue(created.path("plan").path("consequences").toString().contains(inProposal + " lead(s) already in"
                + " \\\"Proposal sent\\\" (Sales pipeline) lack it"), created.toString());
        JsonNode f = kommo(t, "/leads/custom_fields/" + fieldId);
        assertEquals("CONTRACT_TERM", f.path("code").asString());
        assertEquals(3, f.path("enums").size());
        assertEquals(proposal, f.path("required_statuses").get(0).path("status_id").asLong());
        refused(admin, "fields_update", Map.of("entity_type", "leads", "field_id", fieldId, "hidden_in_stages",
                List.of(Map.of("pipeline_id", sales, "stage_id", proposal))), "required in \"Proposal sent\"");
        long negotiation = stageId(t, sales, "Negotiation");
        apply(admin, "fields_update", Map.of("entity_type", "leads", "field_id", fieldId, "hidden_in_stages",
                List.of(Map.of("pipeline_id", sales, "stage_id", negotiation))));
        assertEquals(negotiation, kommo(t, "/leads/custom_fields/" + fieldId).path("hidden_statuses").get(0)
                .path("status_id").asLong());
        // fields_list reads the cache, which the apply dropped: the new field is there at once
        assertTrue(ok(admin.call("fields_list", Map.of("entity_type", "leads"))).toString().contains("Contract term"));

        long source = fieldId(t, "leads", "Lead source");
        long referral = leadsWithValue(t, source, "Referral");
        assertTrue(referral > 0);
        JsonNode plan = ok(admin.call("fields_update", Map.of("entity_type", "leads", "field_id", source,
                "remove_options", List.of("Referral"), "rename_options", List.of(Map.of("option", "Cold call",
                        "to", "Outbound")), "add_options", List.of("Partner"))));
        assertTrue(plan.path("plan").path("consequences").toString().contains("erases that value on " + referral
                + " leads"), plan.toString());
        ok(admin.call("fields_update", Map.of("entity_type", "leads", "field_id", source, "remove_options",
                List.of("Referral"), "rename_options", List.of(Map.of("option", "Cold call", "to", "Outbound")),
                "add_options", List.of("Partner"), "confirmation_token", plan.path("confirmation_token").asString())));
        assertEquals(0, leadsWithValue(t, source, "Referral"));
        assertTrue(leadsWithValue(t, source, "Outbound") > 0, "renamed values follow the option");
        assertEquals(List.of("Website", "Trade show", "Outbound", "Partner"), options(kommo(t, "/leads/custom_fields/"
                + source)));

        JsonNode group = apply(admin, "field_groups_create", Map.of("entity_type", "leads", "name", "Contract"));
        assertNotNull(group);
        String groupId = groupId(t, "Contract");
        apply(admin, "fields_update", Map.of("entity_type", "leads", "field_id", fieldId, "group_id", groupId));
        assertEquals(groupId, kommo(t, "/leads/custom_fields/" + fieldId).path("group_id").asString());
        apply(admin, "field_groups_update", Map.of("entity_type", "leads", "group_id", groupId, "name", "Contracts"));
        assertEquals(List.of("GET /api/v4/leads/custom_fields/groups", "PATCH /api/v4/leads/custom_fields/groups/"
                + groupId), kommoRequests(t.id(), "field_groups_update"), "the groups are read once");
        JsonNode dropGroup = ok(admin.call("field_groups_delete", Map.of("entity_type", "leads", "group_id", groupId,
                "dry_run", true)));
        assertTrue(dropGroup.path("plan").path("consequences").toString().contains("Contract term"));
        apply(admin, "field_groups_delete", Map.of("entity_type", "leads", "group_id", groupId));
        assertTrue(kommo(t, "/leads/custom_fields/" + fieldId).path("group_id").isNull());

        long seats = fieldId(t, "leads", "Seats");
        long withSeats = leadsWithValue(t, seats, null);
        JsonNode del = ok(admin.call("fields_delete", Map.of("entity_type", "leads", "field_id", seats)));
        String consequences = del.path("plan").path("consequences").toString();
        assertTrue(consequences.contains("erases its values on " + withSeats + " leads"), consequences);
        assertTrue(consequences.contains("Proposal sent") && consequences.contains("Negotiation"), consequences);
        ok(admin.call("fields_delete", Map.of("entity_type", "leads", "field_id", seats, "confirmation_token",
                del.path("confirmation_token").asString())));
        assertEquals(404, kommoStatus(t, "/leads/custom_fields/" + seats));
        assertEquals(0, leadsWithValue(t, seats, null));
    }

    @Test
    void anApplyThatFailsPartWaySaysExactlyWhatWasDone() throws Exception {
        Tenant t = server.newTenant("adm-");
        McpHttp admin = server.mcp(t.id(), "kommo.admin");
        long partners = pipelineId(t, "Partners");
        long a = stageId(t, partners, "New partner");
        long b = stageId(t, partners, "Due diligence");
        long c = stageId(t, partners, "Contract");
        Map<String, Object> args = new HashMap<>(Map.of("pipeline_id", partners, "stage_ids", List.of(c, b, a)));
        JsonNode plan = ok(admin.call("stages_reorder", args));
        assertEquals(2, plan.path("plan").path("kommo_changes").size(), "Due diligence keeps its place");
        HttpResponse<String> faults = server.http("PUT", "/sandbox/_control/accounts/" + t.account() + "/faults",
                "{\"faults\":[{\"kind\":\"500\",\"method\":\"PATCH\",\"path_prefix\":\"leads/pipelines/" + partners
                        + "/statuses/" + a + "\"}]}", null);
        assertTrue(faults.statusCode() == 200 || faults.statusCode() == 204, faults.body());
        args.put("confirmation_token", plan.path("confirmation_token").asString());
        String text = McpHttp.text(err(admin.call("stages_reorder", args)));
        assertTrue(text.contains("Partially applied") && text.contains("1 of 2"), text);
        assertTrue(text.contains("Done: PATCH /api/v4/leads/pipelines/" + partners + "/statuses/" + c), text);
        assertTrue(text.contains("Failed: PATCH /api/v4/leads/pipelines/" + partners + "/statuses/" + a), text);
        assertEquals(1, count("select count(*) from governance_plan where tenant_id = ? and outcome ="
                + " 'PARTIALLY_APPLIED' and result like ?", t.id(), "%not_attempted%"));
        String[] change = lastChange(t.id(), "stages_reorder");
        assertTrue(change[1].contains("Contract") && !change[1].contains("New partner"),
                "the audit records the stage that moved, and only it: " + change[1]);
        assertEquals(20, kommo(t, "/leads/pipelines/" + partners + "/statuses/" + c).path("sort").asInt(),
                "the first move happened");
        assertEquals(20, kommo(t, "/leads/pipelines/" + partners + "/statuses/" + a).path("sort").asInt(),
                "the failed one did not");
    }

    // ---------------------------------------------------------------- helpers

    /** Plans (checking nothing is applied yet), confirms with the token, and returns the applied result. */
    static JsonNode apply(McpHttp admin, String tool, Map<String, Object> args) throws Exception {
        JsonNode plan = ok(admin.call(tool, args));
        assertEquals("planned", plan.path("status").asString(), plan.toString());
        Map<String, Object> confirmed = new HashMap<>(args);
        confirmed.put("confirmation_token", plan.path("confirmation_token").asString());
        JsonNode applied = ok(admin.call(tool, confirmed));
        assertEquals("applied", applied.path("status").asString(), applied.toString());
        assertEquals(plan.path("plan"), applied.path("plan"), "exactly the plan was applied");
        return applied;
    }

    static void refused(McpHttp admin, String tool, Map<String, Object> args, String why) throws Exception {
        String text = McpHttp.text(err(admin.call(tool, args)));
        assertTrue(text.contains(why), tool + ": " + text);
        assertTrue(text.contains("Nothing was changed"), text);
    }

    /** The Kommo requests of the tenant's latest outcome of {@code tool}, without 429s answered by the sandbox. */
    static List<String> kommoRequests(String tenant, String tool) throws Exception {
        try (java.sql.Connection db = ItServer.appDb(); java.sql.PreparedStatement ps = db.prepareStatement("select"
                + " kommo_calls from audit_entry where chain_key = ? and tool = ? and kind = 'OUTCOME' order by seq"
                + " desc limit 1")) {
            ps.setString(1, tenant);
            ps.setString(2, tool);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                List<String> out = new ArrayList<>();
                for (JsonNode call : McpHttp.JSON.readTree(rs.getString(1))) {
                    if (call.path("status").asInt() != 429) {
                        out.add(call.path("method").asString() + " " + call.path("path").asString());
                    }
                }
                return out;
            }
        }
    }

    static JsonNode kommo(Tenant t, String path) throws Exception {
        HttpResponse<String> r = kommoSend(t, "GET", path, null);
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return McpHttp.JSON.readTree(r.body());
    }

    static int kommoStatus(Tenant t, String path) throws Exception {
        return kommoSend(t, "GET", path, null).statusCode();
    }

    /** A direct request to the tenant's sandbox account, waiting out its 7/s limit as a well-behaved client does. */
    static HttpResponse<String> kommoSend(Tenant t, String method, String path, Object body) throws Exception {
        for (int attempt = 0;; attempt++) {
            HttpResponse<String> r = McpHttp.HTTP.send(HttpRequest.newBuilder(URI.create(t.kommoBaseUrl() + "/api/v4"
                    + path)).header("Authorization", "Bearer " + t.kommoToken())
                    .header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(McpHttp.JSON.writeValueAsString(body)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 429 || attempt == 5) {
                return r;
            }
            Thread.sleep(1100);
        }
    }

    static List<String> stageNames(JsonNode pipeline) {
        List<String> out = new ArrayList<>();
        pipeline.path("_embedded").path("statuses").forEach(s -> out.add(s.path("name").asString()));
        return out;
    }

    static long pipelineId(Tenant t, String name) throws Exception {
        for (JsonNode p : kommo(t, "/leads/pipelines").path("_embedded").path("pipelines")) {
            if (p.path("name").asString().equals(name)) {
                return p.path("id").asLong();
            }
        }
        throw new AssertionError("no pipeline " + name);
    }

    static long stageId(Tenant t, long pipelineId, String name) throws Exception {
        for (JsonNode s : kommo(t, "/leads/pipelines/" + pipelineId).path("_embedded").path("statuses")) {
            if (s.path("name").asString().equals(name)) {
                return s.path("id").asLong();
            }
        }
        throw new AssertionError("no stage " + name);
    }

    static long fieldId(Tenant t, String entity, String name) throws Exception {
        for (JsonNode f : kommo(t, "/" + entity + "/custom_fields?limit=250").path("_embedded").path("custom_fields")) {
            if (f.path("name").asString().equals(name)) {
                return f.path("id").asLong();
            }
        }
        throw new AssertionError("no field " + name);
    }

    static String groupId(Tenant t, String name) throws Exception {
        for (JsonNode g : kommo(t, "/leads/custom_fields/groups").path("_embedded").path("custom_field_groups")) {
            if (g.path("name").asString().equals(name)) {
                return g.path("id").asString();
            }
        }
        throw new AssertionError("no group " + name);
    }

    static List<String> options(JsonNode field) {
        List<String> out = new ArrayList<>();
        field.path("enums").forEach(e -> out.add(e.path("value").asString()));
        return out;
    }

    /** Leads in a pipeline (or one stage), counted from the sandbox directly. */
    static long leadsIn(Tenant t, long pipelineId, Long stageId) throws Exception {
        String q = stageId == null ? "filter[pipeline_id]=" + pipelineId
                : "filter[statuses][0][pipeline_id]=" + pipelineId + "&filter[statuses][0][status_id]=" + stageId;
        HttpResponse<String> r = kommoSend(t, "GET", "/leads?limit=250&" + q.replace("[", "%5B").replace("]", "%5D"),
                null);
        return r.statusCode() == 204 ? 0 : McpHttp.JSON.readTree(r.body()).path("_embedded").path("leads").size();
    }

    /** Leads holding a value of the field (that value when given), counted from the sandbox directly. */
    static long leadsWithValue(Tenant t, long fieldId, String value) throws Exception {
        HttpResponse<String> r = kommoSend(t, "GET", "/leads?limit=250", null);
        long n = 0;
        for (JsonNode l : McpHttp.JSON.readTree(r.body()).path("_embedded").path("leads")) {
            for (JsonNode cf : l.path("custom_fields_values")) {
                if (cf.path("field_id").asLong() == fieldId && (value == null || cf.path("values").toString()
                        .contains("\"" + value + "\""))) {
                    n++;
                }
            }
        }
        return n;
    }
}
