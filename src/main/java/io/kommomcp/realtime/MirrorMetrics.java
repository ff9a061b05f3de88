package io.kommomcp.realtime;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import javax.sql.DataSource;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The mirror as OpenTelemetry gauges, per tenant and entity: {@code kommo.mirror.records} and
 * {@code kommo.mirror.lag} (seconds since the entity was last known current; -1 before its backfill is done), and
 * {@code kommo.webhooks.waiting} per tenant. Read from the database every 15 s, so every instance reports the same.
 */
@ApplicationScoped
public class MirrorMetrics {

    private static final Logger LOG = Logger.getLogger(MirrorMetrics.class.getName());
    static final AttributeKey<String> TENANT = AttributeKey.stringKey("kommo.tenant");
    static final AttributeKey<String> ENTITY = AttributeKey.stringKey("kommo.mirror.entity");

    private record Row(String tenant, String entity, long records, long lag) {
    }

    private record Waiting(String tenant, long count) {
    }

    @Resource(lookup = "jdbc/kommo-background")
    DataSource ds;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    Meter meter;

    private volatile List<Row> rows = List.of();
    private volatile List<Waiting> waiting = List.of();
    private volatile ScheduledFuture<?> task;

    public void start() {
        if (task != null) {
            return;
        }
        meter.gaugeBuilder("kommo.mirror.records").ofLongs().setUnit("{record}")
                .setDescription("Records in a tenant's mirror, per entity")
                .buildWithCallback(m -> rows.forEach(r -> m.record(r.records(), Attributes.of(TENANT, r.tenant(),
                        ENTITY, r.entity()))));
        meter.gaugeBuilder("kommo.mirror.lag").ofLongs().setUnit("s")
                .setDescription("Seconds since a mirrored entity was last known current (-1: backfill running)")
                .buildWithCallback(m -> rows.forEach(r -> m.record(r.lag(), Attributes.of(TENANT, r.tenant(),
                        ENTITY, r.entity()))));
        meter.gaugeBuilder("kommo.webhooks.waiting").ofLongs().setUnit("{delivery}")
                .setDescription("Webhook deliveries stored and not yet processed, per tenant")
                .buildWithCallback(m -> waiting.forEach(w -> m.record(w.count(), Attributes.of(TENANT, w.tenant()))));
        refresh();
        task = scheduler.scheduleWithFixedDelay(this::refresh, 15, 15, TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        if (task != null) {
            task.cancel(false);
        }
    }

    void refresh() {
        try (Connection c = ds.getConnection()) {
            List<Row> read = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select tenant_id, entity, records, backfilled, synced_at"
                    + " from mirror_sync order by tenant_id, entity"); ResultSet rs = ps.executeQuery()) {
                long now = Instant.now().getEpochSecond();
                while (rs.next()) {
                    long lag = !rs.getBoolean(4) || rs.getTimestamp(5) == null ? -1
                            : now - rs.getTimestamp(5).toInstant().getEpochSecond();
                    read.add(new Row(rs.getString(1), rs.getString(2), rs.getLong(3), lag));
                }
            }
            List<Waiting> w = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select tenant_id, count(*) from webhook_inbox where status"
                    + " in ('NEW', 'PROCESSING') group by tenant_id"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    w.add(new Waiting(rs.getString(1), rs.getLong(2)));
                }
            }
            rows = List.copyOf(read);
            waiting = List.copyOf(w);
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.WARNING, "Could not read the mirror's progress: {0}", e.getMessage());
        }
    }
}
