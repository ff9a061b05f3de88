package io.kommomcp.analytics;

import java.util.ArrayList;
import java.util.List;

/**
 * What a computation reads, so that a live answer reads no more than that: the leads (Kommo can filter them by
 * pipeline and responsible user), the stage changes from a time on (0: the whole history), deletions from a time on,
 * open tasks, tasks changed from a time on, notes of leads changed from a time on. Times are Unix seconds; null:
 * not needed.
 */
public record Needs(LeadFilter leadsAtKommo, Long stageChangesFrom, Long deletionsFrom, boolean openTasks,
        Long tasksChangedFrom, Long notesFrom) {

    /** The leads only; Kommo may filter them by {@code f}'s pipeline and user. */
    public static Needs leads(LeadFilter f) {
        return new Needs(new LeadFilter(f.pipelineId(), f.responsibleUserId(), null), null, null, false, null, null);
    }

    /** Every lead. */
    public static Needs allLeads() {
        return new Needs(LeadFilter.ALL, null, null, false, null, null);
    }

    public Needs withStageChangesFrom(long from) {
        return new Needs(leadsAtKommo, from, deletionsFrom, openTasks, tasksChangedFrom, notesFrom);
    }

    public Needs withDeletionsFrom(long from) {
        return new Needs(leadsAtKommo, stageChangesFrom, from, openTasks, tasksChangedFrom, notesFrom);
    }

    public Needs withOpenTasks() {
        return new Needs(leadsAtKommo, stageChangesFrom, deletionsFrom, true, tasksChangedFrom, notesFrom);
    }

    public Needs withTasksChangedFrom(long from) {
        return new Needs(leadsAtKommo, stageChangesFrom, deletionsFrom, openTasks, from, notesFrom);
    }

    public Needs withNotesFrom(long from) {
        return new Needs(leadsAtKommo, stageChangesFrom, deletionsFrom, openTasks, tasksChangedFrom, from);
    }

    /** The mirror's entities ({@code mirror_sync}) that must be current to answer from it. */
    List<String> mirrorEntities() {
        List<String> out = new ArrayList<>(List.of("leads"));
        if (stageChangesFrom != null || deletionsFrom != null) {
            out.add("events");
        }
        if (openTasks || tasksChangedFrom != null) {
            out.add("tasks");
        }
        if (notesFrom != null) {
            out.add("lead_notes");
        }
        return out;
    }
}
