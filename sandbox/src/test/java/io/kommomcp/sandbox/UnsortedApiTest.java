package io.kommomcp.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/** Incoming leads, "Unsorted" (API.md §7.2, §22.1). */
class UnsortedApiTest {

    private final TestAccount t = new TestAccount();

    private static final String FORM = "[{\"source_uid\":\"site-1\",\"source_name\":\"Website form\","
            + "\"metadata\":{\"form_id\":\"1\",\"form_name\":\"Contact us\",\"form_page\":\"https://x.example\","
            + "\"ip\":\"10.0.0.1\",\"form_sent_at\":1735000000,\"referer\":\"https://x.example\"},"
            + "\"_embedded\":{\"leads\":[{\"name\":\"Web lead\",\"price\":300}],"
            + "\"contacts\":[{\"first_name\":\"Una\",\"last_name\":\"Sorted\"}],"
            + "\"companies\":[{\"name\":\"Inbox Ltd\"}]}}]";

    @Test
    void noIncomingLeadsIs204() {
        SandboxResponse r = t.call("GET", "leads/unsorted", null);
        assertEquals(204, r.status());
        assertNull(r.body());
        assertEquals(204, t.call("GET", "leads/unsorted/nosuchuid", null).status());
    }

    @Test
    void aFormLandsInTheUnsortedStageAndIsListed() {
        JsonNode made = t.expect(200, "POST", "leads/unsorted/forms", FORM).path("_embedded").path("unsorted").get(0);
        assertEquals("0", made.path("request_id").asString());
        String uid = made.path("uid").asString();
        long leadId = made.path("_embedded").path("leads").get(0).path("id").asLong();
        long contactId = made.path("_embedded").path("contacts").get(0).path("id").asLong();
        JsonNode lead = t.expect(200, "GET", "leads/" + leadId, null, "with", "contacts");
        long sales = t.pipeline(0);
        assertEquals(t.stage(sales, "Incoming leads"), lead.path("status_id").asLong());
        assertEquals(contactId, lead.path("_embedded").path("contacts").get(0).path("id").asLong());
        assertEquals(1, lead.path("_embedded").path("companies").size());
        assertTrue(t.expect(200, "GET", "contacts/" + contactId, null).path("is_unsorted").asBoolean());

        JsonNode list = t.expect(200, "GET", "leads/unsorted", null, "filter[category][]", "forms");
        JsonNode item = list.path("_embedded").path("unsorted").get(0);
        assertEquals(uid, item.path("uid").asString());
        assertEquals("forms", item.path("category").asString());
        assertEquals("Contact us", item.path("metadata").path("form_name").asString());
        assertTrue(item.path("_links").path("self").path("href").asString().contains("/leads/unsorted/" + uid));
        assertEquals(204, t.call("GET", "leads/unsorted", null, "filter[category][]", "sip").status());
        assertEquals(uid, t.expect(200, "GET", "leads/unsorted/" + uid, null).path("uid").asString());
        assertEquals(1, t.expect(200, "GET", "leads/unsorted/summary", null).path("categories").path("forms")
                .asInt());
    }

