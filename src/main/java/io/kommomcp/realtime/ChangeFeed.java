package io.kommomcp.realtime;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.kommomcp.core.Json;

import io.kommomcp.kommo.WriteLog;
import io.kommomcp.tenancy.TenantService;
import io.kommomcp.webhooks.WebhookDelivery;
import io.kommomcp.webhooks.WebhookEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * What a change seen in Kommo means here, decided once for every way it is seen: the tenant's mirror takes it (when
 * the mirror is on), and when no write of this server explains it, it goes on the tenant's audit chain as a change
 * made outside kommo-mcp, with the Kommo user who made it. A record event that names a stage the cached schema does
 * not know makes the configuration snapshot run at once (a stage added in Kommo's interface has no webhook of its
 * own). Idempotent: a redelivered webhook changes the mirror to the same state and records nothing twice.
 */
@ApplicationScoped
public class ChangeFeed {

    /** How a change was seen. */
    public enum Source {
        WEBHOOK, SWEEP
    }

    /** Seconds around a change within which a write of this server counts as having made it. */
    static final long WINDOW = 120;

    /**
     * How long a webhook that no logged write explains waits while a change of the tenant is still running here: the
     * change's writes are logged when Kommo answers, and Kommo's webhook may come first.
     */
    static final long IN_FLIGHT_WAIT = 60;

    /** The delivery should be processed again shortly: a change that may explain it is still running. */
    public static final class Deferred extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Deferred() {
            super("a change of the tenant is still running", null, false, false);
        }
    }

    @Inject
    MirrorStore mirror;

    @Inject
    ExternalChanges external;

    @Inject
    WriteLog writes;

    @Inject
    TenantService tenants;

    @Inject
    SyncJobs jobs;

    @Inject
    io.kommomcp.audit.AuditReconciler changes;

    /**
     * Applies every event of a delivery received at {@code receivedAt}; throws {@link Deferred}, having changed
     * nothing, when a recent webhook holds a change that no logged write explains while a change of the tenant is
     * still running here (so that this server's own change is not taken for one made outside it).
     */
    public void apply(String tenant, Instant receivedAt, WebhookDelivery delivery, Source source) {
        if (source == Source.WEBHOOK && receivedAt.isAfter(Instant.now().minusSeconds(IN_FLIGHT_WAIT))
                && delivery.events().stream().anyMatch(e -> !explained(tenant, e, receivedAt))
                && changes.changeInFlight(tenant, IN_FLIGHT_WAIT)) {
            throw new Deferred();
        }
        boolean mirrored = tenants.mirrorEnabled(tenant);
        for (WebhookEvent e : delivery.events()) {
            Optional<Target> target = Target.of(e);
            if (target.isEmpty()) {
                continue;
            }
            Target t = target.get();
            Instant at = e.at() != null ? e.at() : receivedAt;
            Map<String, Object> before = null;
            if (mirrored) {
                before = mirror.apply(tenant, t.mirrorEntity(), t.id(), e.fields(), e.at() == null ? null
                        : e.at().getEpochSecond(), e.action() == WebhookEvent.Action.DELETE);
            }
            if (explained(tenant, e, receivedAt)) {
                continue; // made through kommo-mcp: already on the chain, with its before and after
            }
            String change = e.action().name().toLowerCase(java.util.Locale.ROOT);
            // the same delivery again has the same key; two changes within one second (Kommo's clock) do not
            String key = "record:" + t.auditType() + ":" + t.id() + ":" + change + ":" + (e.at() == null ? ""
                    : e.at().getEpochSecond() + ":") + io.kommomcp.audit.ChainHash.sha256(String.valueOf(e.fields()));
            external.record(tenant, new ExternalChanges.Change(key, t.auditType(), String.valueOf(t.id()), change,
                    before, e.action() == WebhookEvent.Action.DELETE ? null : e.fields(), at, at,
                    source == Source.WEBHOOK ? ExternalChanges.Seen.WEBHOOK : ExternalChanges.Seen.SWEEP,
                    e.modifiedBy()));
            if (e.action() == WebhookEvent.Action.STATUS || e.action() == WebhookEvent.Action.ADD) {
                // a stage or pipeline this server has not seen may have been added in Kommo's interface
                jobs.runSoon(tenant, SyncJobs.Job.CONFIG_SNAPSHOT);
            }
        }
    }

    /**
     * Records what a sweep found changed in Kommo (not brought by a webhook) that no write of this server explains,
     * as a change made outside kommo-mcp, once: a webhook of the same change that comes later finds the mirror
     * current and records nothing.
     */
    public void swept(String tenant, String entity, List<MirrorStore.Swept> records) {
        String type = switch (entity) {
            case "leads" -> "lead";
            case "contacts" -> "contact";
            case "companies" -> "company";
            case "tasks" -> "task";
            default -> entity.endsWith("_notes") ? "note" : null;
        };
        if (type == null) {
            return;
        }
        for (MirrorStore.Swept r : records) {
            Instant at = r.updatedAt() != null ? Instant.ofEpochSecond(r.updatedAt()) : Instant.now();
            if (writes.wrote(tenant, type, String.valueOf(r.id()), at.minusSeconds(WINDOW), at.plusSeconds(WINDOW))) {
                continue;
            }
            Map<String, Object> after = Json.mapper().convertValue(r.after(),
                    new tools.jackson.core.type.TypeReference<Map<String, Object>>() {
                    });
            after.remove("_links");
            String change = r.before() == null && Objects.equals(r.after().path("created_at").asLong(-1),
                    r.after().path("updated_at").asLong(-2)) ? "add" : "update";
            Long by = r.after().path("updated_by").isNumber() ? r.after().path("updated_by").asLong() : null;
            external.record(tenant, new ExternalChanges.Change("record:" + type + ":" + r.id() + ":" + change + ":"
                    + at.getEpochSecond(), type, String.valueOf(r.id()), change, r.before(), after, at, at,
                    ExternalChanges.Seen.SWEEP, by));
        }
    }

    /** Whether a logged write of this server made the event's change (events about nothing count as explained). */
    private boolean explained(String tenant, WebhookEvent e, Instant receivedAt) {
        Optional<Target> target = Target.of(e);
        if (target.isEmpty()) {
            return true;
        }
        Instant at = e.at() != null ? e.at() : receivedAt;
        return writes.wrote(tenant, target.get().auditType(), String.valueOf(target.get().id()),
                at.minusSeconds(WINDOW), at.plusSeconds(WINDOW));
    }

    /** The object an event is about, as the mirror and the audit trail name it. */
    record Target(String mirrorEntity, String auditType, long id) {

        static Optional<Target> of(WebhookEvent e) {
            if (e.id() == null) {
                return Optional.empty(); // incoming leads (unsorted) have no record id yet
            }
            return Optional.ofNullable(switch (e.entity()) {
                case LEAD -> new Target("leads", "lead", e.id());
                case CONTACT -> new Target("contacts", "contact", e.id());
                case COMPANY -> new Target("companies", "company", e.id());
                case TASK -> new Target("tasks", "task", e.id());
                case NOTE -> e.parent() == null ? null : new Target(switch (e.parent().entity()) {
                    case LEAD -> "lead_notes";
                    case CONTACT -> "contact_notes";
                    case COMPANY -> "company_notes";
                    default -> "other_notes";
                }, "note", e.id());
                default -> null;
            });
        }
    }
}
