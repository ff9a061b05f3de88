package io.kommomcp.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import tools.jackson.databind.JsonNode;

/**
 * Webhook delivery (API.md §20.2) to a listener on a loopback port of its own: form bodies, retries on a fast
 * schedule, the 2 s timeout (shortened), refused connections, and the rule that disables a webhook.
 */
class WebhookDeliveryTest {

    /** What the listener received: content type and body of each POST. */
    private final List<String[]> received = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger calls = new AtomicInteger();
    private volatile IntSupplier answer = () -> 200;
    private volatile long delayMillis;
    private HttpServer server;
    private ExecutorService handlers;
    private String url;
    private final TestAccount t = new TestAccount();

    @BeforeEach
    void listen() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        handlers = Executors.newCachedThreadPool();
        server.setExecutor(handlers);
        server.createContext("/hooks", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            calls.incrementAndGet();
            received.add(new String[] {exchange.getRequestMethod() + " "
                    + exchange.getRequestHeaders().getFirst("Content-Type"), new String(body,
                            StandardCharsets.UTF_8)});
            if (delayMillis > 0) {
                sleep(delayMillis);
            }
            exchange.sendResponseHeaders(answer.getAsInt(), -1);
            exchange.close();
        });
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/kommo/acme/secret";
    }

    @AfterEach
    void stop() {
        delayMillis = 0;
        server.stop(0);
        handlers.shutdownNow();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void subscribe(String destination, String... settings) {
        StringBuilder sb = new StringBuilder("{\"destination\":\"" + destination + "\",\"settings\":[");
        for (int i = 0; i < settings.length; i++) {
            sb.append(i > 0 ? "," : "").append('"').append(settings[i]).append('"');
        }
        t.expect(200, "POST", "webhooks", sb.append("]}").toString());
    }

    /** The deliveries once none is pending or retrying (at most {@code seconds}). */
    private JsonNode settled(int seconds) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            JsonNode all = t.account.outbox.deliveries().path("deliveries");
            boolean busy = false;
            for (JsonNode d : all) {
                String s = d.path("status").asString();
                busy |= s.equals("pending") || s.equals("retrying");
            }
            if (!busy || System.nanoTime() > until) {
                return all;
            }
            sleep(20);
        }
    }

    private long lead() {
        return t.account.leads.ids().get(0);
    }

    @Test
    void aChangeIsPostedAsAFormToEachSubscriberOfItsEvent() {
        subscribe(url, "update_lead", "status_lead");
        subscribe(url.replace("/secret", "/other"), "add_contact");
        long qualification = t.stage(t.pipeline(0), "Qualification");
        long lead = lead();
        if (t.account.leads.get(lead).get("status_id").asLong() == qualification) {
            qualification = t.stage(t.pipeline(0), "Negotiation");
        }
        t.expect(200, "PATCH", "leads/" + lead, "{\"status_id\":" + qualification + "}");
        JsonNode deliveries = settled(5);
        assertEquals(2, deliveries.size(), deliveries.toString());
        assertEquals("update_lead", deliveries.get(0).path("event").asString(), "in the order they were made");
        assertEquals("status_lead", deliveries.get(1).path("event").asString());
        for (JsonNode d : deliveries) {
            assertEquals("delivered", d.path("status").asString());
            assertEquals(1, d.path("attempts").asInt());
            assertEquals(200, d.path("last_http_status").asInt());
            assertEquals(url, d.path("destination").asString());
            assertEquals(lead, d.path("entity_id").asLong());
        }
        assertEquals(2, received.size());
        assertEquals("POST application/x-www-form-urlencoded", received.get(0)[0]);
        Map<String, String> status = WebhookFormTest.decode(received.get(1)[1]);
        assertEquals(String.valueOf(qualification), status.get("leads[status][0][status_id]"));
        assertTrue(received.get(0)[1].startsWith("leads%5Bupdate%5D%5B0%5D%5Bid%5D=" + lead + "&"));
    }

    @Test
    void aFailedDeliveryIsRetriedOnTheScheduleUntilItIsAnswered() {
        t.account.outbox.retryDelays(List.of(50L, 50L, 50L));
        answer = () -> calls.get() <= 2 ? 500 : 204;
        subscribe(url, "update_lead");
        t.expect(200, "PATCH", "leads/" + lead(), "{\"price\":4321}");
        JsonNode d = settled(5).get(0);
        assertEquals("delivered", d.path("status").asString(), d.toString());
        assertEquals(3, d.path("attempts").asInt());
        assertEquals(204, d.path("last_http_status").asInt());
        assertEquals(3, received.size());
        assertEquals(received.get(0)[1], received.get(2)[1], "a retry sends the same body");
    }

    @Test
    void aDeliveryNobodyAnswersFailsAfterTheLastRetry() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        t.account.outbox.retryDelays(List.of(30L, 30L));
        subscribe("http://127.0.0.1:" + closed + "/gone", "update_lead");
        t.expect(200, "PATCH", "leads/" + lead(), "{\"price\":1}");
        JsonNode d = settled(5).get(0);
        assertEquals("failed", d.path("status").asString(), d.toString());
        assertEquals(3, d.path("attempts").asInt(), "the first attempt and two retries");
        assertTrue(d.path("last_http_status").isNull());
        assertFalse(d.path("last_error").asString().isEmpty());
    }

    @Test
    void anAnswerAfterTheTimeoutIsAFailureAndTheRequestNeverWaitsForTheDestination() {
        t.account.outbox.retryDelays(List.of());
        t.account.outbox.timeout(1_500);
        delayMillis = 3_000;
        subscribe(url, "update_lead");
        long start = System.nanoTime();
        t.expect(200, "PATCH", "leads/" + lead(), "{\"price\":2}");
        // waiting for the delivery would take at least the 1.5 s timeout; the margin absorbs a loaded machine
        assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(1_500),
                "the API answers without waiting for the delivery");
        JsonNode d = settled(8).get(0);
        assertEquals("failed", d.path("status").asString(), d.toString());
        assertTrue(d.path("last_error").asString().contains("1500 ms"), d.toString());
    }

    @Test
    void moreThanOneHundredFailuresInTwoHoursTheLastFailedDisableTheWebhook() {
        t.account.outbox.retryDelays(List.of());
        answer = () -> 500;
        subscribe(url, "update_lead");
        long lead = lead();
        for (int i = 0; i < WebhookStore.DISABLE_AFTER_FAILURES; i++) {
            t.expect(200, "PATCH", "leads/" + lead, "{\"price\":" + i + "}");
        }
        settled(20);
        assertFalse(t.expect(200, "GET", "webhooks", null).path("_embedded").path("webhooks").get(0)
                .path("disabled").asBoolean(), "100 failures are not more than 100");
        answer = () -> 200;
        t.expect(200, "PATCH", "leads/" + lead, "{\"price\":1000}");
        settled(5);
        answer = () -> 500;
        t.expect(200, "PATCH", "leads/" + lead, "{\"price\":1001}"); // the 101st failure, and the last one failed
        JsonNode all = settled(5);
        assertTrue(all.get(all.size() - 1).path("last_error").asString().contains("disabled"));
        assertTrue(t.expect(200, "GET", "webhooks", null).path("_embedded").path("webhooks").get(0)
                .path("disabled").asBoolean());
        int before = calls.get();
        t.expect(200, "PATCH", "leads/" + lead, "{\"price\":1002}");
        assertEquals(all.size(), settled(5).size(), "a disabled webhook gets nothing");
        assertEquals(before, calls.get());

        subscribe(url, "update_lead"); // posting it again enables it
        answer = () -> 200;
        t.expect(200, "PATCH", "leads/" + lead, "{\"price\":1003}");
        JsonNode last = settled(5);
        assertEquals("delivered", last.get(last.size() - 1).path("status").asString());
    }

    @Test
    void aWebhookDisabledWhileDeliveriesWaitDropsThem() throws InterruptedException {
        CountDownLatch first = new CountDownLatch(1);
        // the retry waits long enough that the webhook is surely deleted first, even on a loaded machine
        t.account.outbox.retryDelays(List.of(2_000L));
        answer = () -> {
            first.countDown();
            return 500;
        };
        subscribe(url, "update_lead");
        t.expect(200, "PATCH", "leads/" + lead(), "{\"price\":5}");
        assertTrue(first.await(5, TimeUnit.SECONDS));
        t.expect(204, "DELETE", "webhooks", "{\"destination\":\"" + url + "\"}");
        JsonNode d = settled(5).get(0);
        assertEquals("dropped", d.path("status").asString(), d.toString());
        assertEquals(1, d.path("attempts").asInt());
    }
}
