package io.kommomcp.realtime;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.kommomcp.audit.AuditLog;
import io.kommomcp.audit.Outcome;
import io.kommomcp.audit.ToolCallAudit;
import io.kommomcp.core.Caller;
import io.kommomcp.core.ChangeLog;
import io.kommomcp.core.KommoCallLog;
import io.kommomcp.kommo.KommoApiException;
import io.kommomcp.kommo.KommoConfiguration;
import io.kommomcp.kommo.KommoMetadata;
import io.kommomcp.kommo.WriteLog;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Runs the background jobs of {@link SyncJobs} on this instance, one at a time: every
 * {@code kommo.realtime.poll-seconds} it claims the job due longest (any instance may have it; PostgreSQL decides),
 * runs it within its lease, and gives it back due again. A configuration snapshot runs every
 * {@code kommo.realtime.config-snapshot-seconds}; the mirror runs in slices of at most
 * {@code kommo.realtime.slice-seconds}, so that one tenant's backfill never keeps another tenant waiting. Kommo
 * requests of background work use at most the sync's share of the account's budget and wait whenever a tool call
 * needs it. Every job run is one audit entry of the platform's own ({@code sync.*}, subject {@code kommo-mcp}) with
 * every Kommo call it made.
 */
@ApplicationScoped
public class BackgroundWorker {

    private static final Logger LOG = Logger.getLogger(BackgroundWorker.class.getName());
    private static final int LEASE_SECONDS = 60;

    @Inject
    SyncJobs jobs;

    @Inject
    KommoConfiguration configuration;

    @Inject
    ConfigSnapshots snapshots;

    @Inject
    Mirror mirror;

    @Inject
    KommoMetadata metadata;

    @Inject
    MirrorStore store;

    @Inject
    WriteLog writes;

    @Inject
    AuditLog audit;

    @Inject
    io.kommomcp.audit.AuditReconciler reconciler;

    @Inject
    io.kommomcp.audit.Instances instances;

    /**
     * How often changes left unfinished by an instance that is gone are closed (by any live instance, so a crashed
     * instance's calls do not wait for a restart); 0: only at start-up.
     */
    @Inject
    @ConfigProperty(name = "kommo.audit.reconcile-every-seconds", defaultValue = "300")
    long reconcileEverySeconds;

    @Inject
    @ConfigProperty(name = "kommo.audit.reconcile-min-age-seconds", defaultValue = "120")
    long reconcileMinAge;

    private volatile long lastAuditReconcile = System.nanoTime();

    @Inject
    jakarta.enterprise.event.Event<ConfigurationChanged> changed;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    @ConfigProperty(name = "kommo.realtime.enabled", defaultValue = "true")
    boolean enabled;

    @Inject
    @ConfigProperty(name = "kommo.realtime.poll-seconds", defaultValue = "2")
    long pollSeconds;

    @Inject
    @ConfigProperty(name = "kommo.realtime.config-snapshot-seconds", defaultValue = "300")
    long snapshotSeconds;

    @Inject
    @ConfigProperty(name = "kommo.realtime.first-snapshot-delay-seconds", defaultValue = "60")
    long firstSnapshotDelay;

    @Inject
    @ConfigProperty(name = "kommo.realtime.write-log-days", defaultValue = "7")
    int writeLogDays;

    /** How often the jobs are matched to the tenants (new tenants, mirrors turned on or off). */
    @Inject
    @ConfigProperty(name = "kommo.realtime.reconcile-seconds", defaultValue = "30")
    long reconcileSeconds;

    private final String instance = UUID.randomUUID().toString();
    private volatile ScheduledFuture<?> polling;
    private volatile long lastReconcile;

    /** Starts polling for jobs (at start-up), unless {@code kommo.realtime.enabled} is false. */
    public void start() {
        if (enabled) {
            polling = scheduler.scheduleWithFixedDelay(this::poll, pollSeconds, pollSeconds, TimeUnit.SECONDS);
        }
    }

    @PreDestroy
    void stop() {
        if (polling != null) {
            polling.cancel(false);
        }
    }

