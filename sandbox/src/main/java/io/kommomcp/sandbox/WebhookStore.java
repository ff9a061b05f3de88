package io.kommomcp.sandbox;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The account's webhook subscriptions (API.md §20.1): by destination, each with its event codes ({@code settings}),
 * {@code sort} and whether Kommo has {@code disabled} it, and the failed deliveries that decide that (§20.2: more than
 * {@value #DISABLE_AFTER_FAILURES} failed deliveries in the last 2 hours, the last one failed). Thread-safe on its own
 * lock: the API reads and writes it under the account's lock, the delivery threads record results without it.
 */
final class WebhookStore {

    /** At most this many webhooks per account (API.md §3, §20.1). */
    static final int MAX_WEBHOOKS = 100;
    static final int DISABLE_AFTER_FAILURES = 100;
    static final long FAILURE_WINDOW_MILLIS = 2 * 3600 * 1000L;

    /**
     * The event codes a webhook may subscribe to: those of leads, contacts, companies, customers and tasks Kommo
     * documents (API.md §20.1), and the unsorted and chat codes integrations are seen to use. The sandbox delivers
     * those of leads, contacts, companies and tasks; it has no customers, chats or incoming-lead webhooks.
     */
    static final Set<String> SETTINGS = Set.of(
            "add_lead", "update_lead", "delete_lead", "restore_lead", "status_lead", "responsible_lead", "note_lead",
            "add_contact", "update_contact", "delete_contact", "restore_contact", "responsible_contact",
            "note_contact", "add_company", "update_company", "delete_company", "restore_company",
            "responsible_company", "note_company", "add_customer", "update_customer", "delete_customer",
            "responsible_customer", "note_customer", "add_task", "update_task", "delete_task", "responsible_task",
            "add_unsorted", "update_unsorted", "delete_unsorted", "add_message", "add_outgoing_message", "add_talk",
            "update_talk", "delete_talk", "add_chat_template_review");

    /** A subscription to deliver to: its id and destination. */
    record Target(long id, String destination) {
    }

    private static final class Hook {
        final long id;
        final String destination;
        final long createdAt;
        final long createdBy;
        long updatedAt;
        int sort;
        List<String> settings;
        boolean disabled;
        final ArrayDeque<Long> failures = new ArrayDeque<>();

        Hook(long id, String destination, long createdAt, long createdBy) {
            this.id = id;
            this.destination = destination;
            this.createdAt = createdAt;
            this.createdBy = createdBy;
        }
    }

    private final long accountId;
    private final Map<String, Hook> byDestination = new LinkedHashMap<>();

    WebhookStore(long accountId) {
        this.accountId = accountId;
    }

    synchronized int size() {
        return byDestination.size();
    }

    synchronized boolean has(String destination) {
        return byDestination.containsKey(destination);
    }

    /** The webhooks as Kommo lists them (by sort, then id), those of one destination only when it is given. */
    synchronized List<ObjectNode> list(String destination) {
        List<ObjectNode> out = new ArrayList<>();
        byDestination.values().stream().filter(h -> destination == null || h.destination.equals(destination))
                .sorted(Comparator.<Hook>comparingInt(h -> h.sort).thenComparingLong(h -> h.id))
                .forEach(h -> out.add(render(h)));
        return out;
    }

    /**
     * Subscribes a destination, or, when it is subscribed already, replaces its settings and sort (API.md: re-posting
     * updates; UNCONFIRMED) and enables it again (the sandbox's reading of "save the webhook again").
     */
    synchronized ObjectNode put(long newId, String destination, List<String> settings, int sort, long user,
            long now) {
        Hook h = byDestination.computeIfAbsent(destination, d -> new Hook(newId, d, now, user));
        h.settings = List.copyOf(settings);
        h.sort = sort;
        h.updatedAt = now;
        h.disabled = false;
        h.failures.clear();
        return render(h);
    }

    synchronized boolean remove(String destination) {
        return byDestination.remove(destination) != null;
    }

    /** The enabled webhooks that subscribe to an event code. */
    synchronized List<Target> targets(String setting) {
        List<Target> out = new ArrayList<>();
        for (Hook h : byDestination.values()) {
            if (!h.disabled && h.settings.contains(setting)) {
                out.add(new Target(h.id, h.destination));
            }
        }
        return out;
    }

    /** Whether a webhook still exists and is enabled (deliveries to one that is not are dropped). */
    synchronized boolean active(long id) {
        return byDestination.values().stream().anyMatch(h -> h.id == id && !h.disabled);
    }

    /**
     * Records a failed delivery at {@code nowMillis}; answers whether the webhook is now disabled: more than
     * {@value #DISABLE_AFTER_FAILURES} failures in the last 2 hours, this last one failed (API.md §20.2). A success
     * in between changes nothing here: the rule is only ever met at a failure, which is then the last one.
     */
    synchronized boolean failed(long id, long nowMillis) {
        for (Hook h : byDestination.values()) {
            if (h.id != id) {
                continue;
            }
            h.failures.addLast(nowMillis);
            while (!h.failures.isEmpty() && nowMillis - h.failures.peekFirst() >= FAILURE_WINDOW_MILLIS) {
                h.failures.pollFirst();
            }
            if (h.failures.size() > DISABLE_AFTER_FAILURES) {
                h.disabled = true;
            }
            return h.disabled;
        }
        return false;
    }

    private ObjectNode render(Hook h) {
        ObjectNode o = Problems.JSON.createObjectNode();
        o.put("id", h.id).put("destination", h.destination).put("created_at", h.createdAt)
                .put("updated_at", h.updatedAt).put("account_id", accountId).put("created_by", h.createdBy)
                .put("sort", h.sort).put("disabled", h.disabled);
        ArrayNode settings = o.putArray("settings");
        h.settings.forEach(settings::add);
        return o;
    }
}
