package io.kommomcp.kommo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class RequestSlotsTest {

    @Test
    void aSlotIsReusedOnlyAWindowAfterItsRequestCompleted() throws InterruptedException {
        RequestSlots slots = new RequestSlots(3, 300, 5_000);
        List<RequestBudget.Permit> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(slots.acquire());
        }
        assertEquals(3, slots.held());
        Thread.sleep(200); // a slow request: the window starts when it completes, not when it started
        held.get(0).close();
        long t0 = System.nanoTime();
        RequestBudget.Permit fourth = slots.acquire();
        long waited = (System.nanoTime() - t0) / 1_000_000L;
        assertTrue(waited >= 280, "the 4th request waits a window after the first completed, waited " + waited);
        fourth.close();
        held.subList(1, 3).forEach(RequestBudget.Permit::close);
    }

    @Test
    void neverMoreArrivalsInAWindowThanSlotsWhateverTheLatency() throws Exception {
        int capacity = 4;
        long window = 150;
        RequestSlots slots = new RequestSlots(capacity, window, 10_000);
        List<Long> arrivals = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(10);
        long end = System.nanoTime() + 1_500_000_000L;
        for (int t = 0; t < 10; t++) {
            Random r = new Random(t);
            pool.submit(() -> {
                while (System.nanoTime() < end) {
                    try (RequestBudget.Permit p = slots.acquire()) {
                        Thread.sleep(r.nextInt(20)); // on the way to Kommo
                        arrivals.add(System.nanoTime()); // Kommo counts it here
                        Thread.sleep(r.nextInt(20)); // on the way back
                    }
                }
                return null;
            });
        }
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        List<Long> sorted = new ArrayList<>(arrivals);
        Collections.sort(sorted);
        assertTrue(sorted.size() > 20, "enough requests ran: " + sorted.size());
        for (int i = capacity; i < sorted.size(); i++) {
            long span = (sorted.get(i) - sorted.get(i - capacity)) / 1_000_000L;
            assertTrue(span >= window, capacity + 1 + " arrivals within " + span + " ms");
        }
    }

    @Test
    void aLapsedLeaseStartsNothingAndAWaitHasALimit() throws InterruptedException {
        RequestSlots slots = new RequestSlots(0, 100, 300);
        slots.lease(2, System.nanoTime() + 50_000_000L);
        slots.acquire().close();
        Thread.sleep(60);
        KommoApiException e = assertThrows(KommoApiException.class, slots::acquire);
        assertEquals(KommoApiException.Kind.RATE_LIMITED, e.kind());
        slots.lease(2, System.nanoTime() + 10_000_000_000L);
        slots.acquire().close();
    }

    @Test
    void loweringTheCapacityWaitsForTheSlotsHeld() throws InterruptedException {
        RequestSlots slots = new RequestSlots(3, 200, 5_000);
        RequestBudget.Permit a = slots.acquire();
        RequestBudget.Permit b = slots.acquire();
        slots.capacity(1);
        a.close();
        b.close();
        long t0 = System.nanoTime();
        slots.acquire().close();
        assertTrue((System.nanoTime() - t0) / 1_000_000L >= 180, "both slots cooled before one of them is reused");
    }

    @Test
    void backgroundWorkHoldsAtMostItsShareAndNeverBlocksPeople() throws Exception {
        RequestSlots slots = new RequestSlots(7, 500, 5_000);
        List<RequestBudget.Permit> sync = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sync.add(slots.acquire(3));
        }
        assertEquals(3, slots.heldByBackground());
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            java.util.concurrent.Future<RequestBudget.Permit> fourth = pool.submit(() -> slots.acquire(3));
            Thread.sleep(150);
            assertTrue(!fourth.isDone(), "a 4th background request waits although 4 slots are free");
            List<RequestBudget.Permit> people = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                people.add(slots.acquire()); // the other four slots are people's, at once
            }
            assertEquals(7, slots.held());
            sync.get(0).close();
            fourth.get(2, TimeUnit.SECONDS).close(); // a window after one of its own completed
            people.forEach(RequestBudget.Permit::close);
            sync.subList(1, 3).forEach(RequestBudget.Permit::close);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void backgroundWorkWaitsWhileAToolCallWaits() throws Exception {
        RequestSlots slots = new RequestSlots(1, 100, 5_000);
        RequestBudget.Permit busy = slots.acquire();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<String> order = Collections.synchronizedList(new ArrayList<>());
            java.util.concurrent.Future<?> sync = pool.submit(() -> {
                try (RequestBudget.Permit p = slots.acquire(3)) {
                    order.add("sync");
                }
                return null;
            });
            Thread.sleep(50);
            java.util.concurrent.Future<?> person = pool.submit(() -> {
                try (RequestBudget.Permit p = slots.acquire()) {
                    order.add("person");
                }
                return null;
            });
            Thread.sleep(50);
            busy.close();
            person.get(3, TimeUnit.SECONDS);
            sync.get(3, TimeUnit.SECONDS);
            assertEquals(List.of("person", "sync"), order, "the tool call asked later and still went first");
        } finally {
            pool.shutdownNow();
        }
    }
}
