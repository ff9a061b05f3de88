package io.kommomcp.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kommomcp.audit.AuditReconciler;
import io.kommomcp.core.Json;
import io.kommomcp.kommo.WriteLog;
import io.kommomcp.kommo.Written;
import io.kommomcp.tenancy.TenantService;
import io.kommomcp.testing.Fields;
import io.kommomcp.testing.RecordingAudit;
import io.kommomcp.testing.UnitDatabase;
import io.kommomcp.webhooks.KommoWebhookParser;
import io.kommomcp.webhooks.WebhookDelivery;
import tools.jackson.databind.JsonNode;

/**
 * Changes seen in Kommo, on the real database: a webhook that comes before this server has logged its own write
 * waits for that write instead of being taken for a change made outside kommo-mcp; what a sweep finds changed that
 * no webhook brought is on the record once, and not when this server made it.
 */
class ChangeFeedTest {

    private RecordingAudit audit;
    private ChangeFeed feed;
    private String tenant;
    private boolean inFlight;

    @BeforeEach
    void setUp() {
        audit = new RecordingAudit();
        ExternalChanges external = new ExternalChanges();
        external.ds = UnitDatabase.app();
        external.audit = audit;
        feed = new ChangeFeed();
        feed.external = external;
        feed.writes = Fields.set(new WriteLog(), "ds", UnitDatabase.app());
        feed.mirror = Fields.set(new MirrorStore(), "ds", UnitDatabase.app());
        feed.jobs = Fields.set(new SyncJobs(), "ds", UnitDatabase.app());
        feed.tenants = new TenantService() {
            @Override
            public boolean mirrorEnabled(String id) {
                return false;
            }
        };
        feed.changes = new AuditReconciler() {
            @Override
            public boolean changeInFlight(String tenantId, long withinSeconds) {
                return inFlight;
            }
        };
        tenant = "feed-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static WebhookDelivery leadUpdated(long id, long at) throws Exception {
        return new KommoWebhookParser().parse("account[id]=1&account[subdomain]=acme&leads[update][0][id]=" + id
                + "&leads[update][0][name]=Changed&leads[update][0][updated_at]=" + at
                + "&leads[update][0][modified_user_id]=5");
    }

    @Test
    void aWebhookWaitsWhileAChangeOfTheTenantIsStillRunningThenFindsItsWrite() throws Exception {
        long at = Instant.now().getEpochSecond();
        WebhookDelivery d = leadUpdated(41, at);
        inFlight = true; // our leads_update has its intent on the chain, Kommo has not answered yet
        assertThrows(ChangeFeed.Deferred.class, () -> feed.apply(tenant, Instant.now(), d,
                ChangeFeed.Source.WEBHOOK));
        assertTrue(audit.entries.isEmpty(), "nothing recorded while it waits");

        feed.writes.record(tenant, List.of(new Written("lead", "41", Map.of("name", "Before"), Map.of("name",
                "Changed"))));
        feed.apply(tenant, Instant.now(), d, ChangeFeed.Source.WEBHOOK); // the write is logged now
        assertTrue(audit.entries.isEmpty(), "this server's own change, not one made outside it");
    }

    @Test
    void aWebhookNoRunningChangeCouldExplainIsRecordedAtOnceAndAnOldOneNeverWaits() throws Exception {
        long at = Instant.now().getEpochSecond();
        inFlight = false;
        feed.apply(tenant, Instant.now(), leadUpdated(42, at), ChangeFeed.Source.WEBHOOK);
        assertEquals(List.of("EXTERNAL kommo.lead.update SUCCEEDED"), audit.entries);

        inFlight = true;
        feed.apply(tenant, Instant.now().minusSeconds(ChangeFeed.IN_FLIGHT_WAIT + 5), leadUpdated(43, at - 300),
                ChangeFeed.Source.WEBHOOK);
        assertEquals(2, audit.entries.size(), "a delivery older than the wait is decided without waiting");
    }

    @Test
    void twoChangesWithinOneSecondAreTwoEntriesAndARedeliveryIsNone() throws Exception {
        long at = Instant.now().getEpochSecond() - 300;
        WebhookDelivery first = new KommoWebhookParser().parse("account[id]=1&account[subdomain]=acme"
                + "&leads[update][0][id]=44&leads[update][0][price]=1000&leads[update][0][updated_at]=" + at);
        WebhookDelivery second = new KommoWebhookParser().parse("account[id]=1&account[subdomain]=acme"
                + "&leads[update][0][id]=44&leads[update][0][price]=1001&leads[update][0][updated_at]=" + at);
        feed.apply(tenant, Instant.now(), first, ChangeFeed.Source.WEBHOOK);
        feed.apply(tenant, Instant.now(), second, ChangeFeed.Source.WEBHOOK);
        feed.apply(tenant, Instant.now(), first, ChangeFeed.Source.WEBHOOK); // Kommo delivers the first again
        assertEquals(2, audit.entries.size(), audit.entries.toString());
    }

    @Test
    void aChangeOnlyTheSweepSawIsRecordedOnceWithItsBeforeAndAfter() throws Exception {
        long at = Instant.now().getEpochSecond() - 30;
        JsonNode now = Json.mapper().readTree("{\"id\":51,\"name\":\"Renamed in Kommo\",\"created_at\":" + (at - 900)
                + ",\"updated_at\":" + at + ",\"updated_by\":7,\"_links\":{\"self\":{\"href\":\"x\"}}}");
        MirrorStore.Swept swept = new MirrorStore.Swept(51, Map.of("id", 51, "name", "As mirrored"), now, at);
        feed.swept(tenant, "leads", List.of(swept));
        feed.swept(tenant, "leads", List.of(swept)); // the next sweep's overlap reads it again
        assertEquals(List.of("EXTERNAL kommo.lead.update SUCCEEDED"), audit.entries);
        var change = audit.calls.get(0).changes().get(0);
        assertEquals("As mirrored", change.before().get("name"));
        assertEquals("Renamed in Kommo", change.after().get("name"));
        assertNull(change.after().get("_links"));

        feed.writes.record(tenant, List.of(new Written("lead", "52", null, Map.of("name", "Ours"))));
        JsonNode ours = Json.mapper().readTree("{\"id\":52,\"name\":\"Ours\",\"created_at\":" + at
                + ",\"updated_at\":" + at + "}");
        feed.swept(tenant, "leads", List.of(new MirrorStore.Swept(52, null, ours, at)));
        assertEquals(1, audit.entries.size(), "made through kommo-mcp: already on the chain");
    }
}
