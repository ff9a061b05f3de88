package io.kommomcp.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;

import org.junit.jupiter.api.Test;

/**
 * The full-size bulk seed, measured: not part of the build (it runs only with {@code -Dsandbox.measure=true}), e.g.
 * {@code mvn -o -q -pl sandbox test -Dtest=BulkSeedMeasureTest -Dsandbox.measure=true -DargLine=-Xmx256m}; prints
 * the time and the heap the seeded account holds, and the time of a few mirror-like requests on it.
 */
class BulkSeedMeasureTest {

    @Test
    void fullSize() {
        assumeTrue(Boolean.getBoolean("sandbox.measure"), "a measurement, run by hand");
        long base = usedAfterGc();
        TestAccount t = new TestAccount();
        long start = System.nanoTime();
        SandboxResponse r = t.account.bulkSeed(Problems.JSON.readTree("{\"leads\":50000,\"contacts\":50000,"
                + "\"companies\":0,\"events\":250000,\"seed\":42}"));
        long seedMillis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(200, r.status());
        long held = usedAfterGc() - base;
        long now = SandboxAccount.now();
        long sweep = time(() -> t.expect(200, "GET", "leads", null, "filter[updated_at][from]",
                String.valueOf(now - 7 * 86_400), "order[updated_at]", "asc", "limit", "250"));
        long backfill = time(() -> t.expect(200, "GET", "leads", null, "order[id]", "asc", "limit", "250", "page",
                "100"));
        long contacts = time(() -> t.expect(200, "GET", "contacts", null, "order[updated_at]", "desc", "limit",
                "250"));
        long events = time(() -> t.expect(200, "GET", "events", null, "filter[type][]", "lead_status_changed",
                "filter[created_at][from]", String.valueOf(now - 30 * 86_400), "limit", "100"));
        System.out.printf("bulk seed 50k leads, 50k contacts, 250k events: %d ms (server answer %s), heap held %.1f MB"
                + " (max heap %d MB); GET leads sweep %d ms, backfill page 100 %d ms, contacts %d ms, events %d ms%n",
                seedMillis, r.body().path("millis"), held / 1048576.0, Runtime.getRuntime().maxMemory() / 1048576,
                sweep, backfill, contacts, events);
        assertEquals(50_030, t.account.leads.size()); // keep the account reachable until here
    }

    /** The fastest of 5 runs, after 3 to warm up. */
    private static long time(Runnable r) {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 8; i++) {
            long start = System.nanoTime();
            r.run();
            if (i >= 3) {
                best = Math.min(best, System.nanoTime() - start);
            }
        }
        return best / 1_000_000;
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
