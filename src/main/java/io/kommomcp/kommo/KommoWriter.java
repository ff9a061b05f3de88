package io.kommomcp.kommo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import io.kommomcp.core.Caller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import tools.jackson.databind.JsonNode;

/**
 * The one place that sends writes to Kommo. A change is a list of {@link KommoWrite}s, carried out in order, each
 * request within the account's budget and circuit breaker ({@link KommoClient}; a write is sent again only after a
 * 429, which Kommo answers without doing anything). What each write did goes into the call's change log for the
 * audit trail as its answers arrive, so a change that fails part-way still records exactly what landed; it then fails
 * with a {@link WriteFailure} naming what was done, what failed and what was not attempted. Ids of objects created by
 * an earlier write of the change ({@link IdRef#created}) are filled in before a later write is sent. Cached account
 * schema that a write changes is dropped afterwards, whatever the outcome.
 */
@ApplicationScoped
public class KommoWriter {

    @Inject
    KommoGateway gateway;

    @Inject
    KommoMetadata metadata;

    @Inject
    WriteLog log;

    /** The requests of a change, as a plan lists them (ids of objects it creates shown as references). */
    public List<String> describe(List<? extends KommoWrite> writes) {
        List<String> lines = new ArrayList<>();
        for (KommoWrite w : writes) {
            w.requests(IdRef::toString).forEach(r -> lines.add(r.line()));
        }
        return lines;
    }

    /**
     * What a change is about, as one key: the objects its requests address (the collection and the content for an
     * add). Two plans with the same key change the same objects; at most 1,000 characters.
     */
    public String target(List<? extends KommoWrite> writes) {
        StringBuilder b = new StringBuilder();
        for (KommoWrite w : writes) {
            for (KommoRequest r : w.requests(IdRef::toString)) {
                b.append(b.length() == 0 ? "" : " | ").append(r.path());
                if ("POST".equals(r.method())) {
                    b.append('#').append(io.kommomcp.audit.ChainHash.sha256(r.line()), 0, 12);
                }
            }
        }
        return b.length() <= 1000 ? b.toString() : b.substring(0, 980) + "#" + io.kommomcp.audit.ChainHash.sha256(
                b.toString()).substring(0, 12);
    }

    /**
     * Carries out the change, telling the caller's client after each request how many of the change's requests are
     * done (progress per batch).
     */
    public Applied apply(Caller caller, List<? extends KommoWrite> writes) {
        KommoClient client = gateway.client(caller);
        return apply(caller, writes, r -> send(client, r));
    }

