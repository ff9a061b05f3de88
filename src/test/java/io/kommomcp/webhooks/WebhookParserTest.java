package io.kommomcp.webhooks;

import static io.kommomcp.webhooks.WebhookForms.account;
import static io.kommomcp.webhooks.WebhookForms.form;
import static io.kommomcp.webhooks.WebhookForms.map;
import static io.kommomcp.webhooks.WebhookForms.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.kommomcp.webhooks.WebhookEvent.Action;
import io.kommomcp.webhooks.WebhookEvent.Entity;
import io.kommomcp.webhooks.WebhookEvent.Ref;

class WebhookParserTest {

    private static final String ACCOUNT = account(29999999L, "acme");

    private final KommoWebhookParser parser = new KommoWebhookParser();

    private String refused(String body) {
        return assertThrows(MalformedWebhook.class, () -> parser.parse(body)).getMessage();
    }

    // ---- bodies that are not Kommo webhooks

    @Test
    void emptyBodies() {
        assertEquals("empty body", refused(""));
        assertEquals("empty body", refused(" \r\n"));
        assertEquals("empty body", refused(null));
    }

    @Test
    void jsonInsteadOfAForm() throws Exception {
        String json = "{\"leads\":{\"status\":[{\"id\":\"1\"}]}}";
        assertEquals("a JSON body; Kommo sends webhooks as application/x-www-form-urlencoded", refused(json));
        assertEquals("a JSON body; Kommo sends webhooks as application/x-www-form-urlencoded",
                refused("\n [" + json + "]"));
    }

    @Test
    void truncatedEscapes() throws Exception {
        String body = form(sample("webhook_leads_status_decoded__kommo_docs.json"));
        assertEquals("truncated percent escape at offset " + (body.length() + 1), refused(body + "&%"));
        assertEquals("truncated percent escape at offset 24", refused("leads%5Bstatus%5D%5B0%5D%5Bid%5D=1"
                .substring(0, 25)));
        assertEquals("bad percent escape at offset 3", refused("a=1%G0&account%5Bid%5D=1"));
        assertTrue(refused("leads%5Badd%5D%5B0%5D%5Bname%5D=%C3%28").startsWith(
                "percent-escaped bytes that are not UTF-8"));
    }

    @Test
    void twentyThousandPairs() {
        StringBuilder b = new StringBuilder(ACCOUNT);
        for (int i = 0; i < 20_000; i++) {
            b.append("&leads%5Badd%5D%5B").append(i).append("%5D%5Bid%5D=").append(i + 1);
        }
        assertEquals("more than 10000 pairs", refused(b.toString()));
    }

    @Test
    void keyFiftyLevelsDeep() {
        String key = "leads[add][0]" + "[x]".repeat(47);
        assertEquals("key nested deeper than 10 levels: '" + key.substring(0, 60) + "…'", refused(key + "=1"));
    }

    @Test
    void smallerLimitsThroughTheConstructor() throws Exception {
        KommoWebhookParser strict = new KommoWebhookParser(new FormTree(5, 3, 200));
        assertEquals("more than 5 pairs", assertThrows(MalformedWebhook.class,
                () -> strict.parse(ACCOUNT + "&leads[add][0][id]=1&leads[add][0][name]=a&leads[add][0][price]=1"))
                .getMessage());
        assertEquals(1, strict.parse("account[id]=1&leads[add][0][id]=1").events().size());
    }

    @Test
    void noAccountAndNoEventGroup() {
        assertEquals("no account and no event this server reads (2 ignored): not a Kommo webhook",
                refused("foo=bar&baz[qux]=1"));
        assertEquals("no account and no event this server reads (1 ignored): not a Kommo webhook",
                refused("leads%5Badd%5D%5B0%5D%5Bname%5D=no+id"));
        assertEquals("no account and no event group: not a Kommo webhook", refused("&&&"));
        assertEquals("an account but no event group: not a Kommo webhook", refused(ACCOUNT));
    }

    @Test
    void anAccountThatIsNotOne() {
        assertEquals("account is not a group (account[id], account[subdomain])",
                refused("account=1&leads[add][0][id]=1"));
        assertEquals("account[id] is not a positive number", refused("account[id]=x&leads[add][0][id]=1"));
        assertEquals("account[id] is not a positive number", refused("account[id]=0&leads[add][0][id]=1"));
        assertEquals("account[id] is not a positive number", refused("account[id][]=1&leads[add][0][id]=1"));
        assertEquals("account[subdomain] is not a subdomain",
                refused("account[subdomain]=evil.example/x&leads[add][0][id]=1"));
        assertEquals("account[subdomain] is not a subdomain", refused("account[subdomain]=&leads[add][0][id]=1"));
    }

