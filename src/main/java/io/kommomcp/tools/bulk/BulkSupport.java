package io.kommomcp.tools.bulk;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

import io.kommomcp.core.Caller;
import io.kommomcp.core.ToolException;
import io.kommomcp.governance.BulkGovernance;
import io.kommomcp.governance.Proposal;
import io.kommomcp.kommo.FieldValue;
import io.kommomcp.kommo.IdRef;
import io.kommomcp.kommo.KommoCrm;
import io.kommomcp.kommo.KommoRequest;
import io.kommomcp.kommo.KommoWrite;
import io.kommomcp.kommo.wire.FieldDef;
import io.kommomcp.kommo.wire.User;
import io.kommomcp.tools.bulk.BulkViews.BulkResult;
import io.kommomcp.tools.bulk.BulkViews.Problem;
import io.kommomcp.tools.fields.FieldWriter;

/**
 * What the bulk tools share: records checked one by one before anything is sent (each problem named by the record's
 * index), the refusal or the skip of invalid records, the proposal (governed above the tenant's threshold, its state
 * the exact requests so that a confirmation applies exactly the planned set), and the answer per record.
 */
final class BulkSupport {

    /** Problems a refusal names one by one; the rest are counted. */
    static final int NAMED = 25;

    private BulkSupport() {
    }

    /** Records checked one by one: the valid ones with their indices, the unchanged ones, and the invalid ones. */
    static final class Checked<T> {

        final List<Integer> records = new ArrayList<>();
        final List<T> items = new ArrayList<>();
        final List<Problem> problems = new ArrayList<>();
        final Map<Integer, String> unchanged = new LinkedHashMap<>();

        /** Record {@code index} (id {@code id}, if it has one) as {@code check} builds it, or its problem. */
        void add(int index, Long id, Supplier<T> check) {
            try {
                T item = check.get();
                if (item != null) {
                    records.add(index);
                    items.add(item);
                }
            } catch (ToolException e) {
                problem(index, id, e.getMessage());
            }
        }

        void problem(int index, Long id, String reason) {
            String r = reason == null ? "invalid" : reason.strip();
            problems.add(new Problem(index, id, r.length() > 300 ? r.substring(0, 297) + "..." : r));
        }

        void unchanged(int index, String why) {
            unchanged.put(index, why);
        }
    }

    /**
     * Nothing is sent when any record is invalid, unless {@code skip}: then the valid ones go and the answer lists the
     * rest. A call with no valid record is refused either way.
     */
    static void refuseOrSkip(String entity, int total, Checked<?> c, boolean skip) {
        if (c.problems.isEmpty()) {
            return;
        }
        c.problems.sort(java.util.Comparator.comparingInt(Problem::record));
        boolean none = c.items.isEmpty() && c.unchanged.isEmpty();
        if (skip && !none) {
            return;
        }
        StringBuilder b = new StringBuilder().append(c.problems.size()).append(" of ").append(total).append(' ')
                .append(entity).append(c.problems.size() == 1 ? " is" : " are").append(" invalid, so nothing was sent"
                        + " to Kommo:");
        c.problems.stream().limit(NAMED).forEach(p -> b.append("\n- ").append(entity).append('[').append(p.record())
                .append(']').append(p.id() == null ? "" : " (" + p.id() + ")").append(": ").append(p.reason()));
        if (c.problems.size() > NAMED) {
            b.append("\n- and ").append(c.problems.size() - NAMED).append(" more");
        }
        b.append("\nCorrect ").append(c.problems.size() == 1 ? "it" : "them").append(" and call again");
        if (!none) {
            b.append(", or pass skip_invalid: true to write the ").append(c.items.size()).append(" valid ones only");
        }
        throw new ToolException(b.append('.').toString());
    }

    /**
     * The proposal of a bulk change: its writes, the exact requests as its state (a plan's confirmation applies
     * exactly these records), a sample and the consequences for a plan, governed above the tenant's threshold, and the
     * answer per record once applied.
     */
    static Proposal<BulkResult> propose(BulkGovernance governance, Caller caller, String action, String entity,
            String verb, boolean created, int requested, List<KommoWrite> writes, Checked<?> c,
            List<Map<String, Object>> sample, List<String> consequences) {
        int written = c.items.size();
        int requests = 0;
        for (KommoWrite w : writes) {
            requests += w.requests(IdRef::toString).size();
        }
        List<String> said = new ArrayList<>();
        said.add(written + " " + entity + " will be " + verb + " in " + requests + " Kommo request" + (requests == 1
                ? "" : "s") + " (at most " + KommoWrite.BATCH + " records each, " + KommoWrite.COMPLEX_BATCH
                + " for leads with a new contact).");
        if (!c.unchanged.isEmpty()) {
            said.add(c.unchanged.size() + " " + entity + " need no change and are left as they are.");
        }
        if (!c.problems.isEmpty()) {
            said.add(c.problems.size() + " invalid " + entity + " are left out (skip_invalid): " + String.join("; ",
                    c.problems.stream().limit(10).map(p -> entity + "[" + p.record() + "]: " + p.reason()).toList())
                    + (c.problems.size() > 10 ? "; ..." : "") + ".");
        }
        said.addAll(consequences);
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("records", written);
        after.put("sample", sample);
        Map<Integer, String> others = new LinkedHashMap<>();
        c.unchanged.forEach((i, why) -> others.put(i, "unchanged (" + why + ")"));
        c.problems.forEach(p -> others.put(p.record(), "skipped (invalid)"));
        List<Problem> problems = List.copyOf(c.problems);
        Proposal<BulkResult> p = Proposal.of(action, writes).state(state(writes, c)).after(after).consequences(said)
                .then(applied -> new BulkResult(action, entity, requested, applied.records().size(), c.unchanged
                        .size(), problems.size(), applied.done().size(), BulkViews.runs(applied.records(), verb,
                                created, others), problems));
        return governance.apply(caller, written, p);
    }

