package io.kommomcp.testing;

import java.util.ArrayList;
import java.util.List;

import io.kommomcp.core.Caller;
import io.kommomcp.kommo.Applied;
import io.kommomcp.kommo.IdRef;
import io.kommomcp.kommo.KommoWrite;
import io.kommomcp.kommo.KommoWriter;

/** Applies nothing in Kommo: keeps the writes and answers as Kommo would have, or fails as told. */
public class RecordingWriter extends KommoWriter {

    public final List<KommoWrite> applied = new ArrayList<>();
    public RuntimeException failure;

    @Override
    public Applied apply(Caller caller, List<? extends KommoWrite> writes) {
        if (failure != null) {
            throw failure;
        }
        applied.addAll(writes);
        List<KommoWrite.Result> results = new ArrayList<>();
        List<String> done = new ArrayList<>();
        for (KommoWrite w : writes) {
            KommoWrite.Result r = w.result(List.of());
            r.written().forEach(x -> caller.changes().record(x.targetType(), x.id(), x.before(), x.after()));
            results.add(r);
            w.requests(IdRef::toString).forEach(q -> done.add(q.line()));
        }
        return new Applied(results, done);
    }

    @Override
    public List<String> describe(List<? extends KommoWrite> writes) {
        List<String> lines = new ArrayList<>();
        writes.forEach(w -> w.requests(IdRef::toString).forEach(q -> lines.add(q.line())));
        return lines;
    }
}