    // ---- deliveries

    @Test
    void twoEventsOfDifferentGroupsAndTheGroupsThisServerDoesNotRead() throws Exception {
        WebhookDelivery d = parser.parse(ACCOUNT
                + "&leads%5Bstatus%5D%5B0%5D%5Bid%5D=11&leads%5Bstatus%5D%5B0%5D%5Bstatus_id%5D=142"
                + "&leads%5Bstatus%5D%5B0%5D%5Bold_status_id%5D=7&leads%5Bstatus%5D%5B0%5D%5Bold_pipeline_id%5D=3"
                + "&talk%5Badd%5D%5B0%5D%5Btalk_id%5D=5&message%5Badd%5D%5B0%5D%5Bid%5D=abc"
                + "&contacts%5Bresponsible%5D%5B0%5D%5Bid%5D=22&contacts%5Bresponsible%5D%5B0%5D%5Btype%5D=company"
                + "&contacts%5Bresponsible%5D%5B0%5D%5Bresponsible_user_id%5D=5&catalogs%5Badd%5D%5B0%5D%5Bid%5D=1");
        assertEquals(29999999L, d.accountId());
        assertEquals("acme", d.subdomain());
        assertEquals(List.of(
                new WebhookEvent(Entity.LEAD, Action.STATUS, 11L,
                        map("id", 11L, "status_id", 142L, "old_status_id", 7L, "old_pipeline_id", 3L), null, null,
                        null, "leads[status][0]"),
                new WebhookEvent(Entity.COMPANY, Action.RESPONSIBLE, 22L,
                        map("id", 22L, "responsible_user_id", 5L), null, null, null, "contacts[responsible][0]")),
                d.events());
        assertEquals(List.of("talk[add]", "message[add]", "catalogs[add]"), d.ignored());
    }

    @Test
    void onlyGroupsThisServerDoesNotReadIsADeliveryWithoutEvents() throws Exception {
        WebhookDelivery d = parser.parse(ACCOUNT + "&talk[update][0][talk_id]=5&customers[add][0][id]=1&x=1");
        assertEquals(List.of(), d.events());
        assertEquals(List.of("talk[update]", "customers[add]", "x"), d.ignored());
    }

    @Test
    void phpAppendsMakeItemsAndTags() throws Exception {
        WebhookDelivery d = parser.parse(ACCOUNT + "&leads[add][][id]=1&leads[add][][id]=2&leads[add][1][name]=B"
                + "&leads[add][1][tags][][id]=10&leads[add][1][tags][][name]=vip&leads[add][1][tags][1][id]=11"
                + "&leads[add][1][tags][][name]=new");
        assertEquals(2, d.events().size());
        assertEquals("leads[add][0]", d.events().get(0).key());
        assertEquals(1L, d.events().get(0).id());
        WebhookEvent second = d.events().get(1);
        assertEquals("leads[add][1]", second.key());
        assertEquals(map("id", 2L, "name", "B", "tags", List.of(map("id", 10L), map("name", "vip", "id", 11L),
                map("name", "new"))), second.fields());
    }

    @Test
    void sparseItemIndicesKeepTheirOrder() throws Exception {
        WebhookDelivery d = parser.parse(ACCOUNT + "&leads[update][7][id]=70&leads[update][2][id]=20");
        assertEquals(List.of(20L, 70L), d.events().stream().map(WebhookEvent::id).toList());
        assertEquals(List.of("leads[update][0]", "leads[update][1]"),
                d.events().stream().map(WebhookEvent::key).toList(), "keys count items, as the tree lists them");
    }

    @Test
    void itemsThatCannotBeReadAreIgnoredWithAReason() throws Exception {
        WebhookDelivery d = parser.parse(ACCOUNT + "&leads[add][0][name]=no+id&leads[add][1][id]=abc"
                + "&leads[add][2]=scalar&leads[add][3][id]=3&leads[merge][0][id]=4&contacts[add][0][id]=5"
                + "&contacts[add][0][type]=customer&unsorted[add][0][category]=forms&tasks=1&leads[update]=x");
        assertEquals(List.of(3L), d.events().stream().map(WebhookEvent::id).toList());
        assertEquals(List.of("leads[add][0]: no numeric id", "leads[add][1]: no numeric id",
                "leads[add][2]: not an object", "leads[merge]", "leads[update]: not a list of items",
                "contacts[add][0]: type is neither contact nor company", "unsorted[add][0]: no uid",
                "tasks: not a group of actions"), d.ignored());
    }

