package io.kommomcp.intelligence;

import java.time.Instant;
import java.util.List;

import io.kommomcp.kommo.KommoEvents;
import io.kommomcp.kommo.wire.Lead;
import io.kommomcp.kommo.wire.Note;
import io.kommomcp.kommo.wire.Task;

/**
 * What was read of one lead: the record, its events (Kommo's change history of the lead), its notes and its tasks.
 * {@code asOf}: the mirror answered for the stage changes, notes and tasks, current as of then (null: all from Kommo
 * just now). {@code gaps}: what this history is known to lack, in words.
 */
public record LeadHistory(Lead lead, boolean deleted, List<KommoEvents.Event> events, List<Note> notes,
        List<Task> tasks, Instant asOf, List<String> gaps) {

    public LeadHistory {
        events = List.copyOf(events);
        notes = List.copyOf(notes);
        tasks = List.copyOf(tasks);
        gaps = List.copyOf(gaps);
    }

    /** This history with {@code more} gaps. */
    public LeadHistory withGaps(List<String> more) {
        List<String> all = new java.util.ArrayList<>(gaps);
        all.addAll(more);
        return new LeadHistory(lead, deleted, events, notes, tasks, asOf, all);
    }

    /** The lead's signals at {@code now} (Unix seconds). */
    public LeadSignals signals(long now) {
        return LeadSignals.of(lead, events, notes, tasks, now);
    }
}
