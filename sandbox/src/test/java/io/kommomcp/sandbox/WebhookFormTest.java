package io.kommomcp.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/**
 * The webhook bodies the sandbox sends, held against the decoded examples of Kommo's docs (test resources
 * kommo-samples/webhook_*_decoded__kommo_docs.json): the same keys in the same order (plus {@code account[...]}, which
 * the decoded examples leave out), every value a string, and the values the example's data gives.
 */
class WebhookFormTest {

    private static final List<String> ACCOUNT_KEYS = List.of("account[subdomain]", "account[id]",
            "account[_links][self]");

    private final TestAccount t = new TestAccount();

    /** The sample flattened to PHP bracket keys, in order: {@code leads[status][0][id]} → "15318175". */
    static Map<String, String> sample(String name) throws IOException {
        try (InputStream in = WebhookFormTest.class.getResourceAsStream("/kommo-samples/" + name)) {
            Map<String, String> out = new LinkedHashMap<>();
            flatten(Problems.JSON.readTree(in), "", out);
            return out;
        }
    }

    private static void flatten(JsonNode n, String key, Map<String, String> out) {
        if (n.isContainer()) {
            if (n.isArray()) {
                for (int i = 0; i < n.size(); i++) {
                    flatten(n.get(i), key + "[" + i + "]", out);
                }
            } else {
                n.properties().forEach(e -> flatten(e.getValue(), key.isEmpty() ? e.getKey()
                        : key + "[" + e.getKey() + "]", out));
            }
            return;
        }
        assertTrue(n.isString(), key + ": the samples' values are all strings");
        out.put(key, n.asString());
    }

