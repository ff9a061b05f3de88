package io.kommomcp.sandbox;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * What stands before an account's API, in Kommo's order (API.md §3, §22.16, §23): the edge's IP block, the rate
 * limit, then the bearer token. Owns the request counters the control endpoint reports. Called under the account's
 * lock.
 *
 * <p>Rate limit: more than {@code requestsPerSecond} requests in any second answer 429 with {@code retry_after}.
 *
 * <p>IP block: Kommo blocks the IP after repeated rate-limit violations, after which every request answers an nginx
 * HTML 403 (API.md §3, §22.16), but documents neither the threshold nor the duration (and lifts a real block only
 * through support). The sandbox's choice: {@value #BLOCK_AFTER_VIOLATIONS} requests answered 429 by the limit within
 * {@value #VIOLATION_WINDOW_SECONDS} seconds (a client that keeps sending at least 5 requests a second over the limit
 * for 10 seconds) block the account's callers for {@value #BLOCK_SECONDS} seconds; {@code DELETE
 * /_control/accounts/{name}/faults} lifts a block at once. A client that keeps to the limit never gets a 429, so never
 * a block; one a little over it, or one that waits out each 429's {@code retry_after}, stays far below the threshold.
 * Injected 429 faults are not violations (they never reach the gate).
 */
final class SandboxGate {

    static final int BLOCK_AFTER_VIOLATIONS = 50;
    static final int VIOLATION_WINDOW_SECONDS = 10;
    static final int BLOCK_SECONDS = 60;
    private static final long SECOND = 1_000_000_000L;

    private final int requestsPerSecond;
    private final LongSupplier nanoClock;
    private final Deque<Long> recent = new ArrayDeque<>();
    private final Deque<Long> violations = new ArrayDeque<>();
    private Long blockedAt;
    private long requests;
    private long throttled;
    private int peak;
    private long unauthorized;
    private long blockedAnswers;

    SandboxGate(int requestsPerSecond, LongSupplier nanoClock) {
        this.requestsPerSecond = requestsPerSecond;
        this.nanoClock = nanoClock;
    }

    /** Null when the request may go on to the API; otherwise the answer (403 page, 429, 401). */
    SandboxResponse admit(String authorization, Predicate<String> acceptsBearer) {
        requests++;
        long t = nanoClock.getAsLong();
        if (blockedAt != null) {
            if (t - blockedAt < BLOCK_SECONDS * SECOND) {
                blockedAnswers++;
                return SandboxResponse.ipBlocked();
            }
            blockedAt = null;
        }
        drop(recent, t, SECOND);
        if (recent.size() >= requestsPerSecond) {
            throttled++;
            violations.addLast(t);
            drop(violations, t, VIOLATION_WINDOW_SECONDS * SECOND);
            if (violations.size() >= BLOCK_AFTER_VIOLATIONS) {
                blockedAt = t;
                violations.clear();
            }
            return Problems.tooManyRequests();
        }
        recent.addLast(t);
        peak = Math.max(peak, recent.size());
        if (authorization == null || !authorization.startsWith("Bearer ")
                || !acceptsBearer.test(authorization.substring(7))) {
            unauthorized++;
            return Problems.unauthorized();
        }
        return null;
    }

    /** Lifts a block now (a test's control request; in Kommo, support does it). */
    void unblock() {
        blockedAt = null;
        violations.clear();
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
    /** The most requests let through within one second (never more than the limit). */
    int peak() {
        return peak;
    }

    long throttled() {
        return throttled;
    }

    /** Requests answered 401 (no, a wrong or an expired token). */
    long unauthorized() {
        return unauthorized;
    }

    /** Requests answered 403 because the account's callers were blocked after repeated 429s. */
    long blockedAnswers() {
        return blockedAnswers;
    }
}
