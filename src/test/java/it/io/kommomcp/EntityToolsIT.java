package it.io.kommomcp;

import static it.io.kommomcp.ItServer.err;
import static it.io.kommomcp.ItServer.kommoCalls;
import static it.io.kommomcp.ItServer.lastChange;
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

import tools.jackson.databind.JsonNode;

/**
 * The contact, company and link tools against the deployed server and a sandbox account: happy paths, bad input
 * (refused, nothing changed), what the audit trail records, and how many Kommo calls each tool makes.
 */
@ExtendWith(ArquillianExtension.class)
class EntityToolsIT {

    private final ItServer server = ItServer.local();

    @Test
    void contactsAreCreatedFoundReadAndUpdated() throws Exception {
        String tenant = server.newTenant("e-").id();
        McpHttp c = server.mcp(tenant, "kommo.writer");
        long companyId = ok(c.call("companies_create", Map.of("name", "Globex Ltd", "web", "https://globex.example",
                "phones", List.of(Map.of("number", "+44 20 7946 0000"))))).path("id").asLong();
        long leadId = ok(c.call("leads_create", Map.of("name", "Globex pilot"))).path("lead_id").asLong();

        JsonNode created = ok(c.call("contacts_create", Map.of("first_name", "Hank", "last_name", "Scorpio",
                "phones", List.of(Map.of("number", "+44 (20) 7946-0991", "kind", "MOB")),
                "emails", List.of(Map.of("address", "hank@globex.example")), "position", "CEO",
                "company_id", companyId, "lead_id", leadId, "tags", List.of("vip"))));
        long contactId = created.path("id").asLong();
        assertEquals(2, kommoCalls(tenant, "contacts_create"), "add, then one link request for the company and the lead");

        JsonNode got = ok(c.call("contacts_get", Map.of("contact_id", contactId)));
        assertEquals("Hank Scorpio", got.path("name").asString());
        assertEquals("Globex Ltd", got.path("company").path("name").asString());
        assertEquals(leadId, got.path("leads").get(0).path("id").asLong());
        assertEquals("Globex pilot", got.path("leads").get(0).path("name").asString());
        JsonNode phone = field(got, "PHONE");
        assertEquals("+44 (20) 7946-0991", phone.path("values").get(0).asString());
        assertEquals("MOB", phone.path("kinds").get(0).asString());
        assertEquals("CEO", field(got, "POSITION").path("values").get(0).asString());
        assertEquals("vip", got.path("tags").get(0).asString());
        assertEquals(3, kommoCalls(tenant, "contacts_get"), "contact, its company, its leads");

        // found by the phone written differently, by e-mail (any case), by text
        assertEquals(List.of(contactId), ids(ok(c.call("contacts_search", Map.of("phone", "00442079460991")))
                .path("contacts")));
        assertEquals(List.of(contactId), ids(ok(c.call("contacts_search", Map.of("email", "HANK@globex.example")))
                .path("contacts")));
        assertTrue(ids(ok(c.call("contacts_search", Map.of("text", "Scorpio"))).path("contacts")).contains(contactId));
        assertEquals(1, kommoCalls(tenant, "contacts_search"));

        // update: phones replace the list; before and after go to the audit trail
        ok(c.call("contacts_update", Map.of("contact_id", contactId, "phones",
                List.of(Map.of("number", "+44 20 7946 0123", "kind", "WORK")), "tags_to_add", List.of("board"))));
        JsonNode updated = ok(c.call("contacts_get", Map.of("contact_id", contactId)));
        assertEquals(List.of("+44 20 7946 0123"), strings(field(updated, "PHONE").path("values")));
        assertTrue(strings(updated.path("tags")).containsAll(List.of("vip", "board")));
        String[] change = lastChange(tenant, "contacts_update");
        assertTrue(change[0].contains("+44 (20) 7946-0991"), "before: " + change[0]);
        assertTrue(change[1].contains("+44 20 7946 0123"), "after: " + change[1]);
    }

