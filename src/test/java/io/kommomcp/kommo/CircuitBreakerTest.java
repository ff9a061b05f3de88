package io.kommomcp.kommo;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import io.kommomcp.kommo.KommoApiException.Kind;

class CircuitBreakerTest {

    /** A clock the test moves. */
    private static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-11-22T10:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final ManualClock clock = new ManualClock();
    private final CircuitBreaker breaker = new CircuitBreaker(3, Duration.ofSeconds(30), Duration.ofSeconds(600),
            clock);

    @Test
    void opensAfterConsecutiveServerFailuresOnly() {
        breaker.failure(Kind.SERVER_ERROR);
        breaker.failure(Kind.UNREACHABLE);
        breaker.failure(Kind.VALIDATION); // Kommo answered: it is up, the count starts again
        breaker.failure(Kind.SERVER_ERROR);
        breaker.failure(Kind.SERVER_ERROR);
        assertFalse(breaker.isOpen());
        breaker.failure(Kind.SERVER_ERROR);
        assertTrue(breaker.isOpen());
        KommoApiException e = assertThrows(KommoApiException.class, breaker::check);
        assertEquals(Kind.CIRCUIT_OPEN, e.kind());
        assertTrue(e.toolMessage().contains("3 times in a row") && e.toolMessage().contains("30 s"), e.toolMessage());
        assertFalse(e.isTransient(), "an open breaker is not retried");
    }

    @Test
    void halfOpenLetsOneTrialThroughAndItsResultDecides() {
        for (int i = 0; i < 3; i++) {
            breaker.failure(Kind.SERVER_ERROR);
        }
        clock.now = clock.now.plusSeconds(31);
        assertDoesNotThrow(breaker::check);
        assertThrows(KommoApiException.class, breaker::check, "only one trial at a time");
        breaker.failure(Kind.SERVER_ERROR);
        assertTrue(breaker.isOpen(), "a failed trial opens it again at once");
        clock.now = clock.now.plusSeconds(31);
        assertDoesNotThrow(breaker::check);
        breaker.success();
        assertDoesNotThrow(breaker::check);
        assertDoesNotThrow(breaker::check);
    }

    @Test
    void theIpBlockPausesAtOnceForLonger() {
        breaker.failure(Kind.IP_BLOCKED);
        clock.now = clock.now.plusSeconds(300);
        KommoApiException e = assertThrows(KommoApiException.class, breaker::check);
        assertTrue(e.toolMessage().contains("blocked") && e.toolMessage().contains("Kommo support"), e.toolMessage());
        clock.now = clock.now.plusSeconds(301);
        assertDoesNotThrow(breaker::check);
    }
}
