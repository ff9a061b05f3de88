package io.kommomcp.sandbox;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Delivers an account's webhooks (API.md §20.2): a POST of the form body to each enabled subscriber of the event,
 * {@code Content-Type: application/x-www-form-urlencoded}, only ever to the destination a subscription names.
 *
 * <p><b>Threads.</b> Never on the caller's thread and never under the account's lock: {@link #send} only queues. One
 * small pool for all accounts ({@value #THREADS} daemon threads that end when idle) works the queues; each webhook has
 * its own queue, worked by one thread at a time, so a destination receives first attempts in the order the changes
 * were made, and a slow destination holds up no other.
 *
 * <p><b>Success and retries.</b> An answer 100-299 within the timeout (Kommo: 2 s) is a success. Anything else (another
 * status, no answer in time, a refused connection) is a failed delivery, retried after each delay of the retry
 * schedule in turn, then given up. Kommo's own schedule is UNCONFIRMED (a secondary source says 5 min, then 15 min,
 * ...); the sandbox's default is short, so that tests see retries: 1 s, 5 s, 15 s ({@code
 * kommo.sandbox.webhooks.retry-delays-ms}, per account {@code webhook_retry_delays_ms} in {@code _control} settings).
 *
 * <p><b>Disabling.</b> Every failed delivery (retries too) counts in {@link WebhookStore#failed}; more than 100 in 2
 * hours, the last one failed, disable the webhook: it gets nothing more (queued deliveries and retries are dropped)
 * until it is posted again.
 *
 * <p>The last {@value #LOG_SIZE} deliveries are kept for {@code GET _control/accounts/{name}/webhooks/deliveries}.
 */
final class WebhookOutbox {

    static final int THREADS = 2;
    static final int LOG_SIZE = 1000;
    static final List<Long> DEFAULT_RETRY_DELAYS_MS = List.of(1_000L, 5_000L, 15_000L);
    static final long DEFAULT_TIMEOUT_MS = 2_000;

    private static final ScheduledThreadPoolExecutor POOL = pool();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(DEFAULT_TIMEOUT_MS))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    /** One delivery of one event to one webhook, and what became of it. */
    static final class Delivery {
        final long id;
        final long webhookId;
        final String destination;
        final String event;
        final long entityId;
        final String body;
        final long createdAt;
        String status = "pending";
        int attempts;
        Integer lastHttpStatus;
        String lastError;

        Delivery(long id, long webhookId, String destination, String event, long entityId, String body,
                long createdAt) {
            this.id = id;
            this.webhookId = webhookId;
            this.destination = destination;
            this.event = event;
            this.entityId = entityId;
            this.body = body;
            this.createdAt = createdAt;
        }
    }

    private static final class Lane {
        final ArrayDeque<Delivery> queue = new ArrayDeque<>();
        boolean working;
    }

    private final WebhookStore hooks;
    private final LongSupplier clock;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Lane> lanes = new HashMap<>();
    private final ArrayDeque<Delivery> log = new ArrayDeque<>();
    private volatile List<Long> retryDelaysMs = DEFAULT_RETRY_DELAYS_MS;
    private volatile long timeoutMs = DEFAULT_TIMEOUT_MS;

    WebhookOutbox(WebhookStore hooks, LongSupplier clockMillis) {
        this.hooks = hooks;
        this.clock = clockMillis;
    }

    /** The retry schedule: the delays before the 2nd, 3rd, ... attempt (empty: no retries). */
    void retryDelays(List<Long> delaysMs) {
        retryDelaysMs = List.copyOf(delaysMs);
    }

    void timeout(long millis) {
        timeoutMs = millis;
    }

    /** Whether any enabled webhook subscribes to the event (so that nothing is built for nobody). */
    boolean wanted(String setting) {
        return !hooks.targets(setting).isEmpty();
    }

    /** Queues a delivery of {@code body} to each enabled subscriber of {@code setting}; returns at once. */
    void send(String setting, long entityId, String body) {
        for (WebhookStore.Target t : hooks.targets(setting)) {
            Delivery d = new Delivery(ids.incrementAndGet(), t.id(), t.destination(), setting, entityId, body,
                    clock.getAsLong() / 1000);
            synchronized (this) {
                log.addLast(d);
                if (log.size() > LOG_SIZE) {
                    log.pollFirst();
                }
            }
            queue(d);
        }
    }

    private void queue(Delivery d) {
        boolean start;
        Lane lane;
        synchronized (this) {
            lane = lanes.computeIfAbsent(d.webhookId, k -> new Lane());
            lane.queue.addLast(d);
            start = !lane.working;
            lane.working = true;
        }
        if (start) {
            POOL.execute(() -> work(lane));
        }
    }

    private void work(Lane lane) {
        while (true) {
            Delivery d;
            synchronized (this) {
                d = lane.queue.pollFirst();
                if (d == null) {
                    lane.working = false;
                    return;
                }
            }
            if (!hooks.active(d.webhookId)) {
                finish(d, "dropped", null, "the webhook is disabled or deleted");
                continue;
            }
            attempt(d);
        }
    }

    private void attempt(Delivery d) {
        synchronized (this) {
            d.attempts++;
        }
        Integer status = null;
        String error = null;
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(d.destination))
                    .timeout(Duration.ofMillis(timeoutMs))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(d.body)).build();
            CompletableFuture<HttpResponse<Void>> call = HTTP.sendAsync(request,
                    HttpResponse.BodyHandlers.discarding());
            try {
                status = call.get(timeoutMs, TimeUnit.MILLISECONDS).statusCode();
            } finally {
                call.cancel(true);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted";
        } catch (java.util.concurrent.TimeoutException e) {
            error = "no answer within " + timeoutMs + " ms";
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            error = cause instanceof java.net.http.HttpTimeoutException ? "no answer within " + timeoutMs + " ms"
                    : cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        }
        if (status != null && status >= 100 && status < 300) {
            finish(d, "delivered", status, null);
            return;
        }
        if (error == null) {
            error = "answered " + status;
        }
        if (hooks.failed(d.webhookId, clock.getAsLong())) {
            finish(d, "failed", status, error + "; the webhook is now disabled");
            return;
        }
        List<Long> delays = retryDelaysMs;
        int retry = d.attempts - 1;
        if (retry >= delays.size()) {
            finish(d, "failed", status, error);
            return;
        }
        finish(d, "retrying", status, error);
        POOL.schedule(() -> queue(d), delays.get(retry), TimeUnit.MILLISECONDS);
    }

    private synchronized void finish(Delivery d, String status, Integer httpStatus, String error) {
        d.status = status;
        d.lastHttpStatus = httpStatus;
        d.lastError = error;
    }

    /** The last deliveries, oldest first, as the {@code _control} endpoint shows them. */
    synchronized ObjectNode deliveries() {
        ObjectNode out = Problems.JSON.createObjectNode();
        ArrayNode list = out.putArray("deliveries");
        for (Delivery d : new ArrayList<>(log)) {
            ObjectNode o = list.addObject();
            o.put("id", d.id).put("webhook_id", d.webhookId).put("destination", d.destination)
                    .put("event", d.event).put("entity_id", d.entityId).put("status", d.status)
                    .put("attempts", d.attempts).put("created_at", d.createdAt);
            if (d.lastHttpStatus == null) {
                o.putNull("last_http_status");
            } else {
                o.put("last_http_status", d.lastHttpStatus);
            }
            if (d.lastError == null) {
                o.putNull("last_error");
            } else {
                o.put("last_error", d.lastError);
            }
            o.put("body", d.body);
        }
        return out;
    }

    synchronized void clearLog() {
        log.clear();
    }

    private static ScheduledThreadPoolExecutor pool() {
        AtomicInteger n = new AtomicInteger();
        ScheduledThreadPoolExecutor p = new ScheduledThreadPoolExecutor(THREADS, r -> {
            Thread t = new Thread(r, "sandbox-webhooks-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        p.setKeepAliveTime(30, TimeUnit.SECONDS);
        p.allowCoreThreadTimeOut(true);
        p.setRemoveOnCancelPolicy(true);
        return p;
    }
}
