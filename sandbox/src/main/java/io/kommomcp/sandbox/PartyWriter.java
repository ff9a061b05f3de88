package io.kommomcp.sandbox;

import java.util.ArrayList;
import java.util.List;

import io.kommomcp.sandbox.Problems.Violation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The rules for writing a contact or a company (API.md §8) and carrying writes out: a contact's name is built from
 * its first and last name when none is given; tags by name are created; every change records its events and sends
 * its webhooks. Used by
 * the contacts and companies API, complex add and incoming leads.
 */
final class PartyWriter {

    private final SandboxAccount a;

    PartyWriter(SandboxAccount account) {
        this.a = account;
    }

    List<Violation> validate(String entity, JsonNode item, String requestId) {
        List<Violation> v = new ArrayList<>();
        if (!item.isObject()) {
            v.add(new Violation(requestId, "InvalidType", "", "This value should be of type object."));
            return v;
        }
        for (String f : List.of("name", "first_name", "last_name")) {
            if (item.has(f) && !item.get(f).isString()) {
                v.add(new Violation(requestId, "InvalidType", f, "This value should be of type string."));
            }
        }
        if (item.hasNonNull("responsible_user_id") && !a.users.has(item.get("responsible_user_id").asLong())) {
            v.add(LeadWriter.notAChoice(requestId, "responsible_user_id"));
        }
        a.users.unknownAuthors(item).forEach(key -> v.add(LeadWriter.notAChoice(requestId, key)));
        v.addAll(a.values.validate(requestId, item.get("custom_fields_values"), entity));
        return v;
    }

    /** Creates a contact or company from a (validated) add item; returns its id. */
    long create(String entity, JsonNode item) {
        long id = a.newId();
        long now = SandboxAccount.now();
        long user = a.users.current();
        ObjectNode c = Problems.JSON.createObjectNode();
        String first = item.path("first_name").asString("").strip();
        String last = item.path("last_name").asString("").strip();
        String name = item.path("name").asString("").strip();
        if (name.isEmpty()) {
            name = (first + " " + last).strip();
        }
        c.put("id", id).put("name", name);
        if (entity.equals("contacts")) {
            c.put("first_name", first).put("last_name", last);
        }
        c.put("responsible_user_id", item.hasNonNull("responsible_user_id")
                ? item.get("responsible_user_id").asLong() : user)
                .put("group_id", 0).put("created_by", LeadWriter.author(item, "created_by", user))
                .put("updated_by", LeadWriter.author(item, "updated_by", user))
                .put("created_at", now).put("updated_at", now).putNull("closest_task_at").put("is_deleted", false);
        if (entity.equals("contacts")) {
            c.put("is_unsorted", false);
        }
        c.putNull("custom_fields_values");
        a.values.set(c, item.get("custom_fields_values"), entity);
        c.put("account_id", a.accountId);
        ObjectNode emb = c.putObject("_embedded");
        emb.putArray("tags");
        emb.putArray("companies");
        for (JsonNode t : item.path("_embedded").path("tags")) {
            a.tags.addTo(c, t, entity);
        }
        a.entities(entity).put(c);
        a.events.add(SandboxAccount.singular(entity) + "_added", SandboxAccount.singular(entity), id, null, null);
        a.hooks.added(entity, c);
        return id;
    }

    /** Applies a (validated) update item to a record (a copy from the store), stores it, records what changed. */
    void update(String entity, ObjectNode c, JsonNode item, long now) {
        ObjectNode was = c.deepCopy();
        for (String f : List.of("name", "first_name", "last_name")) {
            if (item.hasNonNull(f) && (entity.equals("contacts") || f.equals("name"))) {
                c.put(f, item.get(f).asString());
            }
        }
        if (entity.equals("contacts") && !item.hasNonNull("name")
                && (item.hasNonNull("first_name") || item.hasNonNull("last_name"))) {
            c.put("name", (c.path("first_name").asString("") + " " + c.path("last_name").asString("")).strip());
        }
        if (item.hasNonNull("responsible_user_id")) {
            c.put("responsible_user_id", item.get("responsible_user_id").asLong());
        }
        if (item.has("custom_fields_values")) {
            a.values.set(c, item.get("custom_fields_values"), entity);
        }
        if (item.path("_embedded").has("tags")) {
            a.tags.replaceOn(c, item.path("_embedded").path("tags"), entity);
        }
        item.path("tags_to_add").forEach(t -> a.tags.addTo(c, t, entity));
        item.path("tags_to_delete").forEach(t -> TagStore.removeFrom(c, t));
        c.put("updated_at", now).put("updated_by", LeadWriter.author(item, "updated_by", a.users.current()));
        a.entities(entity).put(c);
        a.events.changed(SandboxAccount.singular(entity), was, c);
        a.hooks.changed(entity, was, c);
    }
}
