package it.io.kommomcp;

import static it.io.kommomcp.ItServer.count;
import static it.io.kommomcp.ItServer.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.kommomcp.webhooks.WebhookForms;
import it.io.kommomcp.ItServer.Tenant;
import tools.jackson.databind.JsonNode;

/**
 * Kommo in real time (issue 13): webhooks stored before they are answered and processed once, changes made in
 * Kommo outside kommo-mcp on the audit chain (records by webhook, configuration by snapshot) while changes made
 * through kommo-mcp are not recorded twice, and the opt-in mirror (backfill, sweep, answers with their freshness,
 * purge).
 */
@ExtendWith(ArquillianExtension.class)
class RealtimeIT {

    private final ItServer server = ItServer.local();

    @Test
    void theWebhookAddressStoresNothingForStrangersAndRefusesWhatItCannotTake() throws Exception {
        Tenant t = server.newTenant("rt-");
        String hook = hookUrl(t);
        String body = WebhookForms.form(WebhookForms.sample("webhook_leads_status_decoded__kommo_docs.json"));
        assertEquals(404, post(hook.replaceAll("/[^/]+$", "/not-the-secret"), body).statusCode());
        assertEquals(404, post(hook.replace("/" + t.id() + "/", "/no-such-tenant/"), body).statusCode());
        assertEquals(413, post(hook, "a=" + "x".repeat(1_100_000)).statusCode());
        assertEquals(404, post(hook.replaceAll("/[^/]+$", "/not-the-secret"), "a=" + "x".repeat(1_100_000))
                .statusCode(), "a stranger is refused before the body is read, whatever its size");
        assertEquals(405, server.http("GET", URI.create(hook).getPath(), null, null).statusCode());
        HttpResponse<String> nul = post(hook, "leads[add][0][name]=a\u0000b");
        assertEquals(400, nul.statusCode(), "a raw NUL is refused, not a failure of the database");
        assertTrue(nul.body().contains("NUL"), nul.body());
        assertEquals(0, count("select count(*) from webhook_inbox where tenant_id = ?", t.id()), "nothing stored");

        String rotated = hookUrl(t);
        assertFalse(rotated.equals(hook));
        assertEquals(404, post(hook, body).statusCode(), "the old address stops working at once");
        assertEquals(200, post(rotated, body).statusCode());
        assertEquals(1, count("select count(*) from tenant where id = ? and webhook_secret_hash is not null"
                + " and webhook_secret_hash not like ?", t.id(), "%" + rotated.substring(rotated.lastIndexOf('/')
                        + 1) + "%"), "only a hash of the secret is stored");
    }

    @Test
    void everySampleIsAnsweredStoredAndProcessedOnceWhateverIsRedelivered() throws Exception {
        Tenant t = server.newTenant("rt-");
        String hook = hookUrl(t);
        List<String> samples = List.of("webhook_leads_status_decoded__kommo_docs.json",
                "webhook_contacts_add_decoded__kommo_docs.json", "webhook_leads_note_decoded__kommo_docs.json",
                "webhook_task_update_result_decoded__kommo_docs.json",
                "webhook_unsorted_delete_accept_decoded__kommo_docs.json");
        for (String s : samples) {
            String body = WebhookForms.form(WebhookForms.sample(s));
            long started = System.nanoTime();
            HttpResponse<String> r = post(hook, body);
            assertEquals(200, r.statusCode(), s + ": " + r.body());
            assertTrue((System.nanoTime() - started) / 1_000_000L < 2_000, "answered within Kommo's 2 s");
            assertEquals(200, post(hook, body).statusCode(), "a redelivery is taken too");
        }
        assertEquals(200, post(hook, "%%%not a form").statusCode(), "kept for inspection, not refused");
        waitFor(() -> count("select count(*) from webhook_inbox where tenant_id = ? and status in ('NEW',"
                + " 'PROCESSING')", t.id()) == 0, "every delivery processed");
        assertEquals(10, count("select count(*) from webhook_inbox where tenant_id = ? and status = 'DONE'", t.id()));
        assertEquals(1, count("select count(*) from webhook_inbox where tenant_id = ? and status = 'MALFORMED' and"
                + " error is not null", t.id()));
        long external = count("select count(*) from audit_entry where tenant_id = ? and kind = 'EXTERNAL'", t.id());
        long keys = count("select count(*) from external_change where tenant_id = ?", t.id());
        assertTrue(external > 0, "the samples' changes were made outside kommo-mcp");
        assertEquals(keys, external, "each change recorded once although every delivery came twice");
        assertTrue(chainValid(t));
    }

