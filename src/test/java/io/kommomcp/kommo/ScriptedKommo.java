package io.kommomcp.kommo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.kommomcp.core.Caller;
import io.kommomcp.core.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The real write layer ({@link KommoWriter}: batching, per-record results, progress, part-way failures) in front of a
 * Kommo that answers as Kommo does (adds: an id per item with its request_id echoed; complex adds: a bare array with
 * request_id arrays and the new contact's id; updates: the ids), counting every request; request number
 * {@code failAt} (0-based) fails with {@code failure} instead.
 */
public class ScriptedKommo extends KommoWriter {

    public final List<KommoRequest> sent = new ArrayList<>();
    public int failAt = -1;
    public KommoApiException failure;
    private long nextId = 1000;

    @Override
    public Applied apply(Caller caller, List<? extends KommoWrite> writes) {
        return apply(caller, writes, this::answer);
    }

    /** Requests sent with this method and path. */
    public long count(String method, String path) {
        return sent.stream().filter(r -> r.method().equals(method) && r.path().equals(path)).count();
    }

    private JsonNode answer(KommoRequest r) {
        sent.add(r);
        if (sent.size() - 1 == failAt) {
            throw failure;
        }
        List<?> items = r.body() instanceof List<?> l ? l : List.of(r.body());
        if (r.path().equals("leads/complex")) {
            ArrayNode out = Json.mapper().createArrayNode();
            for (int i = 0; i < items.size(); i++) {
                ObjectNode o = out.addObject().put("id", nextId++);
                Object rid = ((Map<?, ?>) items.get(i)).get("request_id");
                o.put("contact_id", 900_000 + nextId).putNull("company_id").put("merged", false);
                o.putArray("request_id").add(rid == null ? "0" : rid.toString());
            }
            return out;
        }
        String key = r.path().contains("/") ? r.path().substring(0, r.path().indexOf('/')) : r.path();
        ObjectNode doc = Json.mapper().createObjectNode();
        ArrayNode out = doc.putObject("_embedded").putArray(key);
        for (int i = 0; i < items.size(); i++) {
            Map<?, ?> item = (Map<?, ?>) items.get(i);
            Object rid = item.get("request_id");
            long id = "POST".equals(r.method()) ? nextId++ : item.get("id") instanceof Number n ? n.longValue()
                    : Long.parseLong(r.path().substring(r.path().lastIndexOf('/') + 1));
            out.addObject().put("id", id).put("request_id", rid == null ? String.valueOf(i) : rid.toString());
        }
        return r.body() instanceof List<?> ? doc : out.get(0);
    }
}
