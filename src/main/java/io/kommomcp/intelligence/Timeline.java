package io.kommomcp.intelligence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.kommomcp.kommo.KommoEvents;
import io.kommomcp.kommo.wire.Note;
import io.kommomcp.kommo.wire.Task;
import io.kommomcp.kommo.wire.WireValues;
import tools.jackson.databind.JsonNode;

/**
 * A lead's history as one list of entries in time order: its notes (text, calls, messages, service notes), stage
 * changes with the time spent in the stage left, tasks created and completed, links, field, responsible-user and tag
 * changes, creation, deletion and restoration, each with who and when. Kommo records a note twice (the note and a
 * "note added" event): the note is shown, the event only when its note was not read.
 */
public final class Timeline {

    /** Entries of these kinds are a person's interactions with the customer (what the context summary shows). */
    public static final Set<String> INTERACTIONS = Set.of("note", "call", "message", "task_completed");

    private Timeline() {
    }

    /** A stage change: from and to in words, the stage ids, and how long the lead had been in the stage it left. */
    public record StageMove(String from, String to, Long fromStageId, Long toStageId, Double daysInPreviousStage) {
    }

    /**
     * One thing that happened. {@code kind}: created, note, call, message, stage_change, task_created,
     * task_completed, link, unlink, field_change, responsible_change, tag, deleted, restored or other.
     */
    public record Entry(Instant at, String kind, String summary, Long userId, String user, StageMove stageChange,
            Long noteId, Long taskId) {
    }

    /** A page of entries and where it is in the whole. */
    public record Page(List<Entry> entries, int page, boolean hasMore, int total) {
    }

    private record Item(long at, int rank, String ref, Entry entry) {
    }

    /** Every entry of the history, oldest first (ties in a fixed order, so that pages never overlap). */
    public static List<Entry> entries(LeadHistory h, Names names) {
        List<Item> items = new ArrayList<>();
        Set<Long> noteIds = new HashSet<>();
        for (Note n : h.notes()) {
            noteIds.add(n.id());
            if (n.createdAt() != null) {
                items.add(new Item(n.createdAt(), 2, "n" + n.id(), note(n, names)));
            }
        }
        for (Task t : h.tasks()) {
            if (t.createdAt() != null) {
                items.add(new Item(t.createdAt(), 3, "t" + t.id(), new Entry(Instant.ofEpochSecond(t.createdAt()),
                        "task_created", "Task created: \"" + t.text() + "\"" + (t.completeTill() == null ? ""
                                : ", due " + Instant.ofEpochSecond(t.completeTill())), t.createdBy(),
                        names.userLabel(t.createdBy()), null, null, t.id())));
            }
            if (t.completed()) {
                long at = t.updatedAt() != null ? t.updatedAt() : t.createdAt() != null ? t.createdAt() : 0;
                items.add(new Item(at, 4, "t" + t.id(), new Entry(Instant.ofEpochSecond(at), "task_completed",
                        "Task completed: \"" + t.text() + "\"" + (t.resultText() == null ? "" : ", result: "
                                + t.resultText()), t.updatedBy(), names.userLabel(t.updatedBy()), null, null,
                        t.id())));
            }
        }
        List<KommoEvents.Event> events = h.events().stream().filter(e -> e.createdAt() != null)
                .sorted(Comparator.comparing(KommoEvents.Event::createdAt).thenComparing(e -> String.valueOf(e.id())))
                .toList();
        Set<String> seen = new HashSet<>();
        Long previousMove = h.lead().createdAt();
        for (KommoEvents.Event e : events) {
            if (e.id() != null && !seen.add(e.id())) {
                continue; // the same event from the mirror and from Kommo
            }
            Entry entry;
            if ("lead_status_changed".equals(e.type())) {
                entry = stageChange(e, previousMove, names);
                previousMove = e.createdAt();
            } else {
                entry = event(e, noteIds, names);
            }
            if (entry != null) {
                items.add(new Item(e.createdAt(), "lead_added".equals(e.type()) ? 0 : 1, "e" + e.id(), entry));
            }
        }
        items.sort(Comparator.comparingLong(Item::at).thenComparingInt(Item::rank).thenComparing(Item::ref));
        return items.stream().map(Item::entry).toList();
    }