    /** The change carried out with {@code sender} as the one way to Kommo (tests script Kommo's answers). */
    Applied apply(Caller caller, List<? extends KommoWrite> writes, Function<KommoRequest, JsonNode> sender) {
        List<KommoWrite.Result> results = new ArrayList<>();
        List<String> done = new ArrayList<>();
        Set<MetadataKey> stale = new LinkedHashSet<>();
        writes.forEach(w -> stale.addAll(w.invalidates()));
        Function<IdRef, Object> ids = ref -> ref.known() ? ref.id() : createdId(results, ref);
        long total = 0;
        for (KommoWrite w : writes) {
            total += w.requests(IdRef::toString).size();
        }
        long sent = 0;
        try {
            for (int i = 0; i < writes.size(); i++) {
                KommoWrite w = writes.get(i).resolved(ids);
                List<KommoRequest> requests = w.requests(ids);
                List<JsonNode> answers = new ArrayList<>();
                for (int k = 0; k < requests.size(); k++) {
                    KommoRequest r = requests.get(k);
                    try {
                        answers.add(sender.apply(r));
                        done.add(r.line());
                    } catch (KommoApiException e) {
                        KommoWrite.Result partial = w.result(answers);
                        record(caller, partial, log);
                        KommoApiException named = named(e, w, requests, k);
                        if (done.isEmpty()) {
                            throw named;
                        }
                        List<String> rest = new ArrayList<>();
                        requests.subList(k + 1, requests.size()).forEach(x -> rest.add(x.line()));
                        for (KommoWrite later : writes.subList(i + 1, writes.size())) {
                            later.requests(IdRef::toString).forEach(x -> rest.add(x.line()));
                        }
                        throw new WriteFailure(done, r.line(), rest, named, outcomes(results, partial, w, requests, k,
                                named, writes.subList(i + 1, writes.size())));
                    }
                    sent++;
                    caller.progress().report(sent, total, "Kommo request " + sent + " of " + total + " done: "
                            + r.method() + " /api/v4/" + r.path() + (w.records().isEmpty() ? "" : " (records "
                                    + Numbered.ranges(itemsOf(w, requests, k)) + ")"));
                }
                KommoWrite.Result result = w.result(answers);
                record(caller, result, log);
                if (result.records().stream().anyMatch(o -> o.status() == RecordOutcome.Status.UNKNOWN)) {
                    // answered, but not for every record: what landed is recorded; the rest is said, not sent
                    List<String> rest = new ArrayList<>();
                    for (KommoWrite later : writes.subList(i + 1, writes.size())) {
                        later.requests(IdRef::toString).forEach(x -> rest.add(x.line()));
                    }
                    List<RecordOutcome> all = new ArrayList<>();
                    results.forEach(r -> all.addAll(r.records()));
                    all.addAll(result.records());
                    writes.subList(i + 1, writes.size()).forEach(l -> l.records().forEach(record -> all.add(
                            new RecordOutcome(record, null, RecordOutcome.Status.NOT_ATTEMPTED, null))));
                    all.sort(java.util.Comparator.comparingInt(RecordOutcome::record));
                    String last = requests.get(requests.size() - 1).line();
                    throw new WriteFailure(done.subList(0, done.size() - 1), last, rest, new KommoApiException(
                            KommoApiException.Kind.UNEXPECTED_RESPONSE, 200, null, "Kommo's answer did not name every"
                                    + " record its request carried", List.of(), Map.of(), null, null), all);
                }
                results.add(result);
            }
            return new Applied(results, done);
        } finally {
            if (metadata != null) { // null in tests that apply writes without a container
                stale.forEach(key -> metadata.invalidate(caller, key));
            }
        }
    }

    /** The record numbers of the objects request {@code k} of a numbered write carries. */
    private static List<Integer> itemsOf(KommoWrite w, List<KommoRequest> requests, int k) {
        int offset = 0;
        for (int j = 0; j < k; j++) {
            offset += size(requests.get(j));
        }
        return w.records().subList(Math.min(offset, w.records().size()), Math.min(offset + size(requests.get(k)),
                w.records().size()));
    }

    /** How many objects a request carries: the items of an array body, else one. */
    private static int size(KommoRequest r) {
        return r.body() instanceof List<?> l ? l.size() : 1;
    }

    /**
     * Kommo's refusal of a numbered write's request with the items it names ({@code request_id}, or the entity id of
     * an update) given as the call's record numbers, so that the answer names the records.
     */
    private static KommoApiException named(KommoApiException e, KommoWrite w, List<KommoRequest> requests, int k) {
        if (w.records().isEmpty() || (e.validationErrors().isEmpty() && e.errorsById().isEmpty())) {
            return e;
        }
        List<Integer> records = itemsOf(w, requests, k);
        List<KommoApiException.ValidationError> renamed = new ArrayList<>();
        for (KommoApiException.ValidationError v : e.validationErrors()) {
            Integer record = recordOf(v.requestId(), records);
            renamed.add(new KommoApiException.ValidationError(record == null ? v.requestId() : "record " + record,
                    v.code(), v.path(), v.detail()));
        }
        Map<String, String> byId = new LinkedHashMap<>();
        e.errorsById().forEach((id, msg) -> {
            Integer record = recordOfId(id, requests.get(k), records);
            byId.put(record == null ? id : id + " (record " + record + ")", msg);
        });
        return new KommoApiException(e.kind(), e.status(), e.title(), e.detail(), renamed, byId,
                e.retryAfterSeconds(), e.kommoRequestId());
    }

    /** The record an item's request_id (its position in the request) names, if any. */
    private static Integer recordOf(String requestId, List<Integer> records) {
        if (requestId != null && requestId.matches("\\d{1,6}")) {
            int at = Integer.parseInt(requestId);
            return at < records.size() ? records.get(at) : null;
        }
        return null;
    }