    @Test
    void badContactInputIsRefusedClearlyAndChangesNothing() throws Exception {
        String tenant = server.newTenant("e-").id();
        McpHttp c = server.mcp(tenant, "kommo.writer");
        long before = total(c);
        assertTrue(McpHttp.text(err(c.call("contacts_create", Map.of("phones",
                List.of(Map.of("number", "555")))))).contains("name"));
        assertTrue(McpHttp.text(err(c.call("contacts_create", Map.of("name", "X", "phones",
                List.of(Map.of("number", "call me maybe")))))).contains("is not a phone number"));
        assertTrue(McpHttp.text(err(c.call("contacts_create", Map.of("name", "X", "emails",
                List.of(Map.of("address", "nobody@")))))).contains("is not an e-mail address"));
        String kind = McpHttp.text(err(c.call("contacts_create", Map.of("name", "X", "phones",
                List.of(Map.of("number", "+1 555 0100", "kind", "PAGER"))))));
        assertTrue(kind.contains("PAGER") && kind.contains("MOB"), kind);
        assertTrue(McpHttp.text(err(c.call("contacts_create", Map.of("name", "X", "responsible_user_id", 999_999))))
                .contains("responsible_user_id"));
        assertTrue(McpHttp.text(err(c.call("contacts_search", Map.of("text", "a", "phone", "12345"))))
                .contains("only one of"));
        assertTrue(McpHttp.text(err(c.call("contacts_get", Map.of("contact_id", 999_999_999L))))
                .contains("no contact with id"));
        assertTrue(McpHttp.text(err(c.call("contacts_update", Map.of("contact_id", 999_999_999L, "name", "Y"))))
                .contains("no contact with id"));
        assertTrue(McpHttp.text(err(c.call("contacts_update", Map.of("contact_id", 1)))).contains("Nothing to change"));
        assertTrue(McpHttp.text(err(c.call("companies_create", Map.of("name", "Initech", "web", "not a site"))))
                .contains("is not a web address"));
        assertEquals(before, total(c), "no contact was created by a refused call");
        McpHttp reader = server.mcp(tenant, "kommo.reader");
        assertTrue(McpHttp.text(err(reader.call("contacts_create", Map.of("name", "X")))).contains("kommo.writer"));
    }

    @Test
    void companiesShowTheirContactsAndLeads() throws Exception {
        String tenant = server.newTenant("e-").id();
        McpHttp c = server.mcp(tenant, "kommo.writer");
        long companyId = ok(c.call("companies_create", Map.of("name", "Initrode", "address", "1 Main St",
                "emails", List.of(Map.of("address", "info@initrode.example", "kind", "WORK"))))).path("id").asLong();
        long contactId = ok(c.call("contacts_create", Map.of("name", "Peter Gibbons", "company_id", companyId)))
                .path("id").asLong();
        long leadId = ok(c.call("leads_create", Map.of("name", "Initrode TPS reports"))).path("lead_id").asLong();
        ok(c.call("links_link", Map.of("entity_type", "leads", "entity_id", leadId, "to_entity_type", "companies",
                "to_entity_id", companyId)));

        JsonNode company = ok(c.call("companies_get", Map.of("company_id", companyId)));
        assertEquals("Peter Gibbons", company.path("contacts").get(0).path("name").asString());
        assertEquals("Initrode TPS reports", company.path("leads").get(0).path("name").asString());
        assertEquals("1 Main St", field(company, "ADDRESS").path("values").get(0).asString());
        assertTrue(ids(ok(c.call("companies_search", Map.of("text", "initrode"))).path("companies"))
                .contains(companyId));

        ok(c.call("companies_update", Map.of("company_id", companyId, "name", "Initrode Inc", "web",
                "initrode.example")));
        JsonNode after = ok(c.call("companies_get", Map.of("company_id", companyId)));
        assertEquals("Initrode Inc", after.path("name").asString());
        assertEquals("initrode.example", field(after, "WEB").path("values").get(0).asString());
        assertEquals("1 Main St", field(after, "ADDRESS").path("values").get(0).asString(), "untouched fields stay");
    }

