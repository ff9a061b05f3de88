package io.kommomcp.kommo;

import io.kommomcp.core.RequestSpan;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Kommo requests as OpenTelemetry: a CLIENT span per request (a child of the MCP request or background job it is
 * made for), and per tenant the request counter {@code kommo.client.requests} (by method and status),
 * {@code kommo.client.rate_limited} (429 answers) and the duration histogram {@code kommo.client.request.duration};
 * the budget in use per account is a gauge of {@link KommoGateway}. No-ops while the SDK is off.
 */
@ApplicationScoped
public class KommoTelemetry {

    static final AttributeKey<String> TENANT = AttributeKey.stringKey("kommo.tenant");
    static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
    static final AttributeKey<Boolean> BACKGROUND = AttributeKey.booleanKey("kommo.background");
    static final AttributeKey<String> ERROR = AttributeKey.stringKey("error.type");

    @Inject
    OpenTelemetry openTelemetry;

    private Tracer tracer;
    private LongCounter requests;
    private LongCounter rateLimited;
    private DoubleHistogram duration;

    @PostConstruct
    void init() {
        tracer = openTelemetry.getTracer("io.kommomcp.kommo");
        Meter meter = meter();
        requests = meter.counterBuilder("kommo.client.requests").setUnit("{request}")
                .setDescription("Requests sent to Kommo, per tenant, method and status").build();
        rateLimited = meter.counterBuilder("kommo.client.rate_limited").setUnit("{request}")
                .setDescription("Requests Kommo answered 429 (the budget should keep this at 0)").build();
        duration = meter.histogramBuilder("kommo.client.request.duration").setUnit("s")
                .setDescription("Duration of Kommo requests").build();
    }

    Meter meter() {
        return openTelemetry.getMeter("io.kommomcp.kommo");
    }

    /** A request about to be sent. */
    Span start(String method, String path, String tenant, boolean background) {
        var b = tracer.spanBuilder("kommo " + method).setParent(RequestSpan.parent()).setSpanKind(SpanKind.CLIENT).setAttribute(METHOD, method)
                .setAttribute(PATH, "/api/v4/" + path).setAttribute(BACKGROUND, background);
        if (tenant != null) {
            b.setAttribute(TENANT, tenant);
        }
        return b.startSpan();
    }

    /** The request is over: Kommo's status (0: no answer), how long it took. */
    void end(Span span, String method, String tenant, int status, String error, long nanos) {
        span.setAttribute(STATUS, (long) status);
        if (status == 0 || status >= 400) {
            span.setStatus(StatusCode.ERROR);
            span.setAttribute(ERROR, status == 0 ? "no_response" : String.valueOf(status));
        }
        span.end();
        Attributes a = Attributes.of(TENANT, tenant == null ? "" : tenant, METHOD, method, STATUS, (long) status);
        requests.add(1, a);
        duration.record(nanos / 1e9, a);
        if (status == 429) {
            rateLimited.add(1, Attributes.of(TENANT, tenant == null ? "" : tenant));
        }
    }
}
