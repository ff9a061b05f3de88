package io.kommomcp.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The Kommo HTTP calls made for one tool call, in order. One instance per call; safe to share across threads. */
public final class KommoCallLog {

    /** One Kommo HTTP exchange. {@code status} is 0 when no response arrived (timeout, connection refused). */
    public record Entry(Instant startedAt, String method, String path, int status, String kommoRequestId,
            long durationMillis, String error) {
    }

    private final List<Entry> entries = new ArrayList<>();

    public synchronized void add(Entry entry) {
        entries.add(entry);
    }

    public synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }

    public synchronized int size() {
        return entries.size();
    }
}
