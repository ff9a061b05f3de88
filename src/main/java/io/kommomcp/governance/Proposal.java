package io.kommomcp.governance;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import io.kommomcp.kommo.Applied;
import io.kommomcp.kommo.KommoWrite;

/**
 * What a state-changing tool answers: the change it proposes, never carried out by the tool itself. The registry
 * applies it at once, or, when the call is governed (by the tool's declaration, the tenant's policy, or the proposal
 * itself), plans it, asks for confirmation and approval, and applies it only then; the tool cannot tell which.
 *
 * @param action       the change in one line, for the plan ("delete stage \"Qualification\" of \"Sales\"")
 * @param writes       the Kommo writes, in order
 * @param state        what the proposal was computed from, read fresh: a plan is refused if it changed meanwhile
 * @param before       the objects before, as the plan shows them (null: new)
 * @param after        the objects after (null: deleted)
 * @param consequences what else it does to the account's data, computed only when a plan is shown (counts cost
 *                     Kommo requests)
 * @param governed     governed whatever the declaration (a bulk change above the tenant's threshold)
 * @param destructive  erases data whatever the declaration (removing a field's options erases their values): the
 *                     tenant's four-eyes policy for destructive changes then covers it
 * @param result       the tool's answer once the writes are applied
 */
public record Proposal<R>(String action, List<KommoWrite> writes, Object state, Map<String, Object> before,
        Map<String, Object> after, Supplier<List<String>> consequences, boolean governed,
        boolean destructive, Function<Applied, R> result) {

    public Proposal {
        writes = List.copyOf(writes);
        consequences = consequences == null ? List::of : consequences;
    }

    /** A change of {@code writes}, answered with what was applied. */
    public static Proposal<Applied> of(String action, KommoWrite... writes) {
        return new Proposal<>(action, List.of(writes), null, null, null, null, false, false, a -> a);
    }

    /** A change of {@code writes}, answered with what was applied. */
    public static Proposal<Applied> of(String action, List<? extends KommoWrite> writes) {
        return new Proposal<>(action, List.copyOf(writes), null, null, null, null, false, false, a -> a);
    }

    /** The same change, answered with {@code answer} of what was applied. */
    public <T> Proposal<T> then(Function<Applied, T> answer) {
        return new Proposal<>(action, writes, state, before, after, consequences, governed, destructive, answer);
    }

    public Proposal<R> state(Object fresh) {
        return new Proposal<>(action, writes, fresh, before, after, consequences, governed, destructive, result);
    }

    public Proposal<R> before(Map<String, Object> objects) {
        return new Proposal<>(action, writes, state, objects, after, consequences, governed, destructive, result);
    }

    public Proposal<R> after(Map<String, Object> objects) {
        return new Proposal<>(action, writes, state, before, objects, consequences, governed, destructive, result);
    }

    public Proposal<R> consequences(Supplier<List<String>> computed) {
        return new Proposal<>(action, writes, state, before, after, computed, governed, destructive, result);
    }

    public Proposal<R> consequences(List<String> known) {
        List<String> copy = List.copyOf(known);
        return consequences(() -> copy);
    }

    /** Governed whatever the tool's declaration (the proposal knows it is large, say). */
    public Proposal<R> governedAnyway() {
        return new Proposal<>(action, writes, state, before, after, consequences, true, destructive, result);
    }

    /** Erases data whatever the tool's declaration. */
    public Proposal<R> erasing() {
        return new Proposal<>(action, writes, state, before, after, consequences, governed, true, result);
    }
}