    /** Claims and runs due jobs until none is due. */
    void poll() {
        try {
            if (System.nanoTime() - lastReconcile > reconcileSeconds * 1_000_000_000L || lastReconcile == 0) {
                lastReconcile = System.nanoTime();
                jobs.reconcile(firstSnapshotDelay);
                writes.purge(Instant.now().minusSeconds(writeLogDays * 86_400L));
                store.orphaned().forEach(this::purge);
            }
            if (reconcileEverySeconds > 0 && System.nanoTime() - lastAuditReconcile > reconcileEverySeconds
                    * 1_000_000_000L) {
                lastAuditReconcile = System.nanoTime();
                int closed = reconciler.reconcile(null, reconcileMinAge).size();
                instances.purge();
                if (closed > 0) {
                    LOG.info(() -> "Closed " + closed + " change(s) left unfinished by instances that are gone");
                }
            }
            Optional<SyncJobs.Claim> claim;
            while ((claim = jobs.claim(instance, LEASE_SECONDS)).isPresent()) {
                run(claim.get());
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Background jobs paused until the next poll: " + e.getMessage(), e);
        }
    }

    /** Runs one claimed job now and gives it back. */
    void run(SyncJobs.Claim claim) {
        Caller caller = caller(claim.tenant());
        Instant startedAt = Instant.now();
        long start = System.nanoTime();
        Map<String, Object> details = new LinkedHashMap<>();
        String error = null;
        Instant next;
        try {
            if (claim.job() == SyncJobs.Job.CONFIG_SNAPSHOT) {
                Instant readFrom = Instant.now();
                Map<String, Map<String, Map<String, Object>>> reading = configuration.read(caller);
                if (!jobs.renew(claim, LEASE_SECONDS)) {
                    // the reading took longer than the lease and another instance has the job: its reading counts
                    throw new IllegalStateException("the snapshot's claim ran out while the configuration was read");
                }
                ConfigSnapshots.Result r = snapshots.take(claim.tenant(), reading, readFrom, Instant.now());
                details.put("baseline", r.baseline());
                details.put("differences", r.differences());
                details.put("external_changes", r.external());
                if (r.differences() > 0) {
                    metadata.invalidateAll(claim.tenant());
                    changed.fire(new ConfigurationChanged(claim.tenant()));
                }
                next = Instant.now().plusSeconds(Math.max(1, snapshotSeconds));
            } else {
                Mirror.Slice slice = mirror.run(claim, caller, () -> jobs.renew(claim, LEASE_SECONDS));
                details.putAll(slice.details());
                next = slice.more() ? Instant.now() : Instant.now().plusSeconds(Math.max(1, mirror.sweepSeconds()));
            }
        } catch (KommoApiException e) {
            error = e.toolMessage();
            next = null; // the queue backs off
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, claim.job() + " of tenant " + claim.tenant() + " failed: " + e.getMessage());
            error = String.valueOf(e.getMessage());
            next = null;
        }
        try {
            jobs.release(claim, next == null ? Instant.now() : next, error);
        } finally {
            auditRun(claim, caller, details, error, startedAt, start);
        }
    }

    /**
     * Removes a tenant's mirrored data once its mirror is off (or the tenant is gone), and says so in its audit
     * chain: what was removed, when, by the platform.
     */
    void purge(String tenant) {
        Instant startedAt = Instant.now();
        MirrorStore.Purged purged = store.purge(tenant);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("records", purged.records());
        details.put("events", purged.events());
        details.put("reason", "mirror turned off");
        audit.record(new ToolCallAudit(startedAt, tenant, "kommo-mcp", Set.of(), "kommo-mcp", null, null,
                "sync.mirror_purge", details, Outcome.SUCCEEDED, null, null, List.of(), List.of()));
        LOG.info(() -> "Mirror of tenant " + tenant + " purged: " + purged);
    }

    /** The tenant as background work acts for it: no person, no session; its Kommo calls are logged. */
    static Caller caller(String tenant) {
        return new Caller(tenant, "kommo-mcp", Set.of(), "kommo-mcp", null, null, new KommoCallLog(),
                new ChangeLog(), null);
    }

    private void auditRun(SyncJobs.Claim claim, Caller caller, Map<String, Object> details, String error,
            Instant startedAt, long start) {
        if (caller.kommoCalls().size() == 0 && error == null && !details.containsKey("purged")) {
            return; // nothing happened worth a line (a sweep that found nothing to read)
        }
        try {
            audit.record(new ToolCallAudit(startedAt, claim.tenant(), "kommo-mcp", Set.of(), "kommo-mcp", null, null,
                    "sync." + claim.job().name().toLowerCase(java.util.Locale.ROOT), details, error == null
                            ? Outcome.SUCCEEDED : Outcome.FAILED, (System.nanoTime() - start) / 1_000_000L, error,
                    caller.kommoCalls().entries(), List.of()));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "The run of " + claim.job() + " for " + claim.tenant() + " could not be audited", e);
        }
    }
}
