package io.kommomcp.realtime;

import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.kommomcp.webhooks.KommoWebhookParser;
import io.kommomcp.webhooks.MalformedWebhook;
import io.kommomcp.webhooks.WebhookDelivery;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Processes stored webhook deliveries ({@link WebhookInbox}) on every instance: claims a batch, reads each delivery
 * ({@link KommoWebhookParser}) and hands its events to the {@link ChangeFeed}. Processing is idempotent (Kommo
 * delivers again when it did not get its answer in time, and a crashed instance's claim is taken over), so a
 * delivery processed twice changes nothing the second time. A body that is not a readable Kommo webhook is kept as
 * MALFORMED with the reason (never retried, never fatal); a failure of the database or Kommo is retried
 * ({@code kommo.webhooks.max-attempts}). Runs every {@code kommo.webhooks.poll-ms}, and at once when a delivery
 * arrives at this instance.
 */
@ApplicationScoped
public class WebhookProcessor {

    private static final Logger LOG = Logger.getLogger(WebhookProcessor.class.getName());

    @Inject
    WebhookInbox inbox;

    @Inject
    ChangeFeed feed;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    @ConfigProperty(name = "kommo.webhooks.poll-ms", defaultValue = "1000")
    long pollMillis;

    /** How long a delivery waits for a change of its tenant that is still running here (ChangeFeed.Deferred). */
    static final int DEFER_SECONDS = 2;

    @Inject
    @ConfigProperty(name = "kommo.webhooks.max-attempts", defaultValue = "5")
    int maxAttempts;

    private final KommoWebhookParser parser = new KommoWebhookParser();
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private volatile ScheduledFuture<?> polling;

    /** Starts polling (at start-up). */
    public void start() {
        polling = scheduler.scheduleWithFixedDelay(this::drain, pollMillis, pollMillis, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (polling != null) {
            polling.cancel(false);
        }
    }

    /** A delivery arrived here: process it now rather than at the next poll. */
    public void wake() {
        again.set(true);
        if (!running.get()) {
            try {
                scheduler.execute(this::drain);
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "webhook processing not started now; the next poll takes it", e);
            }
        }
    }

    /** Processes what is waiting, batch after batch, on one thread of this instance at a time. */
    void drain() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        try {
            do {
                again.set(false);
                List<WebhookInbox.Delivery> batch;
                do {
                    batch = inbox.claim(50, 60, maxAttempts);
                    batch.forEach(this::process);
                } while (!batch.isEmpty());
            } while (again.get());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Webhook processing paused until the next poll: " + e.getMessage(), e);
        } finally {
            running.set(false);
        }
    }

    private void process(WebhookInbox.Delivery d) {
        WebhookDelivery delivery;
        try {
            delivery = parser.parse(d.body());
        } catch (MalformedWebhook e) {
            LOG.warning(() -> "Webhook delivery " + d.id() + " of tenant " + d.tenantId() + " is malformed: "
                    + e.getMessage());
            inbox.malformed(d.id(), e.getMessage());
            return;
        } catch (RuntimeException e) {
            // reading a body needs nothing outside it, so a failure here would fail again: kept, never retried
            LOG.log(Level.WARNING, "Webhook delivery " + d.id() + " of tenant " + d.tenantId()
                    + " could not be read", e);
            inbox.malformed(d.id(), "not a readable Kommo webhook (the parser failed on it; see the server log)");
            return;
        }
        try {
            feed.apply(d.tenantId(), d.receivedAt(), delivery, ChangeFeed.Source.WEBHOOK);
            inbox.done(d.id(), delivery.events().size());
        } catch (ChangeFeed.Deferred e) {
            inbox.defer(d.id(), DEFER_SECONDS);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Webhook delivery " + d.id() + " of tenant " + d.tenantId() + " failed (attempt "
                    + d.attempts() + "): " + e.getMessage(), e);
            inbox.failed(d, String.valueOf(e.getMessage()), maxAttempts);
        }
    }
}
