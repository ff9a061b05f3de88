package io.kommomcp.kommo;

import java.time.Instant;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.kommomcp.core.Json;
import io.kommomcp.core.KommoCallLog;
import io.kommomcp.kommo.KommoApiException.Kind;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * One tenant's Kommo account for the duration of one tool call. Every request waits for the account's rate limiter,
 * is recorded in the call's {@link KommoCallLog}, and fails as a {@link KommoApiException}. Reads are retried on
 * 429 (honouring {@code retry_after}), 5xx and network failures; writes only on 429, which Kommo answers without
 * doing anything, never after a failure that may have applied them.
 */
final class KommoClient {

    private static final Logger LOG = Logger.getLogger(KommoClient.class.getName());

    /** How often a request is sent again after a 429, and the longest {@code retry_after} worth waiting for. */
    record RetryPolicy(int maxRateLimitRetries, int maxRetryWaitSeconds) {
    }

    /** Gives a new bearer token after Kommo rejected {@code rejected} with 401, or null when none can be had. */
    @FunctionalInterface
    interface TokenRenewal {
        String renew(String rejected);
    }

    private final KommoApi api;
    private String bearer;
    private String authorization;
    private final TokenRenewal renewal;
    private final KommoRetries retries;
    private boolean renewed;
    private final RequestBudget limiter;
    private final KommoCallLog log;
    private final RetryPolicy retry;
    private final CircuitBreaker breaker;
    /** Integer.MAX_VALUE for people's calls; the slots background work may hold, for the sync. */
    private final int backgroundShare;
    /** Spans and metrics of each request (null in tests built without it). */
    private final KommoTelemetry telemetry;
    private final String tenant;

    KommoClient(KommoApi api, String bearerToken, RequestBudget limiter, KommoCallLog log, RetryPolicy retry,
            CircuitBreaker breaker, TokenRenewal renewal, KommoRetries retries, int backgroundShare,
            KommoTelemetry telemetry, String tenant) {
        this.backgroundShare = backgroundShare;
        this.telemetry = telemetry;
        this.tenant = tenant;
        this.retries = retries;
        this.api = api;
        this.bearer = bearerToken;
        this.authorization = "Bearer " + bearerToken;
        this.renewal = renewal;
        this.limiter = limiter;
        this.log = log;
        this.retry = retry;
        this.breaker = breaker;
    }

    /**
     * GET; empty when Kommo answers 204 (empty list, or an entity that does not exist). A 5xx or a failure on the way
     * is retried by MicroProfile Fault Tolerance ({@link KommoRetries}); a 429 after Kommo's {@code retry_after}.
     */
    Optional<JsonNode> get(String resource, Query query) {
        try {
            return Optional.ofNullable(retries.read(() -> {
                try {
                    return afterRateLimits(() -> send("GET", resource, query, null));
                } catch (KommoApiException e) {
                    throw e.kind() == Kind.SERVER_ERROR || e.kind() == Kind.UNREACHABLE
                            ? new KommoRetries.Transient(e) : e;
                }
            }));
        } catch (KommoRetries.Transient t) {
            throw t.failure();
        }
    }

    /** POST; sent again only after a 429, which Kommo answers before doing anything. */
    JsonNode post(String resource, Object body) {
        String json = Json.mapper().writeValueAsString(body);
        return afterRateLimits(() -> send("POST", resource, Query.of(), json));
    }

    /** PATCH; sent again only after a 429. */
    JsonNode patch(String resource, Object body) {
        String json = Json.mapper().writeValueAsString(body);
        return afterRateLimits(() -> send("PATCH", resource, Query.of(), json));
    }

    /** DELETE (Kommo answers 204), with a body when {@code body} is not null; sent again only after a 429. */
    void delete(String resource, Object body) {
        String json = body == null ? null : Json.mapper().writeValueAsString(body);
        afterRateLimits(() -> send("DELETE", resource, Query.of(), json));
    }

    /**
     * Sends, and after a 429 waits the {@code retry_after} Kommo asks for and sends again (at most
     * {@code max-read-retries} times; a longer wait than {@code max-retry-wait-seconds} is reported instead). A write
     * that may have been applied (5xx, no answer) is never sent again.
     */
    private JsonNode afterRateLimits(java.util.function.Supplier<JsonNode> request) {
        int attempt = 0;
        while (true) {
            try {
                return request.get();
            } catch (KommoApiException e) {
                if (e.kind() != Kind.RATE_LIMITED || attempt >= retry.maxRateLimitRetries()) {
                    throw e;
                }
                long waitMillis = waitBeforeRetry(e);
                if (waitMillis < 0) {
                    throw e;
                }
                sleep(waitMillis);
                attempt++;
            }
        }
    }

