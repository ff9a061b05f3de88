package io.kommomcp.intelligence;

import static io.kommomcp.intelligence.TimelineTest.json;
import static io.kommomcp.intelligence.TimelineTest.move;
import static io.kommomcp.intelligence.TimelineTest.note;
import static io.kommomcp.intelligence.TimelineTest.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.kommomcp.core.LeadStatusThresholds;
import io.kommomcp.intelligence.StageMedians.StageMedian;
import io.kommomcp.intelligence.Views.LeadContext;
import io.kommomcp.intelligence.Views.Risk;
import io.kommomcp.kommo.wire.FieldDef;
import io.kommomcp.kommo.wire.Lead;
import io.kommomcp.kommo.wire.Note;
import io.kommomcp.kommo.wire.Pipeline;
import io.kommomcp.kommo.wire.Task;

/**
 * A lead's context summary: its risks (overdue tasks, stuck beyond the stage's median, no recent activity, no next
 * step, required fields missing), the next step (the open task due first), the fields missing for its stage and the
 * next one, the last three interactions; a closed lead has no risks.
 */
class ContextSummariesTest {

    static final long D = 86_400;
    final long now = 1_770_000_000L;

    static final List<Pipeline> PIPELINES = List.of(Pipeline.from(json("{'id':100,'name':'Sales','sort':1,"
            + "'is_main':true,'_embedded':{'statuses':[{'id':10,'name':'Incoming','sort':5,'type':1},"
            + "{'id':11,'name':'Initial contact','sort':10,'type':0},{'id':12,'name':'Qualification','sort':20,"
            + "'type':0},{'id':13,'name':'Proposal','sort':30,'type':0},{'id':14,'name':'Negotiation','sort':40,"
            + "'type':0},{'id':142,'name':'Closed - won','sort':10000,'type':0},{'id':143,'name':'Closed - lost',"
            + "'sort':11000,'type':0}]}}")));

    static final List<FieldDef> FIELDS = List.of(
            FieldDef.from(json("{'id':55,'name':'Seats','type':'numeric','required_statuses':[{'pipeline_id':100,"
                    + "'status_id':13},{'pipeline_id':100,'status_id':14}]}")),
            FieldDef.from(json("{'id':56,'name':'Budget confirmed','type':'checkbox','required_statuses':["
                    + "{'pipeline_id':100,'status_id':14}]}")),
            FieldDef.from(json("{'id':57,'name':'Source','type':'select','required_statuses':[{'pipeline_id':100,"
                    + "'status_id':13}]}")));

    private Lead lead(long stage, long updatedAt) {
        return Lead.from(json("{'id':5,'name':'Northwind - fleet','price':1200,'responsible_user_id':7,"
                + "'status_id':" + stage + ",'pipeline_id':100,'created_at':" + (now - 40 * D) + ",'updated_at':"
                + updatedAt + ",'custom_fields_values':[{'field_id':57,'values':[{'value':'Website','enum_id':3}]},"
                + "{'field_id':56,'values':[{'value':'false'}]}]}"));
    }

    private LeadContext summary(LeadHistory h, StageMedian median) {
        LeadStatusRules.Assessment a = LeadStatusRules.assess(h.signals(now), median, LeadStatusThresholds.DEFAULTS,
                now);
        return ContextSummaries.build(h, a, median, LeadStatusThresholds.DEFAULTS, PIPELINES, FIELDS,
                new TestNames(), now);
    }

