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

    /** A cached value; {@code schemaChange} the shared change time (database clock) known when it was loaded. */
    private record Entry(Object value, Instant expires, Instant schemaChange) {
    }

    @Inject
    KommoGateway gateway;

    @Inject
    KommoCrm crm;

    @Inject
    @ConfigProperty(name = "kommo.metadata.ttl-seconds", defaultValue = "300")
    long ttlSeconds;

    @Inject
    Clock clock;

    private final Map<Key, Entry> cache = new ConcurrentHashMap<>();

    /**
     * How often an instance asks whether another instance changed a tenant's schema since it cached it (one primary
     * key lookup per tenant at most this often); a change made through another instance is seen within this time.
     */
    @Inject
    @ConfigProperty(name = "kommo.metadata.peer-check-ms", defaultValue = "1000")
    long peerCheckMillis;

    @jakarta.annotation.Resource(lookup = "jdbc/kommo-background")
    javax.sql.DataSource ds;

    /** Per tenant: when the shared change time was last read, and what it was. */
    private record PeerCheck(long checkedNanos, Instant changedAt) {
    }

    private final Map<String, PeerCheck> peers = new ConcurrentHashMap<>();

    public List<Pipeline> pipelines(Caller caller) {
        return cached(caller, MetadataKey.PIPELINES, () -> crm.pipelines(caller));
    }

    /** The pipelines as Kommo has them now (what a plan or an explicit listing must see), cached again. */
    public List<Pipeline> freshPipelines(Caller caller) {
        invalidate(caller, MetadataKey.PIPELINES);
        return pipelines(caller);
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
        return freshPipelines(caller);
    }

    /** Every custom field of {@code entity}, in Kommo's order. */
    public List<FieldDef> fields(Caller caller, EntityType type) {
        String entity = type.path();
        return cached(caller, MetadataKey.fields(type), () -> {
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

    /** The fields as Kommo has them now, cached again. */
    public List<FieldDef> freshFields(Caller caller, EntityType type) {
        invalidate(caller, MetadataKey.fields(type));
        return fields(caller, type);
    }

    public List<FieldGroup> fieldGroups(Caller caller, EntityType type) {
        return cached(caller, MetadataKey.fieldGroups(type), () -> gateway.client(caller).get(type.path()
                + "/custom_fields/groups",
                Query.of()).map(d -> WireValues.embedded(d, "custom_field_groups", g -> new FieldGroup(
                        WireValues.textOrNull(g, "id"), WireValues.textOrNull(g, "name"),
                        WireValues.longOrNull(g, "sort") == null ? null : WireValues.longOrNull(g, "sort").intValue())))
                .orElse(List.of()));
    }

    /** The account's users (first 250, which covers nearly every account; the rest are not listed). */
    public List<User> users(Caller caller) {
        return cached(caller, MetadataKey.USERS, () -> gateway.client(caller).get("users", Query.of().add("limit",
                KommoCrm.MAX_PAGE_SIZE)).map(d -> WireValues.embedded(d, "users", User::from)).orElse(List.of()));
    }

    /** The account's loss reasons (Kommo answers them on one page). */
    public List<LossReason> lossReasons(Caller caller) {
        return cached(caller, MetadataKey.LOSS_REASONS, () -> gateway.client(caller).get("leads/loss_reasons", Query.of())
                .map(d -> WireValues.embedded(d, "loss_reasons", r -> new LossReason(WireValues.longOr(r, "id", 0),
                        WireValues.textOrNull(r, "name"))))
                .orElse(List.of()));
    }

    /** The account's task types (1 follow-up and 2 meeting are built in). */
    public List<KommoTasks.TaskType> taskTypes(Caller caller) {
        return cached(caller, MetadataKey.TASK_TYPES, () -> gateway.client(caller).get("account", Query.of().add("with",
                "task_types")).map(d -> WireValues.list(d.path("_embedded").get("task_types"),
                        t -> new KommoTasks.TaskType(WireValues.longOr(t, "id", 0), WireValues.textOrNull(t, "name"),
                                WireValues.textOrNull(t, "code")))).orElse(List.of()));
    }

    /** The groups as Kommo has them now, cached again. */
    public List<FieldGroup> freshFieldGroups(Caller caller, EntityType type) {
        invalidate(caller, MetadataKey.fieldGroups(type));
        return fieldGroups(caller, type);
    }

    /** The loss reasons as Kommo has them now, cached again. */
    public List<LossReason> freshLossReasons(Caller caller) {
        invalidate(caller, MetadataKey.LOSS_REASONS);
        return lossReasons(caller);
    }

    /**
     * Forgets every cached schema of a tenant: its configuration changed in Kommo (seen by a snapshot or a webhook),
     * so the next call reads it again instead of waiting for the cache to expire.
     */
    public void invalidateAll(String tenant) {
        cache.keySet().removeIf(k -> k.tenant().equals(tenant));
        announce(tenant);
    }

    /** Forgets one kind of cached schema of the caller's tenant. */
    public void invalidate(Caller caller, MetadataKey key) {
        cache.remove(new Key(caller.tenantId(), key));
        announce(caller.tenantId());
    }

    /** Tells the other instances that the tenant's schema changed (they drop their copies at their next check). */
    private void announce(String tenant) {
        if (ds == null || tenant == null) {
            return;
        }
        try (java.sql.Connection c = ds.getConnection(); java.sql.PreparedStatement ps = c.prepareStatement(
                "insert into metadata_change (tenant_id, changed_at) values (?, now()) on conflict (tenant_id) do"
                        + " update set changed_at = now()")) {
            ps.setString(1, tenant);
            ps.executeUpdate();
            peers.remove(tenant); // the next load here reads the new time, and is not reloaded for its own change
        } catch (java.sql.SQLException | RuntimeException e) {
            java.util.logging.Logger.getLogger(KommoMetadata.class.getName()).warning(() -> "Other instances were"
                    + " not told of a schema change of tenant " + tenant + " (they see it when their copy expires): "
                    + e.getMessage());
        }
    }

    /** When another instance last changed the tenant's schema, read at most every peer-check-ms. */
    private Instant changedElsewhere(String tenant) {
        if (ds == null) {
            return null;
        }
        long now = System.nanoTime();
        PeerCheck known = peers.get(tenant);
        if (known != null && now - known.checkedNanos() < peerCheckMillis * 1_000_000L) {
            return known.changedAt();
        }
        Instant changed = null;
        try (java.sql.Connection c = ds.getConnection(); java.sql.PreparedStatement ps = c.prepareStatement(
                "select changed_at from metadata_change where tenant_id = ?")) {
            ps.setString(1, tenant);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    changed = rs.getTimestamp(1).toInstant();
                }
            }
        } catch (java.sql.SQLException | RuntimeException e) {
            return known == null ? null : known.changedAt(); // keep serving from the cache meanwhile
        }
        if (peers.size() > 10_000) {
            peers.clear();
        }
        peers.put(tenant, new PeerCheck(now, changed));
        return changed;
    }

    /** A tenant's cached schema of one kind. */
    private record Key(String tenant, MetadataKey kind) {
    }

    @SuppressWarnings("unchecked")
    private <T> T cached(Caller caller, MetadataKey kind, Supplier<T> load) {
        Key key = new Key(caller.tenantId(), kind);
        Instant now = clock.instant();
        Entry e = cache.get(key);
        if (e != null && e.expires().isAfter(now)) {
            // times compared are all the database's, so the instances' clocks may differ
            Instant elsewhere = changedElsewhere(caller.tenantId());
            if (elsewhere == null || e.schemaChange() != null && !elsewhere.isAfter(e.schemaChange())) {
                return (T) e.value();
            }
        }
        Instant known = changedElsewhere(caller.tenantId());
        T value = load.get();
        cache.put(key, new Entry(value, now.plus(Duration.ofSeconds(Math.max(0, ttlSeconds))), known));
        return value;
    }
}
