package io.kommomcp.realtime;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.kommomcp.security.PublicUrl;
import io.kommomcp.security.RequiresRole;
import io.kommomcp.security.Roles;
import io.kommomcp.tenancy.TenantRecords.TenantView;
import io.kommomcp.tenancy.TenantService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

/**
 * A tenant's real-time side, for platform administrators: the webhook address (its secret rotated and shown once),
 * the mirror's progress and lag per entity, the webhook backlog, the configuration snapshots, and a way to run the
 * snapshot and the mirror's sweep now. Turning the mirror on or off is a tenant change ({@code PATCH
 * /api/admin/tenants/{id}} with {@code mirror}).
 */
@Path("/admin/tenants/{id}/realtime")
@RequestScoped
@RequiresRole(Roles.PLATFORM_ADMIN)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "realtime", description = "Webhooks, the mirror and changes made outside kommo-mcp")
public class RealtimeAdminResource {

    @Inject
    TenantService tenants;

    @Inject
    WebhookSecrets secrets;

    @Inject
    WebhookInbox inbox;

    @Inject
    MirrorStore mirror;

    @Inject
    SyncJobs jobs;

    @Context
    HttpServletRequest request;

    /** The tenant's new webhook address; the old one stops working at once. */
    public record WebhookAddress(String hookUrl, String note) {
    }

    @POST
    @Path("/webhook-secret")
    @Operation(summary = "Rotate the webhook secret", description = "Makes a new secret for the tenant's webhook"
            + " address and returns the address once (only a hash is stored). Subscribe Kommo to it with the"
            + " webhooks_subscribe tool; deliveries to the old address get 404 from now on.")
    public WebhookAddress rotate(@PathParam("id") String id) {
        String secret = tenants.rotateWebhookSecret(id, g -> secrets.secret(id, g), WebhookSecrets::hash);
        return new WebhookAddress(PublicUrl.of(request) + "/hooks/kommo/" + id + "/" + secret, "Shown once. Kommo"
                + " subscriptions made with the previous address must be made again (webhooks_subscribe).");
    }

    /** The tenant's real-time state. */
    public record Status(String tenant, boolean mirror, boolean webhookAddress, long webhooksWaiting,
            Instant oldestWaitingWebhook, Map<String, Map<String, Object>> entities, Map<String, Object> snapshots) {
    }

    @GET
    @Operation(summary = "Mirror progress, lag and webhooks", description = "Per mirrored entity: records, whether"
            + " the backfill is done, the time it was last known current and the lag in seconds; webhooks waiting;"
            + " the configuration snapshot job's last run and error.")
    public Status status(@PathParam("id") String id) {
        TenantView t = tenants.get(id);
        Map<String, Map<String, Object>> entities = new LinkedHashMap<>();
        if (t.mirror()) {
            Instant now = Instant.now();
            mirror.progress(id, Mirror.entities()).forEach((name, p) -> {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("records", mirror.count(id, name));
                e.put("backfilled", p.backfilled());
                e.put("synced_at", p.syncedAt());
                e.put("lag_seconds", p.syncedAt() == null ? null : Duration.between(p.syncedAt(), now).toSeconds());
                e.put("last_change_at", p.lastChangeAt());
                entities.put(name, e);
            });
        }
        WebhookInbox.Backlog backlog = inbox.backlog(id);
        Map<String, Object> snapshots = new LinkedHashMap<>();
        jobs.state(id, SyncJobs.Job.CONFIG_SNAPSHOT).ifPresent(s -> {
            snapshots.put("last_run_at", s.lastRunAt());
            snapshots.put("last_error", s.lastError());
            snapshots.put("next_run_at", s.runAfter());
            snapshots.put("runs", s.runs());
        });
        return new Status(id, t.mirror(), t.hasWebhookSecret(), backlog.waiting(), backlog.oldest(), entities,
                snapshots);
    }

    /** Which jobs were made due. */
    public record Scheduled(List<String> jobs) {
    }

    @POST
    @Path("/sync")
    @Operation(summary = "Run now", description = "Makes the configuration snapshot (and, with the mirror on, the"
            + " mirror's sweep) due now; a background worker of any instance runs it within seconds.")
    public Scheduled sync(@PathParam("id") String id) {
        TenantView t = tenants.get(id);
        jobs.runSoon(id, SyncJobs.Job.CONFIG_SNAPSHOT);
        if (t.mirror()) {
            jobs.runSoon(id, SyncJobs.Job.MIRROR);
            return new Scheduled(List.of("CONFIG_SNAPSHOT", "MIRROR"));
        }
        return new Scheduled(List.of("CONFIG_SNAPSHOT"));
    }
}
