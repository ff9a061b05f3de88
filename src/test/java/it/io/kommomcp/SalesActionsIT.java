package it.io.kommomcp;

import static it.io.kommomcp.ItServer.count;
import static it.io.kommomcp.ItServer.err;
import static it.io.kommomcp.ItServer.kommoCalls;
import static it.io.kommomcp.ItServer.lastChange;
import static it.io.kommomcp.ItServer.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import tools.jackson.databind.JsonNode;

/**
 * The semantic actions against the deployed server and a sandbox account: what each one does in Kommo, how many
 * Kommo calls it makes (from the audit trail), and that bad input is refused before anything changes.
 */
@ExtendWith(ArquillianExtension.class)
class SalesActionsIT {

    private final ItServer server = ItServer.local();

    @Test
    void registerNewOpportunityCreatesAllThreeThenReusesTheContactAndItsCompany() throws Exception {
        String tenant = server.newTenant("s-").id();
        McpHttp c = server.mcp(tenant, "kommo.writer");
        JsonNode first = ok(c.call("register_new_opportunity", Map.of("lead_name", "Umbrella - 40 seats",
                "price", 12_000, "contact", Map.of("first_name", "Alice", "last_name", "Wesker",
                        "phone", "+1 (555) 010-7788", "email", "alice@umbrella.example", "position", "CTO"),
                "company", Map.of("name", "Umbrella Corp", "web", "https://umbrella.example"),
                "tags", List.of("inbound"))));
        long leadId = first.path("lead_id").asLong();
        long contactId = first.path("contact").path("id").asLong();
        long companyId = first.path("company").path("id").asLong();
        assertFalse(first.path("contact").path("reused").asBoolean());
        assertFalse(first.path("company").path("reused").asBoolean());
        assertEquals(4, kommoCalls(tenant, "register_new_opportunity"),
                "contact by phone, by e-mail, company by name, then one complex add");

        JsonNode lead = ok(c.call("leads_get", Map.of("lead_id", leadId)));
        assertEquals(12_000, lead.path("price").asLong());
        assertEquals(contactId, lead.path("contacts").get(0).path("id").asLong());
        assertEquals(List.of(companyId), List.of(lead.path("company_ids").get(0).asLong()));
        JsonNode contact = ok(c.call("contacts_get", Map.of("contact_id", contactId)));
        assertEquals("Alice Wesker", contact.path("name").asString());
        assertEquals(companyId, contact.path("company").path("id").asLong(), "new contact and company are linked");

        // the same person again, phone written differently: contact and company are reused, nothing duplicated
        JsonNode second = ok(c.call("register_new_opportunity", Map.of("lead_name", "Umbrella - renewal",
                "contact", Map.of("name", "A. Wesker", "phone", "001 555 010 7788"))));
        assertTrue(second.path("contact").path("reused").asBoolean());
        assertEquals(contactId, second.path("contact").path("id").asLong());
        assertEquals(companyId, second.path("company").path("id").asLong(), "the contact's company comes along");
        assertEquals(2, kommoCalls(tenant, "register_new_opportunity"), "one phone search, one complex add");
        assertEquals(1, ok(c.call("contacts_search", Map.of("phone", "5550107788"))).path("contacts").size());

        // found by e-mail when the phone is new; an existing company of the same name is reused
        JsonNode third = ok(c.call("register_new_opportunity", Map.of("lead_name", "Umbrella - training",
                "contact", Map.of("name", "Alice W", "email", "ALICE@umbrella.example"))));
        assertEquals(contactId, third.path("contact").path("id").asLong());
        JsonNode fourth = ok(c.call("register_new_opportunity", Map.of("lead_name", "Umbrella - labs",
                "contact", Map.of("name", "William Birkin"), "company", Map.of("name", "umbrella corp"))));
        assertFalse(fourth.path("contact").path("reused").asBoolean());
        assertTrue(fourth.path("company").path("reused").asBoolean());
        assertEquals(companyId, fourth.path("company").path("id").asLong());
        String[] change = lastChange(tenant, "register_new_opportunity");
        assertTrue(change[1].contains("Umbrella - labs"), change[1]);
    }

