package io.kommomcp.intelligence;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

import io.kommomcp.kommo.KommoEvents;
import io.kommomcp.kommo.wire.Lead;
import io.kommomcp.kommo.wire.Note;
import io.kommomcp.kommo.wire.Pipeline;
import io.kommomcp.kommo.wire.Task;
import io.kommomcp.kommo.wire.WireValues;
import tools.jackson.databind.JsonNode;

/**
 * The numbers every assessment of a lead starts from, all Unix seconds, computed the same way from the mirror (one SQL
 * query for many leads, {@link LeadMirror#signals}) and from what Kommo answered ({@link #of}).
 *
 * <p><b>Activity</b> is the latest of: the lead's creation and last change ({@code updated_at}: a field, its value, its
 * responsible user, a stage or a link), a note added to it ({@code created_at}), a task on it created, changed or
 * completed (the task's {@code updated_at}), and a stage change ({@code lead_status_changed}). <b>Entered stage</b>:
 * the latest stage change into the lead's current stage; without one, the latest stage change; without any, its
 * creation.
 */
public record LeadSignals(long leadId, String name, Long price, Long pipelineId, Long stageId,
        Long responsibleUserId, Long createdAt, Long updatedAt, Long lastNoteAt, Long lastTaskAt,
        Long lastStageChangeAt, Long enteredStageAt, int openTasks, int overdueTasks, Long nextTaskDue) {

    /** When the lead last saw activity (its creation at the earliest). */
    public long lastActivity() {
        return Stream.of(createdAt, updatedAt, lastNoteAt, lastTaskAt, lastStageChangeAt).filter(Objects::nonNull)
                .mapToLong(Long::longValue).max().orElse(0);
    }

    /** Won (142) or lost (143). */
    public boolean closed() {
        return stageId != null && (stageId == Pipeline.Stage.WON || stageId == Pipeline.Stage.LOST);
    }

    /**
     * The signals of a lead from its record, its {@code lead_status_changed} events (others are ignored), notes and
     * tasks, at {@code now}.
     */
    public static LeadSignals of(Lead lead, List<KommoEvents.Event> events, List<Note> notes, List<Task> tasks,
            long now) {
        List<KommoEvents.Event> moves = events.stream().filter(e -> "lead_status_changed".equals(e.type())
                && e.createdAt() != null).sorted(Comparator.comparing(KommoEvents.Event::createdAt)).toList();
        Long lastMove = moves.isEmpty() ? null : moves.get(moves.size() - 1).createdAt();
        Long intoCurrent = null;
        for (KommoEvents.Event e : moves) {
            JsonNode to = e.after().path(0).path("lead_status");
            if (Objects.equals(WireValues.longOrNull(to, "id"), lead.statusId())
                    && Objects.equals(WireValues.longOrNull(to, "pipeline_id"), lead.pipelineId())) {
                intoCurrent = e.createdAt();
            }
        }
        Long entered = intoCurrent != null ? intoCurrent : lastMove != null ? lastMove : lead.createdAt();
        Long lastNote = notes.stream().map(Note::createdAt).filter(Objects::nonNull).max(Long::compare).orElse(null);
        Long lastTask = tasks.stream().map(Task::updatedAt).filter(Objects::nonNull).max(Long::compare).orElse(null);
        List<Task> open = tasks.stream().filter(t -> !t.completed()).toList();
        int overdue = (int) open.stream().filter(t -> t.completeTill() != null && t.completeTill() < now).count();
        Long next = open.stream().map(Task::completeTill).filter(Objects::nonNull).min(Long::compare).orElse(null);
        return new LeadSignals(lead.id(), lead.name(), lead.price(), lead.pipelineId(), lead.statusId(),
                lead.responsibleUserId(), lead.createdAt(), lead.updatedAt(), lastNote, lastTask, lastMove, entered,
                open.size(), overdue, next);
    }
}
