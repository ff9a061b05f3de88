package io.kommomcp.kommo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.kommomcp.core.Caller;
import io.kommomcp.core.ChangeLog;
import io.kommomcp.core.Json;
import io.kommomcp.core.KommoCallLog;
import io.kommomcp.core.Progress;
import io.kommomcp.kommo.RecordOutcome.Status;
import io.kommomcp.kommo.RecordWrites.AddComplexLeads;
import io.kommomcp.kommo.RecordWrites.ComplexLead;
import io.kommomcp.kommo.RecordWrites.CreateLeads;
import io.kommomcp.kommo.RecordWrites.LeadChange;
import io.kommomcp.kommo.RecordWrites.NewLead;
import io.kommomcp.kommo.RecordWrites.NewParty;
import io.kommomcp.kommo.RecordWrites.UpdateLeads;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Bulk writes without Kommo: N numbered records cost ⌈N/250⌉ requests (⌈N/50⌉ as complex adds), plans show each
 * request by count, records and digest, Kommo's answers map back to the call's records by request_id, and the writer
 * (with Kommo's answers scripted) reports progress per request and, when a request fails part-way, exactly which
 * records landed with which ids, which were refused or may have been applied (with Kommo's reason per record), and
 * which were not attempted.
 */
class BulkWritesTest {

    private static NewLead lead(int i) {
        return new NewLead("Lead " + i, (long) i, null, null, null, List.of(), List.of());
    }

    private static List<Integer> numbers(int from, int n) {
        return IntStream.range(from, from + n).boxed().toList();
    }

    private static CreateLeads create(int n) {
        return new CreateLeads(IntStream.range(0, n).mapToObj(BulkWritesTest::lead).toList(), numbers(0, n));
    }

    private static Caller caller(List<String> progress) {
        Progress p = (done, total, message) -> progress.add(done + "/" + total + " " + message);
        return new Caller("t1", "alice", Set.of("kommo.writer"), "test", "1", "s1", new KommoCallLog(),
                new ChangeLog(), null, p);
    }

    /** Kommo's answer to an add: an id per item, in the order sent (ids from {@code firstId}), request_id echoed. */
    private static JsonNode addAnswer(KommoRequest r, String key, long firstId) {
        ObjectNode doc = Json.mapper().createObjectNode();
        ArrayNode items = doc.putObject("_embedded").putArray(key);
        List<?> body = (List<?>) r.body();
        for (int i = 0; i < body.size(); i++) {
            Object rid = ((Map<?, ?>) body.get(i)).get("request_id");
            items.addObject().put("id", firstId + i).put("request_id", rid == null ? "0" : rid.toString());
        }
        return doc;
    }

    @Test
    void nRecordsCostCeilNOver250RequestsAndPlansShowThemByCountRecordsAndDigest() {
        for (int n : new int[] {10, 250, 1000, 5000}) {
            List<KommoRequest> requests = create(n).requests(IdRef::toString);
            assertEquals((n + 249) / 250, requests.size(), n + " records");
        }
        List<KommoRequest> requests = create(260).requests(IdRef::toString);
        assertTrue(requests.get(1).line().matches("POST /api/v4/leads \\{\"count\":10,\"records\":\"250-259\","
                + "\"sha256\":\"[0-9a-f]{16}\"}"), requests.get(1).line());
        assertEquals(10, ((List<?>) requests.get(1).body()).size(), "the request sends the records themselves");

        List<ComplexLead> complex = IntStream.range(0, 120).mapToObj(i -> new ComplexLead(lead(i), new NewParty(
                "C" + i, null, null, null, null, null), null, null, null)).toList();
        assertEquals(3, new AddComplexLeads(complex, numbers(0, 120)).requests(IdRef::toString).size(),
                "a lead with a new contact is a complex add: 50 a request");
        assertThrows(IllegalArgumentException.class, () -> new CreateLeads(List.of(lead(1)), List.of(1, 2)));
        assertEquals("POST /api/v4/leads [{\"name\":\"Lead 1\",\"price\":1}]", new CreateLeads(List.of(lead(1)))
                .requests(IdRef::toString).get(0).line(), "unnumbered writes are shown as before");
    }

    @Test
    void answersMapToTheCallsRecordsByRequestIdNotByOrder() {
        // records 3, 5 and 9 of the call (others were skipped), answered out of order
        CreateLeads create = new CreateLeads(List.of(lead(3), lead(5), lead(9)), List.of(3, 5, 9));
        JsonNode answer = Json.mapper().readTree("{\"_embedded\":{\"leads\":[{\"id\":702,\"request_id\":\"2\"},"
                + "{\"id\":700,\"request_id\":\"0\"},{\"id\":701,\"request_id\":\"1\"}]}}");
        KommoWrite.Result r = create.result(List.of(answer));
        assertEquals(List.of(700L, 701L, 702L), r.created(), "ids in the order the records were given");
        assertEquals(List.of(RecordOutcome.written(3, 700), RecordOutcome.written(5, 701), RecordOutcome.written(9,
                702)), r.records());
        assertEquals(Map.of("record", 9, "id", 702L, "name", "Lead 9", "price", 9L), r.written().get(2).after(),
                "the audit trail names each record and its id");

        JsonNode complex = Json.mapper().readTree("[{\"id\":21,\"contact_id\":31,\"company_id\":null,\"request_id\":"
                + "[\"1\"],\"merged\":false},{\"id\":20,\"contact_id\":30,\"company_id\":null,\"request_id\":[\"0\"],"
                + "\"merged\":false}]");
        KommoWrite.Result c = new AddComplexLeads(List.of(new ComplexLead(lead(0), new NewParty("Ann", null, null,
                null, null, null), null, null, null), new ComplexLead(lead(1), new NewParty("Bob", null, null, null,
                        null, null), null, null, null)), List.of(4, 6)).result(List.of(complex));
        assertEquals(List.of(RecordOutcome.written(4, 20), RecordOutcome.written(6, 21)), c.records());
        assertEquals(30L, c.written().get(0).after().get("contact_id"));
    }

    @Test
    void theWriterReportsProgressPerRequestAndEveryRecordsIdOnSuccess() {
        List<String> progress = new ArrayList<>();
        long[] nextId = {1000};
        Applied applied = new KommoWriter().apply(caller(progress), List.of(create(600)), r -> {
            JsonNode a = addAnswer(r, "leads", nextId[0]);
            nextId[0] += ((List<?>) r.body()).size();
            return a;
        });
        assertEquals(List.of("1/3 Kommo request 1 of 3 done: POST /api/v4/leads (records 0-249)",
                "2/3 Kommo request 2 of 3 done: POST /api/v4/leads (records 250-499)",
                "3/3 Kommo request 3 of 3 done: POST /api/v4/leads (records 500-599)"), progress);
        assertEquals(600, applied.records().size());
        assertEquals(RecordOutcome.written(599, 1599), applied.records().get(599));
        assertEquals("records 0-599: done (ids 1000-1599)", RecordOutcome.summary(applied.records(), null));
    }

    @Test
    void aPartWayFailureSaysWhichRecordsLandedWhichMayHaveAndWhichWereNotAttempted() {
        List<String> progress = new ArrayList<>();
        Caller caller = caller(progress);
        int[] sent = {0};
        Function<KommoRequest, JsonNode> kommo = r -> {
            if (sent[0]++ == 1) {
                throw new KommoApiException(KommoApiException.Kind.SERVER_ERROR, 500, "ErrInternalServer", "oops",
                        List.of(), Map.of(), null, null);
            }
            return addAnswer(r, "leads", 1000);
        };
        WriteFailure f = assertThrows(WriteFailure.class, () -> new KommoWriter().apply(caller, List.of(create(1000)),
                kommo));
        assertEquals(1, f.done().size());
        assertEquals(2, f.notAttempted().size());
        assertEquals(1000, f.records().size(), "every record is accounted for");
        assertEquals("records 0-249: done (ids 1000-1249); records 250-499: outcome unknown, may have been applied:"
                + " check before repeating (its request got no proper answer (HTTP 500)); records 500-999: not"
                + " attempted", RecordOutcome.summary(f.records(), null));
        assertEquals(250, caller.changes().changes().size(), "the audit trail has the records that landed");
        assertEquals(1, progress.size(), "progress was reported for the request that was done");
    }

    @Test
    void anAnswerThatDoesNotNameEveryRecordLeavesNoneUnaccountedFor() {
        List<String> progress = new ArrayList<>();
        Caller caller = caller(progress);
        int[] sent = {0};
        Function<KommoRequest, JsonNode> kommo = r -> {
            if (sent[0]++ == 1) {
                return Json.mapper().readTree("{\"_embedded\":{\"leads\":[{\"id\":5000,\"request_id\":\"0\"}]}}");
            }
            return addAnswer(r, "leads", 1000 + 250L * (sent[0] - 1));
        };
        WriteFailure f = assertThrows(WriteFailure.class, () -> new KommoWriter().apply(caller, List.of(create(500)),
                kommo), "a 2xx answer naming 1 of 250 records is not a success");
        assertEquals(500, f.records().size(), "every record is accounted for");
        assertTrue(f.mayHaveApplied());
        assertEquals("records 0-249: done (ids 1000-1249); record 250: done (id 5000); records 251-499: outcome"
                + " unknown, may have been"
                + " applied: check before repeating (Kommo accepted its request but did not name it: find it before"
                + " sending it again)", RecordOutcome.summary(f.records(), null));
        assertEquals(251, caller.changes().changes().size(), "the audit trail has the records that landed");

        List<ComplexLead> complex = IntStream.range(0, 2).mapToObj(i -> new ComplexLead(lead(i), new NewParty(
                "C" + i, null, null, null, null, null), null, null, null)).toList();
        KommoWrite.Result c = new AddComplexLeads(complex, List.of(0, 1)).result(List.of(Json.mapper().readTree(
                "[{\"id\":20,\"contact_id\":30,\"request_id\":[\"0\"],\"merged\":false}]")));
        assertEquals(List.of(RecordOutcome.written(0, 20), new RecordOutcome(1, null, RecordOutcome.Status.UNKNOWN,
                "Kommo accepted its request but did not name it: find it before sending it again")), c.records());
    }

    @Test
    void kommosRefusalNamesTheCallsRecordsNotItsPositionsInTheRequest() {
        List<KommoApiException.ValidationError> errors = List.of(new KommoApiException.ValidationError("13",
                "NotSupportedChoice", "custom_fields_values.0.values.0.enum_id", "This value is not valid"));
        int[] sent = {0};
        Function<KommoRequest, JsonNode> kommo = r -> {
            if (sent[0]++ == 1) {
                throw new KommoApiException(KommoApiException.Kind.VALIDATION, 400, "Bad Request", "Request"
                        + " validation failed", errors, Map.of(), null, null);
            }
            return addAnswer(r, "leads", 1);
        };
        WriteFailure f = assertThrows(WriteFailure.class, () -> new KommoWriter().apply(caller(new ArrayList<>()),
                List.of(create(600)), kommo));
        RecordOutcome named = f.records().get(263);
        assertEquals(Status.REFUSED, named.status());
        assertEquals("custom_fields_values.0.values.0.enum_id: This value is not valid", named.error());
        assertEquals(Status.REFUSED, f.records().get(264).status());
        assertEquals("Kommo refuses a request as a whole", f.records().get(264).error());
        assertTrue(f.failure().toolMessage().contains("record 263: custom_fields_values"), f.failure().toolMessage());

        // when the first request is refused nothing landed: Kommo's error itself, naming the records
        KommoApiException first = assertThrows(KommoApiException.class, () -> new KommoWriter().apply(caller(
                new ArrayList<>()), List.of(new CreateLeads(List.of(lead(1), lead(2)), List.of(7, 8))), r -> {
                    throw new KommoApiException(KommoApiException.Kind.VALIDATION, 400, "Bad Request", "invalid",
                            List.of(new KommoApiException.ValidationError("1", "NotBlank", "name", "blank")),
                            Map.of(), null, null);
                }));
        assertTrue(first.toolMessage().contains("record 8: name"), first.toolMessage());
    }

    @Test
    void anUpdateRefusedByIdNamesItsRecord() {
        List<LeadChange> changes = IntStream.range(0, 300).mapToObj(i -> new LeadChange(5000 + i, null, 10L, null,
                null, null, null, null, null, null, Map.of("price", 1))).toList();
        UpdateLeads update = new UpdateLeads(changes, numbers(100, 300));
        int[] sent = {0};
        WriteFailure f = assertThrows(WriteFailure.class, () -> new KommoWriter().apply(caller(new ArrayList<>()),
                List.of(update), r -> {
                    if (sent[0]++ == 1) {
                        throw new KommoApiException(KommoApiException.Kind.BAD_REQUEST, 400, "Bad Request", null,
                                List.of(), Map.of("5260", "Loss reason can be specified only for lost lead"), null,
                                null);
                    }
                    return Json.mapper().readTree("{}");
                }));
        assertEquals(RecordOutcome.written(100, 5000), f.records().get(0), "an update's id is the record's own");
        RecordOutcome refused = f.records().stream().filter(o -> o.record() == 360).findFirst().orElseThrow();
        assertEquals("Loss reason can be specified only for lost lead", refused.error());
        assertNull(f.records().get(299).id());
        assertEquals(Map.of("record", 100, "price", 10L), f.records().isEmpty() ? null : new UpdateLeads(changes,
                numbers(100, 300)).result(List.of(Json.mapper().readTree("{}"))).written().get(0).after());
    }
}