    /** The wait a 429 asks for, or -1 when it is longer than we are willing to wait. */
    private long waitBeforeRetry(KommoApiException e) {
        int seconds = e.retryAfterSeconds() == null ? 1 : e.retryAfterSeconds();
        return seconds > retry.maxRetryWaitSeconds() ? -1 : seconds * 1000L;
    }

    private JsonNode send(String method, String resource, Query query, String body) {
        breaker.check();
        boolean answered = false;
        Kind failed = Kind.UNREACHABLE;
        try {
            JsonNode answer;
            try {
                answer = exchange(method, resource, query, body);
            } catch (KommoApiException e) {
                // A 401 means Kommo did nothing, so even a write may be sent again: once, with a renewed token
                String fresh = null;
                if (e.kind() == Kind.UNAUTHORIZED && !renewed && renewal != null) {
                    failed = Kind.UNAUTHORIZED; // Kommo answered: whatever the renewal does, Kommo is up
                    fresh = renewal.renew(bearer);
                }
                if (fresh == null) {
                    throw e;
                }
                renewed = true;
                bearer = fresh;
                authorization = "Bearer " + fresh;
                answer = exchange(method, resource, query, body);
            }
            answered = true;
            return answer;
        } catch (KommoApiException e) {
            failed = e.kind();
            throw e;
        } finally {
            if (answered) {
                breaker.success();
            } else {
                breaker.failure(failed);
            }
        }
    }

    private JsonNode exchange(String method, String resource, Query query, String body) {
        RequestBudget.Permit permit;
        try {
            permit = limiter.acquire(backgroundShare);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KommoApiException(Kind.UNREACHABLE, 0, null, "interrupted while waiting for the rate limit",
                    java.util.List.of(), java.util.Map.of(), null, null);
        }
        // the permit is held until the request has completed: Kommo counts it somewhere in between
        try (permit) {
            return exchangeWithin(method, resource, query, body);
        }
    }

    private JsonNode exchangeWithin(String method, String resource, Query query, String body) {
        String q = query.encoded();
        String logged = "/api/v4/" + resource + (q.isEmpty() ? "" : "?" + q);
        Instant startedAt = Instant.now();
        long start = System.nanoTime();
        int status = 0;
        String requestId = null;
        String error = null;
        io.opentelemetry.api.trace.Span span = telemetry == null ? null : telemetry.start(method, resource, tenant,
                backgroundShare < Integer.MAX_VALUE);
        try (io.opentelemetry.context.Scope ignored = span == null ? null : span.makeCurrent();
                Response response = call(method, resource, q, body)) {
            status = response.getStatus();
            requestId = response.getHeaderString("X-Request-Id");
            String text = response.hasEntity() ? response.readEntity(String.class) : null;
            if (status == 204 || (status >= 200 && status < 300 && (text == null || text.isBlank()))) {
                return null;
            }
            if (status >= 200 && status < 300) {
                try {
                    return Json.mapper().readTree(text);
                } catch (JacksonException e) {
                    error = "unparseable JSON";
                    throw new KommoApiException(Kind.UNEXPECTED_RESPONSE, status, null, "unparseable JSON body",
                            java.util.List.of(), java.util.Map.of(), null, requestId);
                }
            }
            KommoApiException failure = KommoErrors.fromResponse(status, text, requestId);
            error = failure.kind() + ": " + failure.detail();
            throw failure;
        } catch (ProcessingException e) {
            error = "no response: " + rootMessage(e);
            LOG.log(Level.FINE, "Kommo call failed without a response", e);
            throw new KommoApiException(Kind.UNREACHABLE, 0, null, "no response from Kommo (" + shortReason(e) + ")",
                    java.util.List.of(), java.util.Map.of(), null, null);
        } finally {
            long millis = (System.nanoTime() - start) / 1_000_000L;
            log.add(new KommoCallLog.Entry(startedAt, method, logged, status, requestId, millis, error));
            if (span != null) {
                telemetry.end(span, method, tenant, status, error, System.nanoTime() - start);
            }
        }
    }

    private Response call(String method, String resource, String query, String body) {
        return switch (method) {
            case "GET" -> api.get(resource, query, authorization);
            case "POST" -> api.post(resource, query, authorization, body);
            case "PATCH" -> api.patch(resource, query, authorization, body);
            case "DELETE" -> body == null ? api.delete(resource, query, authorization)
                    : api.deleteWithBody(resource, query, authorization, body);
            default -> throw new IllegalArgumentException(method);
        };
    }

    private static String shortReason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String name = root.getClass().getSimpleName().toLowerCase();
        if (name.contains("timeout")) {
            return "timed out";
        }
        if (name.contains("connect")) {
            return "connection refused or failed";
        }
        if (name.contains("unknownhost")) {
            return "unknown host";
        }
        return "network error";
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return shortReason(e) + (root.getMessage() == null ? "" : " - " + root.getMessage());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