    @Test
    void anOpenLeadsRisksNextStepMissingFieldsAndLastInteractions() {
        List<Note> notes = List.of(note(1, "common", now - 20 * D, 7, "{'text':'first'}"),
                note(2, "call_in", now - 15 * D, 8, "{'phone':'+31 6 1','duration':30}"),
                note(3, "common", now - 12 * D, 7, "{'text':'third'}"),
                note(4, "sms_out", now - 8 * D, 7, "{'text':'fourth','phone':'+31 6 1'}"));
        List<Task> tasks = List.of(task(10, "Later", now - 30 * D, now - 30 * D, now + D, false, 8),
                task(11, "Send the quote", now - 30 * D, now - 30 * D, now - 2 * D, false, 7),
                task(12, "Done before", now - 30 * D, now - 9 * D, now - 9 * D, true, 7));
        LeadHistory h = new LeadHistory(lead(13, now - 10 * D), false, List.of(move("m", now - 10 * D, 7, 12, 13)),
                notes, tasks, null, List.of());
        LeadContext c = summary(h, new StageMedian(100, 13, 2.0, 5));

        assertEquals(List.of("overdue_tasks", "stuck", "no_activity", "missing_fields"),
                c.risks().stream().map(Risk::kind).toList());
        assertEquals("1 overdue task, the first \"Send the quote\" due " + Instant.ofEpochSecond(now - 2 * D),
                c.risks().get(0).detail());
        assertEquals("10 days in Proposal (Sales), 5.0 times its median stay of 2.0 days", c.risks().get(1).detail());
        assertEquals("no activity for 8 days (active means within 7)", c.risks().get(2).detail());
        assertEquals("at_risk", c.status());
        assertEquals(11L, c.nextStep().taskId(), "the overdue task comes first");
        assertTrue(c.nextStep().overdue());
        assertEquals(List.of(11L, 10L), c.tasks().stream().map(Views.TaskItem::taskId).toList());
        assertEquals(2, c.openTasks());
        assertEquals(1, c.overdueTasks());
        assertEquals(List.of("Seats"), c.missingFields(), "Source is filled");
        assertEquals(14L, c.nextStage().stageId());
        assertEquals(List.of("Seats", "Budget confirmed"), c.nextStage().missingFields(), "\"false\" is not filled");
        assertEquals(List.of("message", "task_completed", "note"), c.lastInteractions().stream()
                .map(Timeline.Entry::kind).toList(), "the newest three, newest first");
        assertEquals(10, c.daysInStage());
        assertEquals(2.0, c.medianDaysInStage());
        assertEquals("Proposal", c.stage().stage());
        assertEquals("Boris Sales", c.responsible().name());
        assertEquals(8, c.daysSinceActivity());

        String text = c.toText();
        for (String part : List.of("Lead 5 \"Northwind - fleet\", value 1200, at risk", "Stage: Proposal (Sales) for 10"
                + " days (median stay 2.0 days)", "Next step: \"Send the quote\"", "Missing for this stage: Seats.",
                "Missing for Negotiation: Seats, Budget confirmed.", "- no activity for 8 days")) {
            assertTrue(text.contains(part), part + " in " + text);
        }
        assertTrue(!text.matches("(?s).*(\\b[A-Z]\\w*\\[\\w+=|Exception|io\\.kommomcp|java\\.lang|\\w\\(\\)).*"),
                "no internals: " + text);
    }

    @Test
    void withoutOpenTasksThereIsNoNextStepAndAClosedLeadHasNoRisks() {
        LeadHistory idle = new LeadHistory(lead(12, now - D), false, List.of(), List.of(), List.of(), null,
                List.of());
        LeadContext c = summary(idle, null);
        assertEquals(List.of("no_next_step"), c.risks().stream().map(Risk::kind).toList());
        assertNull(c.nextStep());
        assertEquals("active", c.status());
        assertEquals(13L, c.nextStage().stageId());

        LeadHistory won = new LeadHistory(lead(142, now - 90 * D), false, List.of(), List.of(),
                List.of(task(20, "Forgotten", now - 100 * D, now - 100 * D, now - 95 * D, false, 7)), null, List.of());
        LeadContext w = summary(won, null);
        assertTrue(w.risks().isEmpty());
        assertEquals("won", w.status());
        assertNull(w.nextStage());
    }

    @Test
    void theNextStageSkipsUnsortedAndLostAndWonFollowsTheLastOpenStage() {
        assertEquals(11L, ContextSummaries.nextStage(PIPELINES, 100L, 10L).id());
        assertEquals(142L, ContextSummaries.nextStage(PIPELINES, 100L, 14L).id());
        assertNull(ContextSummaries.nextStage(PIPELINES, 100L, 143L));
        assertNull(ContextSummaries.nextStage(PIPELINES, 200L, 11L), "an unknown pipeline");
    }
}
