package io.kommomcp.kommo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.kommomcp.core.Json;
import io.kommomcp.core.ToolException;
import io.kommomcp.kommo.ActivityWrites.AddNotes;
import io.kommomcp.kommo.ActivityWrites.NewNote;
import io.kommomcp.kommo.ConfigWrites.StageSpec;
import io.kommomcp.kommo.RecordWrites.AddComplexLeads;
import io.kommomcp.kommo.RecordWrites.ComplexLead;
import io.kommomcp.kommo.RecordWrites.CreateLeads;
import io.kommomcp.kommo.RecordWrites.LeadChange;
import io.kommomcp.kommo.RecordWrites.NewLead;
import io.kommomcp.kommo.RecordWrites.UpdateLeads;
import tools.jackson.databind.JsonNode;

/**
 * The typed writes without Kommo: what requests they describe (what a plan shows), how they split batches, which of
 * Kommo's limits they refuse up front, and what they make of Kommo's answers for the audit trail.
 */
class KommoWritesTest {

    private static NewLead lead(int i) {
        return new NewLead("Lead " + i, (long) i, null, null, null, List.of(), List.of());
    }

    private static JsonNode json(String text) {
        return Json.mapper().readTree(text);
    }

    @Test
    void aBatchOfAnySizeIsSplitIntoRequestsOfKommosMaximum() {
        CreateLeads create = new CreateLeads(IntStream.range(0, 600).mapToObj(KommoWritesTest::lead).toList());
        List<KommoRequest> requests = create.requests(IdRef::toString);
        assertEquals(List.of(250, 250, 100), requests.stream().map(r -> ((List<?>) r.body()).size()).toList());
        assertTrue(requests.stream().allMatch(r -> r.method().equals("POST") && r.path().equals("leads")));
        @SuppressWarnings("unchecked")
        Map<String, Object> second = ((List<Map<String, Object>>) requests.get(1).body()).get(0);
        assertEquals("0", second.get("request_id"), "each request numbers its items, so errors name them");

        List<ComplexLead> complex = IntStream.range(0, 120).mapToObj(i -> new ComplexLead(lead(i), null, null, null,
                null)).toList();
        assertEquals(List.of(50, 50, 20), new AddComplexLeads(complex).requests(IdRef::toString).stream()
                .map(r -> ((List<?>) r.body()).size()).toList());
    }

    @Test
    void oneLeadIsUpdatedAtItsOwnAddressSeveralInBatches() {
        LeadChange one = new LeadChange(7, null, 100L, null, null, null, null, List.of("vip"), null, null,
                Map.of("price", 50));
        KommoRequest single = UpdateLeads.of(one).requests(IdRef::toString).get(0);
        assertEquals("PATCH /api/v4/leads/7 {\"price\":100,\"tags_to_add\":[{\"name\":\"vip\"}]}", single.line());
        List<LeadChange> many = IntStream.range(1, 252).mapToObj(i -> new LeadChange(i, null, (long) i, null, null,
                null, null, null, null, null, null)).toList();
        List<KommoRequest> batched = new UpdateLeads(many).requests(IdRef::toString);
        assertEquals(2, batched.size());
        assertEquals("leads", batched.get(0).path());
        assertThrows(ToolException.class, () -> UpdateLeads.of(new LeadChange(1, null, null, null, null, null, null,
                null, null, null, null)), "a change that changes nothing is refused");
    }

    @Test
    void kommosLimitsAreRefusedBeforeAnythingIsSent() {
        List<FieldValue> values = IntStream.range(0, 41).mapToObj(i -> FieldValue.of(i + 1, "f" + i, List.of(
                FieldValue.Value.of("x")))).toList();
        ToolException tooMany = assertThrows(ToolException.class, () -> new AddComplexLeads(List.of(new ComplexLead(
                new NewLead("A", null, null, null, null, null, values), null, null, null, null))));
        assertTrue(tooMany.getMessage().contains("40"), tooMany.getMessage());
        assertThrows(ToolException.class, () -> new ConfigWrites.CreatePipeline(new ConfigWrites.NewPipeline("P", 1,
                false, true, List.of(new StageSpec("S", null, 10)), null, null), 50));
        List<StageSpec> stages = new ArrayList<>();
        for (int i = 0; i < 98; i++) {
            stages.add(new StageSpec("S" + i, null, 10 + i));
        }
        ToolException tooLong = assertThrows(ToolException.class, () -> new ConfigWrites.NewPipeline("P", 1, false,
                true, stages, null, null));
        assertTrue(tooLong.getMessage().contains("101 stages"), tooLong.getMessage());
        ToolException colour = assertThrows(ToolException.class, () -> new StageSpec("S", "#123456", 10));
        assertTrue(colour.getMessage().contains("#fffeb2"), "names the palette: " + colour.getMessage());
        assertEquals("#98cbff", new StageSpec("S", "98CBFF", 10).color(), "any case, with or without #");
        assertThrows(ToolException.class, () -> new ConfigWrites.NewField("F", "legal_entity", null, null, null, null,
                null));
        assertThrows(ToolException.class, () -> new ConfigWrites.NewField("F", "select", null, null, List.of(), null,
                null), "a select field needs options");
    }