    /** The record of an update item with this entity id, if the request carries one. */
    private static Integer recordOfId(String id, KommoRequest r, List<Integer> records) {
        if (r.body() instanceof List<?> items) {
            for (int i = 0; i < items.size() && i < records.size(); i++) {
                if (items.get(i) instanceof Map<?, ?> m && String.valueOf(m.get("id")).equals(id)) {
                    return records.get(i);
                }
            }
        } else if (records.size() == 1 && r.path().endsWith("/" + id)) {
            return records.get(0);
        }
        return null;
    }

    /**
     * Every numbered record of a change that failed at request {@code k} of write {@code w}: written (earlier writes,
     * earlier requests of this one), refused or unknown (this request: Kommo's reason for each item it named), not
     * attempted (the rest).
     */
    private static List<RecordOutcome> outcomes(List<KommoWrite.Result> earlier, KommoWrite.Result partial,
            KommoWrite w, List<KommoRequest> requests, int k, KommoApiException e, List<? extends KommoWrite> later) {
        List<RecordOutcome> out = new ArrayList<>();
        earlier.forEach(r -> out.addAll(r.records()));
        out.addAll(partial.records());
        if (!w.records().isEmpty()) {
            RecordOutcome.Status status = e.mayHaveApplied() ? RecordOutcome.Status.UNKNOWN
                    : RecordOutcome.Status.REFUSED;
            List<Integer> failed = itemsOf(w, requests, k);
            Map<Integer, String> reasons = new LinkedHashMap<>();
            for (KommoApiException.ValidationError v : e.validationErrors()) {
                if (v.requestId() != null && v.requestId().startsWith("record ")) {
                    reasons.merge(Integer.parseInt(v.requestId().substring(7)), (v.path() == null ? "" : v.path()
                            + ": ") + (v.detail() == null ? v.code() : v.detail()), (a, b) -> a + "; " + b);
                }
            }
            e.errorsById().forEach((id, msg) -> {
                int at = id.indexOf("(record ");
                if (at >= 0) {
                    reasons.merge(Integer.parseInt(id.substring(at + 8, id.length() - 1)), msg, (a, b) -> a + "; "
                            + b);
                }
            });
            String rest = e.mayHaveApplied() ? "its request got no proper answer (HTTP " + e.status() + ")"
                    : reasons.isEmpty() ? "Kommo refused its request (HTTP " + e.status() + ")"
                            : "Kommo refuses a request as a whole";
            failed.forEach(record -> out.add(new RecordOutcome(record, null, status, reasons.getOrDefault(record,
                    rest))));
            int offset = 0;
            for (int j = 0; j <= k; j++) {
                offset += size(requests.get(j));
            }
            w.records().subList(Math.min(offset, w.records().size()), w.records().size()).forEach(record -> out.add(
                    new RecordOutcome(record, null, RecordOutcome.Status.NOT_ATTEMPTED, null)));
        }
        for (KommoWrite l : later) {
            l.records().forEach(record -> out.add(new RecordOutcome(record, null, RecordOutcome.Status.NOT_ATTEMPTED,
                    null)));
        }
        out.sort(java.util.Comparator.comparingInt(RecordOutcome::record));
        return out;
    }

    private static Object createdId(List<KommoWrite.Result> results, IdRef ref) {
        if (ref.write() >= results.size() || ref.index() >= results.get(ref.write()).created().size()) {
            throw new IllegalStateException("step " + (ref.write() + 1) + " created no object " + ref.index());
        }
        return results.get(ref.write()).created().get(ref.index());
    }

    private static void record(Caller caller, KommoWrite.Result result, WriteLog log) {
        result.written().forEach(w -> caller.changes().record(w.targetType(), w.id(), w.before(), w.after()));
        if (log != null) { // null in tests that apply writes without a database
            log.record(caller.tenantId(), result.written());
        }
    }

    private static JsonNode send(KommoClient client, KommoRequest r) {
        return switch (r.method()) {
            case "POST" -> client.post(r.path(), r.body());
            case "PATCH" -> client.patch(r.path(), r.body());
            case "DELETE" -> {
                client.delete(r.path(), r.body());
                yield null;
            }
            default -> throw new IllegalArgumentException(r.method());
        };
    }
}
