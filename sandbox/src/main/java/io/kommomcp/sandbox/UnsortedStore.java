package io.kommomcp.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.node.ObjectNode;

/**
 * Incoming leads waiting to be sorted (API.md §7.2), by their string {@code uid}, each naming the lead (in its
 * pipeline's unsorted stage) and the contact and company that came with it; and the tally of those accepted and
 * declined, for the summary.
 */
final class UnsortedStore {

    private final Map<String, ObjectNode> byUid = new LinkedHashMap<>();
    private long made;
    private long accepted;
    private long declined;
    private long sortSeconds;

    void add(ObjectNode item) {
        byUid.put(item.get("uid").asString(), item);
        made++;
    }

    ObjectNode get(String uid) {
        return byUid.get(uid);
    }

    /** The waiting items, oldest first. */
    List<ObjectNode> all() {
        return new ArrayList<>(byUid.values());
    }

    /** Takes an item out as accepted ({@code accept}) or declined, {@code at} (unix seconds). */
    void sorted(String uid, boolean accept, long at) {
        ObjectNode item = byUid.remove(uid);
        if (accept) {
            accepted++;
        } else {
            declined++;
        }
        sortSeconds += Math.max(0, at - item.path("created_at").asLong(at));
    }

    long made() {
        return made;
    }

    long accepted() {
        return accepted;
    }

    long declined() {
        return declined;
    }

    /** The mean time from arrival to accept or decline, in seconds (0 before any). */
    long averageSortSeconds() {
        long n = accepted + declined;
        return n == 0 ? 0 : sortSeconds / n;
    }
}