    @Test
    void linkingChecksFirstSoAnExistingLinkIsReportedNotDuplicated() throws Exception {
        String tenant = server.newTenant("e-").id();
        McpHttp c = server.mcp(tenant, "kommo.writer");
        long leadId = ok(c.call("leads_create", Map.of("name", "Link test"))).path("lead_id").asLong();
        long contactId = ok(c.call("contacts_create", Map.of("name", "Milton"))).path("id").asLong();
        Map<String, Object> pair = Map.of("entity_type", "leads", "entity_id", leadId, "to_entity_type", "contacts",
                "to_entity_id", contactId);

        JsonNode linked = ok(c.call("links_link", withMain(pair)));
        assertEquals("linked", linked.path("result").asString());
        assertEquals(2, kommoCalls(tenant, "links_link"), "one check, one link");
        JsonNode again = ok(c.call("links_link", pair));
        assertEquals("already_linked", again.path("result").asString(), "no 500 from Kommo, no duplicate");
        assertEquals(1, kommoCalls(tenant, "links_link"), "the check only");

        JsonNode list = ok(c.call("links_list", Map.of("entity_type", "contacts", "entity_id", contactId)));
        assertEquals(1, list.path("links").size());
        assertEquals(leadId, list.path("links").get(0).path("to_entity_id").asLong());
        assertTrue(list.path("links").get(0).path("main_contact").asBoolean());

        // a lead has one company: a second one replaces the first, and the answer says so
        long first = ok(c.call("companies_create", Map.of("name", "First Co"))).path("id").asLong();
        long second = ok(c.call("companies_create", Map.of("name", "Second Co"))).path("id").asLong();
        ok(c.call("links_link", Map.of("entity_type", "leads", "entity_id", leadId, "to_entity_type", "companies",
                "to_entity_id", first)));
        JsonNode replaced = ok(c.call("links_link", Map.of("entity_type", "leads", "entity_id", leadId,
                "to_entity_type", "companies", "to_entity_id", second)));
        assertEquals(first, replaced.path("replaced_company_id").asLong());

        ok(c.call("links_unlink", pair));
        assertEquals(0, ok(c.call("links_list", Map.of("entity_type", "leads", "entity_id", leadId,
                "to_entity_type", "contacts"))).path("links").size());
        assertTrue(McpHttp.text(err(c.call("links_unlink", pair))).contains("is not linked"));
        assertTrue(McpHttp.text(err(c.call("links_link", Map.of("entity_type", "leads", "entity_id", leadId,
                "to_entity_type", "leads", "to_entity_id", leadId)))).contains("different kinds"));
        assertTrue(McpHttp.text(err(c.call("links_link", Map.of("entity_type", "deals", "entity_id", leadId,
                "to_entity_type", "contacts", "to_entity_id", contactId)))).contains("leads, contacts, companies"));
        assertTrue(McpHttp.text(err(c.call("links_link", Map.of("entity_type", "contacts", "entity_id", contactId,
                "to_entity_type", "companies", "to_entity_id", 999_999_999L)))).contains("to_entity_id"));
    }

    @Test
    void tasksAreListedByDueTimeWithAWindowAndACursorAndCompletedOnce() throws Exception {
        String tenant = server.newTenant("e-").id();
        McpHttp c = server.mcp(tenant, "kommo.writer");
        long leadId = ok(c.call("leads_create", Map.of("name", "Task test"))).path("lead_id").asLong();
        java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        List<Long> ids = new ArrayList<>();
        for (int day : new int[] {5, 1, 3, 2, 4}) {
            ids.add(ok(c.call("tasks_create", Map.of("text", "Call back day " + day, "due",
                    today.plusDays(day).toString(), "entity_type", "leads", "entity_id", leadId))).path("task_id")
                    .asLong());
        }
        ok(c.call("tasks_create", Map.of("text", "Unrelated", "due", today.plusDays(1) + "T09:00:00Z")));

        // earliest due first, two at a time, following the cursor
        List<String> texts = new ArrayList<>();
        String cursor = null;
        int answers = 0;
        do {
            Map<String, Object> args = new java.util.LinkedHashMap<>(Map.of("entity_type", "leads", "entity_id",
                    leadId, "limit", 2));
            if (cursor != null) {
                args.put("cursor", cursor);
            }
            JsonNode page = ok(c.call("tasks_list", args));
            page.path("tasks").forEach(t -> texts.add(t.path("text").asString()));
            cursor = page.path("next_cursor").isMissingNode() || page.path("next_cursor").isNull() ? null
                    : page.path("next_cursor").asString();
            answers++;
        } while (cursor != null && answers < 10);
        assertEquals(List.of("Call back day 1", "Call back day 2", "Call back day 3", "Call back day 4",
                "Call back day 5"), texts);

        // a due window: days 2 to 3 only
        JsonNode window = ok(c.call("tasks_list", Map.of("due_from", today.plusDays(2).toString(), "due_to",
                today.plusDays(3).toString())));
        assertEquals(List.of("Call back day 2", "Call back day 3"), strings(window.path("tasks"), "text"));

        // complete with a result, once
        long first = ids.get(1);
        JsonNode done = ok(c.call("tasks_complete", Map.of("task_id", first, "result", "Reached, wants a demo")));
        assertEquals("completed", done.path("action").asString());
        JsonNode again = ok(c.call("tasks_complete", Map.of("task_id", first, "result", "twice")));
        assertTrue(again.path("action").asString().contains("already completed"));
        assertEquals(1, kommoCalls(tenant, "tasks_complete"), "only the check: nothing sent the second time");
        JsonNode completed = ok(c.call("tasks_list", Map.of("entity_type", "leads", "entity_id", leadId,
                "completed", true)));
        assertEquals("Reached, wants a demo", completed.path("tasks").get(0).path("result").asString());
        assertEquals(4, ok(c.call("tasks_list", Map.of("entity_type", "leads", "entity_id", leadId, "completed",
                false))).path("tasks").size());

        // update the due time; the audit trail has before and after
        ok(c.call("tasks_update", Map.of("task_id", ids.get(0), "due", today.plusDays(6) + "T10:00:00Z")));
        String[] change = lastChange(tenant, "tasks_update");
        assertTrue(change[1].contains("\"complete_till\":" + java.time.Instant.parse(today.plusDays(6) + "T10:00:00Z")
                .getEpochSecond()), change[1]);
        assertTrue(change[0].contains("\"complete_till\":"), "before in the same terms: " + change[0]);

        // bad input
        assertTrue(McpHttp.text(err(c.call("tasks_create", Map.of("text", "x", "due", "2001-01-01"))))
                .contains("in the past"));
        assertTrue(McpHttp.text(err(c.call("tasks_create", Map.of("text", "x", "due", "next tuesday"))))
                .contains("must be a date like"));
        assertTrue(McpHttp.text(err(c.call("tasks_create", Map.of("text", "x", "due", today.plusDays(1).toString(),
                "entity_id", leadId)))).contains("together"));
        String type = McpHttp.text(err(c.call("tasks_create", Map.of("text", "x", "due", today.plusDays(1).toString(),
                "task_type_id", 77))));
        assertTrue(type.contains("task_type_id 77") && type.contains("Meeting (2)"), type);
        assertTrue(McpHttp.text(err(c.call("tasks_list", Map.of("cursor", "abc")))).contains("cursor"));
        assertTrue(McpHttp.text(err(c.call("tasks_complete", Map.of("task_id", 999_999_999L))))
                .contains("no task with id"));
        assertTrue(McpHttp.text(err(c.call("tasks_create", Map.of("text", "x", "due", today.plusDays(1).toString(),
                "task_type_id", 99)))).contains("task_type_id"));
    }

