package io.kommomcp.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/** {@code filter[custom_fields_values]} (API.md §5.5), honoured only with {@code is_api_filter_enabled} (§22.12). */
class CustomFieldFilterTest {

    private final TestAccount t = new TestAccount();

    private List<Long> leadIds(String... query) {
        List<String> q = new ArrayList<>(List.of("limit", "250"));
        q.addAll(List.of(query));
        SandboxResponse r = t.call("GET", "leads", null, q.toArray(String[]::new));
        List<Long> ids = new ArrayList<>();
        if (r.status() == 200) {
            r.body().path("_embedded").path("leads").forEach(l -> ids.add(l.path("id").asLong()));
        }
        return ids;
    }

    private static boolean holds(JsonNode lead, long fieldId, String value) {
        for (JsonNode cf : lead.path("custom_fields_values")) {
            if (cf.path("field_id").asLong() == fieldId && cf.path("values").toString().contains(value)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void leadsAreFilteredByAnOptionByTextOrEnumId() {
        long source = t.field("leads", "Lead source");
        int all = leadIds().size();
        List<Long> referral = leadIds("filter[custom_fields_values][" + source + "][]", "Referral");
        assertTrue(!referral.isEmpty() && referral.size() < all, referral.size() + " of " + all);
        for (long id : referral) {
            assertTrue(holds(t.account.leads.get(id), source, "\"Referral\""));
        }
        long referralOption = t.account.fields.get("leads", source).path("enums").get(1).path("id").asLong();
        assertEquals(referral, leadIds("filter[custom_fields_values][" + source + "][]",
                String.valueOf(referralOption)));
        List<Long> either = leadIds("filter[custom_fields_values][" + source + "][0]", "Referral",
                "filter[custom_fields_values][" + source + "][1]", "Website");
        assertTrue(either.size() > referral.size(), "several values: any of them");
    }

    @Test
    void numbersAreFilteredByRangeAndSeveralFieldsMustAllHold() {
        long seats = t.field("leads", "Seats");
        long source = t.field("leads", "Lead source");
        List<Long> some = leadIds("filter[custom_fields_values][" + seats + "][from]", "10",
                "filter[custom_fields_values][" + seats + "][to]", "20");
        assertFalse(some.isEmpty());
        for (long id : some) {
            double v = 0;
            for (JsonNode cf : t.account.leads.get(id).path("custom_fields_values")) {
                if (cf.path("field_id").asLong() == seats) {
                    v = Double.parseDouble(cf.path("values").get(0).path("value").asString());
                }
            }
            assertTrue(v >= 10 && v <= 20, "seats " + v);
        }
        List<Long> both = leadIds("filter[custom_fields_values][" + seats + "][from]", "10",
                "filter[custom_fields_values][" + seats + "][to]", "20",
                "filter[custom_fields_values][" + source + "][]", "Website");
        assertTrue(some.containsAll(both) && both.size() < some.size());
        assertEquals(204, t.call("GET", "leads", null, "filter[custom_fields_values][1][]", "x").status(),
                "a field no lead has: nothing");
    }

    @Test
    void contactsAreFilteredToo() {
        long phone = t.account.fields.byCode("contacts", "PHONE").get("id").asLong();
        JsonNode one = t.expect(200, "GET", "contacts", null, "filter[custom_fields_values][" + phone + "][]",
                "+31 20 555 1037");
        assertEquals(1, one.path("_embedded").path("contacts").size());
    }

    @Test
    void withApiFilteringOffTheFilterIsIgnored() {
        assertTrue(t.expect(200, "GET", "account", null, "with", "is_api_filter_enabled").path("is_api_filter_enabled")
                .asBoolean());
        long source = t.field("leads", "Lead source");
        int all = leadIds().size();
        t.account.apiFilterEnabled(false);
        assertFalse(t.expect(200, "GET", "account", null, "with", "is_api_filter_enabled")
                .path("is_api_filter_enabled").asBoolean());
        assertEquals(all, leadIds("filter[custom_fields_values][" + source + "][]", "Referral").size());
    }
}