    @Test
    void registerRefusesBadInputBeforeAnyWrite() throws Exception {
        String tenant = server.newTenant("s-").id();
        McpHttp c = server.mcp(tenant, "kommo.writer");
        assertTrue(McpHttp.text(err(c.call("register_new_opportunity", Map.of("lead_name", "X",
                "contact", Map.of("phone", "+1 555 0100"))))).contains("needs a name"));
        assertTrue(McpHttp.text(err(c.call("register_new_opportunity", Map.of("lead_name", "X",
                "contact", Map.of("name", "Y", "email", "nobody@"))))).contains("is not an e-mail address"));
        assertTrue(McpHttp.text(err(c.call("register_new_opportunity", Map.of("lead_name", "X",
                "stage_id", 142, "pipeline_id", pipelineId(c, "Sales pipeline"))))).contains("won or lost"));
        assertTrue(McpHttp.text(err(c.call("register_new_opportunity", Map.of("lead_name", "X",
                "fields", Map.of("Deal type", "Charity"))))).contains("New business"));
        assertTrue(McpHttp.text(err(c.call("register_new_opportunity", Map.of("lead_name", "X",
                "responsible", "Nobody Here")))).contains("Anna Admin"));
        assertEquals(0, count("select count(*) from audit_entry where tenant_id = ? and kommo_calls::text like ?",
                tenant, "%complex%"), "no complex add was sent");
    }

    @Test
    void advanceSalesStageWalksThePipelineChecksRequiredFieldsAndCloses() throws Exception {
        String tenant = server.newTenant("s-").id();
        McpHttp c = server.mcp(tenant, "kommo.writer");
        long leadId = ok(c.call("register_new_opportunity", Map.of("lead_name", "Advance me"))).path("lead_id")
                .asLong();
        JsonNode a1 = ok(c.call("advance_sales_stage", Map.of("lead_id", leadId)));
        assertEquals("Initial contact", a1.path("from").path("stage_name").asString());
        assertEquals("Qualification", a1.path("to").path("stage_name").asString());

        // Proposal sent requires Seats: refused, named, nothing changed
        String refused = McpHttp.text(err(c.call("advance_sales_stage", Map.of("lead_id", leadId, "to", "next"))));
        assertTrue(refused.contains("\"Seats\"") && refused.contains("Proposal sent"), refused);
        assertEquals("Qualification", ok(c.call("leads_get", Map.of("lead_id", leadId))).path("stage")
                .path("stage_name").asString());

        ok(c.call("set_lead_fields", Map.of("lead_id", leadId, "values", Map.of("Seats", 40))));
        JsonNode a2 = ok(c.call("advance_sales_stage", Map.of("lead_id", leadId)));
        assertEquals("Proposal sent", a2.path("to").path("stage_name").asString());
        assertEquals(2, kommoCalls(tenant, "advance_sales_stage"), "the lead and the update; schema from cache");

        String badReason = McpHttp.text(err(c.call("advance_sales_stage", Map.of("lead_id", leadId, "to", "lost",
                "loss_reason", "Bad weather"))));
        assertTrue(badReason.contains("Too expensive"), badReason);
        JsonNode lost = ok(c.call("advance_sales_stage", Map.of("lead_id", leadId, "to", "lost",
                "loss_reason", "too EXPENSIVE")));
        assertEquals(143, lost.path("to").path("stage_id").asLong());
        assertEquals("Too expensive", lost.path("loss_reason").asString());
        JsonNode got = ok(c.call("leads_get", Map.of("lead_id", leadId)));
        assertEquals("Too expensive", got.path("loss_reason").asString());
        assertTrue(McpHttp.text(err(c.call("advance_sales_stage", Map.of("lead_id", leadId))))
                .contains("already closed as lost"));
        assertTrue(McpHttp.text(err(c.call("advance_sales_stage", Map.of("lead_id", leadId, "to", "won",
                "loss_reason", "x")))).contains("only with to = lost"));
        assertTrue(McpHttp.text(err(c.call("advance_sales_stage", Map.of("lead_id", 999_999_999L))))
                .contains("no lead with id"));

        // the last open stage cannot go "next"; won works
        long other = ok(c.call("register_new_opportunity", Map.of("lead_name", "Close me", "fields",
                Map.of("Seats", 5, "Budget confirmed", true)))).path("lead_id").asLong();
        for (int i = 0; i < 3; i++) {
            ok(c.call("advance_sales_stage", Map.of("lead_id", other)));
        }
        assertTrue(McpHttp.text(err(c.call("advance_sales_stage", Map.of("lead_id", other))))
                .contains("last open stage"));
        assertEquals(142, ok(c.call("advance_sales_stage", Map.of("lead_id", other, "to", "won"))).path("to")
                .path("stage_id").asLong());
    }