    @Test
    void aDeliveryWhoseProcessingNeverFinishesIsGivenUpNotTakenForever() throws Exception {
        Tenant t = server.newTenant("rt-");
        long poisoned;
        try (Connection db = ItServer.appDb(); PreparedStatement ps = db.prepareStatement("insert into webhook_inbox"
                + " (tenant_id, body, status, attempts, locked_until) values (?, 'account[id]=1', 'PROCESSING', 5,"
                + " now() - interval '1 minute') returning id")) {
            ps.setString(1, t.id());
            var rs = ps.executeQuery();
            rs.next();
            poisoned = rs.getLong(1);
        }
        String body = WebhookForms.form(WebhookForms.sample("webhook_leads_status_decoded__kommo_docs.json"));
        assertEquals(200, post(hookUrl(t), body).statusCode()); // wakes the processor
        waitFor(() -> count("select count(*) from webhook_inbox where tenant_id = ? and status in ('NEW',"
                + " 'PROCESSING')", t.id()) == 0, "nothing left waiting");
        assertEquals(1, count("select count(*) from webhook_inbox where id = ? and status = 'FAILED' and attempts = 5"
                + " and error like 'processing never finished in 5 attempts'", poisoned),
                "the instance died on it five times (kommo.webhooks.max-attempts): kept as FAILED, not taken again");
        assertEquals(1, count("select count(*) from webhook_inbox where tenant_id = ? and status = 'DONE'", t.id()));
    }

    @Test
    void aRecordChangedInKommoIsOnTheRecordAndOneChangedThroughKommoMcpIsNotTwice() throws Exception {
        Tenant t = server.newTenant("rt-");
        String hook = hookUrl(t);
        McpHttp writer = server.mcp(t.id(), "kommo.writer");
        long ours = ok(writer.call("leads_create", Map.of("name", "Made through kommo-mcp"))).path("lead_id")
                .asLong();
        ok(writer.call("leads_update", Map.of("lead_id", ours, "price", 1200)));
        long now = Instant.now().getEpochSecond();
        assertEquals(200, post(hook, leadUpdate(ours, "Made through kommo-mcp", 1200, now, 1)).statusCode());
        assertEquals(200, post(hook, leadUpdate(ours + 100_000, "Changed by Maria in Kommo", 900, now, 7001))
                .statusCode());
        waitFor(() -> count("select count(*) from webhook_inbox where tenant_id = ? and status = 'DONE'", t.id())
                == 2, "both processed");
        assertEquals(1, count("select count(*) from audit_entry where tenant_id = ? and kind = 'EXTERNAL' and"
                + " target_id = ? and subject = 'kommo-user:7001' and tool = 'kommo.lead.update' and after_state like"
                + " '%Changed by Maria%'", t.id(), String.valueOf(ours + 100_000)), "on the record, with who");
        assertEquals(0, count("select count(*) from audit_entry where tenant_id = ? and kind = 'EXTERNAL' and"
                + " target_id = ?", t.id(), String.valueOf(ours)), "our own change is on the chain once, as a call");
    }

