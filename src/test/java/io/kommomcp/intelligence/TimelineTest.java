package io.kommomcp.intelligence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.kommomcp.core.Json;
import io.kommomcp.kommo.KommoActivity;
import io.kommomcp.kommo.KommoEvents;
import io.kommomcp.kommo.wire.Lead;
import io.kommomcp.kommo.wire.Note;
import io.kommomcp.kommo.wire.Task;
import tools.jackson.databind.JsonNode;

/**
 * A lead's timeline: every source in one time order, oldest or newest first, pages that neither overlap nor skip,
 * stage changes with the time spent in the stage left (a skipped stage, a reopened lead), each entry with who, a
 * user the account no longer has named by id, and a note shown once although Kommo records it twice.
 */
class TimelineTest {

    static final long T = 1_760_000_000L;
    static final long H = 3_600;

    static JsonNode json(String s) {
        return Json.mapper().readTree(s.replace('\'', '"'));
    }

    static KommoEvents.Event event(String id, String type, long at, long by, String before, String after) {
        return KommoActivity.event(json("{'id':'" + id + "','type':'" + type + "','entity_type':'lead','entity_id':5,"
                + "'created_by':" + by + ",'created_at':" + at + ",'value_before':" + before + ",'value_after':" + after
                + "}"));
    }

    static KommoEvents.Event move(String id, long at, long by, long from, long to) {
        return event(id, "lead_status_changed", at, by, "[{'lead_status':{'id':" + from + ",'pipeline_id':100}}]",
                "[{'lead_status':{'id':" + to + ",'pipeline_id':100}}]");
    }

    static Lead lead(long createdAt, long stage) {
        return Lead.from(json("{'id':5,'name':'Northwind - fleet','price':1200,'responsible_user_id':7,"
                + "'status_id':" + stage + ",'pipeline_id':100,'created_at':" + createdAt + ",'updated_at':"
                + (createdAt + 1) + ",'custom_fields_values':null}"));
    }

    static Note note(long id, String type, long at, long by, String params) {
        return Note.from(json("{'id':" + id + ",'entity_id':5,'note_type':'" + type + "','created_by':" + by
                + ",'created_at':" + at + ",'params':" + params + "}"));
    }

    static Task task(long id, String text, long created, long updated, long due, boolean done, long by) {
        return Task.from(json("{'id':" + id + ",'entity_id':5,'entity_type':'leads','responsible_user_id':" + by
                + ",'text':'" + text + "','complete_till':" + due + ",'is_completed':" + done + ",'result':"
                + (done ? "{'text':'agreed'}" : "[]") + ",'created_at':" + created + ",'updated_at':" + updated
                + ",'created_by':" + by + ",'updated_by':" + by + "}"));
    }

    /** Created in 11; to 13 (skipping 12) after 2 days; won; reopened to 13; notes, a call, tasks, field changes. */
    static LeadHistory history() {
        List<KommoEvents.Event> events = new ArrayList<>();
        events.add(event("e01", "lead_added", T, 7, "[]", "[]"));
        events.add(move("e02", T + 48 * H, 7, 11, 13));
        events.add(event("e03", "common_note_added", T + 50 * H, 8, "[]", "[{'note':{'id':301}}]"));
        events.add(event("e04", "sale_field_changed", T + 51 * H, 999, "[{'sale_field_value':{'sale':1000}}]",
                "[{'sale_field_value':{'sale':1200}}]"));
        events.add(move("e05", T + 60 * H, 8, 13, 142));
        events.add(move("e06", T + 96 * H, 7, 142, 13));
        events.add(event("e07", "custom_field_value_changed", T + 97 * H, 0, "[]",
                "[{'custom_field_value':{'field_id':55,'field_type':2,'enum_id':null,'text':'12'}}]"));
        events.add(event("e08", "entity_linked", T + 98 * H, 7, "[]",
                "[{'link':{'entity':{'type':'contact','id':77}}}]"));
        events.add(event("e09", "incoming_chat_message", T + 99 * H, 0, "[]", "[{'message':{'id':'m-1'}}]"));
        events.add(event("e10", "outgoing_call", T + 100 * H, 8, "[]", "[{'note':{'id':999}}]"));
        List<Note> notes = List.of(note(301, "common", T + 50 * H, 8, "{'text':'Wants a discount'}"),
                note(302, "call_out", T + 70 * H, 7, "{'phone':'+31 20 555 1000','duration':95,'text':'Agreed'}"));
        List<Task> tasks = List.of(task(401, "Send the quote", T + 49 * H, T + 72 * H, T + 71 * H, true, 7),
                task(402, "Sign", T + 97 * H, T + 97 * H, T + 200 * H, false, 8));
        return new LeadHistory(lead(T, 13), false, events, notes, tasks, null, List.of());
    }