    @Test
    void answersBecomeIdsAndChangeRecordsInOrder() {
        CreateLeads create = new CreateLeads(List.of(lead(1), lead(2)));
        KommoWrite.Result r = create.result(List.of(json("{\"_embedded\":{\"leads\":[{\"id\":11,\"request_id\":"
                + "\"0\"},{\"id\":12,\"request_id\":\"1\"}]}}")));
        assertEquals(List.of(11L, 12L), r.created());
        assertEquals("12", r.written().get(1).id());
        assertNull(r.written().get(1).before(), "a new object has no before");
        assertEquals("Lead 2", r.written().get(1).after().get("name"));

        JsonNode complex = json("[{\"id\":21,\"contact_id\":31,\"company_id\":null,\"merged\":false}]");
        KommoWrite.Result c = new AddComplexLeads(List.of(new ComplexLead(lead(1), new RecordWrites.NewParty("Ann",
                null, null, null, null, null), null, null, null))).result(List.of(complex));
        assertEquals(List.of(21L), c.created());
        assertEquals(List.of("lead", "contact"), c.written().stream().map(Written::targetType).toList());
        assertEquals(31L, c.written().get(0).after().get("contact_id"));
    }

    @Test
    void aBatchThatFailedPartWayReportsOnlyWhatLanded() {
        List<LeadChange> many = IntStream.range(1, 301).mapToObj(i -> new LeadChange(i, null, (long) i, null, null,
                null, null, null, null, null, Map.of("price", 0))).toList();
        KommoWrite.Result landed = new UpdateLeads(many).result(List.of(json("{}")));
        assertEquals(250, landed.written().size(), "one of two requests answered: its 250 leads landed");
    }

    @Test
    void idsOfObjectsCreatedEarlierInTheChangeAreShownAsReferencesAndFilledInWhenApplied() {
        RecordWrites.Link link = new RecordWrites.Link(EntityType.CONTACTS, IdRef.created(0, 0), List.of(
                RecordWrites.LinkTo.record(EntityType.LEADS, 5, null)));
        assertTrue(link.requests(IdRef::toString).get(0).line().startsWith(
                "POST /api/v4/contacts/{id created by step 1}/link"));
        KommoWrite resolved = link.resolved(ref -> 99L);
        assertEquals("contacts/99/link", resolved.requests(ref -> ref.known() ? ref.id() : -1L).get(0).path());
        AddNotes note = AddNotes.of(NewNote.text(EntityType.LEADS, IdRef.created(0, 0), "hi"));
        assertEquals("leads/42/notes", note.resolved(ref -> 42L).requests(ref -> ref.known() ? ref.id() : -1L).get(0)
                .path());
    }

    @Test
    void aClearedFieldIsWrittenWithNullValuesAndTheAuditKeepsItByName() {
        Map<String, Object> wire = FieldValue.cleared(3, "Budget").wire();
        assertTrue(wire.containsKey("values"));
        assertNull(wire.get("values"), "values: null is what clears a field in Kommo");
        assertEquals(3L, wire.get("field_id"));
        assertEquals("{Budget=null, Seats=40}", FieldValue.view(List.of(FieldValue.cleared(3, "Budget"),
                FieldValue.of(4, "Seats", List.of(FieldValue.Value.of("40"))))).toString());
    }

    @Test
    void retaggingShowsTheWholeListBeforeAndAfter() {
        RecordWrites.Retag retag = new RecordWrites.Retag(EntityType.LEADS, 5, List.of("VIP"), List.of("cold"),
                List.of("cold", "web"));
        assertEquals(List.of("web", "VIP"), retag.after());
        Written w = retag.result(List.of(json("{}"))).written().get(0);
        assertEquals(Map.of("tags", List.of("cold", "web")), w.before());
        assertEquals(Map.of("tags", List.of("web", "VIP")), w.after());
        assertTrue(retag.result(List.of()).written().isEmpty(), "nothing answered, nothing recorded");
    }
}
