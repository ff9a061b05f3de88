package io.kommomcp.mcp;

import java.util.ArrayList;
import java.util.List;

import io.kommomcp.core.ChangeLog;
import io.kommomcp.core.KommoCallLog;

/**
 * What a failed state-changing call did in Kommo, step by step, read from the Kommo requests it made: each write
 * is done (Kommo answered 2xx), failed (Kommo answered 4xx: it validated the request and did nothing) or unknown
 * (5xx or no answer: real Kommo can apply a write and still answer 5xx). Reads and 429s (Kommo did nothing, and the
 * request was sent again) are not steps.
 */
record WriteSteps(List<KommoCallLog.Entry> done, KommoCallLog.Entry failed, boolean failedMayHaveApplied) {

    static WriteSteps of(List<KommoCallLog.Entry> calls) {
        List<KommoCallLog.Entry> done = new ArrayList<>();
        KommoCallLog.Entry last = null;
        for (KommoCallLog.Entry e : calls) {
            if ("GET".equals(e.method()) || e.status() == 429) {
                continue;
            }
            if (e.status() >= 200 && e.status() < 300) {
                done.add(e);
                last = null;
            } else {
                last = e;
            }
        }
        return new WriteSteps(List.copyOf(done), last, last != null && (last.status() == 0 || last.status() >= 500));
    }

    /** Whether some write landed before the call failed. */
    boolean partial() {
        return !done.isEmpty();
    }

    /**
     * The answer for a call that failed after {@link #done} landed: what landed (in the business terms of the
     * change records where the tool made them), what failed or may have, and what to do instead of repeating it.
     */
    String explain(String tool, String cause, List<ChangeLog.Change> changes) {
        StringBuilder b = new StringBuilder("Partially applied: ").append(tool).append(" made ")
                .append(done.size()).append(" change").append(done.size() == 1 ? "" : "s")
                .append(" in Kommo before it failed.");
        b.append("\nLanded: ");
        if (!changes.isEmpty()) {
            List<String> what = new ArrayList<>();
            changes.forEach(c -> what.add(c.targetType() + " " + c.targetId() + (c.before() == null ? " (created)"
                    : " (changed)")));
            b.append(String.join("; ", what));
        } else {
            List<String> what = new ArrayList<>();
            done.forEach(d -> what.add(d.method() + " " + d.path()));
            b.append(String.join("; ", what));
        }
        b.append(".");
        if (failed != null) {
            b.append("\n").append(failedMayHaveApplied ? "Outcome unknown: " : "Failed (not applied): ")
                    .append(failed.method()).append(" ").append(failed.path()).append(" - ").append(cause);
            if (failedMayHaveApplied) {
                b.append(" Kommo may have applied it anyway: check the current state (the matching _get or _list"
                        + " tool) before doing that step again.");
            }
        } else {
            b.append("\nThen it failed: ").append(cause);
        }
        b.append("\nDo not repeat the whole call: that would repeat what landed. Do only the missing step.");
        return b.toString();
    }
}