    @Test
    void acceptingMovesTheLeadToAStageAndTheContactOutOfUnsorted() {
        JsonNode made = t.expect(200, "POST", "leads/unsorted/forms", FORM).path("_embedded").path("unsorted").get(0);
        String uid = made.path("uid").asString();
        long leadId = made.path("_embedded").path("leads").get(0).path("id").asLong();
        long contactId = made.path("_embedded").path("contacts").get(0).path("id").asLong();
        long sales = t.pipeline(0);
        long partnersStage = t.stage(t.pipeline(1), "Contract");
        assertEquals("status_id", TestAccount.firstErrorPath(t.call("POST", "leads/unsorted/" + uid + "/accept",
                "{\"status_id\":" + partnersStage + "}")), "a stage of another pipeline");
        assertEquals("status_id", TestAccount.firstErrorPath(t.call("POST", "leads/unsorted/" + uid + "/accept",
                "{\"status_id\":" + t.stage(sales, "Incoming leads") + "}")), "not the unsorted stage itself");
        assertEquals("user_id", TestAccount.firstErrorPath(t.call("POST", "leads/unsorted/" + uid + "/accept",
                "{\"user_id\":1}")));
        long proposal = t.stage(sales, "Proposal sent");
        JsonNode accepted = t.expect(200, "POST", "leads/unsorted/" + uid + "/accept", "{\"user_id\":"
                + t.account.users.current() + ",\"status_id\":" + proposal + "}");
        assertEquals(uid, accepted.path("uid").asString());
        assertEquals(leadId, accepted.path("_embedded").path("leads").get(0).path("id").asLong());
        assertEquals(proposal, t.expect(200, "GET", "leads/" + leadId, null).path("status_id").asLong());
        assertFalse(t.expect(200, "GET", "contacts/" + contactId, null).path("is_unsorted").asBoolean());
        assertEquals(204, t.call("GET", "leads/unsorted", null).status(), "sorted: no longer waiting");
        assertEquals(404, t.call("POST", "leads/unsorted/" + uid + "/accept", "{}").status());
        JsonNode summary = t.expect(200, "GET", "leads/unsorted/summary", null);
        assertEquals(1, summary.path("total").asInt());
        assertEquals(1, summary.path("accepted").asInt());
    }

    @Test
    void decliningDeletesTheLeadAndWhatCameWithIt() {
        JsonNode made = t.expect(200, "POST", "leads/unsorted/forms", FORM).path("_embedded").path("unsorted").get(0);
        String uid = made.path("uid").asString();
        long leadId = made.path("_embedded").path("leads").get(0).path("id").asLong();
        long contactId = made.path("_embedded").path("contacts").get(0).path("id").asLong();
        t.expect(200, "DELETE", "leads/unsorted/" + uid + "/decline", "{\"user_id\":" + t.account.users.current()
                + "}");
        assertEquals(204, t.call("GET", "leads/" + leadId, null).status());
        assertEquals(204, t.call("GET", "contacts/" + contactId, null).status());
        assertEquals(204, t.call("GET", "leads/unsorted", null).status());
        assertEquals(1, t.expect(200, "GET", "leads/unsorted/summary", null).path("declined").asInt());
    }

    @Test
    void anIncomingLeadNeedsItsSourceMetadataAndAPipelineWithUnsortedOn() {
        SandboxResponse r = t.call("POST", "leads/unsorted/sip", "[{\"source_name\":\"PBX\"}]");
        assertEquals(400, r.status());
        assertTrue(r.body().toString().contains("source_uid") && r.body().toString().contains("metadata"));
        long partners = t.pipeline(1);
        t.expect(200, "PATCH", "leads/pipelines/" + partners, "{\"is_unsorted_on\":false}");
        assertEquals("pipeline_id", TestAccount.firstErrorPath(t.call("POST", "leads/unsorted/sip", "[{\"source_uid\":"
                + "\"c1\",\"source_name\":\"PBX\",\"pipeline_id\":" + partners + ",\"metadata\":{\"phone\":\"+31 20 555"
                + " 0000\",\"called_at\":1735000000,\"duration\":30,\"uniq\":\"c1\"}}]")));
        JsonNode call = t.expect(200, "POST", "leads/unsorted/sip", "[{\"source_uid\":\"c2\",\"source_name\":\"PBX\","
                + "\"metadata\":{\"phone\":\"+31 20 555 0000\",\"called_at\":1735000000,\"duration\":30,\"uniq\":"
                + "\"c2\"}}]").path("_embedded").path("unsorted").get(0);
        assertEquals(1, call.path("_embedded").path("leads").size(), "an incoming call makes a lead even without one");
        assertEquals(405, t.call("PATCH", "leads/unsorted", "[]").status());
    }
}