    @Test
    void callNotesAndServiceMessagesAreWrittenAndListed() throws Exception {
        String tenant = server.newTenant("e-").id();
        McpHttp c = server.mcp(tenant, "kommo.writer");
        long contactId = ok(c.call("contacts_create", Map.of("name", "Caller"))).path("id").asLong();
        ok(c.call("notes_add", Map.of("entity_type", "contacts", "entity_id", contactId, "kind", "call_out",
                "phone", "+1 555 0100", "duration_seconds", 95, "text", "Agreed on a trial")));
        ok(c.call("notes_add", Map.of("entity_type", "contacts", "entity_id", contactId, "kind",
                "service_message", "service", "Website chat", "text", "Asked about pricing")));
        JsonNode notes = ok(c.call("notes_list", Map.of("entity_type", "contacts", "entity_id", contactId)));
        assertEquals(List.of("service_message", "call_out"), strings(notes.path("notes"), "kind"));
        assertEquals(95, notes.path("notes").get(1).path("duration_seconds").asLong());
        assertEquals("+1 555 0100", notes.path("notes").get(1).path("phone").asString());
        assertEquals(1, ok(c.call("notes_list", Map.of("entity_type", "contacts", "entity_id", contactId, "kind",
                "call_out"))).path("notes").size());

        assertTrue(McpHttp.text(err(c.call("notes_add", Map.of("entity_type", "contacts", "entity_id", contactId,
                "kind", "call_in", "phone", "+1 555 0100")))).contains("duration_seconds"));
        assertTrue(McpHttp.text(err(c.call("notes_add", Map.of("entity_type", "contacts", "entity_id", contactId,
                "kind", "service_message", "text", "x")))).contains("service"));
        assertTrue(McpHttp.text(err(c.call("notes_add", Map.of("entity_type", "contacts", "entity_id", contactId,
                "text", "x", "phone", "+1 555 0100")))).contains("apply only to call"));
        assertEquals(2, ok(c.call("notes_list", Map.of("entity_type", "contacts", "entity_id", contactId)))
                .path("notes").size(), "refused notes were not written");
    }

    // ------------------------------------------------------------------ helpers

