package io.kommomcp.sandbox;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Faults a test injects into one sandbox account: the next matching requests answer 429 (with {@code retry_after}),
 * a 5xx, Kommo's HTML 403 IP block, or are delayed (latency, or long enough to time the client out, after which the
 * request is still carried out, as a real server would). Faults are consumed in order; {@code count} -1 repeats a
 * fault until the list is cleared (the IP block).
 */
final class SandboxFaults {

    /** What a fault does. */
    enum Kind {
        RATE_LIMITED, SERVER_ERROR, IP_BLOCK, LATENCY
    }

    record Fault(Kind kind, int status, String method, String pathPrefix, long latencyMillis, int retryAfter) {

        boolean matches(String m, String path) {
            return (method == null || method.equalsIgnoreCase(m))
                    && (pathPrefix == null || path.startsWith(pathPrefix));
        }
    }

    private static final class Pending {
        final Fault fault;
        int remaining;

        Pending(Fault fault, int remaining) {
            this.fault = fault;
            this.remaining = remaining;
        }
    }

    private final Deque<Pending> pending = new ArrayDeque<>();
    private long served;

    /** Replaces the faults with those of {@code {"faults": [...]}}; returns an error text for a bad spec. */
    synchronized String replace(JsonNode spec) {
        List<Pending> parsed = new ArrayList<>();
        for (JsonNode f : spec.path("faults")) {
            String kind = f.path("kind").asString("").toLowerCase(Locale.ROOT);
            int count = f.path("count").asInt(1);
            String method = f.hasNonNull("method") ? f.get("method").asString() : null;
            String prefix = f.hasNonNull("path_prefix") ? f.get("path_prefix").asString() : null;
            long latency = f.path("latency_ms").asLong(0);
            Fault fault = switch (kind) {
                case "429" -> new Fault(Kind.RATE_LIMITED, 429, method, prefix, 0, f.path("retry_after").asInt(1));
                case "500", "502", "503", "504" -> new Fault(Kind.SERVER_ERROR, Integer.parseInt(kind), method, prefix,
                        0, 0);
                case "ip_block" -> new Fault(Kind.IP_BLOCK, 403, method, prefix, 0, 0);
                case "latency" -> new Fault(Kind.LATENCY, 0, method, prefix, latency, 0);
                default -> null;
            };
            if (fault == null || count == 0 || count < -1) {
                return "each fault needs kind 429, 500, 502, 503, 504, ip_block or latency, and count >= 1 or -1";
            }
            parsed.add(new Pending(fault, count));
        }
        pending.clear();
        pending.addAll(parsed);
        return null;
    }

    synchronized void clear() {
        pending.clear();
    }

    /** The fault for this request, consuming one use of it; null when none applies. */
    synchronized Fault next(String method, String path) {
        for (Pending p : pending) {
            if (p.fault.matches(method, path)) {
                if (p.remaining > 0 && --p.remaining == 0) {
                    pending.remove(p);
                }
                served++;
                return p.fault;
            }
        }
        return null;
    }

    synchronized long served() {
        return served;
    }

    /** The answer of a fault that answers (not latency): Kommo's own bodies (samples error_429, error_500). */
    static SandboxResponse answer(Fault f) {
        ObjectNode body = Problems.JSON.createObjectNode();
        if (f.kind() == Kind.RATE_LIMITED) {
            body.put("title", "Too Many Requests").put("type", "https://httpstatus.es/429").put("status", 429)
                    .put("detail", "You have sent too many requests in a given amount of time. Please try again"
                            + " later.").put("retry_after", f.retryAfter());
        } else {
            body.put("title", "ErrInternalServer").put("status", f.status())
                    .put("detail", "Our team are probably already working on the elimination of the problem")
                    .put("trace_id", java.util.UUID.randomUUID().toString());
        }
        return new SandboxResponse(f.status(), body);
    }
}