    @Test
    void aConfigurationChangeMadeOutsideIsRecordedWithBeforeAfterAndWhenAndAGovernedOneIsNot() throws Exception {
        Tenant t = server.newTenant("rt-");
        McpHttp admin = server.mcp(t.id(), "kommo.admin");
        JsonNode pipelines = ok(admin.call("pipelines_list", Map.of())).path("pipelines");
        long outside = pipelines.get(0).path("id").asLong();
        String before = pipelines.get(0).path("name").asString();
        long governed = pipelines.get(1).path("id").asLong();

        snapshot(t, 1); // the baseline
        HttpResponse<String> renamed = sandbox(t, "PATCH", "leads/pipelines/" + outside, "{\"name\":\"Renamed in"
                + " Kommo\"}");
        assertTrue(renamed.statusCode() < 300, renamed.body());
        JsonNode plan = ok(admin.call("pipelines_update", Map.of("pipeline_id", governed, "name", "Renamed through"
                + " kommo-mcp")));
        ok(admin.call("pipelines_update", Map.of("pipeline_id", governed, "name", "Renamed through kommo-mcp",
                "confirmation_token", plan.path("confirmation_token").asString())));
        snapshot(t, 2);

        assertEquals(1, count("select count(*) from audit_entry where tenant_id = ? and kind = 'EXTERNAL' and tool ="
                + " 'kommo.pipeline.changed' and target_id = ? and before_state like ? and after_state like"
                + " '%Renamed in Kommo%' and arguments like '%changed_from%'", t.id(), String.valueOf(outside),
                "%" + before + "%"), "the outside change, with before, after and its interval");
        assertEquals(0, count("select count(*) from audit_entry where tenant_id = ? and kind = 'EXTERNAL' and"
                + " target_id = ?", t.id(), String.valueOf(governed)), "the governed change is not recorded twice");
        assertEquals(1, count("select count(*) from audit_entry where tenant_id = ? and kind = 'EXTERNAL'", t.id()),
                "nothing else changed, so nothing else is recorded");
        assertEquals("Renamed in Kommo", ok(admin.call("pipelines_list", Map.of())).path("pipelines").get(0)
                .path("name").asString(), "the cached schema was dropped: the next call sees the change");
        assertTrue(chainValid(t));
    }

    @Test
    void aDeliveryLeftByACrashedInstanceIsProcessedOnce() throws Exception {
        Tenant t = server.newTenant("rt-");
        hookUrl(t);
        String body = leadUpdate(424242, "Stored, then the instance died", 10, Instant.now().getEpochSecond(), 55);
        try (Connection db = ItServer.appDb(); PreparedStatement ps = db.prepareStatement("insert into webhook_inbox"
                + " (tenant_id, body, status, attempts, locked_until) values (?, ?, 'PROCESSING', 1, now() -"
                + " interval '1 second'), (?, ?, 'NEW', 0, null)")) {
            ps.setString(1, t.id());
            ps.setString(2, body);
            ps.setString(3, t.id());
            ps.setString(4, body);
            ps.executeUpdate();
        }
        waitFor(() -> count("select count(*) from webhook_inbox where tenant_id = ? and status = 'DONE'", t.id())
                == 2, "a claim whose lease ran out is taken over; a stored delivery is processed");
        assertEquals(1, count("select count(*) from audit_entry where tenant_id = ? and kind = 'EXTERNAL' and"
                + " target_id = '424242'", t.id()), "twice delivered, once recorded");
    }

    @Test
    void theMirrorFillsEqualsTheAccountAnswersWithItsFreshnessAndIsPurgedWhenTurnedOff() throws Exception {
        Tenant t = server.newTenant("rt-");
        assertEquals(200, server.admin("PATCH", "/api/admin/tenants/" + t.id(), "{\"mirror\":true}").statusCode());
        server.admin("POST", "/api/admin/tenants/" + t.id() + "/realtime/sync", null);
        waitFor(() -> status(t).path("entities").path("events").path("backfilled").asBoolean(), "backfilled");

        long leads = sandboxCount(t, "leads");
        assertTrue(leads > 0);
        assertEquals(leads, status(t).path("entities").path("leads").path("records").asLong(), "leads mirrored");
        assertEquals(sandboxCount(t, "contacts"), status(t).path("entities").path("contacts").path("records")
                .asLong(), "contacts mirrored");
        assertEquals(sandboxCount(t, "companies"), status(t).path("entities").path("companies").path("records")
                .asLong(), "companies mirrored");

        // a burst of changes made straight in Kommo, then a sweep
        for (int i = 0; i < 5; i++) {
            assertTrue(sandbox(t, "POST", "leads", "[{\"name\":\"Burst " + i + "\",\"price\":" + (100 + i) + "}]")
                    .statusCode() < 300);
        }
        server.admin("POST", "/api/admin/tenants/" + t.id() + "/realtime/sync", null);
        waitFor(() -> status(t).path("entities").path("leads").path("records").asLong() == leads + 5,
                "the sweep brought the new leads");
        assertEquals(sandboxCount(t, "leads"), status(t).path("entities").path("leads").path("records").asLong());

        McpHttp reader = server.mcp(t.id(), "kommo.reader");
        long pipeline = ok(reader.call("pipelines_list", Map.of())).path("pipelines").get(0).path("id").asLong();
        JsonNode page = ok(reader.call("leads_search", Map.of("pipeline_id", pipeline, "limit", 250)));
        assertTrue(page.has("as_of"), "answered from the mirror, with its freshness: " + page);
        assertEquals(sandboxLeadsIn(t, pipeline), page.path("leads").size(), "the same leads as Kommo has there");
        assertFalse(ok(reader.call("leads_search", Map.of("text", "Burst"))).has("as_of"), "free text goes to Kommo");

        assertEquals(200, server.admin("PATCH", "/api/admin/tenants/" + t.id(), "{\"mirror\":false}").statusCode());
        waitFor(() -> count("select count(*) from mirror_record where tenant_id = ?", t.id()) == 0, "purged");
        assertEquals(0, count("select count(*) from mirror_event where tenant_id = ?", t.id()));
        waitFor(() -> count("select count(*) from audit_entry where tenant_id = ? and tool = 'sync.mirror_purge'",
                t.id()) == 1, "the purge is audited");
        assertTrue(count("select count(*) from audit_entry where tenant_id = ? and tool = 'sync.mirror' and"
                + " kommo_call_count > 0", t.id()) > 0, "the sync's Kommo calls are on the record");
        assertFalse(ok(reader.call("leads_search", Map.of("pipeline_id", pipeline))).has("as_of"), "live again");
    }

