package io.kommomcp.kommo;

import java.util.List;
import java.util.Optional;

import io.kommomcp.core.Caller;
import io.kommomcp.kommo.wire.WireValues;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import tools.jackson.databind.JsonNode;

/**
 * Whole collections of an account read page by page, as background work (the mirror): every request yields to tool
 * calls and stays within the sync's share of the account's budget ({@link KommoGateway#backgroundClient}). Records
 * come as Kommo's API v4 shows them; a backfill pages by id (a record that changes meanwhile keeps its place), a sweep
 * takes the records changed since a high-water mark (by id too), events come by {@code created_at} within fixed
 * bounds (so new events do not shift the pages being read).
 */
@ApplicationScoped
public class KommoPages {

    /** Kommo's largest page of records. */
    public static final int PAGE = 250;
    /** Kommo's largest page of events (API.md §16). */
    public static final int EVENTS_PAGE = 100;

    /** The collections a mirror keeps, with their path and the key of their items in {@code _embedded}. */
    public enum Collection {
        LEADS("leads", "leads"), CONTACTS("contacts", "contacts"), COMPANIES("companies", "companies"),
        TASKS("tasks", "tasks"), LEAD_NOTES("leads/notes", "notes"), CONTACT_NOTES("contacts/notes", "notes"),
        COMPANY_NOTES("companies/notes", "notes");

        private final String path;
        private final String key;

        Collection(String path, String key) {
            this.path = path;
            this.key = key;
        }

        /** The mirror's name for it (its table key). */
        public String entity() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One page: its items, and whether there is another. */
    public record Page(List<JsonNode> items, boolean more) {
    }

    @Inject
    KommoGateway gateway;

    /** Page {@code page} (from 1) of the whole collection, by id. */
    public Page byId(Caller caller, Collection c, int page) {
        return page(caller, c.path, c.key, Query.of().add("page", page).add("limit", PAGE).add("order[id]", "asc"),
                PAGE);
    }

    /**
     * Page {@code page} of the records changed at or after {@code from} (Unix seconds), by id: a record changed again
     * while the pages are read stays in the set and keeps its place, so none is skipped (by {@code updated_at} it
     * would move to the end, and the records after it would shift onto an earlier page).
     */
    public Page updatedSince(Caller caller, Collection c, long from, int page) {
        return page(caller, c.path, c.key, Query.of().add("page", page).add("limit", PAGE)
                .add("filter[updated_at][from]", from).add("order[id]", "asc"), PAGE);
    }

    /** Page {@code page} of the events of {@code types} created between {@code from} and {@code to} (inclusive). */
    public Page events(Caller caller, List<String> types, long from, long to, int page) {
        Query q = Query.of().add("page", page).add("limit", EVENTS_PAGE).add("filter[created_at][from]", from)
                .add("filter[created_at][to]", to).addAll("filter[type][]", types);
        return page(caller, "events", "events", q, EVENTS_PAGE);
    }

    private Page page(Caller caller, String path, String key, Query q, int size) {
        Optional<JsonNode> doc = gateway.backgroundClient(caller).get(path, q);
        if (doc.isEmpty()) {
            return new Page(List.of(), false); // 204: nothing (more)
        }
        List<JsonNode> items = WireValues.embedded(doc.get(), key, n -> n);
        return new Page(items, WireValues.hasNext(doc.get()) && items.size() >= size);
    }
}