    @Test
    void customFieldsAreDescribedWrittenByNameAndRequiredStagesAreNamed() throws Exception {
        String tenant = server.newTenant("e-").id();
        McpHttp c = server.mcp(tenant, "kommo.writer");
        String badType = McpHttp.text(err(c.call("fields_list", Map.of("entity_type", "deals"))));
        assertTrue(badType.contains("entity_type") && badType.contains("contacts"), badType);
        JsonNode list = ok(c.call("fields_list", Map.of("entity_type", "leads")));
        JsonNode seats = byName(list.path("fields"), "Seats");
        assertEquals("numeric", seats.path("type").asString());
        assertEquals("Deal details", seats.path("group").asString());
        assertEquals(List.of("Proposal sent", "Negotiation"), strings(seats.path("required_in"), "stage_name"));
        assertEquals(List.of("Hardware", "Software", "Support", "Training"),
                strings(byName(list.path("fields"), "Products of interest").path("options")));
        assertEquals("AI_PAUSED", byName(list.path("fields"), "AI agent paused").path("code").asString());
        JsonNode phones = byName(ok(c.call("fields_list", Map.of("entity_type", "contacts"))).path("fields"), "Phone");
        assertTrue(strings(phones.path("options")).containsAll(List.of("WORK", "MOB")), phones.toString());
        assertEquals(List.of("Web"), strings(ok(c.call("fields_list", Map.of("entity_type", "companies", "type",
                "url"))).path("fields"), "name"));

        long leadId = ok(c.call("leads_create", Map.of("name", "Needs fields"))).path("lead_id").asLong();
        long negotiation = stageId(c, "Sales pipeline", "Negotiation");
        JsonNode req = ok(c.call("fields_required_for_stage", Map.of("lead_id", leadId, "stage_id", negotiation)));
        assertEquals(List.of("Budget confirmed", "Seats"), strings(req.path("required")));
        assertEquals(List.of("Budget confirmed", "Seats"), strings(req.path("missing")));
        ok(c.call("fields_set", Map.of("entity_type", "leads", "entity_id", leadId, "values",
                Map.of("Seats", 12, "Expected close date", "2027-03-31"))));
        assertEquals(List.of("Budget confirmed"), strings(ok(c.call("fields_required_for_stage",
                Map.of("lead_id", leadId, "stage_id", negotiation))).path("missing")));
        assertTrue(McpHttp.text(err(c.call("fields_required_for_stage", Map.of("lead_id", leadId, "stage_id",
                999_999)))).contains("Initial contact"));

        // contact fields by code, with kinds; a bad date and an unknown kind are refused and change nothing
        long contactId = ok(c.call("contacts_create", Map.of("name", "Field Person"))).path("id").asLong();
        ok(c.call("fields_set", Map.of("entity_type", "contacts", "entity_id", contactId, "values",
                Map.of("PHONE", List.of(Map.of("value", "+1 555 0142", "kind", "mob")), "position", "Buyer"))));
        JsonNode got = ok(c.call("contacts_get", Map.of("contact_id", contactId)));
        assertEquals("MOB", field(got, "PHONE").path("kinds").get(0).asString());
        assertEquals("Buyer", field(got, "POSITION").path("values").get(0).asString());
        assertTrue(McpHttp.text(err(c.call("fields_set", Map.of("entity_type", "leads", "entity_id", leadId,
                "values", Map.of("Expected close date", "31/03/2027"))))).contains("Expected close date"));
        String kind = McpHttp.text(err(c.call("fields_set", Map.of("entity_type", "contacts", "entity_id",
                contactId, "values", Map.of("Phone", List.of(Map.of("value", "+1 555 0100", "kind", "PAGER")))))));
        assertTrue(kind.contains("PAGER") && kind.contains("MOB"), kind);
        assertEquals("+1 555 0142", field(ok(c.call("contacts_get", Map.of("contact_id", contactId))), "PHONE")
                .path("values").get(0).asString());
    }