    @Test
    void kommoDeliversToTheAddressTheGovernedSubscriptionMadeAndAPersonsChangeInKommoIsOnTheRecord()
            throws Exception {
        Tenant t = server.newTenant("rt-");
        assertEquals(200, server.admin("PATCH", "/api/admin/tenants/" + t.id(), "{\"mirror\":true}").statusCode());
        McpHttp admin = server.mcp(t.id(), "kommo.admin");
        JsonNode plan = ok(admin.call("webhooks_subscribe", Map.of()));
        assertEquals("planned", plan.path("status").asString());
        assertTrue(plan.path("plan").path("kommo_changes").get(0).asString().contains("/hooks/kommo/" + t.id()
                + "/***"), plan.toString());
        JsonNode applied = ok(admin.call("webhooks_subscribe", Map.of("confirmation_token",
                plan.path("confirmation_token").asString())));
        JsonNode listed = ok(admin.call("webhooks_list", Map.of()));
        assertTrue(listed.path("webhooks").get(0).path("this_server").asBoolean(), listed.toString());
        String secret = secretOf(t);
        assertTrue(secret.length() > 20 && !secret.contains("*"), "Kommo has the real address");
        for (JsonNode shown : List.of(plan, applied, listed)) {
            assertFalse(shown.toString().contains(secret), "the address's secret is never shown: " + shown);
        }
        assertEquals(0, count("select count(*) from audit_entry where tenant_id = ? and (arguments like ? or"
                + " after_state like ? or kommo_calls like ?)", t.id(), "%" + secret + "%", "%" + secret + "%", "%"
                        + secret + "%"), "nor recorded");

        server.admin("POST", "/api/admin/tenants/" + t.id() + "/realtime/sync", null);
        waitFor(() -> status(t).path("entities").path("events").path("backfilled").asBoolean(), "backfilled");
        long lead = ok(admin.call("leads_search", Map.of("limit", 1))).path("leads").get(0).path("id").asLong();
        long maria = McpHttp.JSON.readTree(sandbox(t, "GET", "users", null).body()).path("_embedded")
                .path("users").get(1).path("id").asLong();
        HttpResponse<String> ui = server.http("POST", "/sandbox/_control/accounts/" + t.account()
                + "/ui/update_lead", "{\"user_id\":" + maria + ",\"lead_id\":" + lead + ",\"name\":\"Renamed by"
                        + " Maria in Kommo\",\"price\":4321}", null);
        assertTrue(ui.statusCode() < 300, ui.statusCode() + " " + ui.body());
        waitFor(() -> count("select count(*) from audit_entry where tenant_id = ? and kind = 'EXTERNAL' and target_id"
                + " = ? and subject = ? and after_state like '%Renamed by Maria%'", t.id(), String.valueOf(lead),
                "kommo-user:" + maria) == 1, "delivered by Kommo, processed, on the record with who");
        waitFor(() -> count("select count(*) from mirror_record where tenant_id = ? and entity = 'leads' and id = ?"
                + " and data->>'name' = 'Renamed by Maria in Kommo'", t.id(), lead) == 1, "the mirror took it");

        HttpResponse<String> deleted = server.http("POST", "/sandbox/_control/accounts/" + t.account()
                + "/ui/delete", "{\"user_id\":" + maria + ",\"entity\":\"leads\",\"id\":" + lead + "}", null);
        assertTrue(deleted.statusCode() < 300, deleted.statusCode() + " " + deleted.body());
        waitFor(() -> count("select count(*) from mirror_record where tenant_id = ? and entity = 'leads' and id = ?"
                + " and deleted", t.id(), lead) == 1, "a deletion in Kommo's interface reaches the mirror");
        assertEquals(1, count("select count(*) from audit_entry where tenant_id = ? and kind = 'EXTERNAL' and tool ="
                + " 'kommo.lead.delete' and target_id = ?", t.id(), String.valueOf(lead)));

        server.http("PUT", "/sandbox/_control/accounts/" + t.account() + "/settings",
                "{\"webhooks_api_enabled\":false}", null);
        String refused = McpHttp.text(ItServer.err(admin.call("webhooks_list", Map.of())));
        assertTrue(refused.contains("Advanced") && refused.contains("Enterprise"), refused);
        assertTrue(chainValid(t));
    }