    @Test
    void ignoredKeysAreShortAndPrintable() throws Exception {
        WebhookDelivery d = parser.parse(ACCOUNT + "&" + "z".repeat(200) + "%07[a]=1");
        assertEquals(List.of("z".repeat(80) + "…"), d.ignored());
        d = parser.parse(ACCOUNT + "&t%07lk[add]=1");
        assertEquals(List.of("t?lk[add]"), d.ignored());
    }

    @Test
    void legacyDateTimeStringsWithoutAUnixTimeStayAsLocalStrings() throws Exception {
        WebhookEvent e = parser.parse(ACCOUNT + "&tasks[add][0][id]=1&tasks[add][0][date_create]=2024-09-17+13:18:58"
                + "&tasks[add][0][complete_till]=2024-09-17+13:18:57&tasks[add][0][status]=0"
                + "&tasks[add][0][element_type]=12&tasks[add][0][element_id]=9&tasks[add][0][duration]=600")
                .events().get(0);
        assertEquals(map("id", 1L, "created_at_local", "2024-09-17 13:18:58",
                "complete_till_local", "2024-09-17 13:18:57", "is_completed", false, "entity_type", "customers",
                "entity_id", 9L, "duration", 600L), e.fields());
        assertNull(e.at());
        assertEquals(new Ref(Entity.CUSTOMER, 9L), e.parent());
    }

    @Test
    void theV4SpellingWinsWhicheverComesFirst() throws Exception {
        WebhookEvent e = parser.parse(ACCOUNT + "&leads[update][0][last_modified]=100&leads[update][0][id]=1"
                + "&leads[update][0][updated_at]=200&leads[update][0][modified_user_id]=5"
                + "&leads[update][0][created_at]=50&leads[update][0][date_create]=40").events().get(0);
        assertEquals(200L, e.longField("updated_at"));
        assertEquals(50L, e.longField("created_at"));
        assertEquals(5L, e.modifiedBy());
        assertEquals(Instant.ofEpochSecond(200), e.at());
    }

    @Test
    void valuesThatAreNotNumbersStayStringsAndEmptyTypedValuesAreLeftOut() throws Exception {
        WebhookEvent e = parser.parse(ACCOUNT + "&leads[update][0][id]=1&leads[update][0][price]=12.50"
                + "&leads[update][0][status_id]=&leads[update][0][name]=&leads[update][0][pipeline_id]=99999999999999999999"
                + "&leads[update][0][updated_at]=-5").events().get(0);
        assertEquals(map("id", 1L, "price", "12.50", "name", "", "pipeline_id", "99999999999999999999",
                "updated_at_local", "-5"), e.fields());
        assertNull(e.at());
    }

    @Test
    void customFieldShapes() throws Exception {
        WebhookEvent e = parser.parse(ACCOUNT + "&contacts[update][0][id]=1"
                + "&contacts[update][0][custom_fields][0][id]=10&contacts[update][0][custom_fields][0][code]=PHONE"
                + "&contacts[update][0][custom_fields][0][values][0][value]=%2B1+555&contacts[update][0][custom_fields][0][values][0][enum]=WORK"
                + "&contacts[update][0][custom_fields][0][values][1][value]=%2B1+556&contacts[update][0][custom_fields][0][values][1][enum]=7"
                + "&contacts[update][0][custom_fields][1][id]=11&contacts[update][0][custom_fields][1][values]=single"
                + "&contacts[update][0][custom_fields][2][id]=12&contacts[update][0][custom_fields][2][values][0]=17"
                + "&contacts[update][0][custom_fields][2][values][1]=x"
                + "&contacts[update][0][custom_fields][3]=junk").events().get(0);
        assertEquals(List.of(
                map("field_id", 10L, "field_code", "PHONE", "values", List.of(
                        map("value", "+1 555", "enum_code", "WORK"), map("value", "+1 556", "enum_id", 7L))),
                map("field_id", 11L, "values", List.of(map("value", "single"))),
                map("field_id", 12L, "values", List.of(map("value", 17L), map("value", "x")))),
                e.fields().get("custom_fields_values"));
        assertEquals(Entity.CONTACT, e.entity(), "no type: a contact");
    }

