package io.kommomcp.kommo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.kommomcp.core.Caller;
import io.kommomcp.kommo.wire.WireValues;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import tools.jackson.databind.JsonNode;

/**
 * The account's configuration as one comparable value, read fresh from Kommo as background work (it yields to tool
 * calls): pipelines, stages, custom fields and their groups of leads, contacts and companies, loss reasons, users
 * and their rights. Kommo keeps no history of these (its events have no pipeline, stage or field events; API.md §16),
 * so comparing two readings is the only way to see what changed in between. Each object is kept as the attributes a
 * person would call a change (names, order, colours, options, requirements, rights), keyed by type and id, with the
 * same type names the write layer records ({@link Written}): pipeline, stage, field, field_group, loss_reason, user.
 */
@ApplicationScoped
public class KommoConfiguration {

    /** Entity types whose custom fields are part of the configuration. */
    private static final List<EntityType> FIELD_ENTITIES = List.of(EntityType.LEADS, EntityType.CONTACTS,
            EntityType.COMPANIES);

    @Inject
    KommoGateway gateway;

    /** type → id → attributes, every map sorted, so that two readings compare as values. */
    public Map<String, Map<String, Map<String, Object>>> read(Caller caller) {
        KommoClient client = gateway.backgroundClient(caller);
        Map<String, Map<String, Map<String, Object>>> out = new TreeMap<>();
        for (String type : List.of("pipeline", "stage", "field", "field_group", "loss_reason", "user")) {
            out.put(type, new TreeMap<>());
        }
        client.get("leads/pipelines", Query.of()).ifPresent(doc -> {
            for (JsonNode p : WireValues.embedded(doc, "pipelines", n -> n)) {
                String pid = p.path("id").asString();
                out.get("pipeline").put(pid, attributes(p, "name", "sort", "is_main", "is_unsorted_on",
                        "is_archive"));
                for (JsonNode s : WireValues.embedded(p, "statuses", n -> n)) {
                    Map<String, Object> stage = attributes(s, "name", "sort", "color", "type", "pipeline_id");
                    // won (142) and lost (143) have the same ids in every pipeline: those are known by pipeline too
                    long sid = s.path("id").asLong();
                    out.get("stage").put(sid == 142 || sid == 143 ? pid + ":" + sid : String.valueOf(sid), stage);
                }
            }
        });
        for (EntityType entity : FIELD_ENTITIES) {
            for (JsonNode f : pages(client, entity.path() + "/custom_fields", "custom_fields")) {
                Map<String, Object> field = attributes(f, "name", "type", "code", "sort", "group_id", "is_api_only",
                        "is_predefined");
                field.put("entity_type", entity.path());
                field.put("enums", list(f.get("enums"), "id", "value", "sort"));
                field.put("required_statuses", list(f.get("required_statuses"), "pipeline_id", "status_id"));
                field.put("hidden_statuses", list(f.get("hidden_statuses"), "pipeline_id", "status_id"));
                out.get("field").put(f.path("id").asString(), field);
            }
            client.get(entity.path() + "/custom_fields/groups", Query.of()).ifPresent(doc -> {
                for (JsonNode g : WireValues.embedded(doc, "custom_field_groups", n -> n)) {
                    Map<String, Object> group = attributes(g, "name", "sort");
                    group.put("entity_type", entity.path());
                    out.get("field_group").put(g.path("id").asString(), group);
                }
            });
        }
        client.get("leads/loss_reasons", Query.of()).ifPresent(doc -> {
            for (JsonNode r : WireValues.embedded(doc, "loss_reasons", n -> n)) {
                out.get("loss_reason").put(r.path("id").asString(), attributes(r, "name", "sort"));
            }
        });
        for (JsonNode u : pages(client, "users", "users")) {
            Map<String, Object> user = attributes(u, "name", "email", "lang");
            JsonNode rights = u.path("rights");
            user.put("rights", rights.isMissingNode() || rights.isNull() ? null : io.kommomcp.core.Json.mapper()
                    .convertValue(rights, Object.class));
            out.get("user").put(u.path("id").asString(), user);
        }
        return out;
    }

    private static List<JsonNode> pages(KommoClient client, String path, String key) {
        List<JsonNode> all = new ArrayList<>();
        for (int page = 1; page <= 50; page++) {
            Optional<JsonNode> doc = client.get(path, Query.of().add("page", page).add("limit",
                    KommoCrm.MAX_PAGE_SIZE));
            doc.ifPresent(d -> all.addAll(WireValues.embedded(d, key, n -> n)));
            if (doc.isEmpty() || !WireValues.hasNext(doc.get())) {
                break;
            }
        }
        return all;
    }

    private static Map<String, Object> attributes(JsonNode n, String... names) {
        Map<String, Object> out = new TreeMap<>();
        for (String name : names) {
            JsonNode v = n.get(name);
            out.put(name, v == null || v.isNull() ? null : v.isNumber() ? (Object) v.asLong() : v.isBoolean()
                    ? (Object) v.asBoolean() : v.asString());
        }
        return out;
    }

    private static List<Map<String, Object>> list(JsonNode array, String... names) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (array != null && array.isArray()) {
            array.forEach(item -> out.add(new LinkedHashMap<>(attributes(item, names))));
        }
        return out;
    }
}
