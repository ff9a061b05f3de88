package io.kommomcp.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Publishes the head of every audit chain as OpenTelemetry gauges, so that a copy kept outside this system (a
 * metrics backend) can later prove that history was not rewritten:
 * <ul>
 * <li>{@code kommo.audit.chain.head.seq}: the sequence number of the newest entry;</li>
 * <li>{@code kommo.audit.chain.head.fingerprint}: the first 48 bits of that entry's hash, as an integer (48 bits,
 * so that backends that store samples as doubles keep it exactly).</li>
 * </ul>
 * Both carry the attribute {@code kommo.audit.chain} (the tenant id, or {@code _platform}). The heads are read from the
 * database on a schedule, so appends made by other server instances show up too.
 */
@ApplicationScoped
public class ChainHeadMetrics {

    private static final Logger LOG = Logger.getLogger(ChainHeadMetrics.class.getName());
    static final AttributeKey<String> CHAIN = AttributeKey.stringKey("kommo.audit.chain");

    /** The head of one chain as last read. */
    public record Head(String chain, long seq, String hash) {
        /** The first 12 hex digits (48 bits) of the hash as a number. */
        public long fingerprint() {
            return Long.parseLong(hash.substring(0, 12), 16);
        }
    }

    @Resource(lookup = "jdbc/kommo")
    DataSource ds;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    Meter meter;

    @Inject
    @ConfigProperty(name = "kommo.audit.head-refresh-seconds", defaultValue = "15")
    long refreshSeconds;

    private volatile List<Head> heads = List.of();
    private volatile java.util.concurrent.ScheduledFuture<?> task;

    /** Registers the gauges and starts reading the heads; called once the schema exists. */
    public void start() {
        if (task != null) {
            return;
        }
        refresh();
        meter.gaugeBuilder("kommo.audit.chain.head.seq").ofLongs().setUnit("{entry}")
                .setDescription("Sequence number of the newest entry of each audit chain")
                .buildWithCallback(m -> heads.forEach(h -> m.record(h.seq(), Attributes.of(CHAIN, h.chain()))));
        meter.gaugeBuilder("kommo.audit.chain.head.fingerprint").ofLongs().setUnit("1")
                .setDescription("First 48 bits of the hash of the newest entry of each audit chain")
                .buildWithCallback(m -> heads.forEach(h -> m.record(h.fingerprint(),
                        Attributes.of(CHAIN, h.chain()))));
        long every = Math.max(1, refreshSeconds);
        task = scheduler.scheduleWithFixedDelay(this::refresh, every, every, TimeUnit.SECONDS);
    }

    /** The heads as last read. */
    public List<Head> heads() {
        return heads;
    }

    void refresh() {
        List<Head> read = new ArrayList<>();
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "select chain_key, seq, hash from audit_chain_head order by chain_key");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                read.add(new Head(rs.getString(1), rs.getLong(2), rs.getString(3)));
            }
            heads = List.copyOf(read);
        } catch (SQLException | RuntimeException e) {
            // keep the last heads; the next refresh tries again
            LOG.log(Level.WARNING, "Could not read the audit chain heads: {0}", e.getMessage());
        }
    }

    @PreDestroy
    void stop() {
        if (task != null) {
            task.cancel(false);
        }
    }
}