    @Test
    void everySourceInOneTimeOrderWithWhoAndTheTimeSpentInEachStage() {
        List<Timeline.Entry> all = Timeline.entries(history(), new TestNames());
        List<String> kinds = all.stream().map(Timeline.Entry::kind).toList();
        assertEquals(List.of("created", "stage_change", "task_created", "note", "field_change", "stage_change",
                "call", "task_completed", "stage_change", "field_change", "task_created", "link", "message", "call"),
                kinds);
        for (int i = 1; i < all.size(); i++) {
            assertFalse(all.get(i).at().isBefore(all.get(i - 1).at()), "in time order at " + i);
        }
        Timeline.Entry skipped = all.get(1);
        assertEquals("Moved from Initial contact (Sales) to Proposal (Sales) after 2.0 days", skipped.summary());
        assertEquals(2.0, skipped.stageChange().daysInPreviousStage());
        assertEquals("Boris Sales", skipped.user());
        Timeline.Entry won = all.get(5);
        assertEquals(0.5, won.stageChange().daysInPreviousStage(), "12 hours in Proposal");
        Timeline.Entry reopened = all.get(8);
        assertEquals(1.5, reopened.stageChange().daysInPreviousStage(), "36 hours won, then reopened");
        assertEquals(142L, reopened.stageChange().fromStageId());

        assertEquals("Wants a discount", all.get(3).summary(), "the note, once: its event is not shown again");
        assertEquals(301L, all.get(3).noteId());
        assertEquals("Clara Sales", all.get(3).user());
        assertEquals("Value: 1000 to 1200", all.get(4).summary());
        assertEquals("user 999 (not among the account's users)", all.get(4).user(), "a user the account no longer has");
        assertEquals("Outgoing call to +31 20 555 1000, 95 s: Agreed", all.get(6).summary());
        assertEquals("Task completed: \"Send the quote\", result: agreed", all.get(7).summary());
        assertEquals("Seats = 12", all.get(9).summary(), "an event before a task at the same second");
        assertEquals("Kommo (robot or integration)", all.get(9).user());
        assertEquals("Linked to contact 77", all.get(11).summary());
        assertEquals("Incoming chat message", all.get(12).summary());
        assertEquals("Outgoing call (note 999)", all.get(13).summary(), "a note not read is still on the timeline");
    }

    @Test
    void pagesNewestOrOldestFirstNeitherOverlapNorSkip() {
        List<Timeline.Entry> all = Timeline.entries(history(), new TestNames());
        for (boolean newest : new boolean[] {true, false}) {
            List<Timeline.Entry> paged = new ArrayList<>();
            Timeline.Page p;
            int page = 1;
            do {
                p = Timeline.page(all, newest, page++, 4);
                assertEquals(all.size(), p.total());
                assertTrue(p.entries().size() <= 4);
                paged.addAll(p.entries());
            } while (p.hasMore());
            assertEquals(4, page - 1, "14 entries in pages of 4");
            List<Timeline.Entry> expected = new ArrayList<>(all);
            if (newest) {
                java.util.Collections.reverse(expected);
            }
            assertEquals(expected, paged);
        }
        Timeline.Page first = Timeline.page(all, true, 1, 3);
        assertEquals("call", first.entries().get(0).kind(), "newest first");
        assertTrue(Timeline.page(all, true, 9, 25).entries().isEmpty(), "past the end: nothing, no error");
        assertFalse(Timeline.page(all, true, 9, 25).hasMore());
    }

    @Test
    void theSameEventFromTheMirrorAndFromKommoIsShownOnce() {
        LeadHistory h = history();
        List<KommoEvents.Event> twice = new ArrayList<>(h.events());
        twice.add(move("e02", T + 48 * H, 7, 11, 13));
        List<Timeline.Entry> all = Timeline.entries(new LeadHistory(h.lead(), false, twice, h.notes(), h.tasks(),
                null, List.of()), new TestNames());
        assertEquals(14, all.size());
        Set<String> summaries = new HashSet<>();
        all.forEach(e -> assertTrue(summaries.add(e.at() + e.summary()), "twice: " + e.summary()));
    }

    @Test
    void aStageUnknownToTheSchemaIsNamedByItsIds() {
        LeadHistory h = new LeadHistory(lead(T, 77), false, List.of(move("x", T + H, 7, 11, 77)), List.of(),
                List.of(), null, List.of());
        Timeline.Entry e = Timeline.entries(h, new TestNames()).get(0);
        assertEquals("Moved from Initial contact (Sales) to stage 77 (Sales) after 0.0 days", e.summary());
        assertNull(e.noteId());
    }
}
