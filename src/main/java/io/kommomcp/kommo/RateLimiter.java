package io.kommomcp.kommo;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Keeps one Kommo account under its request budget: at most {@code permits} requests start in any window of
 * {@code windowMillis}. The window is a little longer than Kommo's second so that network jitter cannot push eight
 * requests into one second as Kommo sees them.
 */
public final class RateLimiter implements RequestBudget {

    private final int permits;
    private final long windowNanos;
    private final Deque<Long> starts = new ArrayDeque<>();

    public RateLimiter(int permits, long windowMillis) {
        if (permits < 1) {
            throw new IllegalArgumentException("permits must be at least 1");
        }
        this.permits = permits;
        this.windowNanos = windowMillis * 1_000_000L;
    }

    @Override
    public long acquire() throws InterruptedException {
        long begin = System.nanoTime();
        while (true) {
            long waitNanos;
            synchronized (starts) {
                long now = System.nanoTime();
                while (!starts.isEmpty() && now - starts.peekFirst() >= windowNanos) {
                    starts.pollFirst();
                }
                if (starts.size() < permits) {
                    starts.addLast(now);
                    return (now - begin) / 1_000_000L;
                }
                waitNanos = starts.peekFirst() + windowNanos - now;
            }
            Thread.sleep(Math.max(1, waitNanos / 1_000_000L), (int) (waitNanos % 1_000_000L));
        }
    }
}
