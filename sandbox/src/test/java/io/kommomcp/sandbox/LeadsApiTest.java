package io.kommomcp.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/** Writing and reading leads as Kommo does (API.md §6, §7, §23), where the sandbox once differed. */
class LeadsApiTest {

    private final TestAccount t = new TestAccount();

    private long newLead(String json) {
        return t.expect(200, "POST", "leads", "[" + json + "]").path("_embedded").path("leads").get(0).path("id")
                .asLong();
    }

    @Test
    void anUnknownAuthorIsRefusedAndAKnownOneIsRecorded() {
        assertEquals("created_by", TestAccount.firstErrorPath(t.call("POST", "leads",
                "[{\"name\":\"Ghost\",\"created_by\":424242}]")));
        long boris = t.account.users.all().get(1).get("id").asLong();
        long id = newLead("{\"name\":\"By Boris\",\"created_by\":" + boris + "}");
        assertEquals(boris, t.expect(200, "GET", "leads/" + id, null).path("created_by").asLong());
        newLead("{\"name\":\"By a robot\",\"created_by\":0}"); // 0: the system, as Kommo shows robots
        assertEquals("updated_by", TestAccount.firstErrorPath(t.call("PATCH", "leads/" + id,
                "{\"name\":\"x\",\"updated_by\":424242}")));
        assertEquals("created_by", TestAccount.firstErrorPath(t.call("POST", "contacts",
                "[{\"name\":\"Ghost\",\"created_by\":424242}]")));
        assertEquals("created_by", TestAccount.firstErrorPath(t.call("POST", "tasks",
                "[{\"text\":\"Call\",\"complete_till\":1900000000,\"created_by\":424242}]")));
        SandboxResponse complex = t.call("POST", "leads/complex", "[{\"name\":\"C\",\"created_by\":424242}]");
        assertEquals("created_by", TestAccount.firstErrorPath(complex));
        JsonNode none = t.call("GET", "leads", null, "query", "Ghost").body();
        assertNull(none, "nothing was created");
    }
}
