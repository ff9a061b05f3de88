package io.kommomcp.sandbox;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * What stands before an account's API, in Kommo's order (API.md §3, §22.16, §23): the rate limit, then the bearer
 * token. Owns the request counters the control endpoint reports. Called under the account's
 * lock.
 *
 * <p>Rate limit: more than {@code requestsPerSecond} requests in any second answer 429 with {@code retry_after}.
 */
final class SandboxGate {

    private static final long SECOND = 1_000_000_000L;

    private final int requestsPerSecond;
    private final LongSupplier nanoClock;
    private final Deque<Long> recent = new ArrayDeque<>();
    private long requests;
    private long throttled;
    private long unauthorized;

    SandboxGate(int requestsPerSecond, LongSupplier nanoClock) {
        this.requestsPerSecond = requestsPerSecond;
        this.nanoClock = nanoClock;
    }

    /** Null when the request may go on to the API; otherwise the answer (429, 401). */
    SandboxResponse admit(String authorization, Predicate<String> acceptsBearer) {
        requests++;
        long t = nanoClock.getAsLong();
        drop(recent, t, SECOND);
        if (recent.size() >= requestsPerSecond) {
            throttled++;
            return Problems.tooManyRequests();
        }
        recent.addLast(t);
        if (authorization == null || !authorization.startsWith("Bearer ")
                || !acceptsBearer.test(authorization.substring(7))) {
            unauthorized++;
            return Problems.unauthorized();
        }
        return null;
    }

    private static void drop(Deque<Long> times, long now, long age) {
        while (!times.isEmpty() && now - times.peekFirst() >= age) {
            times.pollFirst();
        }
    }

    long requests() {
        return requests;
    }

    /** Requests answered 429 by the rate limit (not by injected faults). */
    long throttled() {
        return throttled;
    }

    /** Requests answered 401 (no, a wrong or an expired token). */
    long unauthorized() {
        return unauthorized;
    }
}
