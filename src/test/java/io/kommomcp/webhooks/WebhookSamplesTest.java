package io.kommomcp.webhooks;

import static io.kommomcp.webhooks.WebhookForms.account;
import static io.kommomcp.webhooks.WebhookForms.form;
import static io.kommomcp.webhooks.WebhookForms.map;
import static io.kommomcp.webhooks.WebhookForms.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.kommomcp.webhooks.WebhookEvent.Action;
import io.kommomcp.webhooks.WebhookEvent.Entity;
import io.kommomcp.webhooks.WebhookEvent.Ref;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every decoded webhook example of Kommo's docs ({@code kommo-samples/webhook_*}, copies of shared/kommo/samples),
 * posted again as the form body Kommo sends, read to the exact event expected.
 */
class WebhookSamplesTest {

    private static final String CONTACTS_ADD = "webhook_contacts_add_decoded__kommo_docs.json";
    private static final String LEADS_NOTE = "webhook_leads_note_decoded__kommo_docs.json";
    private static final String LEADS_STATUS = "webhook_leads_status_decoded__kommo_docs.json";
    private static final String TASK_UPDATE = "webhook_task_update_result_decoded__kommo_docs.json";
    private static final String UNSORTED_ACCEPT = "webhook_unsorted_delete_accept_decoded__kommo_docs.json";

    private final KommoWebhookParser parser = new KommoWebhookParser();

    private WebhookEvent onlyEvent(JsonNode doc) throws MalformedWebhook {
        WebhookDelivery d = parser.parse(form(doc));
        assertNull(d.accountId(), "the docs' examples leave the account out");
        assertNull(d.subdomain());
        assertEquals(List.of(), d.ignored());
        assertEquals(1, d.events().size());
        return d.events().get(0);
    }