    /** A form body as the pairs PHP would read, in order. */
    static Map<String, String> decode(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    /** Subscribes a destination nobody listens on: the body is in the deliveries log at once. */
    private void subscribe(String... settings) {
        t.account.outbox.retryDelays(List.of());
        StringBuilder sb = new StringBuilder("{\"destination\":\"http://127.0.0.1:9/never\",\"settings\":[");
        for (int i = 0; i < settings.length; i++) {
            sb.append(i > 0 ? "," : "").append('"').append(settings[i]).append('"');
        }
        t.expect(200, "POST", "webhooks", sb.append("]}").toString());
    }

    /** The body of the last delivery of {@code event}. */
    private Map<String, String> sent(String event) {
        JsonNode last = null;
        for (JsonNode d : t.account.outbox.deliveries().path("deliveries")) {
            if (d.path("event").asString().equals(event)) {
                last = d;
            }
        }
        assertTrue(last != null, "no " + event + " delivery");
        return decode(last.path("body").asString());
    }

    private static void sameKeys(Map<String, String> sample, Map<String, String> sent) {
        List<String> expected = new ArrayList<>(sample.keySet());
        expected.addAll(ACCOUNT_KEYS);
        assertEquals(expected, new ArrayList<>(sent.keySet()));
    }

    private long newId(JsonNode addAnswer, String key) {
        return addAnswer.path("_embedded").path(key).get(0).path("id").asLong();
    }

    @Test
    void aLeadsStageChangeIsSentAsTheStatusExample() throws IOException {
        long benefit = t.account.fields.add("leads", "Benefit", "text", null, List.of(), false).get("id").asLong();
        long text = t.account.fields.add("leads", "Text", "text", null, List.of(), false).get("id").asLong();
        long numeric = t.account.fields.add("leads", "Numeric", "numeric", null, List.of(), false).get("id")
                .asLong();
        long select = t.account.fields.add("leads", "Select", "select", null, List.of("1", "2"), false).get("id")
                .asLong();
        long date = t.account.fields.add("leads", "Date", "date", null, List.of(), false).get("id").asLong();
        long sales = t.pipeline(0);
        long lead = newId(t.expect(200, "POST", "leads", "[{\"name\":\"\",\"price\":1000,\"pipeline_id\":" + sales
                + ",\"custom_fields_values\":[{\"field_id\":" + benefit + ",\"values\":[{\"value\":\"1000\"}]},"
                + "{\"field_id\":" + text + ",\"values\":[{\"value\":\"Text\"}]},{\"field_id\":" + numeric
                + ",\"values\":[{\"value\":123}]},{\"field_id\":" + select + ",\"values\":[{\"value\":\"2\"}]},"
                + "{\"field_id\":" + date + ",\"values\":[{\"value\":1725915600}]}]}]"), "leads");
        subscribe("status_lead");
        long from = t.stage(sales, "Initial contact");
        long to = t.stage(sales, "Qualification");
        t.expect(200, "PATCH", "leads/" + lead, "{\"status_id\":" + to + "}");

        Map<String, String> sample = sample("webhook_leads_status_decoded__kommo_docs.json");
        Map<String, String> sent = sent("status_lead");
        sameKeys(sample, sent);
        String p = "leads[status][0]";
        assertEquals(String.valueOf(lead), sent.get(p + "[id]"));
        assertEquals("", sent.get(p + "[name]"));
        assertEquals(String.valueOf(to), sent.get(p + "[status_id]"));
        assertEquals(String.valueOf(from), sent.get(p + "[old_status_id]"));
        assertEquals(String.valueOf(sales), sent.get(p + "[pipeline_id]"));
        for (String key : List.of("[price]", "[custom_fields][0][name]", "[custom_fields][0][values][0][value]",
                "[custom_fields][1][values][0][value]", "[custom_fields][2][values][0][value]",
                "[custom_fields][3][values][0][value]", "[custom_fields][4][values][0]")) {
            assertEquals(sample.get(p + key), sent.get(p + key), key);
        }
        long option = t.account.fields.get("leads", select).get("enums").get(1).get("id").asLong();
        assertEquals(String.valueOf(option), sent.get(p + "[custom_fields][3][values][0][enum]"));
        assertEquals(String.valueOf(t.account.users.current()), sent.get(p + "[modified_user_id]"));
        assertEquals(t.account.subdomain, sent.get("account[subdomain]"));
        assertEquals(String.valueOf(t.account.accountId), sent.get("account[id]"));
        assertEquals(String.valueOf(t.account.accountId), sent.get(p + "[account_id]"));
        assertEquals(sent.get(p + "[updated_at]"), sent.get(p + "[last_modified]"));
        assertEquals(sent.get(p + "[created_at]"), sent.get(p + "[date_create]"));
    }

    @Test
    void aMoveToAnotherPipelineAlsoSaysTheOldPipelineAndTagsAreSent() {
        long lead = newId(t.expect(200, "POST", "leads", "[{\"name\":\"Mover\",\"_embedded\":{\"tags\":"
                + "[{\"name\":\"vip\"}]}}]"), "leads");
        subscribe("status_lead", "update_lead", "responsible_lead");
        long partners = t.pipeline(1);
        long boris = t.account.users.all().get(1).get("id").asLong();
        t.expect(200, "PATCH", "leads/" + lead, "{\"pipeline_id\":" + partners + ",\"status_id\":"
                + t.stage(partners, "Due diligence") + ",\"responsible_user_id\":" + boris + "}");
        Map<String, String> status = sent("status_lead");
        assertEquals(String.valueOf(t.pipeline(0)), status.get("leads[status][0][old_pipeline_id]"));
        assertEquals("vip", status.get("leads[status][0][tags][0][name]"));
        assertEquals(String.valueOf(boris), sent("responsible_lead").get("leads[responsible][0][responsible_user_id]"));
        Map<String, String> update = sent("update_lead");
        assertFalse(update.containsKey("leads[update][0][old_status_id]"));
        assertEquals("Mover", update.get("leads[update][0][name]"));
    }

    @Test
    void aNewContactIsSentAsTheContactExampleAndACompanyUnderContactsWithItsType() throws IOException {
        long birthday = t.account.fields.add("contacts", "Birthday", "birthday", null, List.of(), false).get("id")
                .asLong();
        long bio = t.account.fields.add("contacts", "Bio", "textarea", null, List.of(), false).get("id").asLong();
        long radio = t.account.fields.add("contacts", "Any radiobutton", "radiobutton", null, List.of("1", "2"),
                false).get("id").asLong();
        long born = LocalDate.of(1980, 1, 12).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        subscribe("add_contact", "add_company");
        long contact = newId(t.expect(200, "POST", "contacts", "[{\"name\":\"Contact Name\",\"custom_fields_values\":"
                + "[{\"field_code\":\"PHONE\",\"values\":[{\"value\":\"1234567890\",\"enum_code\":\"WORK\"}]},"
                + "{\"field_code\":\"EMAIL\",\"values\":[{\"value\":\"[email protected]\",\"enum_code\":\"WORK\"}]},"
                + "{\"field_id\":" + birthday + ",\"values\":[{\"value\":" + born + "}]},"
                + "{\"field_id\":" + bio + ",\"values\":[{\"value\":\"Text\"}]},"
                + "{\"field_id\":" + radio + ",\"values\":[{\"value\":\"2\"}]}]}]"), "contacts");

        Map<String, String> sample = sample("webhook_contacts_add_decoded__kommo_docs.json");
        Map<String, String> sent = sent("add_contact");
        sameKeys(sample, sent);
        String p = "contacts[add][0]";
        assertEquals(String.valueOf(contact), sent.get(p + "[id]"));
        for (String key : List.of("[name]", "[custom_fields][0][name]", "[custom_fields][0][values][0][value]",
                "[custom_fields][0][code]", "[custom_fields][1][values][0][value]", "[custom_fields][1][code]",
                "[custom_fields][2][values][0][value]", "[custom_fields][3][values][0][value]",
                "[custom_fields][4][values][value]", "[type]")) {
            assertEquals(sample.get(p + key), sent.get(p + key), key);
        }
        long work = t.account.fields.byCode("contacts", "PHONE").get("enums").get(0).get("id").asLong();
        assertEquals(String.valueOf(work), sent.get(p + "[custom_fields][0][values][0][enum]"));

        long company = newId(t.expect(200, "POST", "companies", "[{\"name\":\"Acme\"}]"), "companies");
        Map<String, String> co = sent("add_company");
        assertEquals(String.valueOf(company), co.get(p + "[id]"));
        assertEquals("company", co.get(p + "[type]"));
    }

    @Test
    void aNoteIsSentAsTheNoteExample() throws IOException {
        long lead = t.account.leads.ids().get(0);
        subscribe("note_lead", "note_company");
        long note = newId(t.expect(200, "POST", "leads/" + lead + "/notes", "[{\"note_type\":\"common\",\"params\":"
                + "{\"text\":\"note text\"}}]"), "notes");
        Map<String, String> sample = sample("webhook_leads_note_decoded__kommo_docs.json");
        Map<String, String> sent = sent("note_lead");
        sameKeys(sample, sent);
        String p = "leads[note][0][note]";
        for (String key : List.of("[text]", "[attachement]", "[note_type]", "[element_type]", "[catalog_id]",
                "[group_id]")) {
            assertEquals(sample.get(p + key), sent.get(p + key), key);
        }
        assertEquals(String.valueOf(note), sent.get(p + "[id]"));
        assertEquals(String.valueOf(lead), sent.get(p + "[element_id]"));
        assertTrue(sent.get(p + "[date_create]").matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d"));
        JsonNode source = Problems.JSON.readTree(sent.get(p + "[metadata]")).path("event_source");
        assertEquals(t.account.users.current(), source.path("id").asLong());
        assertEquals("Anna Admin", source.path("author_name").asString());

        long company = t.account.companies.ids().get(0);
        t.expect(200, "POST", "companies/" + company + "/notes", "[{\"note_type\":\"common\",\"params\":"
                + "{\"text\":\"on a company\"}}]");
        Map<String, String> onCompany = sent("note_company");
        assertEquals("3", onCompany.get("contacts[note][0][note][element_type]"));
        assertEquals(String.valueOf(company), onCompany.get("contacts[note][0][note][element_id]"));
    }

    @Test
    void aTaskCompletedWithAResultIsSentAsTheTaskExample() throws IOException {
        long company = t.account.companies.ids().get(0);
        long task = newId(t.expect(200, "POST", "tasks", "[{\"text\":\"test\",\"complete_till\":1726579137,"
                + "\"task_type_id\":2,\"entity_type\":\"companies\",\"entity_id\":" + company + "}]"), "tasks");
        subscribe("update_task");
        t.expect(200, "PATCH", "tasks/" + task, "{\"is_completed\":true,\"result\":{\"text\":\"client responded\"}}");
        Map<String, String> sample = sample("webhook_task_update_result_decoded__kommo_docs.json");
        Map<String, String> sent = sent("update_task");
        sameKeys(sample, sent);
        String p = "task[update][0]";
        for (String key : List.of("[element_type]", "[task_type]", "[text]", "[status]", "[complete_till]",
                "[action_close]", "[result][text]", "[complete_before]")) {
            assertEquals(sample.get(p + key), sent.get(p + key), key);
        }
        assertEquals(String.valueOf(company), sent.get(p + "[element_id]"));
        assertTrue(sent.get(p + "[result][id]").matches("\\d+"));
        JsonNode shown = t.expect(200, "GET", "tasks/" + task, null);
        assertEquals(1, shown.path("result").size(), "the task shows its result as {text}");
    }
}
