package io.kommomcp.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The links between leads, contacts and companies (API.md §14): a lead's contacts with the main flag (kept here), and
 * the company of a lead or a contact (at most one; kept in the record's {@code _embedded.companies}, where Kommo shows
 * it). Product links are {@link CatalogStore}'s. Linking and unlinking record an event on each side and move both
 * records' {@code updated_at} (each shows the other: {@code with=contacts}, {@code with=leads}, its company); they
 * send no webhook (Kommo documents none for links).
 */
final class LinkStore {

    private static final List<String> OWNERS_FIRST = List.of("leads", "contacts", "companies");

    private final EntityStore leads;
    private final EntityStore contacts;
    private final EntityStore companies;
    private final EventStore events;
    /** lead id → contact id → is main. */
    private final Map<Long, Map<Long, Boolean>> leadContacts = new LinkedHashMap<>();

    LinkStore(EntityStore leads, EntityStore contacts, EntityStore companies, EventStore events) {
        this.leads = leads;
        this.contacts = contacts;
        this.companies = companies;
        this.events = events;
    }

    /** Links two of leads, contacts, companies ({@code main}: as the lead's main contact), with its events. */
    void link(String entity, long id, String toType, long toId, boolean main) {
        linkEvents("entity_linked", "link", entity, id, toType, toId);
        Pair pair = Pair.of(entity, id, toType, toId);
        switch (pair.owner + ">" + pair.owned) {
            case "leads>contacts" -> linkContact(pair.ownerId, pair.ownedId, main);
            case "leads>companies" -> change(leads, pair.ownerId, r -> setCompany(r, pair.ownedId)); // at most one
            default -> change(contacts, pair.ownerId, r -> setCompany(r, pair.ownedId)); // contacts>companies too
        }
        touch(entity, id);
        touch(toType, toId);
    }

    void unlink(String entity, long id, String toType, long toId) {
        linkEvents("entity_unlinked", "unlink", entity, id, toType, toId);
        Pair pair = Pair.of(entity, id, toType, toId);
        switch (pair.owner + ">" + pair.owned) {
            case "leads>contacts" -> unlinkContact(pair.ownerId, pair.ownedId);
            case "leads>companies" -> change(leads, pair.ownerId, r -> removeCompany(r, pair.ownedId));
            default -> change(contacts, pair.ownerId, r -> removeCompany(r, pair.ownedId));
        }
        touch(entity, id);
        touch(toType, toId);
    }

    private static void change(EntityStore store, long id, java.util.function.Consumer<ObjectNode> how) {
        ObjectNode r = store.get(id);
        if (r != null) {
            how.accept(r);
            store.put(r);
        }
    }

    /** Moves a linked record's {@code updated_at} (products, {@code catalog_elements}, are not records here). */
    void touch(String entity, long id) {
        EntityStore store = switch (entity) {
            case "leads" -> leads;
            case "contacts" -> contacts;
            case "companies" -> companies;
            default -> null;
        };
        if (store != null) {
            change(store, id, r -> r.put("updated_at", SandboxAccount.now()));
        }
    }

    /** An event on each side of a link (API.md §16: {@code [{"link": {"entity": {"type", "id"}}}]}). */
    void linkEvents(String type, String key, String entity, long id, String toType, long toId) {
        for (int side = 0; side < 2; side++) {
            String self = side == 0 ? entity : toType;
            String other = side == 0 ? toType : entity;
            ArrayNode v = Problems.JSON.createArrayNode();
            v.addObject().putObject(key).putObject("entity").put("type", SandboxAccount.singular(other))
                    .put("id", side == 0 ? toId : id);
            events.add(type, SandboxAccount.singular(self), side == 0 ? id : toId, null, v);
        }
    }

    /** A linked pair with its owner first: leads own contacts and companies, contacts own their company. */
    private record Pair(String owner, long ownerId, String owned, long ownedId) {