    @Test
    void everyWebhookSampleHasATestHere() throws IOException {
        Set<String> covered = Set.of(CONTACTS_ADD, LEADS_NOTE, LEADS_STATUS, TASK_UPDATE, UNSORTED_ACCEPT);
        Set<String> present;
        try (Stream<Path> files = Files.list(WebhookForms.SAMPLES)) {
            present = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("webhook_") && n.endsWith(".json"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(new TreeSet<>(covered), present);
        Set<String> shared;
        Path sharedSamples = Path.of("..", "shared", "kommo", "samples");
        if (Files.isDirectory(sharedSamples)) {
            try (Stream<Path> files = Files.list(sharedSamples)) {
                shared = files.map(p -> p.getFileName().toString())
                        .filter(n -> n.startsWith("webhook_") && n.endsWith(".json"))
                        .collect(Collectors.toCollection(TreeSet::new));
            }
            assertEquals(shared, present, "the copies under src/test/resources follow shared/kommo/samples");
        }
    }

    @Test
    void contactAddWithMultitextDateTextAndARadiobuttonGivenAsAnObject() throws Exception {
        WebhookEvent e = onlyEvent(sample(CONTACTS_ADD));
        WebhookEvent expected = new WebhookEvent(Entity.CONTACT, Action.ADD, 17611273L, map(
                "id", 17611273L,
                "name", "Contact Name",
                "responsible_user_id", 11087123L,
                "created_by", 11087123L,
                "updated_by", 11087123L,
                "account_id", 32720107L,
                "created_at", 1726573127L,
                "updated_at", 1726573127L,
                "custom_fields_values", List.of(
                        map("field_id", 771906L, "field_name", "Phone", "field_code", "PHONE",
                                "values", List.of(map("value", "1234567890", "enum_id", 552476L))),
                        map("field_id", 771908L, "field_name", "Email", "field_code", "EMAIL",
                                "values", List.of(map("value", "[email protected]", "enum_id", 552488L))),
                        map("field_id", 782386L, "field_name", "Birthday",
                                "values", List.of(map("value", "12.01.1980"))),
                        map("field_id", 791668L, "field_name", "Bio", "values", List.of(map("value", "Text"))),
                        map("field_id", 791730L, "field_name", "Any radiobutton",
                                "values", List.of(map("value", "2", "enum_id", 566642L))))),
                11087123L, Instant.ofEpochSecond(1726573127L), null, "contacts[add][0]");
        assertEquals(expected, e);
        assertTrue(!e.fields().containsKey("type") && !e.fields().containsKey("custom_fields")
                && !e.fields().containsKey("date_create") && !e.fields().containsKey("modified_user_id"),
                "legacy names are gone: " + e.fields().keySet());
    }

    @Test
    void aCompanyArrivesUnderContactsWithTypeCompany() throws Exception {
        JsonNode doc = sample(CONTACTS_ADD);
        ((ObjectNode) doc.get("contacts").get("add").get(0)).put("type", "company");
        WebhookEvent e = onlyEvent(doc);
        assertEquals(Entity.COMPANY, e.entity());
        assertEquals(Action.ADD, e.action());
        assertEquals(17611273L, e.id());
        assertEquals(onlyEvent(sample(CONTACTS_ADD)).fields(), e.fields(), "the same v4 fields");
    }

    @Test
    void leadNoteIsANoteOfItsLead() throws Exception {
        WebhookEvent e = onlyEvent(sample(LEADS_NOTE));
        WebhookEvent expected = new WebhookEvent(Entity.NOTE, Action.NOTE, 4600471L, map(
                "id", 4600471L,
                "params", map("text", "note text"),
                "attachement", "",
                "note_type", "common",
                "entity_type", "leads",
                "entity_id", 15320411L,
                "catalog_id", 0L,
                "group_id", 0L,
                "account_id", 32720107L,
                "metadata", map("event_source", map("id", 11087123L, "author_name", "Jean Pierre", "type", 1L)),
                "created_by", 11087123L,
                "updated_by", 11087123L,
                "responsible_user_id", 11087123L,
                "created_at", 1726580291L,
                "updated_at", 1726580329L),
                11087123L, Instant.ofEpochSecond(1726580329L), new Ref(Entity.LEAD, 15320411L), "leads[note][0]");
        assertEquals(expected, e);
    }

    @Test
    void leadStatusChangeWithOldStatusPriceAndCustomFields() throws Exception {
        WebhookEvent e = onlyEvent(sample(LEADS_STATUS));
        WebhookEvent expected = new WebhookEvent(Entity.LEAD, Action.STATUS, 15318175L, map(
                "id", 15318175L,
                "name", "",
                "status_id", 67548619L,
                "old_status_id", 67548607L,
                "price", 1000L,
                "responsible_user_id", 12345678L,
                "updated_by", 11087123L,
                "created_by", 11087123L,
                "created_at", 1726572752L,
                "updated_at", 1726572758L,
                "pipeline_id", 8572511L,
                "account_id", 12345678L,
                "custom_fields_values", List.of(
                        map("field_id", 1118164L, "field_name", "Benefit", "values", List.of(map("value", "1000"))),
                        map("field_id", 1246483L, "field_name", "Text", "values", List.of(map("value", "Text"))),
                        map("field_id", 1246485L, "field_name", "Numeric", "values", List.of(map("value", "123"))),
                        map("field_id", 1246489L, "field_name", "Select",
                                "values", List.of(map("value", "2", "enum_id", 908107L))),
                        map("field_id", 1246491L, "field_name", "Date",
                                "values", List.of(map("value", 1725915600L))))),
                11087123L, Instant.ofEpochSecond(1726572758L), null, "leads[status][0]");
        assertEquals(expected, e);
    }

    @Test
    void completedTaskWithResultOnACompany() throws Exception {
        WebhookEvent e = onlyEvent(sample(TASK_UPDATE));
        WebhookEvent expected = new WebhookEvent(Entity.TASK, Action.UPDATE, 1564835L, map(
                "id", 1564835L,
                "entity_id", 17612485L,
                "entity_type", "companies",
                "task_type_id", 2L,
                "text", "test",
                "is_completed", true,
                "account_id", 32720107L,
                "created_by", 0L,
                "responsible_user_id", 11087123L,
                "complete_till", 1726579137L,
                "action_close", "0",
                "result", map("id", 4600307L, "text", "client responded"),
                "created_at", 1726579138L,
                "updated_at", 1726579758L),
                null, Instant.ofEpochSecond(1726579758L), new Ref(Entity.COMPANY, 17612485L), "task[update][0]");
        assertEquals(expected, e);
    }

    @Test
    void incomingLeadAcceptedIsAnUnsortedDeleteWithActionAccept() throws Exception {
        WebhookEvent e = onlyEvent(sample(UNSORTED_ACCEPT));
        WebhookEvent expected = new WebhookEvent(Entity.UNSORTED, Action.ACCEPT, null, map(
                "uid", "f575b754b0d1eb1c380e53d6821ffd2820a6dfbe3822de0cfddaf266980f",
                "accept_result", map("leads", List.of(15258873L)),
                "category", "mail",
                "created_at", 1726392264L,
                "updated_by", 11087123L),
                11087123L, Instant.ofEpochSecond(1726392264L), null, "unsorted[delete][0]");
        assertEquals(expected, e);
        assertEquals("f575b754b0d1eb1c380e53d6821ffd2820a6dfbe3822de0cfddaf266980f", e.stringField("uid"));
    }

    @Test
    void incomingLeadDeclined() throws Exception {
        JsonNode doc = sample(UNSORTED_ACCEPT);
        ObjectNode item = (ObjectNode) doc.get("unsorted").get("delete").get(0);
        item.put("action", "decline");
        item.set("decline_result", item.remove("accept_result"));
        WebhookEvent e = onlyEvent(doc);
        assertEquals(Action.DECLINE, e.action());
        assertEquals(map("leads", List.of(15258873L)), e.fields().get("decline_result"));
        assertTrue(!e.fields().containsKey("action"));
    }

    @Test
    void everySampleReadsTheSameWithTheAccountAddedAndWithLiteralBrackets() throws Exception {
        for (String name : List.of(CONTACTS_ADD, LEADS_NOTE, LEADS_STATUS, TASK_UPDATE, UNSORTED_ACCEPT)) {
            JsonNode doc = sample(name);
            WebhookEvent bare = onlyEvent(doc);
            WebhookDelivery withAccount = parser.parse(form(doc) + "&" + account(32720107L, "example"));
            assertEquals(32720107L, withAccount.accountId(), name);
            assertEquals("example", withAccount.subdomain(), name);
            assertEquals(List.of(bare), withAccount.events(), name);
            assertEquals(List.of(), withAccount.ignored(), name + ": account[_links] is not an event group");
            WebhookDelivery literal = parser.parse(account(32720107L, "example") + "&" + form(doc, false));
            assertEquals(withAccount, literal, name);
        }
    }
}
