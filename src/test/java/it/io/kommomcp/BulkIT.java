package it.io.kommomcp;

import static it.io.kommomcp.ItServer.count;
import static it.io.kommomcp.ItServer.err;
import static it.io.kommomcp.ItServer.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import it.io.kommomcp.ItServer.Tenant;
import tools.jackson.databind.JsonNode;

/**
 * Bulk work (issue 14) against the sandbox: N records cost ⌈N/250⌉ Kommo write requests (counted from the audit
 * entry's Kommo calls) for N = 10, 250 and 1,000; above the threshold a bulk call is planned and the confirmation
 * applies it; a retry with the same idempotency key creates nothing twice; a batch that fails part-way says exactly
 * which records landed; invalid records are named by index and nothing is sent; progress is notified per batch;
 * distribution explains each assignment.
 */
@ExtendWith(ArquillianExtension.class)
class BulkIT {

    private final ItServer server = ItServer.local();

    @Test
    void nRecordsCostCeilNOver250KommoWriteRequests() throws Exception {
        Tenant t = ungoverned();
        McpHttp writer = server.mcp(t.id(), "kommo.writer");
        long before = sandboxCount(t, "leads");
        for (int n : new int[] {10, 250, 1000}) {
            JsonNode s = ok(writer.call("leads_bulk_create", Map.of("leads", leads("Bulk " + n + "-", n))));
            assertEquals(n, s.path("written").asInt(), n + " leads");
            int expected = (n + 249) / 250;
            assertEquals(expected, writes(t, "leads_bulk_create", "POST /api/v4/leads"), n + " leads: ⌈N/250⌉ requests");
            assertEquals(expected, s.path("kommo_requests").asInt());
            JsonNode run = s.path("records").get(0);
            assertEquals(0, run.path("from").asInt());
            assertEquals("created", run.path("status").asString());
            assertTrue(run.path("first_id").asLong() > 0, s.toString());
            before += n;
            assertEquals(before, sandboxCount(t, "leads"), "every lead is in Kommo once");
        }
        String[] audited = lastOutcome(t, "leads_bulk_create");
        assertTrue(audited[1].contains("\"record\":999"), "the audit entry gives each record with its id");

        // updates read the records (250 a request), then write 250 a request; moves likewise
        List<Long> ids = leadIds(t, "Bulk 1000-", 300);
        List<Map<String, Object>> changes = new ArrayList<>();
        ids.forEach(id -> changes.add(Map.of("lead_id", id, "price", 4242)));
        JsonNode updated = ok(writer.call("leads_bulk_update", Map.of("leads", changes)));
        assertEquals(300, updated.path("written").asInt());
        assertEquals(2, writes(t, "leads_bulk_update", "PATCH /api/v4/leads"));
        long pipeline = salesPipeline(writer);
        long qualification = stage(writer, "Qualification");
        JsonNode moved = ok(writer.call("leads_bulk_move", Map.of("lead_ids", ids, "stage_id", qualification,
                "pipeline_id", pipeline)));
        assertEquals(300, moved.path("written").asInt() + moved.path("unchanged").asInt());
        assertTrue(writes(t, "leads_bulk_move", "PATCH /api/v4/leads") <= 2);

        List<Map<String, Object>> contacts = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            contacts.add(Map.of("first_name", "Bulk", "last_name", "Contact " + i, "phones", List.of(Map.of("number",
                    "+44 20 7946 " + String.format("%04d", i)))));
        }
        assertEquals(300, ok(writer.call("contacts_bulk_create", Map.of("contacts", contacts))).path("written")
                .asInt());
        assertEquals(2, writes(t, "contacts_bulk_create", "POST /api/v4/contacts"));
    }

    @Test
    void aboveTheThresholdABulkCallIsPlannedAndTheConfirmationAppliesIt() throws Exception {
        Tenant t = server.newTenant("bulk-");
        McpHttp writer = server.mcp(t.id(), "kommo.writer");
        long before = sandboxCount(t, "leads");
        Map<String, Object> args = Map.of("leads", leads("Governed ", 60));
        JsonNode planned = ok(writer.call("leads_bulk_create", args));
        JsonNode g = planned.path("governance");
        assertEquals("planned", g.path("status").asString(), planned.toString());
        assertTrue(g.path("plan").path("consequences").get(0).asString().startsWith("60 leads will be created in 1"
                + " Kommo request"), g.toString());
        assertEquals(3, g.path("plan").path("after").path("sample").size());
        assertEquals(before, sandboxCount(t, "leads"), "a plan changes nothing");

        Map<String, Object> confirm = new LinkedHashMap<>(args);
        confirm.put("confirmation_token", g.path("confirmation_token").asString());
        JsonNode applied = ok(writer.call("leads_bulk_create", confirm));
        assertEquals("applied", applied.path("governance").path("status").asString());
        assertEquals(60, applied.path("written").asInt());
        assertEquals(before + 60, sandboxCount(t, "leads"));
        assertEquals(1, count("select count(*) from audit_entry where tenant_id = ? and kind = 'CONFIRMATION' and"
                + " tool = 'leads_bulk_create'", t.id()));

        // ten records are below the threshold: applied at once
        assertFalse(ok(writer.call("leads_bulk_create", Map.of("leads", leads("Small ", 10)))).has("governance"));
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyDoesNotCreateTwice() throws Exception {
        Tenant t = ungoverned();
        McpHttp writer = server.mcp(t.id(), "kommo.writer");
        long before = sandboxCount(t, "leads");
        Map<String, Object> args = Map.of("leads", leads("Retry ", 40), "idempotency_key", "import-" + t.id());
        JsonNode first = ok(writer.call("leads_bulk_create", args));
        JsonNode again = writer.call("leads_bulk_create", args);
        assertEquals(first.toString(), ok(again).toString(), "the same answer");
        assertTrue(McpHttp.text(again).contains("nothing was sent to Kommo again"), McpHttp.text(again));
        assertEquals(before + 40, sandboxCount(t, "leads"), "created once");
        assertEquals(0, ItServer.kommoCalls(t.id(), "leads_bulk_create"), "the repeat made no Kommo call");

        String other = McpHttp.text(err(writer.call("leads_bulk_create", Map.of("leads", leads("Other ", 3),
                "idempotency_key", "import-" + t.id()))));
        assertTrue(other.contains("other arguments"), other);
        assertEquals(before + 40, sandboxCount(t, "leads"));
    }

    @Test
    void aBatchThatFailsPartWaySaysExactlyWhichRecordsLanded() throws Exception {
        Tenant t = ungoverned();
        McpHttp writer = server.mcp(t.id(), "kommo.writer");
        ok(writer.call("pipelines_list", Map.of())); // the schema cached, so the faults hit the writes
        long before = sandboxCount(t, "leads");
        server.faults(t, "[{\"kind\":\"latency\",\"latency_ms\":0,\"count\":1,\"method\":\"POST\",\"path_prefix\":"
                + "\"leads\"},{\"kind\":\"500\",\"count\":1,\"method\":\"POST\",\"path_prefix\":\"leads\"}]");
        try {
            String text = McpHttp.text(err(writer.call("leads_bulk_create", Map.of("leads", leads("Part ", 600)))));
            assertTrue(text.startsWith("Partially applied"), text);
            assertTrue(text.matches("(?s).*records 0-249: done \\(ids \\d+-\\d+\\).*"), text);
            assertTrue(text.contains("records 250-499: outcome unknown, may have been applied"), text);
            assertTrue(text.contains("records 500-599: not attempted"), text);
            assertTrue(text.contains("Do not repeat the whole call"), text);
        } finally {
            server.clearFaults(t);
        }
        assertEquals(before + 250, sandboxCount(t, "leads"), "the first batch landed, the failed one did not");
        assertEquals(1, count("select count(*) from audit_entry where tenant_id = ? and tool = 'leads_bulk_create'"
                + " and kind = 'OUTCOME' and outcome = 'PARTIAL' and error_text like '%records 500-599: not"
                + " attempted%'", t.id()));
        assertEquals(2, writes(t, "leads_bulk_create", "POST /api/v4/leads"));
    }

    @Test
    void invalidRecordsAreNamedByIndexAndNothingIsSent() throws Exception {
        Tenant t = ungoverned();
        McpHttp writer = server.mcp(t.id(), "kommo.writer");
        long pipeline = salesPipeline(writer);
        long proposal = stage(writer, "Proposal sent");
        long before = sandboxCount(t, "leads");
        List<Map<String, Object>> records = new ArrayList<>(leads("Checked ", 5));
        records.set(1, Map.of("name", "Needs seats", "pipeline_id", pipeline, "stage_id", proposal));
        records.set(2, Map.of("name", "Nobody", "responsible_user_id", 999_999));
        records.set(3, Map.of("name", "Bad seats", "pipeline_id", pipeline, "stage_id", proposal, "fields",
                Map.of("Seats", "many")));
        String text = McpHttp.text(err(writer.call("leads_bulk_create", Map.of("leads", records))));
        assertTrue(text.startsWith("3 of 5 leads are invalid, so nothing was sent to Kommo"), text);
        assertTrue(text.contains("leads[1]: stage \"Proposal sent\" requires \"Seats\""), text);
        assertTrue(text.contains("leads[2]: no user 999999"), text);
        assertTrue(text.contains("leads[3]: 'Seats' is a number field"), text);
        assertEquals(before, sandboxCount(t, "leads"));
        assertEquals(0, writes(t, "leads_bulk_create", "POST /api/v4/leads"), "nothing was sent");

        JsonNode skipped = ok(writer.call("leads_bulk_create", Map.of("leads", records, "skip_invalid", true)));
        assertEquals(2, skipped.path("written").asInt());
        assertEquals(3, skipped.path("problems").size());
        assertEquals(before + 2, sandboxCount(t, "leads"));
    }

    @Test
    void progressIsNotifiedForEachBatch() throws Exception {
        Tenant t = ungoverned();
        McpHttp writer = server.mcp(t.id(), "kommo.writer");
        String body = McpHttp.JSON.writeValueAsString(Map.of("jsonrpc", "2.0", "id", 77, "method", "tools/call",
                "params", Map.of("name", "leads_bulk_create", "arguments", Map.of("leads", leads("Progress ", 1000)),
                        "_meta", Map.of("progressToken", "bulk-progress"))));
        HttpResponse<String> r = writer.post(body);
        assertEquals(200, r.statusCode(), r.body());
        List<JsonNode> progress = new ArrayList<>();
        for (String line : r.body().split("\n")) {
            if (line.startsWith("data:") && line.contains("notifications/progress")) {
                progress.add(McpHttp.JSON.readTree(line.substring(5).trim()));
            }
        }
        assertEquals(4, progress.size(), "one per Kommo request: " + r.body().lines().limit(8).toList());
        assertEquals("bulk-progress", progress.get(0).path("params").path("progressToken").asString());
        assertEquals(4, progress.get(3).path("params").path("progress").asInt());
        assertEquals(4, progress.get(3).path("params").path("total").asInt());
        assertTrue(progress.get(0).path("params").path("message").asString().contains("records 0-249"));
        assertFalse(McpHttp.message(r.body()).path("result").path("isError").asBoolean());
    }

    @Test
    void distributionExplainsEachAssignment() throws Exception {
        Tenant t = ungoverned();
        McpHttp writer = server.mcp(t.id(), "kommo.writer");
        JsonNode made = ok(writer.call("leads_bulk_create", Map.of("leads", leads("Share ", 6))));
        long first = made.path("records").get(0).path("first_id").asLong();
        List<Long> ids = new ArrayList<>();
        for (long id = first; id < first + 6; id++) {
            ids.add(id);
        }
        JsonNode users = ok(writer.call("users_list", Map.of())).path("users");
        String boris = users.get(1).path("name").asString();
        String clara = users.get(2).path("name").asString();
        JsonNode rr = writer.call("leads_distribute", Map.of("lead_ids", ids, "users", List.of(boris, clara)));
        ok(rr);
        String text = McpHttp.text(rr);
        assertTrue(text.contains("lead " + first + " → " + boris + ": round robin, user 1 of 2"), text);
        assertTrue(text.contains("lead " + (first + 1) + " → " + clara + ": round robin, user 2 of 2"), text);
        assertEquals(6, ok(rr).path("assigned").asInt());
        assertEquals(1, writes(t, "leads_distribute", "PATCH /api/v4/leads"));

        JsonNode fewest = writer.call("leads_distribute", Map.of("lead_ids", ids, "users", List.of(boris, clara),
                "strategy", "fewest_open_leads"));
        String why = McpHttp.text(fewest);
        assertTrue(why.matches("(?s).*lead \\d+ (→ .+: |unchanged: already .+'s; )fewest open leads \\(\\d+\\).*"),
                why);
        assertTrue(ok(fewest).path("users").get(0).path("load_before").asString().endsWith("open leads"));

        JsonNode rules = ok(writer.call("leads_distribute", Map.of("lead_ids", ids, "strategy", "rules", "rules",
                List.of(Map.of("user", boris, "min_price", 103), Map.of("user", clara, "max_price", 102)))));
        assertTrue(rules.path("assignments").get(0).path("why").asString().endsWith("rule 2 (price up to 102)"),
                rules.toString());
        assertTrue(rules.path("assignments").get(5).path("why").asString().endsWith("rule 1 (price from 103)"),
                rules.toString());
    }

    // ------------------------------------------------------------------ helpers

    /** A tenant whose bulk calls are never governed (its threshold at 5,000), so counts are of one call. */
    private Tenant ungoverned() throws Exception {
        Tenant t = server.newTenant("bulk-");
        HttpResponse<String> r = server.admin("PATCH", "/api/admin/tenants/" + t.id(), "{\"bulk_governed_above\":"
                + "5000}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(5000, McpHttp.JSON.readTree(r.body()).path("bulk_governed_above").asInt());
        return t;
    }

    private static List<Map<String, Object>> leads(String prefix, int n) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Map.of("name", prefix + i, "price", 100 + i));
        }
        return out;
    }

    /** Requests of the tenant's latest outcome of {@code tool} that start with {@code methodAndPath} (no query). */
    private static long writes(Tenant t, String tool, String methodAndPath) throws Exception {
        return AdminToolsIT.kommoRequests(t.id(), tool).stream().filter(r -> r.equals(methodAndPath)).count();
    }

    private static String[] lastOutcome(Tenant t, String tool) throws Exception {
        return ItServer.lastChange(t.id(), tool);
    }

    private long salesPipeline(McpHttp c) throws Exception {
        for (JsonNode p : ok(c.call("pipelines_list", Map.of())).path("pipelines")) {
            if (p.path("main_pipeline").asBoolean()) {
                return p.path("id").asLong();
            }
        }
        throw new AssertionError("no main pipeline");
    }

    private long stage(McpHttp c, String name) throws Exception {
        for (JsonNode p : ok(c.call("pipelines_list", Map.of())).path("pipelines")) {
            if (p.path("main_pipeline").asBoolean()) {
                for (JsonNode s : p.path("stages")) {
                    if (s.path("name").asString().equals(name)) {
                        return s.path("id").asLong();
                    }
                }
            }
        }
        throw new AssertionError("no stage " + name);
    }

    /** The ids of the first {@code n} leads whose name starts with {@code prefix}, straight from the sandbox. */
    private static List<Long> leadIds(Tenant t, String prefix, int n) throws Exception {
        List<Long> out = new ArrayList<>();
        for (int page = 1; page < 100 && out.size() < n; page++) {
            HttpResponse<String> r = sandbox(t, "leads?limit=250&page=" + page);
            if (r.statusCode() == 204) {
                break;
            }
            JsonNode doc = McpHttp.JSON.readTree(r.body());
            for (JsonNode l : doc.path("_embedded").path("leads")) {
                if (l.path("name").asString().startsWith(prefix) && out.size() < n) {
                    out.add(l.path("id").asLong());
                }
            }
            if (!doc.path("_links").has("next")) {
                break;
            }
        }
        assertEquals(n, out.size());
        return out;
    }

    /** Records of a collection in the sandbox, counted page by page straight from it. */
    private static long sandboxCount(Tenant t, String collection) throws Exception {
        long n = 0;
        for (int page = 1; page < 200; page++) {
            HttpResponse<String> r = sandbox(t, collection + "?limit=250&page=" + page);
            if (r.statusCode() == 204) {
                break;
            }
            JsonNode doc = McpHttp.JSON.readTree(r.body());
            n += doc.path("_embedded").path(collection).size();
            if (!doc.path("_links").has("next")) {
                break;
            }
        }
        return n;
    }

    /** A GET straight to the sandbox account (resent after a 429: it shares the account's budget). */
    private static HttpResponse<String> sandbox(Tenant t, String pathAndQuery) throws Exception {
        for (int attempt = 0; ; attempt++) {
            HttpResponse<String> r = McpHttp.HTTP.send(HttpRequest.newBuilder(URI.create(t.kommoBaseUrl() + "/api/v4/"
                    + pathAndQuery)).header("Authorization", "Bearer " + t.kommoToken()).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 429 || attempt >= 10) {
                return r;
            }
            Thread.sleep(1_100);
        }
    }
}