    @Test
    void tagsAreListedAddedAndRemovedWithoutTouchingOtherTags() throws Exception {
        String tenant = server.newTenant("e-").id();
        McpHttp c = server.mcp(tenant, "kommo.writer");
        long contactId = ok(c.call("contacts_create", Map.of("name", "Tagged Person", "tags", List.of("vip"))))
                .path("id").asLong();
        JsonNode added = ok(c.call("tags_add", Map.of("entity_type", "contacts", "entity_id", contactId, "tags",
                List.of("Partner", "VIP"))));
        assertEquals(List.of("Partner"), strings(added.path("changed")));
        assertEquals(List.of("VIP"), strings(added.path("unchanged")), "an existing tag is reported, not doubled");
        assertEquals(2, kommoCalls(tenant, "tags_add"), "the contact, then one update");
        assertEquals(List.of("vip", "Partner"), strings(ok(c.call("contacts_get", Map.of("contact_id", contactId)))
                .path("tags")));
        assertTrue(strings(ok(c.call("tags_list", Map.of("entity_type", "contacts", "query", "part")))
                .path("tags"), "name").contains("Partner"));
        assertTrue(strings(ok(c.call("tags_list", Map.of("entity_type", "leads"))).path("tags"), "name")
                .stream().noneMatch(n -> n.equals("Partner")), "lead tags are a separate set");

        JsonNode removed = ok(c.call("tags_remove", Map.of("entity_type", "contacts", "entity_id", contactId,
                "tags", List.of("VIP", "never-had"))));
        assertEquals(List.of("never-had"), strings(removed.path("unchanged")));
        assertEquals(List.of("Partner"), strings(ok(c.call("contacts_get", Map.of("contact_id", contactId)))
                .path("tags")));
        String[] change = lastChange(tenant, "tags_remove");
        assertTrue(change[0].contains("vip") && !change[1].contains("vip"), change[0] + " -> " + change[1]);

        assertTrue(McpHttp.text(err(c.call("tags_add", Map.of("entity_type", "leads", "entity_id", 999_999_999L,
                "tags", List.of("x"))))).contains("no lead with id"));
        assertTrue(McpHttp.text(err(c.call("tags_add", Map.of("entity_type", "leads", "entity_id", 1, "tags",
                List.of(" "))))).contains("at least one tag"));
        assertTrue(McpHttp.text(err(c.call("tags_add", Map.of("entity_type", "leads", "entity_id", 1, "tags",
                List.of("x".repeat(101)))))).contains("100 characters"));
        assertTrue(McpHttp.text(err(c.call("tags_list", Map.of("entity_type", "leads", "limit", 300))))
                .contains("limit"));
        String kind = McpHttp.text(err(c.call("tags_list", Map.of("entity_type", "deals"))));
        assertTrue(kind.contains("entity_type") && kind.contains("companies"), kind);
    }

    @Test
    void accountUsersAndLossReasonsAreReadable() throws Exception {
        String tenant = server.newTenant("e-").id();
        McpHttp r = server.mcp(tenant, "kommo.reader");
        JsonNode account = ok(r.call("account_get", Map.of())).path("account");
        assertEquals("EUR", account.path("currency").asString());
        assertEquals(List.of("Follow-up", "Meeting"), strings(account.path("task_types"), "name"));
        JsonNode users = ok(r.call("users_list", Map.of())).path("users");
        assertEquals(List.of("Anna Admin", "Boris Sales", "Clara Sales"), strings(users, "name"));
        assertTrue(users.get(0).path("admin").asBoolean());
        assertEquals("M", users.get(1).path("rights").path("leads").path("delete").asString());
        assertEquals("A", users.get(0).path("rights").path("leads").path("delete").asString());
        assertEquals(List.of("Too expensive", "Chose a competitor", "No budget this year"),
                strings(ok(r.call("loss_reasons_list", Map.of())).path("loss_reasons"), "name"));
        assertTrue(McpHttp.text(err(r.call("users_list", Map.of("limit", 500)))).contains("limit"));
    }

    @Test
    void eventsShowAnEntitysHistoryWithNamesAndFilter() throws Exception {
        String tenant = server.newTenant("e-").id();
        McpHttp c = server.mcp(tenant, "kommo.writer");
        long leadId = ok(c.call("leads_create", Map.of("name", "Eventful"))).path("lead_id").asLong();
        ok(c.call("advance_sales_stage", Map.of("lead_id", leadId)));
        ok(c.call("assign_lead", Map.of("lead_id", leadId, "user", "Clara Sales")));
        ok(c.call("tags_add", Map.of("entity_type", "leads", "entity_id", leadId, "tags", List.of("hot"))));
        ok(c.call("set_lead_fields", Map.of("lead_id", leadId, "values", Map.of("Seats", 12))));
        ok(c.call("notes_add", Map.of("entity_type", "leads", "entity_id", leadId, "text", "Called")));

        JsonNode history = ok(c.call("events_list", Map.of("entity_type", "leads", "entity_ids", List.of(leadId))))
                .path("events");
        List<String> types = strings(history, "type");
        assertEquals(List.of("common_note_added", "custom_field_value_changed", "entity_tag_added",
                "entity_responsible_changed", "lead_status_changed", "lead_added"), types, "newest first");
        assertEquals("\"Initial contact\" (Sales pipeline) → \"Qualification\" (Sales pipeline)",
                history.get(4).path("change").asString());
        assertTrue(history.get(3).path("change").asString().endsWith("→ Clara Sales"), history.get(3).toString());
        assertEquals("Seats = 12", history.get(1).path("change").asString());
        assertEquals("tag hot", history.get(2).path("change").asString());

        JsonNode moves = ok(c.call("events_list", Map.of("entity_type", "leads", "entity_ids", List.of(leadId),
                "types", List.of("lead_status_changed")))).path("events");
        assertEquals(1, moves.size());
        assertTrue(ok(c.call("events_list", Map.of("types", List.of("lead_added"), "from",
                java.time.LocalDate.now().toString(), "limit", 100))).path("events").size() >= 1);

        assertTrue(McpHttp.text(err(c.call("events_list", Map.of("entity_ids", List.of(leadId)))))
                .contains("needs entity_type"));
        String badType = McpHttp.text(err(c.call("events_list", Map.of("types", List.of("lead_moved")))));
        assertTrue(badType.contains("lead_status_changed"), badType);
        assertTrue(McpHttp.text(err(c.call("events_list", Map.of("from", "2026-12-01", "to", "2026-11-01"))))
                .contains("after"));
        assertTrue(McpHttp.text(err(c.call("events_list", Map.of("limit", 250)))).contains("limit"));
    }