    /** What a plan must stay true to: the exact requests (every record, its values), and the records left out. */
    static Map<String, Object> state(List<KommoWrite> writes, Checked<?> c) {
        List<Object> requests = new ArrayList<>();
        for (KommoWrite w : writes) {
            for (KommoRequest r : w.requests(IdRef::toString)) {
                List<Object> one = new ArrayList<>();
                one.add(r.method());
                one.add(r.path());
                one.add(r.body());
                requests.add(one);
            }
        }
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("requests", requests);
        state.put("unchanged", List.copyOf(c.unchanged.keySet()));
        state.put("skipped", c.problems.stream().map(Problem::record).toList());
        return state;
    }

    /** Refuses ids given twice: the second record names the first. */
    static boolean duplicate(Checked<?> c, Map<Long, Integer> seen, String entity, int index, long id) {
        Integer first = seen.putIfAbsent(id, index);
        if (first != null) {
            c.problem(index, id, "the same id as " + entity + "[" + first + "]; give each record once.");
            return true;
        }
        return false;
    }

    /** The account's users by id. */
    static Map<Long, User> users(List<User> users) {
        Map<Long, User> out = new HashMap<>();
        users.forEach(u -> out.put(u.id(), u));
        return out;
    }

    /** A responsible user that exists and is active; null stays null. */
    static Long user(Map<Long, User> users, Long id) {
        if (id == null) {
            return null;
        }
        User u = users.get(id);
        if (u == null) {
            throw new ToolException("no user " + id + " in this account (users_list).");
        }
        if (Boolean.FALSE.equals(u.isActive())) {
            throw new ToolException(u.name() + " (user " + id + ") is deactivated.");
        }
        return id;
    }

    /** A name of 1-255 characters, stripped; null stays null. */
    static String name(String value, String what) {
        if (value == null) {
            return null;
        }
        String v = value.strip();
        if (v.isEmpty() || v.length() > 255) {
            throw new ToolException(what + " must be 1-255 characters.");
        }
        return v;
    }

    /**
     * Custom field values by field name, code or id, checked by type (unknown fields and wrong values refused);
     * {@code taken}: codes given through their own arguments (PHONE, EMAIL, ...), which may not come twice.
     */
    static List<FieldValue> fields(List<FieldDef> defs, String entity, Map<String, Object> values, Set<String> taken) {
        if (values == null || values.isEmpty()) {
            return List.of();
        }
        List<FieldValue> out = new ArrayList<>();
        Set<Long> seen = new LinkedHashSet<>();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            FieldDef def = FieldWriter.resolve(defs, entity, e.getKey());
            if (!seen.add(def.id()) || (def.code() != null && taken.contains(def.code()))) {
                throw new ToolException("field '" + def.name() + "' is given twice.");
            }
            out.add(FieldWriter.write(def, e.getValue()));
        }
        return out;
    }

    /** Whether a value written fills a field (a required one): not cleared, not blank, not an unticked box. */
    static boolean fills(FieldValue v) {
        return v.values() != null && v.values().stream().anyMatch(x -> x.enumId() != null || (x.value() != null
                && !String.valueOf(x.value()).isBlank() && !Boolean.FALSE.equals(x.value())));
    }

    /** Records of one type by id, {@link KommoCrm#MAX_PAGE_SIZE} a request. */
    static <T> Map<Long, T> byIds(List<Long> ids, Function<List<Long>, List<T>> read, Function<T, Long> idOf) {
        Map<Long, T> out = new HashMap<>();
        List<Long> distinct = List.copyOf(new LinkedHashSet<>(ids));
        for (int i = 0; i < distinct.size(); i += KommoCrm.MAX_PAGE_SIZE) {
            read.apply(distinct.subList(i, Math.min(distinct.size(), i + KommoCrm.MAX_PAGE_SIZE))).forEach(t -> out
                    .put(idOf.apply(t), t));
        }
        return out;
    }
}
