package io.kommomcp.kommo;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.RestClientBuilder;

import io.kommomcp.core.Caller;
import io.kommomcp.tenancy.KommoAccess;
import io.kommomcp.tenancy.TenantService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Hands out {@link KommoClient}s bound to the caller's tenant. REST clients, rate limiters and circuit breakers are
 * kept per Kommo account (base URL), so every session and every tool of a tenant shares one request budget and one
 * view of whether Kommo is healthy.
 */
@ApplicationScoped
public class KommoGateway {

    @Inject
    TenantService tenants;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "kommo.client.requests-per-second", defaultValue = "7")
    int requestsPerSecond;

    /** How long after its completion a request still counts against the account's budget (Kommo: one second). */
    @Inject
    @ConfigProperty(name = "kommo.client.rate-window-ms", defaultValue = "1010")
    long rateWindowMillis;

    @Inject
    @ConfigProperty(name = "kommo.client.max-budget-wait-seconds", defaultValue = "30")
    long maxBudgetWaitSeconds;

    @Inject
    @ConfigProperty(name = "kommo.client.connect-timeout-ms", defaultValue = "5000")
    long connectTimeoutMillis;

    @Inject
    @ConfigProperty(name = "kommo.client.read-timeout-ms", defaultValue = "30000")
    long readTimeoutMillis;

    @Inject
    @ConfigProperty(name = "kommo.client.max-read-retries", defaultValue = "2")
    int maxReadRetries;

    @Inject
    @ConfigProperty(name = "kommo.client.max-retry-wait-seconds", defaultValue = "10")
    int maxRetryWaitSeconds;

    @Inject
    @ConfigProperty(name = "kommo.client.breaker.failures", defaultValue = "5")
    int breakerFailures;

    @Inject
    @ConfigProperty(name = "kommo.client.breaker.open-seconds", defaultValue = "30")
    long breakerOpenSeconds;

    @Inject
    @ConfigProperty(name = "kommo.client.ip-block-pause-seconds", defaultValue = "600")
    long ipBlockPauseSeconds;

    private final Map<String, KommoApi> apis = new ConcurrentHashMap<>();
    private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();
    @Inject
    @ConfigProperty(name = "kommo.client.shared-budget", defaultValue = "true")
    boolean sharedBudget;

    @Inject
    BudgetLeases leases;

    @Inject
    KommoRetries retries;

    @Inject
    KommoTelemetry telemetry;

    /** The budget in use per account, as a gauge ({@code kommo.client.budget.used}). */
    @jakarta.annotation.PostConstruct
    void gauges() {
        telemetry.meter().gaugeBuilder("kommo.client.budget.used").ofLongs().setUnit("{slot}")
                .setDescription("Request slots of a Kommo account in use on this instance (in flight, or completed"
                        + " less than a window ago)")
                .buildWithCallback(m -> limiters.forEach((account, budget) -> {
                    if (budget instanceof RequestSlots slots) {
                        m.record(slots.held(), io.opentelemetry.api.common.Attributes.of(ACCOUNT, account));
                    } else if (budget instanceof BudgetLeases.Leased leased) {
                        m.record(leased.held(), io.opentelemetry.api.common.Attributes.of(ACCOUNT, account));
                    }
                }));
    }

    static final io.opentelemetry.api.common.AttributeKey<String> ACCOUNT = io.opentelemetry.api.common.AttributeKey
            .stringKey("kommo.account");

    private final Map<String, RequestBudget> limiters = new ConcurrentHashMap<>();

    /**
     * How many of an account's 7 slots background work (the mirror's sync, configuration snapshots) may hold; it
     * takes them only while no tool call waits for one.
     */
    @Inject
    @ConfigProperty(name = "kommo.realtime.sync-requests-per-second", defaultValue = "3")
    int syncShare;

    KommoClient client(Caller caller) {
        return client(caller, Integer.MAX_VALUE);
    }

    /** A client for background work: it yields to tool calls and uses at most the sync's share of the budget. */
    KommoClient backgroundClient(Caller caller) {
        return client(caller, Math.max(1, Math.min(syncShare, requestsPerSecond)));
    }

    private KommoClient client(Caller caller, int backgroundShare) {
        KommoAccess access = tenants.kommoAccess(caller.tenantId(), caller.kommoCalls());
        String key = normalise(access.baseUrl());
        KommoApi api = apis.computeIfAbsent(key, this::buildApi);
        RequestBudget limiter = limiters.computeIfAbsent(key, k -> sharedBudget
                ? leases.budget(k, requestsPerSecond, rateWindowMillis, maxBudgetWaitSeconds * 1000L)
                : new RequestSlots(requestsPerSecond, rateWindowMillis, maxBudgetWaitSeconds * 1000L));
        CircuitBreaker breaker = breakers.computeIfAbsent(key, k -> new CircuitBreaker(breakerFailures,
                Duration.ofSeconds(breakerOpenSeconds), Duration.ofSeconds(ipBlockPauseSeconds), clock));
        return new KommoClient(api, access.bearerToken(), limiter, caller.kommoCalls(),
                new KommoClient.RetryPolicy(maxReadRetries, maxRetryWaitSeconds), breaker,
                rejected -> tenants.tokenAfterRejection(caller.tenantId(), rejected, caller.kommoCalls()), retries,
                backgroundShare, telemetry, caller.tenantId());
    }

    private KommoApi buildApi(String baseUrl) {
        return RestClientBuilder.newBuilder()
                .baseUri(URI.create(baseUrl))
                .connectTimeout(connectTimeoutMillis, TimeUnit.MILLISECONDS)
                .readTimeout(readTimeoutMillis, TimeUnit.MILLISECONDS)
                .property("microprofile.rest.client.disable.default.mapper", true)
                .register(new QueryFilter())
                .build(KommoApi.class);
    }

    private static String normalise(String baseUrl) {
        return baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }
}