    @Test
    void theSyncKeepsToItsShareOfTheBudgetWhileToolCallsRun() throws Exception {
        Tenant t = server.newTenant("rt-");
        HttpResponse<String> seeded = server.http("POST", "/sandbox/_control/accounts/" + t.account()
                + "/bulk-seed", "{\"leads\":6000,\"contacts\":1000,\"companies\":0,\"events\":2000,\"seed\":7}",
                null);
        assertEquals(200, seeded.statusCode(), seeded.body());
        assertEquals(200, server.admin("PATCH", "/api/admin/tenants/" + t.id(), "{\"mirror\":true}").statusCode());
        server.admin("POST", "/api/admin/tenants/" + t.id() + "/realtime/sync", null);
        McpHttp reader = server.mcp(t.id(), "kommo.reader");
        int calls = 0;
        long until = System.nanoTime() + 8_000_000_000L;
        while (System.nanoTime() < until) {
            ok(reader.call("leads_search", Map.of("text", "x", "limit", 5)));
            calls++;
        }
        assertTrue(calls > 10, "tool calls went on during the backfill: " + calls);
        waitFor(() -> count("select count(*) from audit_entry where tenant_id = ? and tool = 'sync.mirror' and"
                + " arguments like '%sweep%'", t.id()) > 0, "backfilled, swept, and the runs on the record");
        List<Instant> sync = starts(t, "tool like 'sync.%'");
        List<Instant> all = starts(t, "true");
        assertTrue(sync.size() > 10, "the backfill made requests: " + sync.size());
        assertTrue(maxInWindow(sync, 1_000) <= 3, "at most 3 background requests start in any second: "
                + maxInWindow(sync, 1_000));
        assertTrue(maxInWindow(all, 1_000) <= 7, "at most 7 requests in any second: " + maxInWindow(all, 1_000));
        assertEquals(0, server.sandboxStats(t).path("throttled").asLong(), "Kommo never had to refuse one");
    }

    // ------------------------------------------------------------------ helpers