    @Test
    void logSalesInteractionAddsTheNoteAndTheFollowUpInTwoCalls() throws Exception {
        String tenant = server.newTenant("s-").id();
        McpHttp c = server.mcp(tenant, "kommo.writer");
        long leadId = ok(c.call("register_new_opportunity", Map.of("lead_name", "Call me"))).path("lead_id")
                .asLong();
        String due = LocalDate.now().plusDays(3).toString();
        JsonNode logged = ok(c.call("log_sales_interaction", Map.of("kind", "call_out", "entity_id", leadId,
                "phone", "+1 555 0100", "duration_seconds", 185, "summary", "Wants a quote for 40 seats",
                "follow_up", Map.of("text", "Send the quote", "due", due))));
        assertEquals(2, kommoCalls(tenant, "log_sales_interaction"), "one note, one task");
        JsonNode notes = ok(c.call("notes_list", Map.of("entity_type", "leads", "entity_id", leadId)));
        assertEquals("call_out", notes.path("notes").get(0).path("kind").asString());
        assertEquals(185, notes.path("notes").get(0).path("duration_seconds").asLong());
        JsonNode tasks = ok(c.call("tasks_list", Map.of("entity_type", "leads", "entity_id", leadId)));
        assertEquals(logged.path("follow_up_task_id").asLong(), tasks.path("tasks").get(0).path("id").asLong());
        assertEquals("Send the quote", tasks.path("tasks").get(0).path("text").asString());

        ok(c.call("log_sales_interaction", Map.of("kind", "meeting", "entity_id", leadId, "summary",
                "Demo with the IT team", "follow_up", Map.of("text", "On-site visit", "due", due, "type",
                        "meeting"))));
        JsonNode meetingNote = ok(c.call("notes_list", Map.of("entity_type", "leads", "entity_id", leadId)))
                .path("notes").get(0);
        assertEquals("Meeting: Demo with the IT team", meetingNote.path("text").asString());

        long notesBefore = ok(c.call("notes_list", Map.of("entity_type", "leads", "entity_id", leadId)))
                .path("notes").size();
        assertTrue(McpHttp.text(err(c.call("log_sales_interaction", Map.of("kind", "meeting", "entity_id",
                leadId)))).contains("summary"));
        assertTrue(McpHttp.text(err(c.call("log_sales_interaction", Map.of("kind", "call_in", "entity_id",
                leadId, "duration_seconds", 10)))).contains("phone"));
        assertTrue(McpHttp.text(err(c.call("log_sales_interaction", Map.of("kind", "message", "entity_id",
                leadId, "summary", "x", "follow_up", Map.of("text", "y", "due", "next tuesday")))))
                .contains("follow_up.due"));
        assertTrue(McpHttp.text(err(c.call("log_sales_interaction", Map.of("kind", "message", "entity_id",
                leadId, "summary", "x", "follow_up", Map.of("text", "y", "due", "2001-01-01")))))
                .contains("in the past"));
        assertEquals(notesBefore, ok(c.call("notes_list", Map.of("entity_type", "leads", "entity_id", leadId)))
                .path("notes").size(), "refused calls add no note");
    }

