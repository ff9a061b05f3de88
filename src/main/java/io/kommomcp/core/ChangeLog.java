package io.kommomcp.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a state-changing tool changed, with the state before and after, for the audit trail. Tools record here;
 * the registry writes it into the call's outcome entry. One instance per call.
 */
public final class ChangeLog {

    /** One changed object, e.g. ("lead", "10000078", {stage: ...}, {stage: ...}). */
    public record Change(String targetType, String targetId, Map<String, Object> before, Map<String, Object> after) {
    }

    private final List<Change> changes = new ArrayList<>();

    public synchronized void record(String targetType, Object targetId, Map<String, Object> before,
            Map<String, Object> after) {
        changes.add(new Change(targetType, String.valueOf(targetId), before, after));
    }

    public synchronized List<Change> changes() {
        return List.copyOf(changes);
    }
}
