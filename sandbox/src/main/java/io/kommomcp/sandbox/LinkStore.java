package io.kommomcp.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The links between leads, contacts and companies (API.md §14): a lead's contacts with the main flag (kept here), and
 * the company of a lead or a contact (at most one; kept in the record's {@code _embedded.companies}, where Kommo shows
 * it). Product links are {@link CatalogStore}'s. Linking and unlinking record an event on each side.
 */
final class LinkStore {

    private static final List<String> OWNERS_FIRST = List.of("leads", "contacts", "companies");

    private final EntityStore leads;
    private final EntityStore contacts;
    private final EventStore events;
    /** lead id → contact id → is main. */
    private final Map<Long, Map<Long, Boolean>> leadContacts = new LinkedHashMap<>();

    LinkStore(EntityStore leads, EntityStore contacts, EventStore events) {
        this.leads = leads;
        this.contacts = contacts;
        this.events = events;
    }

    /** Links two of leads, contacts, companies ({@code main}: as the lead's main contact), with its events. */
    void link(String entity, long id, String toType, long toId, boolean main) {
        linkEvents("entity_linked", "link", entity, id, toType, toId);
        Pair pair = Pair.of(entity, id, toType, toId);
        switch (pair.owner + ">" + pair.owned) {
            case "leads>contacts" -> linkContact(pair.ownerId, pair.ownedId, main);
            case "leads>companies" -> setCompany(leads.get(pair.ownerId), pair.ownedId); // at most one company
            default -> setCompany(contacts.get(pair.ownerId), pair.ownedId); // contacts>companies: at most one
        }
    }

    void unlink(String entity, long id, String toType, long toId) {
        linkEvents("entity_unlinked", "unlink", entity, id, toType, toId);
        Pair pair = Pair.of(entity, id, toType, toId);
        switch (pair.owner + ">" + pair.owned) {
            case "leads>contacts" -> unlinkContact(pair.ownerId, pair.ownedId);
            case "leads>companies" -> removeCompany(leads.get(pair.ownerId), pair.ownedId);
            default -> removeCompany(contacts.get(pair.ownerId), pair.ownedId);
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

    /** A lead's contacts and whether each is the main one, in the order they were linked. */
    Map<Long, Boolean> contactsOf(long leadId) {
        return new LinkedHashMap<>(leadContacts.getOrDefault(leadId, Map.of()));
    }

    /** The leads a contact is linked to, and whether it is their main contact. */
    Map<Long, Boolean> leadsOfContact(long contactId) {
        Map<Long, Boolean> out = new LinkedHashMap<>();
        leadContacts.forEach((leadId, cs) -> {
            if (cs.containsKey(contactId)) {
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
        for (ObjectNode r : store.all()) {
            if (hasId(r.path("_embedded").path("companies"), companyId)) {
                out.add(r.get("id").asLong());
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

    private static boolean hasId(JsonNode array, long id) {
        for (JsonNode x : array) {
            if (x.path("id").asLong() == id) {
                return true;
            }
        }
        return false;
    }
}