    /** Page {@code page} (from 1) of {@code limit} entries of the whole list, oldest or newest first. */
    public static Page page(List<Entry> oldestFirst, boolean newestFirst, int page, int limit) {
        List<Entry> ordered = oldestFirst;
        if (newestFirst) {
            ordered = new ArrayList<>(oldestFirst);
            java.util.Collections.reverse(ordered);
        }
        int from = (int) Math.min(ordered.size(), (long) (page - 1) * limit);
        int to = Math.min(ordered.size(), from + limit);
        return new Page(List.copyOf(ordered.subList(from, to)), page, to < ordered.size(), ordered.size());
    }

    private static Entry note(Note n, Names names) {
        Map<String, Object> p = n.params();
        String text = text(p.get("text"));
        String type = n.noteType() == null ? "common" : n.noteType();
        String kind = "note";
        String summary;
        switch (type) {
            case "common" -> summary = text == null ? "Note" : text;
            case "call_in", "call_out" -> {
                kind = "call";
                summary = (type.equals("call_in") ? "Incoming call" : "Outgoing call")
                        + (p.get("phone") == null ? "" : " " + (type.equals("call_in") ? "from " : "to ")
                                + text(p.get("phone")))
                        + (p.get("duration") == null ? "" : ", " + text(p.get("duration")) + " s")
                        // a call note keeps what was said as its result (API.md §13), not as text
                        + (text != null ? ": " + text : p.get("call_result") == null ? "" : ": "
                                + text(p.get("call_result")));
            }
            case "sms_in", "sms_out" -> {
                kind = "message";
                summary = (type.equals("sms_in") ? "SMS received" : "SMS sent")
                        + (p.get("phone") == null ? "" : " (" + text(p.get("phone")) + ")")
                        + (text == null ? "" : ": " + text);
            }
            case "service_message", "extended_service_message" -> summary = (p.get("service") == null ? "Service"
                    : text(p.get("service"))) + (text == null ? "" : ": " + text);
            default -> summary = type.replace('_', ' ') + (text == null ? "" : ": " + text);
        }
        return new Entry(Instant.ofEpochSecond(n.createdAt()), kind, summary, n.createdBy(),
                names.userLabel(n.createdBy()), null, n.id(), null);
    }

    private static Entry stageChange(KommoEvents.Event e, Long previous, Names names) {
        JsonNode from = e.before().path(0).path("lead_status");
        JsonNode to = e.after().path(0).path("lead_status");
        String fromLabel = names.stageLabel(WireValues.longOrNull(from, "pipeline_id"),
                WireValues.longOrNull(from, "id"));
        String toLabel = names.stageLabel(WireValues.longOrNull(to, "pipeline_id"), WireValues.longOrNull(to, "id"));
        Double days = previous == null || previous > e.createdAt() ? null
                : LeadStatusRules.round((e.createdAt() - previous) / 86_400.0);
        return new Entry(Instant.ofEpochSecond(e.createdAt()), "stage_change", "Moved from " + fromLabel + " to "
                + toLabel + (days == null ? "" : " after " + days + " days"), e.createdBy(),
                names.userLabel(e.createdBy()), new StageMove(fromLabel, toLabel, WireValues.longOrNull(from, "id"),
                        WireValues.longOrNull(to, "id"), days), null, null);
    }

