package io.kommomcp.kommo;

/**
 * Keeps one Kommo account under its request rate. {@link #acquire} blocks until a request may start and hands out a
 * permit; the permit is closed when the request has completed (answered or failed), and its slot is reused only a
 * window later. So, whatever the network does, Kommo never sees more requests in one window than there are slots:
 * any request it counts arrived after its permit was taken and before it was closed.
 */
public interface RequestBudget {

    /** One request's hold on the budget; close it when the request has completed. */
    interface Permit extends AutoCloseable {

        /** How long the caller waited for the permit, in milliseconds. */
        long waitedMillis();

        @Override
        void close();
    }

    /** Blocks until a request may start. */
    default Permit acquire() throws InterruptedException {
        return acquire(Integer.MAX_VALUE);
    }

    /**
     * Blocks until a request may start. With {@code backgroundShare} below the budget's slots, the request is
     * background work (the mirror's sync, configuration snapshots): it starts only while no other request waits for
     * a slot and while background requests hold fewer than {@code backgroundShare} slots, so that it never competes
     * with people's tool calls.
     */
    Permit acquire(int backgroundShare) throws InterruptedException;
}
