package io.kommomcp.kommo;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.kommomcp.kommo.KommoApiException.Kind;

/**
 * Stops sending requests to a Kommo account that keeps failing, so that a struggling or blocking Kommo is not
 * hammered and tools fail fast with a clear reason. Opens after {@code threshold} consecutive server errors or
 * network failures (for {@code openFor}), or at once on Kommo's IP block (for {@code blockedFor}); after that time
 * one request is let through, and its success closes the breaker again.
 */
public final class CircuitBreaker {

    private final int threshold;
    private final Duration openFor;
    private final Duration blockedFor;
    private final Clock clock;

    private int consecutiveFailures;
    private Instant openUntil;
    private boolean trialInFlight;
    private Kind lastFailure;

    public CircuitBreaker(int threshold, Duration openFor, Duration blockedFor, Clock clock) {
        this.threshold = Math.max(1, threshold);
        this.openFor = openFor;
        this.blockedFor = blockedFor;
        this.clock = clock;
    }

    /** Throws when requests are paused; otherwise lets one through (the trial request when half-open). */
    public synchronized void check() {
        if (openUntil == null) {
            return;
        }
        Instant now = clock.instant();
        if (now.isBefore(openUntil) || trialInFlight) {
            long seconds = Math.max(1, Duration.between(now, openUntil).toSeconds());
            String why = lastFailure == Kind.IP_BLOCKED
                    ? "Kommo has blocked this server's address (HTTP 403 page after repeated rate-limit violations)."
                            + " Calls to this account are paused for " + seconds + " s; the block itself is lifted"
                            + " only by Kommo support. Tell an administrator."
                    : "Kommo has failed " + consecutiveFailures + " times in a row for this account (last: "
                            + describe(lastFailure) + "). Calls are paused for " + seconds + " s to let it recover;"
                            + " try again after that. Nothing was sent to Kommo.";
            throw new KommoApiException(Kind.CIRCUIT_OPEN, 0, "circuit open", why, java.util.List.of(),
                    java.util.Map.of(), (int) seconds, null);
        }
        trialInFlight = true; // half-open: this request decides
    }

    public synchronized void success() {
        consecutiveFailures = 0;
        openUntil = null;
        trialInFlight = false;
        lastFailure = null;
    }

    /** Records a failed request; only server errors, network failures and the IP block count. */
    public synchronized void failure(Kind kind) {
        trialInFlight = false;
        if (kind == Kind.IP_BLOCKED) {
            lastFailure = kind;
            consecutiveFailures++;
            openUntil = clock.instant().plus(blockedFor);
            return;
        }
        if (kind != Kind.SERVER_ERROR && kind != Kind.UNREACHABLE) {
            // Kommo answered deliberately (validation, 404, 429 ...): it is up
            consecutiveFailures = 0;
            openUntil = null;
            return;
        }
        lastFailure = kind;
        consecutiveFailures++;
        if (consecutiveFailures >= threshold || openUntil != null) {
            openUntil = clock.instant().plus(openFor);
        }
    }

    synchronized boolean isOpen() {
        return openUntil != null && clock.instant().isBefore(openUntil);
    }

    private static String describe(Kind kind) {
        return kind == Kind.SERVER_ERROR ? "server errors" : kind == Kind.UNREACHABLE ? "no response or a timeout"
                : String.valueOf(kind);
    }
}