    /** An event other than a stage change in words; null for a "note added" event whose note is shown itself. */
    private static Entry event(KommoEvents.Event e, Set<Long> noteIds, Names names) {
        JsonNode before = e.before().path(0);
        JsonNode after = e.after().path(0);
        String type = e.type() == null ? "" : e.type();
        Long noteId = WireValues.longOrNull(after.path("note"), "id");
        String kind;
        String summary;
        switch (type) {
            case "lead_added" -> {
                kind = "created";
                summary = "Lead created";
            }
            case "lead_deleted" -> {
                kind = "deleted";
                summary = "Lead deleted (to the trash)";
            }
            case "lead_restored" -> {
                kind = "restored";
                summary = "Lead restored from the trash";
            }
            case "name_field_changed" -> {
                kind = "field_change";
                summary = "Name: \"" + before.path("name_field_value").path("name").asString("") + "\" to \""
                        + after.path("name_field_value").path("name").asString("") + "\"";
            }
            case "sale_field_changed" -> {
                kind = "field_change";
                summary = "Value: " + before.path("sale_field_value").path("sale").asString("none") + " to "
                        + after.path("sale_field_value").path("sale").asString("none");
            }
            case "entity_responsible_changed" -> {
                kind = "responsible_change";
                summary = "Responsible user: " + names.userLabel(WireValues.longOrNull(before.path(
                        "responsible_user"), "id")) + " to " + names.userLabel(WireValues.longOrNull(after.path(
                                "responsible_user"), "id"));
            }
            case "entity_linked", "lead_linked" -> {
                kind = "link";
                summary = "Linked to " + after.path("link").path("entity").path("type").asString("record") + " "
                        + after.path("link").path("entity").path("id").asString("");
            }
            case "entity_unlinked", "lead_unlinked" -> {
                JsonNode unlink = after.has("unlink") ? after.path("unlink") : after.path("link");
                kind = "unlink";
                summary = "Unlinked from " + unlink.path("entity").path("type").asString("record") + " "
                        + unlink.path("entity").path("id").asString("");
            }
            case "entity_tag_added" -> {
                kind = "tag";
                summary = "Tag added: " + after.path("tag").path("name").asString("");
            }
            case "entity_tag_deleted" -> {
                kind = "tag";
                summary = "Tag removed: " + before.path("tag").path("name").asString("");
            }
            case "incoming_chat_message", "outgoing_chat_message", "entity_direct_message", "incoming_sms",
                    "outgoing_sms" -> {
                kind = "message";
                summary = type.replace('_', ' ').replace("sms", "SMS");
                summary = Character.toUpperCase(summary.charAt(0)) + summary.substring(1);
            }
            case "entity_merged" -> {
                kind = "other";
                summary = "Merged with another lead";
            }
            default -> {
                if (type.startsWith("custom_field_") && type.endsWith("_value_changed")) {
                    kind = "field_change";
                    summary = fields(e, names);
                } else if (noteId != null || type.endsWith("_note_added") || type.equals("incoming_call")
                        || type.equals("outgoing_call")) {
                    if (noteId != null && noteIds.contains(noteId)) {
                        return null;
                    }
                    kind = type.endsWith("_call") ? "call" : "note";
                    summary = type.replace('_', ' ') + (noteId == null ? "" : " (note " + noteId + ")");
                    summary = Character.toUpperCase(summary.charAt(0)) + summary.substring(1);
                } else {
                    kind = "other";
                    summary = type.replace('_', ' ');
                }
            }
        }
        return new Entry(Instant.ofEpochSecond(e.createdAt()), kind, summary, e.createdBy(),
                names.userLabel(e.createdBy()), null, noteId, null);
    }

    private static String fields(KommoEvents.Event e, Names names) {
        Map<Long, List<String>> byField = new java.util.LinkedHashMap<>();
        for (JsonNode v : e.after()) {
            JsonNode cfv = v.path("custom_field_value");
            Long id = WireValues.longOrNull(cfv, "field_id");
            if (id != null) {
                byField.computeIfAbsent(id, k -> new ArrayList<>()).add(cfv.path("text").asString(""));
            }
        }
        if (byField.isEmpty()) {
            return "Custom fields cleared";
        }
        List<String> parts = new ArrayList<>();
        byField.forEach((id, values) -> {
            String name = names.field(id);
            parts.add((name == null ? "field " + id : name) + " = " + String.join(", ", values));
        });
        return String.join("; ", parts);
    }

    private static String text(Object v) {
        if (v == null) {
            return null;
        }
        String s = String.valueOf(v).strip();
        return s.isEmpty() ? null : s;
    }
}