    @Test
    void catalogElementsAreManagedAndProductsPutOnLeadsWithQuantities() throws Exception {
        String tenant = server.newTenant("e-").id();
        McpHttp c = server.mcp(tenant, "kommo.writer");
        JsonNode catalog = ok(c.call("catalogs_list", Map.of())).path("catalogs").get(0);
        assertEquals("products", catalog.path("type").asString());
        long catalogId = catalog.path("id").asLong();
        JsonNode found = ok(c.call("catalog_elements_list", Map.of("catalog_id", catalogId, "text", "sol-400")))
                .path("elements");
        assertEquals(1, found.size());
        assertEquals("Solar panel 400 W", found.get(0).path("name").asString());
        assertEquals("210", found.get(0).path("price").asString());

        long elementId = ok(c.call("catalog_elements_create", Map.of("catalog_id", catalogId, "name",
                "Battery 10 kWh", "sku", "BAT-10", "price", 4999.50))).path("element_id").asLong();
        ok(c.call("catalog_elements_update", Map.of("catalog_id", catalogId, "element_id", elementId,
                "price", 4500, "description", "Wall-mounted")));
        JsonNode element = ok(c.call("catalog_elements_get", Map.of("catalog_id", catalogId, "element_id",
                elementId)));
        assertEquals("4500", element.path("price").asString());
        assertEquals("BAT-10", element.path("sku").asString(), "fields not passed stay");
        String[] change = lastChange(tenant, "catalog_elements_update");
        assertTrue(change[0].contains("4999.5") && change[1].contains("4500"), change[0] + " -> " + change[1]);

        long leadId = ok(c.call("leads_create", Map.of("name", "Home storage"))).path("lead_id").asLong();
        JsonNode added = ok(c.call("leads_add_product", Map.of("lead_id", leadId, "catalog_id", catalogId,
                "element_id", elementId, "quantity", 2)));
        assertEquals(5, kommoCalls(tenant, "leads_add_product"),
                "the element, the lead's products, the link; then products and elements for the answer");
        assertEquals(2, added.path("products").get(0).path("quantity").asLong());
        JsonNode again = ok(c.call("leads_add_product", Map.of("lead_id", leadId, "catalog_id", catalogId,
                "element_id", elementId, "quantity", 3)));
        assertEquals(1, again.path("products").size(), "a product already on the lead is not added twice");
        assertEquals(3, again.path("products").get(0).path("quantity").asLong());
        assertTrue(again.path("note").asString().contains("from 2 to 3"), again.toString());
        JsonNode products = ok(c.call("leads_products", Map.of("lead_id", leadId))).path("products");
        assertEquals("Battery 10 kWh", products.get(0).path("name").asString());
        assertEquals("4500", products.get(0).path("price").asString());

        assertTrue(McpHttp.text(err(c.call("leads_products", Map.of("lead_id", 0)))).contains("lead_id"));
        assertTrue(McpHttp.text(err(c.call("catalog_elements_list", Map.of("catalog_id", catalogId, "limit", 0))))
                .contains("limit"));
        ok(c.call("leads_remove_product", Map.of("lead_id", leadId, "element_id", elementId)));
        assertEquals(0, ok(c.call("leads_products", Map.of("lead_id", leadId))).path("products").size());
        assertTrue(McpHttp.text(err(c.call("leads_remove_product", Map.of("lead_id", leadId, "element_id",
                elementId)))).contains("has no product"));
        assertTrue(McpHttp.text(err(c.call("leads_add_product", Map.of("lead_id", leadId, "catalog_id", catalogId,
                "element_id", 999_999_999L)))).contains("has no element"));
        assertTrue(McpHttp.text(err(c.call("catalog_elements_create", Map.of("catalog_id", catalogId, "name", "X",
                "price", -1)))).contains("0 or more"));
        assertTrue(McpHttp.text(err(c.call("catalog_elements_update", Map.of("catalog_id", catalogId,
                "element_id", elementId)))).contains("Nothing to change"));
    }