    @Test
    void aContactNoteOnACompanyAndAFlatNote() throws Exception {
        WebhookDelivery d = parser.parse(ACCOUNT + "&contacts[note][0][note][id]=1&contacts[note][0][note][element_id]=5"
                + "&contacts[note][0][note][element_type]=3&contacts[note][0][note][note_type]=25"
                + "&contacts[note][1][id]=2&contacts[note][1][element_id]=6&contacts[note][1][note_type]=10"
                + "&contacts[note][1][metadata]=%7Bbroken");
        WebhookEvent onCompany = d.events().get(0);
        assertEquals(new Ref(Entity.COMPANY, 5L), onCompany.parent());
        assertEquals("25", onCompany.stringField("note_type"), "a code without a sure v4 name stays");
        WebhookEvent flat = d.events().get(1);
        assertEquals(Entity.NOTE, flat.entity());
        assertEquals(new Ref(Entity.CONTACT, 6L), flat.parent(), "no element_type: the group's entity");
        assertEquals("call_in", flat.stringField("note_type"));
        assertEquals("{broken", flat.stringField("metadata"), "metadata that is not JSON stays a string");
    }

    @Test
    void aNotesTextAndItsParamsAreKeptTogetherInEitherOrder() throws Exception {
        String note = ACCOUNT + "&leads[note][0][note][id]=1&leads[note][0][note][element_id]=5";
        for (String body : List.of(note + "&leads[note][0][note][params][phone]=123&leads[note][0][note][text]=hi",
                note + "&leads[note][0][note][text]=hi&leads[note][0][note][params][phone]=123")) {
            Map<?, ?> params = (Map<?, ?>) parser.parse(body).events().get(0).fields().get("params");
            assertEquals("hi", params.get("text"), body);
            assertEquals("123", params.get("phone"), body);
        }
    }

    @Test
    void metadataNestedBeyondJacksonsLimitStaysAString() throws Exception {
        String deep = "[".repeat(100_000);
        WebhookEvent e = parser.parse(ACCOUNT + "&leads[note][0][note][id]=1&leads[note][0][note][metadata]="
                + WebhookForms.enc(deep)).events().get(0);
        assertEquals(deep, e.stringField("metadata"));
    }

    @Test
    void unsortedDeleteWithoutAnOutcomeStaysADelete() throws Exception {
        WebhookEvent e = parser.parse(ACCOUNT + "&unsorted[delete][0][uid]=u1&unsorted[delete][0][action]=other")
                .events().get(0);
        assertEquals(Action.DELETE, e.action());
        assertEquals(map("uid", "u1", "action", "other"), e.fields());
        assertNull(e.id());
    }

    @Test
    void fieldsAreImmutable() throws Exception {
        WebhookEvent e = parser.parse(form(sample("webhook_leads_status_decoded__kommo_docs.json"))).events().get(0);
        assertThrows(UnsupportedOperationException.class, () -> e.fields().put("x", 1));
        List<?> cfs = (List<?>) e.fields().get("custom_fields_values");
        assertThrows(UnsupportedOperationException.class, () -> cfs.remove(0));
        Map<?, ?> cf = (Map<?, ?>) cfs.get(0);
        assertThrows(UnsupportedOperationException.class, cf::clear);
    }

    // ---- nothing but a delivery or MalformedWebhook, for any input

    @Test
    void fuzzedBodiesGiveADeliveryOrMalformedWebhookOnly() throws Exception {
        Random random = new Random(20240917L);
        List<String> seeds = new ArrayList<>();
        for (String name : List.of("webhook_contacts_add_decoded__kommo_docs.json",
                "webhook_leads_note_decoded__kommo_docs.json", "webhook_leads_status_decoded__kommo_docs.json",
                "webhook_task_update_result_decoded__kommo_docs.json",
                "webhook_unsorted_delete_accept_decoded__kommo_docs.json")) {
            seeds.add(ACCOUNT + "&" + form(sample(name)));
            seeds.add(form(sample(name), false));
        }
        String alphabet = "abcdeilnoprstuy_[]%&=+0123456789ABCDEF{}\" \t\n\u00e9\u0416\uD83D\uDE00\uD800\u0000";
        String[] tokens = {"[", "]", "[]", "[0]", "[1]", "%", "%5B", "%5D", "%ZZ", "%C3", "%C3%A9", "%FF", "&", "=",
            "+", "account[id]=1", "account[id]=x", "account[subdomain]=a.b", "leads[add][0][id]=1",
            "[custom_fields][0][values]", "[values][0]", "[values][value]", "[tags][]", "[note]", "[type]=company",
            "[action]=accept", "[metadata]={\"a\":[1,{\"b\":null}]}", "[status]=1", "[element_type]=3",
            "unsorted[delete][0][uid]=u", "task[update][0]", "[result][id]=1", "[accept_result][leads][]=1",
            "9223372036854775807", "99999999999999999999", "-1", "", "{", "["};
        int delivered = 0;
        int refused = 0;
        for (int round = 0; round < 30_000; round++) {
            String body = switch (round % 4) {
                case 0 -> randomString(random, alphabet, random.nextInt(200));
                case 1 -> randomBytes(random);
                case 2 -> mutate(random, seeds.get(random.nextInt(seeds.size())), tokens);
                default -> randomForm(random, tokens);
            };
            try {
                WebhookDelivery d = parser.parse(body);
                assertNotNull(d);
                for (WebhookEvent e : d.events()) {
                    assertNotNull(e.fields());
                    assertFalse(e.fields().containsValue(null), () -> "no null values: " + e);
                    assertTrue(e.entity() == Entity.UNSORTED ? e.id() == null : e.id() != null);
                }
                delivered++;
            } catch (MalformedWebhook expected) {
                assertNotNull(expected.getMessage());
                assertFalse(expected.getMessage().isBlank());
                refused++;
            } catch (RuntimeException | Error e) {
                fail("round " + round + " threw " + e + " for body " + escape(body), e);
            }
        }
        assertTrue(delivered > 1_000, "the fuzzing reaches the event reader: " + delivered);
        assertTrue(refused > 1_000, "and the refusals: " + refused);
    }

