package io.kommomcp.kommo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RateLimiterTest {

    @Test
    void permitsWithinTheWindowPassThenTheNextWaitsForTheWindow() throws InterruptedException {
        RateLimiter limiter = new RateLimiter(3, 300);
        assertEquals(0, limiter.acquire());
        assertEquals(0, limiter.acquire());
        assertEquals(0, limiter.acquire());
        long waited = limiter.acquire();
        assertTrue(waited >= 250, "the 4th request must wait for the window to slide, waited " + waited + " ms");
    }

    @Test
    void rejectsAZeroBudget() {
        assertThrows(IllegalArgumentException.class, () -> new RateLimiter(0, 1000));
    }
}
