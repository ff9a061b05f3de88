package io.kommomcp.platform;

import java.util.logging.Level;
import java.util.logging.Logger;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.kommomcp.audit.AuditReconciler;
import io.kommomcp.audit.ChainHeadMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Start-up in order: schema, audit reconciliation, then the chain-head metrics. (The demo tenant is the sandbox's
 * business: it registers it through the admin API.)
 */
@ApplicationScoped
public class Startup {

    private static final Logger LOG = Logger.getLogger(Startup.class.getName());

    @Inject
    DatabaseMigrator migrator;

    @Inject
    AuditReconciler reconciler;

    @Inject
    io.kommomcp.audit.Instances instances;

    @Inject
    ChainHeadMetrics chainHeads;

    @Inject
    io.kommomcp.realtime.WebhookProcessor webhooks;

    @Inject
    io.kommomcp.realtime.BackgroundWorker background;

    @Inject
    io.kommomcp.realtime.MirrorMetrics mirrorMetrics;

    @Inject
    @ConfigProperty(name = "kommo.audit.reconcile-min-age-seconds", defaultValue = "120")
    long reconcileMinAge;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
        try {
            migrator.migrate();
            instances.start(); // before reconciliation: intents of live instances are theirs to finish
            // intents without an outcome, older than any call that may still run on another instance
            int closed = reconciler.reconcile(null, reconcileMinAge).size();
            LOG.info(() -> "Audit reconciliation at start-up: " + closed + " intent(s) without an outcome");
            chainHeads.start();
            webhooks.start();
            background.start();
            mirrorMetrics.start();
        } catch (RuntimeException e) {
            // Readiness stays DOWN with the reason; the server keeps running so operators can see it.
            LOG.log(Level.SEVERE, "Start-up did not complete: " + e.getMessage(), e);
        }
    }
}
