package io.kommomcp.kommo;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.kommomcp.core.Caller;
import io.kommomcp.kommo.wire.FieldDef;
import io.kommomcp.kommo.wire.Pipeline;
import io.kommomcp.kommo.wire.User;
import io.kommomcp.kommo.wire.WireValues;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import tools.jackson.databind.JsonNode;

/**
 * The account's schema, cached per tenant for {@code kommo.metadata.ttl-seconds}: pipelines and stages, custom field
 * definitions and groups per entity type, users, loss reasons, task types. A typical tool call then needs one Kommo
 * call (its own data) instead of two or three. Our own configuration changes invalidate what they touch; others'
 * changes show up when the entry expires.
 */
@ApplicationScoped
public class KommoMetadata {

    /** Kommo's field group of an entity type. */
    public record FieldGroup(String id, String name, Integer sort) {
    }

    /** A reason a lead was lost, as the account defines them. */
    public record LossReason(long id, String name) {
    }

    private record Entry(Object value, Instant expires) {
    }

    @Inject
    KommoGateway gateway;

    @Inject
    KommoCrm crm;

    @Inject
    @ConfigProperty(name = "kommo.metadata.ttl-seconds", defaultValue = "300")
    long ttlSeconds;

    Clock clock = Clock.systemUTC();

    private final Map<String, Entry> cache = new ConcurrentHashMap<>();

    public List<Pipeline> pipelines(Caller caller) {
        return cached(caller, "pipelines", () -> crm.pipelines(caller));
    }

    /**
     * The pipelines, read again from Kommo once when the cached ones lack a pipeline or stage the caller names (one
     * created since the cache was filled), so that a stale cache never refuses a valid pipeline or stage.
     */
    public List<Pipeline> pipelinesWith(Caller caller, Long pipelineId, Long stageId) {
        List<Pipeline> cached = pipelines(caller);
        boolean missing = (pipelineId != null && cached.stream().noneMatch(p -> p.id() == pipelineId))
                || (stageId != null && KommoCrm.pipelinesWithStage(cached, stageId).isEmpty());
        if (!missing) {
            return cached;
        }
        invalidate(caller, "pipelines");
        return pipelines(caller);
    }

    /** Every custom field of {@code entity} (leads, contacts, companies), in Kommo's order. */
    public List<FieldDef> fields(Caller caller, String entity) {
        return cached(caller, "fields:" + entity, () -> {
            List<FieldDef> all = new ArrayList<>();
            for (int page = 1; page <= 20; page++) { // 20 x 250: far above any account's field count
                Optional<JsonNode> doc = gateway.client(caller).get(entity + "/custom_fields",
                        Query.of().add("page", page).add("limit", KommoCrm.MAX_PAGE_SIZE));
                doc.ifPresent(d -> all.addAll(WireValues.embedded(d, "custom_fields", FieldDef::from)));
                if (doc.isEmpty() || !WireValues.hasNext(doc.get())) {
                    break;
                }
            }
            return List.copyOf(all);
        });
    }

    public List<FieldGroup> fieldGroups(Caller caller, String entity) {
        return cached(caller, "groups:" + entity, () -> gateway.client(caller).get(entity + "/custom_fields/groups",
                Query.of()).map(d -> WireValues.embedded(d, "custom_field_groups", g -> new FieldGroup(
                        WireValues.textOrNull(g, "id"), WireValues.textOrNull(g, "name"),
                        WireValues.longOrNull(g, "sort") == null ? null : WireValues.longOrNull(g, "sort").intValue())))
                .orElse(List.of()));
    }

    /** The account's users (first 250, which covers nearly every account; the rest are not listed). */
    public List<User> users(Caller caller) {
        return cached(caller, "users", () -> gateway.client(caller).get("users", Query.of().add("limit",
                KommoCrm.MAX_PAGE_SIZE)).map(d -> WireValues.embedded(d, "users", User::from)).orElse(List.of()));
    }

    /** The account's loss reasons (Kommo answers them on one page). */
    public List<LossReason> lossReasons(Caller caller) {
        return cached(caller, "loss_reasons", () -> gateway.client(caller).get("leads/loss_reasons", Query.of())
                .map(d -> WireValues.embedded(d, "loss_reasons", r -> new LossReason(WireValues.longOr(r, "id", 0),
                        WireValues.textOrNull(r, "name"))))
                .orElse(List.of()));
    }

    /** The account's task types (1 follow-up and 2 meeting are built in). */
    public List<KommoTasks.TaskType> taskTypes(Caller caller) {
        return cached(caller, "task_types", () -> gateway.client(caller).get("account", Query.of().add("with",
                "task_types")).map(d -> WireValues.list(d.path("_embedded").get("task_types"),
                        t -> new KommoTasks.TaskType(WireValues.longOr(t, "id", 0), WireValues.textOrNull(t, "name"),
                                WireValues.textOrNull(t, "code")))).orElse(List.of()));
    }

    /** Forgets what is cached for the caller's tenant: {@code kind} ("pipelines", "fields:leads", ...) or all. */
    public void invalidate(Caller caller, String kind) {
        String prefix = caller.tenantId() + "|";
        cache.keySet().removeIf(k -> k.startsWith(prefix) && (kind == null || k.equals(prefix + kind)));
    }

    @SuppressWarnings("unchecked")
    private <T> T cached(Caller caller, String kind, Supplier<T> load) {
        String key = caller.tenantId() + "|" + kind;
        Instant now = clock.instant();
        Entry e = cache.get(key);
        if (e != null && e.expires().isAfter(now)) {
            return (T) e.value();
        }
        T value = load.get();
        cache.put(key, new Entry(value, now.plus(Duration.ofSeconds(Math.max(0, ttlSeconds)))));
        return value;
    }
}
