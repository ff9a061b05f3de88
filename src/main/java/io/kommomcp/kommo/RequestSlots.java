package io.kommomcp.kommo;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The budget of one Kommo account in this server: {@code capacity} slots; a request holds one from the moment it may
 * start until {@code windowMillis} after it completed. At most {@code capacity} requests therefore arrive at Kommo in
 * any window of that length, however late each arrives or is answered (the window is at least Kommo's second). The
 * capacity can change while requests run (a shared budget's lease, {@link BudgetLeases}): lowering it lets no new
 * request start until the slots held drop below it.
 */
public final class RequestSlots implements RequestBudget {

    private final long windowNanos;
    private final long maxWaitNanos;
    private int capacity;
    /** For a leased share: the slots may be used only before this System.nanoTime (when {@link #leased}). */
    private boolean leased;
    private long leaseEnd;
    private int inFlight;
    private int waiting;
    /** Interactive requests waiting: background requests start only while there are none. */
    private int waitingInteractive;
    /** Slots held by background requests (in flight or cooling). */
    private int backgroundInFlight;
    /** When each cooling slot becomes free again, in completion order (so ascending). */
    private final Deque<Long> cooling = new ArrayDeque<>();
    /** The same for the slots that background requests hold. */
    private final Deque<Long> backgroundCooling = new ArrayDeque<>();

    /**
     * @param capacity     slots (Kommo: 7 per account)
     * @param windowMillis how long after its completion a request still counts (at least Kommo's 1,000 ms)
     * @param maxWaitMillis longest wait for a slot before the request is refused
     */
    public RequestSlots(int capacity, long windowMillis, long maxWaitMillis) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be at least 0");
        }
        this.capacity = capacity;
        this.windowNanos = windowMillis * 1_000_000L;
        this.maxWaitNanos = maxWaitMillis * 1_000_000L;
    }

    @Override
    public Permit acquire(int backgroundShare) throws InterruptedException {
        long begin = System.nanoTime();
        boolean background = backgroundShare < Integer.MAX_VALUE;
        synchronized (this) {
            waiting++;
            if (!background) {
                waitingInteractive++;
            }
            try {
                while (true) {
                    long now = System.nanoTime();
                    cool(now);
                    int usable = leased && now - leaseEnd >= 0 ? 0 : capacity;
                    boolean free = inFlight + cooling.size() < usable;
                    if (free && background && (waitingInteractive > 0
                            || backgroundInFlight + backgroundCooling.size() >= backgroundShare)) {
                        free = false; // people first: background work waits while anyone else does
                    }
                    if (free) {
                        inFlight++;
                        if (background) {
                            backgroundInFlight++;
                        }
                        long waited = (now - begin) / 1_000_000L;
                        return new Slot(waited, background);
                    }
                    long left = begin + maxWaitNanos - now;
                    if (left <= 0) {
                        throw new KommoApiException(KommoApiException.Kind.RATE_LIMITED, 0, null, "this server's"
                                + " request budget for the account stayed in use for " + maxWaitNanos / 1_000_000_000L
                                + " s", java.util.List.of(), java.util.Map.of(), null, null);
                    }
                    long next = cooling.isEmpty() ? left : Math.min(left, cooling.peekFirst() - now);
                    if (usable == 0) {
                        next = Math.min(next, 100_000_000L); // a lease may arrive: look again soon
                    }
                    long millis = Math.max(1, next / 1_000_000L);
                    wait(millis);
                }
            } finally {
                waiting--;
                if (!background) {
                    waitingInteractive--;
                    notifyAll(); // background work may start now
                }
            }
        }
    }

    private void cool(long now) {
        while (!cooling.isEmpty() && now - cooling.peekFirst() >= 0) {
            cooling.pollFirst();
        }
        while (!backgroundCooling.isEmpty() && now - backgroundCooling.peekFirst() >= 0) {
            backgroundCooling.pollFirst();
        }
    }

    /** Changes the number of slots; waiting requests are re-examined. */
    public synchronized void capacity(int slots) {
        capacity = Math.max(0, slots);
        notifyAll();
    }

    /** A leased share: {@code slots} until {@code validUntilNanos} (System.nanoTime), none after. */
    public synchronized void lease(int slots, long validUntilNanos) {
        leased = true;
        leaseEnd = validUntilNanos;
        capacity(slots);
    }

    public synchronized int capacity() {
        return capacity;
    }

    /** Slots in use: requests in flight and requests that completed less than a window ago. */
    public synchronized int held() {
        cool(System.nanoTime());
        return inFlight + cooling.size();
    }

    /** Slots that background requests hold now. */
    public synchronized int heldByBackground() {
        cool(System.nanoTime());
        return backgroundInFlight + backgroundCooling.size();
    }

    /** Requests waiting for a slot now. */
    public synchronized int waiting() {
        return waiting;
    }

    private synchronized void release(boolean background) {
        inFlight--;
        long free = System.nanoTime() + windowNanos;
        cooling.addLast(free);
        if (background) {
            backgroundInFlight--;
            backgroundCooling.addLast(free);
        }
        notifyAll();
    }

    private final class Slot implements Permit {
        private final long waited;
        private final boolean background;
        private boolean closed;

        Slot(long waited, boolean background) {
            this.waited = waited;
            this.background = background;
        }

        @Override
        public long waitedMillis() {
            return waited;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                release(background);
            }
        }
    }
}
