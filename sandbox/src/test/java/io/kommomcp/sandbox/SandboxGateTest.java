package io.kommomcp.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The gate before an account's API (API.md §3, §22.16): 429 above 7 requests a second, the IP block after many. */
class SandboxGateTest {

    private static final long MS = 1_000_000L;
    private final AtomicLong clock = new AtomicLong(1_000_000_000_000L);
    private final SandboxGate gate = new SandboxGate(7, clock::get);

    private SandboxResponse request() {
        return gate.admit("Bearer tok", "tok"::equals);
    }

    @Test
    void aClientThatKeepsToSevenASecondIsNeverRefused() {
        for (int second = 0; second < 120; second++) {
            for (int i = 0; i < 7; i++) {
                assertNull(request(), "second " + second);
                clock.addAndGet(100 * MS);
            }
            clock.addAndGet(300 * MS);
        }
        assertEquals(0, gate.throttled());
        assertEquals(0, gate.blockedAnswers());
    }

    @Test
    void aClientSomewhatOverTheLimitGets429sButIsNotBlocked() {
        int refused = 0;
        for (int second = 0; second < 60; second++) { // 10 a second: 3 a second answered 429
            for (int i = 0; i < 10; i++) {
                SandboxResponse r = request();
                if (r != null) {
                    assertEquals(429, r.status());
                    refused++;
                }
                clock.addAndGet(100 * MS);
            }
        }
        assertEquals(180, refused);
        assertEquals(0, gate.blockedAnswers());
    }

    @Test
    void repeated429sBlockEveryRequestWithTheEdges403UntilTheBlockEnds() {
        int answered429 = 0;
        for (int i = 0; i < 7 + SandboxGate.BLOCK_AFTER_VIOLATIONS; i++) { // a burst, ignoring every 429
            SandboxResponse r = request();
            if (r != null) {
                assertEquals(429, r.status());
                answered429++;
            }
            clock.addAndGet(MS);
        }
        assertEquals(SandboxGate.BLOCK_AFTER_VIOLATIONS, answered429);
        clock.addAndGet(5_000 * MS); // no longer over the limit, but blocked
        SandboxResponse blocked = request();
        assertEquals(403, blocked.status());
        assertNull(blocked.body());
        assertTrue(blocked.html().contains("403 Forbidden") && blocked.html().contains("nginx"));
        assertEquals(403, gate.admit("Bearer wrong", "tok"::equals).status(), "the edge answers before the token");
        clock.addAndGet(SandboxGate.BLOCK_SECONDS * 1_000 * MS);
        assertNull(request(), "the block ends after " + SandboxGate.BLOCK_SECONDS + " s");
        assertEquals(2, gate.blockedAnswers());
    }

    @Test
    void aBlockCanBeLiftedAtOnce() {
        for (int i = 0; i < 7 + SandboxGate.BLOCK_AFTER_VIOLATIONS; i++) {
            request();
        }
        clock.addAndGet(2_000 * MS);
        assertEquals(403, request().status());
        gate.unblock();
        assertNull(request());
    }

    @Test
    void anAccountHammeredInRealTimeAnswersTheBlockPage() {
        SandboxAccount a = new SandboxAccount("hammered", 1, "tok", 7, 0);
        SandboxSeed.seed(a);
        SandboxResponse last = null;
        for (int i = 0; i < 7 + SandboxGate.BLOCK_AFTER_VIOLATIONS + 1; i++) {
            last = a.handle(new SandboxRequest("GET", "account", List.of(), null, true, "Bearer tok", "http://h/s/x"));
        }
        assertNotNull(last);
        assertEquals(403, last.status());
        assertEquals(SandboxResponse.IP_BLOCK_PAGE, last.html());
        assertEquals(1, a.ipBlockedCount());
        a.unblock();
        assertTrue(a.handle(new SandboxRequest("GET", "account", List.of(), null, true, "Bearer tok", "http://h/s/x"))
                .status() != 403, "lifted: answered again (200, or 429 within the same second)");
    }
}
