package io.kommomcp.kommo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.kommomcp.core.Caller;
import io.kommomcp.kommo.KommoCrm.Page;
import io.kommomcp.kommo.wire.Tag;
import io.kommomcp.kommo.wire.User;
import io.kommomcp.kommo.wire.WireValues;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import tools.jackson.databind.JsonNode;

/** The account itself: its settings, its users with their rights, and the tags of each entity type. */
@ApplicationScoped
public class KommoAccount {

    @Inject
    KommoGateway gateway;

    /** The account's settings that matter to an agent (API.md §2.3). */
    public record AccountInfo(long id, String name, String subdomain, String country, String currency,
            String currencySymbol, String customersMode, Boolean unsortedOn, Boolean lossReasonsEnabled,
            Long currentUserId, String timezone, List<TaskTypeInfo> taskTypes) {
    }

    public record TaskTypeInfo(long id, String name, String code) {
    }

    /**
     * A user with rights (API.md §17): per entity type the levels of view, edit, add, delete and export (A all,
     * G group, M own, D denied), admin and active flags, roles and groups.
     */
    public record UserRights(User user, Map<String, Map<String, String>> rights, List<String> roles,
            List<String> groups) {
    }

    public AccountInfo account(Caller caller) {
        JsonNode a = gateway.client(caller).get("account", Query.of().add("with", "task_types,datetime_settings"))
                .orElseThrow(() -> new KommoApiException(KommoApiException.Kind.UNEXPECTED_RESPONSE, 204, null,
                        "Kommo answered no account", List.of(), Map.of(), null, null));
        JsonNode emb = a.path("_embedded");
        return new AccountInfo(WireValues.longOr(a, "id", 0), WireValues.textOrNull(a, "name"),
                WireValues.textOrNull(a, "subdomain"), WireValues.textOrNull(a, "country"),
                WireValues.textOrNull(a, "currency"), WireValues.textOrNull(a, "currency_symbol"),
                WireValues.textOrNull(a, "customers_mode"), WireValues.boolOrNull(a, "is_unsorted_on"),
                WireValues.boolOrNull(a, "is_loss_reason_enabled"), WireValues.longOrNull(a, "current_user_id"),
                WireValues.textOrNull(emb.path("datetime_settings"), "timezone"),
                WireValues.list(emb.get("task_types"), t -> new TaskTypeInfo(WireValues.longOr(t, "id", 0),
                        WireValues.textOrNull(t, "name"), WireValues.textOrNull(t, "code"))));
    }

    /** One page of users with rights, roles and groups. */
    public Page<UserRights> users(Caller caller, int page, int limit) {
        Optional<JsonNode> doc = gateway.client(caller).get("users", Query.of().add("with", "role,group")
                .add("page", page).add("limit", limit));
        List<UserRights> users = doc.map(d -> WireValues.embedded(d, "users", KommoAccount::userRights))
                .orElse(List.of());
        return new Page<>(users, page, limit, doc.map(WireValues::hasNext).orElse(false));
    }

    private static UserRights userRights(JsonNode n) {
        Map<String, Map<String, String>> rights = new LinkedHashMap<>();
        for (String entity : List.of("leads", "contacts", "companies", "tasks")) {
            JsonNode r = n.path("rights").path(entity);
            if (r.isObject()) {
                Map<String, String> levels = new LinkedHashMap<>();
                r.properties().forEach(e -> levels.put(e.getKey(), e.getValue().asString()));
                rights.put(entity, levels);
            }
        }
        JsonNode emb = n.path("_embedded");
        return new UserRights(User.from(n), rights, WireValues.list(emb.get("roles"), r -> WireValues.textOrNull(r,
                "name")), WireValues.list(emb.get("groups"), g -> WireValues.textOrNull(g, "name")));
    }

    /** Tags of an entity type (leads, contacts, companies), optionally matching {@code query}. */
    public Page<Tag> tags(Caller caller, EntityType entity, String query, int page, int limit) {
        Optional<JsonNode> doc = gateway.client(caller).get(entity.path() + "/tags", Query.of()
                .add("query", query == null || query.isBlank() ? null : query.strip()).add("page", page)
                .add("limit", limit));
        return new Page<>(doc.map(d -> WireValues.embedded(d, "tags", Tag::from)).orElse(List.of()), page, limit,
                doc.map(WireValues::hasNext).orElse(false));
    }

}
