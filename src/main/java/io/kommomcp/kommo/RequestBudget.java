package io.kommomcp.kommo;

/** Keeps one Kommo account under its request rate: {@link #acquire} blocks until a request may start. */
public interface RequestBudget {

    /** Blocks until a request may start; returns how long it waited, in milliseconds. */
    long acquire() throws InterruptedException;
}