    /** The start of every Kommo request made for the tenant by the calls the audit entries matching {@code where}. */
    private static List<Instant> starts(Tenant t, String where) throws Exception {
        List<Instant> out = new java.util.ArrayList<>();
        try (Connection db = ItServer.appDb(); PreparedStatement ps = db.prepareStatement("select kommo_calls from"
                + " audit_entry where tenant_id = ? and kind in ('CALL', 'OUTCOME') and " + where)) {
            ps.setString(1, t.id());
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    for (JsonNode call : McpHttp.JSON.readTree(rs.getString(1))) {
                        out.add(Instant.parse(call.path("started_at").asString()));
                    }
                }
            }
        }
        out.sort(null);
        return out;
    }

    /** The most requests that started within any {@code millis} window. */
    private static int maxInWindow(List<Instant> starts, long millis) {
        int max = 0;
        for (int i = 0, j = 0; i < starts.size(); i++) {
            while (Duration.between(starts.get(j), starts.get(i)).toMillis() >= millis) {
                j++;
            }
            max = Math.max(max, i - j + 1);
        }
        return max;
    }

    /** The tenant's current webhook secret, as the sandbox's subscription holds it. */
    private String secretOf(Tenant t) throws Exception {
        JsonNode hooks = McpHttp.JSON.readTree(sandbox(t, "GET", "webhooks", null).body());
        String dest = hooks.path("_embedded").path("webhooks").get(0).path("destination").asString();
        return dest.substring(dest.lastIndexOf('/') + 1);
    }

    private String hookUrl(Tenant t) throws Exception {
        HttpResponse<String> r = server.admin("POST", "/api/admin/tenants/" + t.id() + "/realtime/webhook-secret",
                null);
        assertEquals(200, r.statusCode(), r.body());
        return McpHttp.JSON.readTree(r.body()).path("hook_url").asString();
    }

    private static HttpResponse<String> post(String url, String body) throws Exception {
        return McpHttp.HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type",
                "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A Kommo webhook for a lead's update, as Kommo encodes it (API.md §20.2). */
    private static String leadUpdate(long id, String name, long price, long at, long user) {
        return "leads%5Bupdate%5D%5B0%5D%5Bid%5D=" + id + "&leads%5Bupdate%5D%5B0%5D%5Bname%5D="
                + java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8)
                + "&leads%5Bupdate%5D%5B0%5D%5Bprice%5D=" + price + "&leads%5Bupdate%5D%5B0%5D%5Blast_modified%5D="
                + at + "&leads%5Bupdate%5D%5B0%5D%5Bmodified_user_id%5D=" + user
                + "&account%5Bid%5D=1&account%5Bsubdomain%5D=sandbox";
    }

    /** Runs the configuration snapshot now and waits until it ran {@code runs} times in all. */
    private void snapshot(Tenant t, int runs) throws Exception {
        server.admin("POST", "/api/admin/tenants/" + t.id() + "/realtime/sync", null);
        waitFor(() -> count("select count(*) from sync_job where tenant_id = ? and job = 'CONFIG_SNAPSHOT' and runs"
                + " >= ? and locked_by is null", t.id(), runs) == 1, "snapshot " + runs);
    }

    private JsonNode status(Tenant t) throws Exception {
        HttpResponse<String> r = server.admin("GET", "/api/admin/tenants/" + t.id() + "/realtime", null);
        assertEquals(200, r.statusCode(), r.body());
        return McpHttp.JSON.readTree(r.body());
    }

    /** A request straight to the sandbox account, as another integration would make it (resent after a 429). */
    private static HttpResponse<String> sandbox(Tenant t, String method, String path, String body) throws Exception {
        for (int attempt = 0; ; attempt++) {
            HttpResponse<String> r = sandboxOnce(t, method, path, body);
            if (r.statusCode() != 429 || attempt >= 10) {
                return r;
            }
            Thread.sleep(1_100); // the sync shares the account's 7 requests/s with us, as it would with any client
        }
    }

    private static HttpResponse<String> sandboxOnce(Tenant t, String method, String path, String body)
            throws Exception {
        return McpHttp.HTTP.send(HttpRequest.newBuilder(URI.create(t.kommoBaseUrl() + "/api/v4/" + path))
                .header("Authorization", "Bearer " + t.kommoToken()).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Records of a collection in the sandbox, counted page by page straight from it. */
    private static long sandboxCount(Tenant t, String collection) throws Exception {
        long n = 0;
        for (int page = 1; page < 100; page++) {
            HttpResponse<String> r = sandbox(t, "GET", collection + "?limit=250&page=" + page, null);
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

    private static long sandboxLeadsIn(Tenant t, long pipeline) throws Exception {
        HttpResponse<String> r = sandbox(t, "GET", "leads?limit=250&filter%5Bpipeline_id%5D=" + pipeline, null);
        return r.statusCode() == 204 ? 0 : McpHttp.JSON.readTree(r.body()).path("_embedded").path("leads").size();
    }

    private boolean chainValid(Tenant t) throws Exception {
        return McpHttp.JSON.readTree(server.http("GET", "/api/audit/chain", null, TestTokens.token(t.id(),
                "audit.reader")).body()).path("valid").asBoolean();
    }

    private static void waitFor(Callable<Boolean> condition, String what) throws Exception {
        Instant until = Instant.now().plus(Duration.ofSeconds(120));
        while (Instant.now().isBefore(until)) {
            if (Boolean.TRUE.equals(condition.call())) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("timed out waiting: " + what);
    }
}
