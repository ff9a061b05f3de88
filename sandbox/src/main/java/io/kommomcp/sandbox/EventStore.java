package io.kommomcp.sandbox;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The account's change history (API.md §16): an event for every change the sandbox makes, with Kommo's types, string
 * ids and value shapes, in the order of {@code created_at} (ties: the order they were made). {@link EventsApi} reads
 * it.
 *
 * <p>Events are kept lean ({@link Event}: a few numbers, shared type names, the values as a tree only where an event
 * has one of its own, a stage change as four numbers), so that a benchmark account holds 250,000 of them in some
 * 30 MB. The shown form is made when read ({@link Event#render}).
 */
final class EventStore {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

    /** One event. Its id is "01" and 24 characters of {@code idHigh} and {@code idLow} (60 bits each). */
    static class Event {
        final long idHigh;
        final long idLow;
        final String type;
        final String entityType;
        final long entityId;
        final long createdBy;
        final long createdAt;
        private final JsonNode before;
        private final JsonNode after;

        Event(long idHigh, long idLow, String type, String entityType, long entityId, long createdBy, long createdAt,
                JsonNode before, JsonNode after) {
            this.idHigh = idHigh;
            this.idLow = idLow;
            this.type = type.intern();
            this.entityType = entityType.intern();
            this.entityId = entityId;
            this.createdBy = createdBy;
            this.createdAt = createdAt;
            this.before = before;
            this.after = after;
        }

        String id() {
            return "01" + chars(idHigh) + chars(idLow);
        }

        JsonNode valueBefore() {
            return before == null ? Problems.JSON.createArrayNode() : before.deepCopy();
        }

        JsonNode valueAfter() {
            return after == null ? Problems.JSON.createArrayNode() : after.deepCopy();
        }

        /** The event as Kommo shows it, without links. */
        ObjectNode render(long accountId) {
            ObjectNode e = Problems.JSON.createObjectNode();
            e.put("id", id()).put("type", type).put("entity_id", entityId).put("entity_type", entityType)
                    .put("created_by", createdBy).put("created_at", createdAt);
            e.set("value_after", valueAfter());
            e.set("value_before", valueBefore());
            e.put("account_id", accountId);
            e.putObject("_embedded").putObject("entity").put("id", entityId);
            return e;
        }
    }

    /** {@code lead_status_changed}: the stage before and after as numbers, its values made when shown. */
    static final class StageChange extends Event {
        final long fromPipeline;
        final long fromStatus;
        final long toPipeline;
        final long toStatus;

        StageChange(long idHigh, long idLow, long leadId, long createdBy, long createdAt, long fromPipeline,
                long fromStatus, long toPipeline, long toStatus) {
            super(idHigh, idLow, "lead_status_changed", "lead", leadId, createdBy, createdAt, null, null);
            this.fromPipeline = fromPipeline;
            this.fromStatus = fromStatus;
            this.toPipeline = toPipeline;
            this.toStatus = toStatus;
        }

        @Override
        JsonNode valueBefore() {
            return status(fromStatus, fromPipeline);
        }

        @Override
        JsonNode valueAfter() {
            return status(toStatus, toPipeline);
        }
    }

    private final long accountId;
    private final UserStore users;
    private final ArrayList<Event> events = new ArrayList<>();

    EventStore(long accountId, UserStore users) {
        this.accountId = accountId;
        this.users = users;
    }

    long accountId() {
        return accountId;
    }

    int size() {
        return events.size();
    }

    /** The events, newest first (a copy of the list). */
    List<Event> newestFirst() {
        List<Event> out = new ArrayList<>(events);
        Collections.reverse(out);
        return out;
    }

    Event get(String id) {
        if (id == null || id.length() != 26 || !id.startsWith("01")) {
            return null;
        }
        long high = bits(id.substring(2, 14));
        long low = bits(id.substring(14));
        if (high < 0 || low < 0) {
            return null;
        }
        for (Event e : events) {
            if (e.idHigh == high && e.idLow == low) {
                return e;
            }
        }
        return null;
    }

    /** Appends one event by the acting user, now; {@code entityType} is singular (lead, contact, company, task). */
    void add(String type, String entityType, long entityId, JsonNode before, JsonNode after) {
        append(new Event(randomBits(), randomBits(), type, entityType, entityId, users.current(),
                SandboxAccount.now(), before, after));
    }

    /** Adds events made elsewhere (the bulk seed), then puts the history back in order of time. */
    void addAll(List<? extends Event> made) {
        events.addAll(made);
        events.sort(Comparator.comparingLong(e -> e.createdAt)); // stable: ties keep the order they were made
        events.trimToSize();
    }

    private void append(Event e) {
        int at = events.size();
        while (at > 0 && events.get(at - 1).createdAt > e.createdAt) { // the clock went back: keep time order
            at--;
        }
        events.add(at, e);
    }

    /** The events an update of a lead, contact or company makes: compares the record before and after. */
    void changed(String entityType, ObjectNode before, ObjectNode after) {
        long id = after.get("id").asLong();
        if (!Objects.equals(before.path("name").asString(null), after.path("name").asString(null))) {
            add("name_field_changed", entityType, id, value("name_field_value", "name", before.path("name")),
                    value("name_field_value", "name", after.path("name")));
        }
        if (entityType.equals("lead") && before.path("price").asLong() != after.path("price").asLong()) {
            add("sale_field_changed", entityType, id, value("sale_field_value", "sale", before.path("price")),
                    value("sale_field_value", "sale", after.path("price")));
        }
        if (before.path("responsible_user_id").asLong() != after.path("responsible_user_id").asLong()) {
            add("entity_responsible_changed", entityType, id, value("responsible_user", "id",
                    before.path("responsible_user_id")), value("responsible_user", "id",
                            after.path("responsible_user_id")));
        }
        if (entityType.equals("lead") && (before.path("status_id").asLong() != after.path("status_id").asLong()
                || before.path("pipeline_id").asLong() != after.path("pipeline_id").asLong())) {
            append(new StageChange(randomBits(), randomBits(), id, users.current(), SandboxAccount.now(),
                    before.path("pipeline_id").asLong(), before.path("status_id").asLong(),
                    after.path("pipeline_id").asLong(), after.path("status_id").asLong()));
        }
        if (!before.path("custom_fields_values").equals(after.path("custom_fields_values"))) {
            ArrayNode values = Problems.JSON.createArrayNode();
            for (JsonNode f : after.path("custom_fields_values")) {
                for (JsonNode v : f.path("values")) {
                    ObjectNode cfv = values.addObject().putObject("custom_field_value");
                    cfv.put("field_id", f.path("field_id").asLong()).put("field_type", 1);
                    if (v.hasNonNull("enum_id")) {
                        cfv.put("enum_id", v.get("enum_id").asLong());
                    } else {
                        cfv.putNull("enum_id");
                    }
                    cfv.put("text", v.path("value").asString(""));
                }
            }
            add("custom_field_value_changed", entityType, id, null, values);
        }
        Set<String> was = lower(names(before));
        Set<String> now = lower(names(after));
        for (String t : names(after)) {
            if (!was.contains(t.toLowerCase(Locale.ROOT))) {
                add("entity_tag_added", entityType, id, null, tag(t));
            }
        }
        for (String t : names(before)) {
            if (!now.contains(t.toLowerCase(Locale.ROOT))) {
                add("entity_tag_deleted", entityType, id, tag(t), null);
            }
        }
    }

    /** {@code [{key: {field: v}}]}, the value shape of most events. */
    static ArrayNode value(String key, String field, JsonNode v) {
        ArrayNode arr = Problems.JSON.createArrayNode();
        arr.addObject().putObject(key).set(field, v.isMissingNode() ? Problems.JSON.nullNode() : v.deepCopy());
        return arr;
    }

    private static ArrayNode status(JsonNode lead) {
        return status(lead.path("status_id").asLong(), lead.path("pipeline_id").asLong());
    }

    /** {@code [{"lead_status": {"id", "pipeline_id"}}]}, both sides of a stage change (API.md §16). */
    static ArrayNode status(long statusId, long pipelineId) {
        ArrayNode arr = Problems.JSON.createArrayNode();
        arr.addObject().putObject("lead_status").put("id", statusId).put("pipeline_id", pipelineId);
        return arr;
    }

    private static ArrayNode tag(String name) {
        ArrayNode arr = Problems.JSON.createArrayNode();
        arr.addObject().putObject("tag").put("name", name);
        return arr;
    }

    private static List<String> names(JsonNode entity) {
        List<String> out = new ArrayList<>();
        entity.path("_embedded").path("tags").forEach(t -> out.add(t.path("name").asString()));
        return out;
    }

    private static Set<String> lower(Iterable<String> names) {
        Set<String> out = new HashSet<>();
        names.forEach(n -> out.add(n.toLowerCase(Locale.ROOT)));
        return out;
    }

    /** 60 random bits, half of an event id. */
    static long randomBits() {
        return RANDOM.nextLong() >>> 4;
    }

    private static String chars(long bits) {
        char[] out = new char[12];
        for (int i = 11; i >= 0; i--) {
            out[i] = ALPHABET.charAt((int) (bits & 31));
            bits >>>= 5;
        }
        return new String(out);
    }

    /** The 60 bits 12 characters spell, or -1 when they are not of the alphabet. */
    private static long bits(String twelve) {
        long v = 0;
        for (int i = 0; i < twelve.length(); i++) {
            int c = ALPHABET.indexOf(twelve.charAt(i));
            if (c < 0) {
                return -1;
            }
            v = (v << 5) | c;
        }
        return v;
    }
}
