package io.kommomcp.core;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;

/**
 * The span of the MCP request being served, kept in the OpenTelemetry context under a key of its own, so that the
 * work done for the request (each Kommo request, the audit write) is its direct child even when the container has
 * started a span in between (Liberty's HTTP server span, {@code POST /mcp}, starts after the gate filter).
 */
public final class RequestSpan {

    private static final ContextKey<Span> KEY = ContextKey.named("kommo-mcp.request-span");

    private RequestSpan() {
    }

    /** {@code context} with {@code span} current and remembered as the request's. */
    public static Context with(Context context, Span span) {
        return context.with(span).with(KEY, span);
    }

    /** The context to start a child of the request in: the current one, with the request's span as its parent. */
    public static Context parent() {
        Context current = Context.current();
        Span request = current.get(KEY);
        return request == null ? current : current.with(request);
    }
}