    @Test
    void aLargeResultIsCutToTheSizeBudgetAndSaysHowToGetTheRest() throws Exception {
        ItServer.Tenant t = server.newTenant("e-");
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < 250; i++) { // straight into the sandbox account: 250 leads with long names
            body.append(i == 0 ? "" : ",").append("{\"name\":\"Budget ").append(i).append(' ')
                    .append("x".repeat(200)).append("\"}");
        }
        HttpResponse<String> made = McpHttp.HTTP.send(HttpRequest.newBuilder(URI.create(t.kommoBaseUrl()
                + "/api/v4/leads")).header("Authorization", "Bearer " + t.kommoToken())
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body + "]"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, made.statusCode(), made.body());

        JsonNode result = server.mcp(t.id(), "kommo.reader").call("leads_search", Map.of("text", "Budget",
                "limit", 250));
        JsonNode page = ok(result);
        int kept = page.path("leads").size();
        assertTrue(kept > 0 && kept < 250, "cut: " + kept);
        assertTrue(page.toString().length() <= 50_000, "within the default budget of 50,000 characters");
        assertTrue(page.path("truncated").asString().contains("first " + kept + " of 250 leads"), page.toString());
        assertTrue(page.path("has_more").asBoolean());
        assertTrue(McpHttp.text(result).contains("limit=" + kept), "the text says how to get the rest too");
        JsonNode smaller = ok(server.mcp(t.id(), "kommo.reader").call("leads_search", Map.of("text", "Budget",
                "limit", kept, "page", 2)));
        assertEquals(kept, smaller.path("leads").size());
        assertTrue(smaller.path("truncated").isMissingNode(), "a page of that size fits");
    }

    @Test
    void withTheSchemaCachedATypicalReadIsOneKommoCall() throws Exception {
        String tenant = server.newTenant("e-").id();
        McpHttp c = server.mcp(tenant, "kommo.writer");
        ok(c.call("pipelines_list", Map.of())); // reads Kommo and fills the tenant's cache
        assertEquals(1, kommoCalls(tenant, "pipelines_list"));
        long leadId = ok(c.call("leads_create", Map.of("name", "Cached"))).path("lead_id").asLong();
        ok(c.call("leads_search", Map.of("text", "Cached")));
        assertEquals(1, kommoCalls(tenant, "leads_search"), "the leads; stage names from the cache");
        JsonNode lead = ok(c.call("leads_get", Map.of("lead_id", leadId)));
        assertEquals("Initial contact", lead.path("stage").path("stage_name").asString());
        assertEquals(1, kommoCalls(tenant, "leads_get"), "the lead (it has no contacts to read)");
        ok(c.call("leads_move", Map.of("lead_id", leadId, "stage_id", lead.path("stage").path("stage_id").asLong())));
        assertEquals(2, kommoCalls(tenant, "leads_move"), "the lead and the update");
    }

    private static JsonNode byName(JsonNode array, String name) {
        for (JsonNode n : array) {
            if (n.path("name").asString().equals(name)) {
                return n;
            }
        }
        throw new AssertionError("no " + name + " in " + array);
    }

    private static long stageId(McpHttp c, String pipeline, String stage) throws Exception {
        for (JsonNode p : ok(c.call("pipelines_list", Map.of())).path("pipelines")) {
            if (p.path("name").asString().equals(pipeline)) {
                return byName(p.path("stages"), stage).path("id").asLong();
            }
        }
        throw new AssertionError("no pipeline " + pipeline);
    }

    private static Map<String, Object> withMain(Map<String, Object> pair) {
        Map<String, Object> m = new java.util.LinkedHashMap<>(pair);
        m.put("main_contact", true);
        return m;
    }

    private static JsonNode field(JsonNode entity, String code) {
        for (JsonNode f : entity.path("custom_fields")) {
            if (code.equals(f.path("field_code").asString())) {
                return f;
            }
        }
        throw new AssertionError("no field " + code + " in " + entity);
    }

    private static List<Long> ids(JsonNode array) {
        List<Long> out = new ArrayList<>();
        array.forEach(n -> out.add(n.path("id").asLong()));
        return out;
    }

    private static List<String> strings(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.path(field).asString()));
        return out;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asString()));
        return out;
    }

    private static long total(McpHttp c) throws Exception {
        return ok(c.call("contacts_search", Map.of("limit", 250))).path("contacts").size();
    }
}