    @Test
    void assignLeadFindsTheUserByNameOrIdAndSkipsANoOp() throws Exception {
        String tenant = server.newTenant("s-").id();
        McpHttp c = server.mcp(tenant, "kommo.writer");
        long leadId = ok(c.call("register_new_opportunity", Map.of("lead_name", "Assign me"))).path("lead_id")
                .asLong();
        JsonNode toClara = ok(c.call("assign_lead", Map.of("lead_id", leadId, "user", "clara")));
        assertTrue(toClara.path("changed").asBoolean());
        assertEquals("Clara Sales", toClara.path("user_name").asString());
        assertEquals(toClara.path("user_id").asLong(), ok(c.call("leads_get", Map.of("lead_id", leadId)))
                .path("responsible_user_id").asLong());
        JsonNode again = ok(c.call("assign_lead", Map.of("lead_id", leadId, "user",
                String.valueOf(toClara.path("user_id").asLong()))));
        assertFalse(again.path("changed").asBoolean());
        assertEquals(1, kommoCalls(tenant, "assign_lead"), "already assigned: only the lead is read");
        JsonNode toBoris = ok(c.call("assign_lead", Map.of("lead_id", leadId, "user", "BORIS sales")));
        assertEquals("Boris Sales", toBoris.path("user_name").asString());
        String[] change = lastChange(tenant, "assign_lead");
        assertTrue(change[0].contains(String.valueOf(toClara.path("user_id").asLong())), change[0]);

        String ambiguous = McpHttp.text(err(c.call("assign_lead", Map.of("lead_id", leadId, "user", "sales"))));
        assertTrue(ambiguous.contains("several users") && ambiguous.contains("Clara Sales"), ambiguous);
        assertTrue(McpHttp.text(err(c.call("assign_lead", Map.of("lead_id", leadId, "user", "x@nowhere.example"))))
                .contains("Anna Admin"));
    }

    @Test
    void setLeadFieldsWritesByNameMatchesOptionsAndRefusesBadValues() throws Exception {
        String tenant = server.newTenant("s-").id();
        McpHttp c = server.mcp(tenant, "kommo.writer");
        long leadId = ok(c.call("register_new_opportunity", Map.of("lead_name", "Fields"))).path("lead_id")
                .asLong();
        ok(c.call("fields_list", Map.of("entity_type", "leads"))); // fills the tenant's schema cache
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("AI agent paused", true);
        values.put("deal TYPE", "upsell");
        values.put("Products of interest", List.of("software", "Tráining"));
        values.put("Website", "acme.example/pricing");
        ok(c.call("set_lead_fields", Map.of("lead_id", leadId, "values", values)));
        assertEquals(2, kommoCalls(tenant, "set_lead_fields"), "the lead (before) and one update");
        JsonNode fields = ok(c.call("leads_get", Map.of("lead_id", leadId))).path("custom_fields");
        assertEquals("true", value(fields, "AI agent paused"));
        assertEquals("Upsell", value(fields, "Deal type"));
        assertTrue(fields.toString().contains("Software") && fields.toString().contains("Training"), fields.toString());

        String bad = McpHttp.text(err(c.call("set_lead_fields", Map.of("lead_id", leadId, "values",
                Map.of("Deal type", "Charity", "Seats", 3)))));
        assertTrue(bad.contains("Renewal") && bad.contains("New business"), bad);
        assertTrue(McpHttp.text(err(c.call("set_lead_fields", Map.of("lead_id", leadId, "values",
                Map.of("Seats", "forty"))))).contains("Seats"));
        assertTrue(McpHttp.text(err(c.call("set_lead_fields", Map.of("lead_id", leadId, "values",
                Map.of("Colour", "red"))))).contains("fields_list"));
        JsonNode after = ok(c.call("leads_get", Map.of("lead_id", leadId))).path("custom_fields");
        assertEquals("Upsell", value(after, "Deal type"));
        assertEquals(null, value(after, "Seats"), "an all-or-nothing write left Seats unset");
        McpHttp reader = server.mcp(tenant, "kommo.reader");
        assertTrue(McpHttp.text(err(reader.call("set_lead_fields", Map.of("lead_id", leadId, "values",
                Map.of("Seats", 1))))).contains("kommo.writer"));
    }

    private static long pipelineId(McpHttp c, String name) throws Exception {
        for (JsonNode p : ok(c.call("pipelines_list", Map.of())).path("pipelines")) {
            if (p.path("name").asString().equals(name)) {
                return p.path("id").asLong();
            }
        }
        throw new AssertionError("no pipeline " + name);
    }

    private static String value(JsonNode fields, String name) {
        for (JsonNode f : fields) {
            if (f.path("field_name").asString().equals(name)) {
                return f.path("values").get(0).asString();
            }
        }
        return null;
    }
}
