package io.kommomcp.kommo;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.kommomcp.core.Json;
import tools.jackson.databind.JsonNode;

/**
 * The record numbers of a bulk write's objects ({@link KommoWrite#records()}): checked, split along the write's
 * batches, shown in plans, and matched to Kommo's answers by {@code request_id} (the item's position in its request;
 * Kommo echoes it, as a string, or as an array of strings for a complex add).
 */
final class Numbered {

    private Numbered() {
    }

    /** None, or exactly one record number per object. */
    static List<Integer> check(List<Integer> records, int objects) {
        if (records == null || records.isEmpty()) {
            return List.of();
        }
        if (records.size() != objects) {
            throw new IllegalArgumentException(records.size() + " record numbers for " + objects + " objects");
        }
        return List.copyOf(records);
    }

    /** The record numbers of request {@code k} of a write split into requests of {@code size}. */
    static List<Integer> batch(List<Integer> records, int k, int size) {
        if (records.isEmpty()) {
            return List.of();
        }
        return records.subList(Math.min(records.size(), k * size), Math.min(records.size(), (k + 1) * size));
    }

    /**
     * The request as plans, answers and the audit trail show a numbered write's request: how many objects, which
     * records, and the SHA-256 of the exact body (a plan binds exactly this content); unnumbered: as it is.
     */
    static KommoRequest shown(KommoRequest r, List<Integer> records) {
        if (records.isEmpty()) {
            return r;
        }
        Map<String, Object> shown = new LinkedHashMap<>();
        shown.put("count", records.size());
        shown.put("records", ranges(records));
        shown.put("sha256", sha256(r.body()).substring(0, 16));
        return new KommoRequest(r.method(), r.path(), r.body(), shown);
    }

    /** "0-249", "0-10,12-249". */
    static String ranges(List<Integer> records) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < records.size()) {
            int j = i;
            while (j + 1 < records.size() && records.get(j + 1) == records.get(j) + 1) {
                j++;
            }
            out.add(i == j ? String.valueOf(records.get(i)) : records.get(i) + "-" + records.get(j));
            i = j + 1;
        }
        return String.join(",", out);
    }

    /**
     * The position in the write of an item of answer {@code request}: its {@code request_id} (or the first of an
     * array of them) when it is a number within the request, else its place in the answer.
     */
    static int position(JsonNode item, int request, int perRequest, int place) {
        JsonNode rid = item.path("request_id");
        if (rid.isArray() && !rid.isEmpty()) {
            rid = rid.get(0);
        }
        int within = place;
        String text = rid.isMissingNode() || rid.isNull() ? null : rid.asString("");
        if (text != null && text.matches("\\d{1,6}")) {
            int n = Integer.parseInt(text);
            if (n < perRequest) {
                within = n;
            }
        }
        return request * perRequest + within;
    }

    /** The audit trail's after of a numbered object: its record number and id first, then what was written. */
    static Map<String, Object> after(List<Integer> records, int position, Long id, Map<String, Object> written) {
        if (records.isEmpty()) {
            return written;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("record", records.get(position));
        if (id != null) {
            m.put("id", id);
        }
        if (written != null) {
            m.putAll(written);
        }
        return m;
    }

    static String sha256(Object body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Json.mapper()
                    .writeValueAsString(body).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