        static Pair of(String entity, long id, String toType, long toId) {
            return OWNERS_FIRST.indexOf(entity) < OWNERS_FIRST.indexOf(toType) ? new Pair(entity, id, toType, toId)
                    : new Pair(toType, toId, entity, id);
        }
    }

    /** A lead's contacts (not those in the trash) and whether each is the main one, in the order they were linked. */
    Map<Long, Boolean> contactsOf(long leadId) {
        Map<Long, Boolean> out = new LinkedHashMap<>(leadContacts.getOrDefault(leadId, Map.of()));
        out.keySet().removeIf(id -> !contacts.has(id));
        return out;
    }

    /** The leads a contact is linked to (not those in the trash), and whether it is their main contact. */
    Map<Long, Boolean> leadsOfContact(long contactId) {
        Map<Long, Boolean> out = new LinkedHashMap<>();
        leadContacts.forEach((leadId, cs) -> {
            if (cs.containsKey(contactId) && leads.has(leadId)) {
                out.put(leadId, cs.get(contactId));
            }
        });
        return out;
    }

    /** Records a contact of a new lead as given ({@code _embedded.contacts} on add). */
    void attachContact(long leadId, long contactId, boolean main) {
        leadContacts.computeIfAbsent(leadId, k -> new LinkedHashMap<>()).put(contactId, main);
    }

    /** Links a contact to a lead: one main contact per lead; the first contact is main. */
    void linkContact(long leadId, long contactId, boolean main) {
        Map<Long, Boolean> cs = leadContacts.computeIfAbsent(leadId, k -> new LinkedHashMap<>());
        if (main) {
            cs.replaceAll((k, v) -> false);
        }
        cs.put(contactId, main || cs.isEmpty());
    }

    void unlinkContact(long leadId, long contactId) {
        leadContacts.getOrDefault(leadId, new LinkedHashMap<>()).remove(contactId);
    }

    /** Forgets a deleted lead's contacts. */
    void forgetLead(long leadId) {
        leadContacts.remove(leadId);
    }

    /** Forgets a deleted contact's leads. */
    void forgetContact(long contactId) {
        leadContacts.values().forEach(cs -> cs.remove(contactId));
    }

    /** The leads whose company is {@code companyId}. */
    List<Long> leadsOfCompany(long companyId) {
        return owners(leads, companyId);
    }

    /** The contacts whose company is {@code companyId}. */
    List<Long> contactsOfCompany(long companyId) {
        return owners(contacts, companyId);
    }

    private static List<Long> owners(EntityStore store, long companyId) {
        List<Long> out = new ArrayList<>();
        for (EntityStore.Row r : store.rows()) {
            if (r.companyId() == companyId) {
                out.add(r.id());
            }
        }
        return out;
    }

    /** The company ids in a lead's or contact's {@code _embedded.companies}. */
    static List<Long> companiesOf(ObjectNode owner) {
        List<Long> out = new ArrayList<>();
        owner.path("_embedded").path("companies").forEach(c -> out.add(c.get("id").asLong()));
        return out;
    }

    /** Makes {@code companyId} the (only) company of a lead or contact. */
    static void setCompany(ObjectNode owner, long companyId) {
        ArrayNode cs = (ArrayNode) owner.get("_embedded").get("companies");
        cs.removeAll();
        cs.addObject().put("id", companyId);
    }

    /** Adds a company to a new record's {@code _embedded.companies} as given. */
    static void addCompany(ObjectNode owner, long companyId) {
        ((ArrayNode) owner.get("_embedded").get("companies")).addObject().put("id", companyId);
    }

    static void removeCompany(ObjectNode owner, long companyId) {
        ArrayNode cs = (ArrayNode) owner.get("_embedded").get("companies");
        for (int i = cs.size() - 1; i >= 0; i--) {
            if (cs.get(i).path("id").asLong() == companyId) {
                cs.remove(i);
            }
        }
    }
}
