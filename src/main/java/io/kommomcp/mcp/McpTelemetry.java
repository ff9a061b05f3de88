package io.kommomcp.mcp;

import java.util.function.Function;

import io.kommomcp.core.RequestSpan;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import tools.jackson.databind.JsonNode;

/**
 * MCP requests as OpenTelemetry spans and metrics, after the MCP semantic conventions (status: development): a
 * SERVER span per JSON-RPC request named {@code {mcp.method.name} {target}} (the tool, prompt or resource), with
 * {@code mcp.method.name}, {@code mcp.session.id} where there is one, {@code mcp.protocol.version},
 * {@code jsonrpc.request.id} and the tenant; the trace context of {@code params._meta} ({@code traceparent},
 * {@code tracestate}) as its parent, else the HTTP request's; and the histogram {@code mcp.server.operation.duration}.
 * The Kommo requests and the audit entry written while the span is current are its children. Off unless the
 * OpenTelemetry SDK is turned on ({@code OTEL_SDK_DISABLED=false}); then the API used here does nothing.
 */
@ApplicationScoped
public class McpTelemetry {

    static final AttributeKey<String> METHOD = AttributeKey.stringKey("mcp.method.name");
    static final AttributeKey<String> SESSION = AttributeKey.stringKey("mcp.session.id");
    static final AttributeKey<String> VERSION = AttributeKey.stringKey("mcp.protocol.version");
    static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("jsonrpc.request.id");
    static final AttributeKey<String> TENANT = AttributeKey.stringKey("kommo.tenant");
    static final AttributeKey<String> TOOL = AttributeKey.stringKey("gen_ai.tool.name");
    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> ERROR = AttributeKey.stringKey("error.type");

    /** Reads W3C trace context from a JSON object ({@code params._meta}). */
    private static final TextMapGetter<Function<String, String>> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Function<String, String> headers) {
            return java.util.List.of("traceparent", "tracestate");
        }

        @Override
        public String get(Function<String, String> headers, String key) {
            return headers == null ? null : headers.apply(key);
        }
    };

    private static final TextMapGetter<JsonNode> META = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(JsonNode meta) {
            return meta.propertyNames();
        }

        @Override
        public String get(JsonNode meta, String key) {
            JsonNode v = meta == null ? null : meta.get(key);
            return v != null && v.isString() ? v.asString() : null;
        }
    };

    @Inject
    OpenTelemetry openTelemetry;

    private Tracer tracer;
    private DoubleHistogram duration;

    @PostConstruct
    void init() {
        tracer = openTelemetry.getTracer("io.kommomcp.mcp");
        duration = openTelemetry.getMeter("io.kommomcp.mcp").histogramBuilder("mcp.server.operation.duration")
                .setUnit("s").setDescription("Duration of MCP requests as the server handled them").build();
    }

    /** One MCP request being handled: its span, current until {@link #close}. */
    public final class Request implements AutoCloseable {
        private final Span span;
        private final Scope scope;
        private final Attributes metric;
        private final long start = System.nanoTime();
        private String error;

        Request(Span span, Scope scope, Attributes metric) {
            this.span = span;
            this.scope = scope;
            this.metric = metric;
        }

        /** The request failed (an HTTP error or a JSON-RPC error), with a short type ("404", "-32602", ...). */
        public void failed(String type) {
            error = type;
        }

        @Override
        public void close() {
            if (error != null) {
                span.setStatus(StatusCode.ERROR);
                span.setAttribute(ERROR, error);
            }
            scope.close();
            span.end();
            AttributesBuilder a = metric.toBuilder();
            if (error != null) {
                a.put(ERROR, error);
            }
            duration.record((System.nanoTime() - start) / 1e9, a.build());
        }
    }

    /**
     * Starts the span of a JSON-RPC request ({@code message} with a {@code method}); {@code protocolVersion} and
     * {@code sessionId} as the client sent them, null if absent; {@code headers} the HTTP request's headers by name.
     */
    public Request start(JsonNode message, String tenant, String protocolVersion, String sessionId,
            Function<String, String> headers) {
        String method = message.path("method").asString("");
        JsonNode params = message.path("params");
        String target = switch (method) {
            case "tools/call", "prompts/get" -> params.path("name").isString() ? params.path("name").asString() : null;
            case "resources/read" -> params.path("uri").isString() ? params.path("uri").asString() : null;
            default -> null;
        };
        String version = protocolVersion != null ? protocolVersion : params.path("protocolVersion").isString()
                ? params.path("protocolVersion").asString() : params.path("_meta")
                        .path("io.modelcontextprotocol/protocolVersion").asString(null);
        W3CTraceContextPropagator w3c = W3CTraceContextPropagator.getInstance();
        Context http = w3c.extract(Context.current(), headers, HEADERS);
        Context parent = w3c.extract(http, params.path("_meta").isObject() ? params.path("_meta") : null, META);
        var builder = tracer.spanBuilder(target == null ? method : method + " " + target).setParent(parent)
                .setSpanKind(SpanKind.SERVER).setAttribute(METHOD, method);
        if (sessionId != null) {
            builder.setAttribute(SESSION, sessionId);
        }
        if (version != null) {
            builder.setAttribute(VERSION, version);
        }
        JsonNode id = message.get("id");
        if (id != null && !id.isNull()) {
            builder.setAttribute(REQUEST_ID, id.isString() ? id.asString() : id.toString());
        }
        if (tenant != null) {
            builder.setAttribute(TENANT, tenant);
        }
        if ("tools/call".equals(method) && target != null) {
            builder.setAttribute(TOOL, target).setAttribute(OPERATION, "execute_tool");
        }
        Span span = builder.startSpan();
        AttributesBuilder metric = Attributes.builder().put(METHOD, method);
        if (version != null) {
            metric.put(VERSION, version);
        }
        if ("tools/call".equals(method) && target != null) {
            metric.put(TOOL, target);
        }
        return new Request(span, RequestSpan.with(Context.current(), span).makeCurrent(), metric.build());
    }
}
