package io.kommomcp.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Predicate;

import tools.jackson.databind.node.ObjectNode;

/**
 * The records of one entity type — leads, contacts or companies — by id, each stored in Kommo's read shape (with
 * {@code _embedded.tags} and {@code _embedded.companies}). Owns nothing else: links between records live in
 * {@link LinkStore}, values' definitions in {@link FieldStore}.
 */
final class EntityStore {

    /** The API path of the type: leads, contacts, companies. */
    final String path;
    private final TreeMap<Long, ObjectNode> byId = new TreeMap<>();

    EntityStore(String path) {
        this.path = path;
    }

    /** lead, contact, company: the type's name in events. */
    String singular() {
        return SandboxAccount.singular(path);
    }

    ObjectNode get(long id) {
        return byId.get(id);
    }

    boolean has(long id) {
        return byId.containsKey(id);
    }

    void put(ObjectNode record) {
        byId.put(record.get("id").asLong(), record);
    }

    /** All records, oldest (lowest id) first. */
    List<ObjectNode> all() {
        return new ArrayList<>(byId.values());
    }

    /** All records, newest first: Kommo's list order. */
    List<ObjectNode> newestFirst() {
        return new ArrayList<>(byId.descendingMap().values());
    }

    List<Long> ids() {
        return new ArrayList<>(byId.keySet());
    }

    /** Deletes a record (Kommo's API deletes none; declining an incoming lead does). */
    void remove(long id) {
        byId.remove(id);
    }

    void removeIf(Predicate<ObjectNode> gone) {
        byId.values().removeIf(gone);
    }
}
