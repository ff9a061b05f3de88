package io.kommomcp.kommo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.kommomcp.core.Caller;
import io.kommomcp.kommo.KommoCrm.Page;
import io.kommomcp.kommo.wire.Company;
import io.kommomcp.kommo.wire.Contact;
import io.kommomcp.kommo.wire.Lead;
import io.kommomcp.kommo.wire.Link;
import io.kommomcp.kommo.wire.WireValues;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import tools.jackson.databind.JsonNode;

/**
 * Contacts, companies and the links between entities (API.md §8, §14), mapped to Kommo's requests. Writes send only
 * what changes; there is no delete, because Kommo has none for these entities.
 */
@ApplicationScoped
public class KommoParties {

    @Inject
    KommoGateway gateway;

    /** Criteria for listing contacts or companies; null fields are not filtered on. */
    public record Criteria(String query, Long responsibleUserId, int page, int limit) {
    }

    public Page<Contact> searchContacts(Caller caller, Criteria c) {
        Optional<JsonNode> doc = gateway.client(caller).get("contacts", query(c));
        return new Page<>(doc.map(d -> WireValues.embedded(d, "contacts", Contact::from)).orElse(List.of()),
                c.page(), c.limit(), doc.map(WireValues::hasNext).orElse(false));
    }

    public Page<Company> searchCompanies(Caller caller, Criteria c) {
        Optional<JsonNode> doc = gateway.client(caller).get("companies", query(c));
        return new Page<>(doc.map(d -> WireValues.embedded(d, "companies", Company::from)).orElse(List.of()),
                c.page(), c.limit(), doc.map(WireValues::hasNext).orElse(false));
    }

    private static Query query(Criteria c) {
        return Query.of().add("query", c.query() == null || c.query().isBlank() ? null : c.query().strip())
                .add("filter[responsible_user_id]", c.responsibleUserId()).add("page", c.page())
                .add("limit", c.limit());
    }

    /** The contact with its leads; empty when Kommo has none with this id (204). */
    public Optional<Contact> contact(Caller caller, long id) {
        return gateway.client(caller).get("contacts/" + id, Query.of().add("with", "leads"))
                .filter(JsonNode::isObject).map(Contact::from);
    }

    /** The company with its contacts and leads; empty when Kommo has none with this id (204). */
    public Optional<Company> company(Caller caller, long id) {
        return gateway.client(caller).get("companies/" + id, Query.of().add("with", "contacts,leads"))
                .filter(JsonNode::isObject).map(Company::from);
    }

    /** Companies by id (one request for up to 250). */
    public List<Company> companies(Caller caller, List<Long> ids) {
        return byIds(caller, "companies", ids, Company::from);
    }

    /** Contacts by id (one request for up to 250). */
    public List<Contact> contacts(Caller caller, List<Long> ids) {
        return byIds(caller, "contacts", ids, Contact::from);
    }

    /** Leads by id (one request for up to 250). */
    public List<Lead> leads(Caller caller, List<Long> ids) {
        return byIds(caller, "leads", ids, Lead::from);
    }

    /** Leads by id with their source ({@code with=source_id}; one request for up to 250). */
    public List<Lead> leadsWithSource(Caller caller, List<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        List<Long> first = ids.size() > KommoCrm.MAX_PAGE_SIZE ? ids.subList(0, KommoCrm.MAX_PAGE_SIZE) : ids;
        return gateway.client(caller).get("leads", Query.of().addAll("filter[id][]", first).add("limit", first.size())
                .add("with", "source_id")).map(d -> WireValues.embedded(d, "leads", Lead::from)).orElse(List.of());
    }

    private <T> List<T> byIds(Caller caller, String path, List<Long> ids,
            java.util.function.Function<JsonNode, T> reader) {
        if (ids.isEmpty()) {
            return List.of();
        }
        List<Long> first = ids.size() > KommoCrm.MAX_PAGE_SIZE ? ids.subList(0, KommoCrm.MAX_PAGE_SIZE) : ids;
        return gateway.client(caller).get(path, Query.of().addAll("filter[id][]", first).add("limit", first.size()))
                .map(d -> WireValues.embedded(d, path, reader)).orElse(List.of());
    }

    /** The links of a lead, contact or company to records, optionally to one type of them (not to products). */
    public List<Link> links(Caller caller, EntityType entity, long id, EntityType to) {
        return links(caller, entity, id, to == null ? null : to.path()).stream()
                .filter(l -> !CATALOG_ELEMENTS.equals(l.toEntityType())).toList();
    }

    /** The products (catalog elements) on a lead, with their quantities. */
    public List<Link> products(Caller caller, long leadId) {
        return links(caller, EntityType.LEADS, leadId, CATALOG_ELEMENTS);
    }

    private static final String CATALOG_ELEMENTS = "catalog_elements";

    private List<Link> links(Caller caller, EntityType entity, long id, String toEntityType) {
        return gateway.client(caller).get(entity.path() + "/" + id + "/links",
                Query.of().add("filter[to_entity_type]", toEntityType))
                .map(d -> WireValues.embedded(d, "links", Link::from)).orElse(List.of());
    }

    /** Keeps the first {@code n}; the rest are reported as left out by the caller. */
    static <T> List<T> first(List<T> items, int n) {
        return items.size() <= n ? items : new ArrayList<>(items.subList(0, n));
    }
}
