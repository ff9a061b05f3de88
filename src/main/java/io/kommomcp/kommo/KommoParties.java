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

    /**
     * The fields of a contact or company to write; null means "leave as it is". {@code customFields} is Kommo's write
     * shape ({@code field_id} or {@code field_code} with {@code values}).
     */
    public record PartyFields(String name, String firstName, String lastName, Long responsibleUserId,
            List<Map<String, Object>> customFields, List<String> tagsToAdd, List<String> tagsToRemove) {
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

    private <T> List<T> byIds(Caller caller, String path, List<Long> ids,
            java.util.function.Function<JsonNode, T> reader) {
        if (ids.isEmpty()) {
            return List.of();
        }
        List<Long> first = ids.size() > KommoCrm.MAX_PAGE_SIZE ? ids.subList(0, KommoCrm.MAX_PAGE_SIZE) : ids;
        return gateway.client(caller).get(path, Query.of().addAll("filter[id][]", first).add("limit", first.size()))
                .map(d -> WireValues.embedded(d, path, reader)).orElse(List.of());
    }

    /** Creates one contact ({@code contacts}) or company ({@code companies}); returns its id. */
    public long create(Caller caller, String entity, PartyFields f) {
        Map<String, Object> body = body(f);
        if (f.tagsToAdd() != null && !f.tagsToAdd().isEmpty()) {
            body.put("_embedded", Map.of("tags", f.tagsToAdd().stream().map(t -> Map.of("name", t)).toList()));
        }
        JsonNode created = gateway.client(caller).post(entity, List.of(body));
        List<Long> ids = WireValues.embedded(created, entity, n -> WireValues.longOr(n, "id", 0));
        if (ids.isEmpty() || ids.get(0) == 0) {
            throw new KommoApiException(KommoApiException.Kind.UNEXPECTED_RESPONSE, 200, null,
                    "the add response named no " + entity, List.of(), Map.of(), null, null);
        }
        return ids.get(0);
    }

    /** Updates one contact or company with only the given fields. */
    public void update(Caller caller, String entity, long id, PartyFields f) {
        Map<String, Object> body = body(f);
        if (f.tagsToAdd() != null && !f.tagsToAdd().isEmpty()) {
            body.put("tags_to_add", f.tagsToAdd().stream().map(t -> Map.of("name", t)).toList());
        }
        if (f.tagsToRemove() != null && !f.tagsToRemove().isEmpty()) {
            body.put("tags_to_delete", f.tagsToRemove().stream().map(t -> Map.of("name", t)).toList());
        }
        gateway.client(caller).patch(entity + "/" + id, body);
    }

    private static Map<String, Object> body(PartyFields f) {
        Map<String, Object> body = new LinkedHashMap<>();
        putIfSet(body, "name", f.name());
        putIfSet(body, "first_name", f.firstName());
        putIfSet(body, "last_name", f.lastName());
        putIfSet(body, "responsible_user_id", f.responsibleUserId());
        if (f.customFields() != null && !f.customFields().isEmpty()) {
            body.put("custom_fields_values", f.customFields());
        }
        return body;
    }

    /** The links of an entity ({@code leads}, {@code contacts}, {@code companies}), optionally of one kind. */
    public List<Link> links(Caller caller, String entity, long id, String toEntityType) {
        return gateway.client(caller).get(entity + "/" + id + "/links",
                Query.of().add("filter[to_entity_type]", toEntityType))
                .map(d -> WireValues.embedded(d, "links", Link::from)).orElse(List.of());
    }

    /** Links two entities; {@code main} marks a lead's main contact. Returns the links Kommo reports. */
    public List<Link> link(Caller caller, String entity, long id, String toEntityType, long toEntityId,
            Boolean main) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("to_entity_id", toEntityId);
        item.put("to_entity_type", toEntityType);
        if (main != null) {
            item.put("metadata", Map.of("is_main", main));
        }
        JsonNode doc = gateway.client(caller).post(entity + "/" + id + "/link", List.of(item));
        return WireValues.embedded(doc, "links", Link::from);
    }

    /** Removes the link between two entities (Kommo answers 204). */
    public void unlink(Caller caller, String entity, long id, String toEntityType, long toEntityId) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("to_entity_id", toEntityId);
        item.put("to_entity_type", toEntityType);
        gateway.client(caller).post(entity + "/" + id + "/unlink", List.of(item));
    }

    private static void putIfSet(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    /** Keeps the first {@code n}; the rest are reported as left out by the caller. */
    static <T> List<T> first(List<T> items, int n) {
        return items.size() <= n ? items : new ArrayList<>(items.subList(0, n));
    }
}
