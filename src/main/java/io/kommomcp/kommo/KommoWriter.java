package io.kommomcp.kommo;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
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

    /** Carries out the change. */
    public Applied apply(Caller caller, List<? extends KommoWrite> writes) {
        List<KommoWrite.Result> results = new ArrayList<>();
        List<String> done = new ArrayList<>();
        Set<MetadataKey> stale = new LinkedHashSet<>();
        writes.forEach(w -> stale.addAll(w.invalidates()));
        KommoClient client = gateway.client(caller);
        Function<IdRef, Object> ids = ref -> ref.known() ? ref.id() : createdId(results, ref);
        try {
            for (int i = 0; i < writes.size(); i++) {
                KommoWrite w = writes.get(i).resolved(ids);
                List<KommoRequest> requests = w.requests(ids);
                List<JsonNode> answers = new ArrayList<>();
                for (int k = 0; k < requests.size(); k++) {
                    KommoRequest r = requests.get(k);
                    try {
                        answers.add(send(client, r));
                        done.add(r.line());
                    } catch (KommoApiException e) {
                        record(caller, w.result(answers), log);
                        if (done.isEmpty()) {
                            throw e;
                        }
                        List<String> rest = new ArrayList<>();
                        requests.subList(k + 1, requests.size()).forEach(x -> rest.add(x.line()));
                        for (KommoWrite later : writes.subList(i + 1, writes.size())) {
                            later.requests(IdRef::toString).forEach(x -> rest.add(x.line()));
                        }
                        throw new WriteFailure(done, r.line(), rest, e);
                    }
                }
                KommoWrite.Result result = w.result(answers);
                record(caller, result, log);
                results.add(result);
            }
            return new Applied(results, done);
        } finally {
            stale.forEach(key -> metadata.invalidate(caller, key));
        }
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