    private static String randomString(Random r, String alphabet, int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(r.nextInt(10) == 0 ? (char) r.nextInt(0x10000) : alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    private static String randomBytes(Random r) {
        byte[] bytes = new byte[r.nextInt(300)];
        r.nextBytes(bytes);
        return new String(bytes, r.nextBoolean() ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    }

    private static String mutate(Random r, String seed, String[] tokens) {
        StringBuilder b = new StringBuilder(seed);
        int edits = 1 + r.nextInt(5);
        for (int i = 0; i < edits; i++) {
            int at = b.length() == 0 ? 0 : r.nextInt(b.length());
            switch (r.nextInt(4)) {
                case 0 -> b.insert(at, tokens[r.nextInt(tokens.length)]);
                case 1 -> b.delete(at, Math.min(b.length(), at + 1 + r.nextInt(12)));
                case 2 -> {
                    if (b.length() > 0) {
                        b.setCharAt(at, "[]%&=+0a".charAt(r.nextInt(8)));
                    }
                }
                default -> {
                    int end = Math.min(b.length(), at + r.nextInt(80));
                    b.insert(r.nextInt(b.length() + 1), b.substring(at, end));
                }
            }
        }
        return b.toString();
    }

    /** Well-formed bodies made of Kommo-like keys in odd shapes: the paths through the translation. */
    private static String randomForm(Random r, String[] tokens) {
        String[] groups = {"leads", "contacts", "tasks", "task", "unsorted", "account", "talk"};
        String[] actions = {"add", "update", "delete", "restore", "status", "responsible", "note", "x"};
        String[] fields = {"id", "uid", "type", "name", "price", "status_id", "date_create", "last_modified",
            "created_at", "updated_at", "modified_user_id", "custom_fields", "values", "value", "enum", "tags",
            "note", "element_type", "element_id", "note_type", "metadata", "text", "result", "status", "action",
            "accept_result", "complete_before", "complete_till", "subdomain", "code", "params", "0", "1", ""};
        String[] values = {"1", "0", "17", "", "company", "contact", "accept", "decline", "2024-09-17 13:18:58",
            "{\"a\":1}", "[1,2", "-3", "99999999999999999999", "x y", "3", "12", "4", "WORK"};
        List<String> pairs = new ArrayList<>();
        int n = 1 + r.nextInt(12);
        for (int i = 0; i < n; i++) {
            StringBuilder key = new StringBuilder(groups[r.nextInt(groups.length)]);
            int depth = r.nextInt(9);
            for (int d = 0; d < depth; d++) {
                key.append('[').append(d == 0 ? actions[r.nextInt(actions.length)]
                        : d == 1 && r.nextBoolean() ? Integer.toString(r.nextInt(3))
                        : fields[r.nextInt(fields.length)]).append(']');
            }
            String value = r.nextInt(20) == 0 ? tokens[r.nextInt(tokens.length)] : values[r.nextInt(values.length)];
            pairs.add(key + "=" + WebhookForms.enc(value));
        }
        return String.join("&", pairs);
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(400).forEach(c -> {
            if (c >= 0x20 && c < 0x7f) {
                b.append((char) c);
            } else {
                b.append(String.format("\\u%04x", c));
            }
        });
        return b.toString();
    }
}
