package io.kommomcp.kommo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import javax.sql.DataSource;

import io.kommomcp.core.Json;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Every object this server wrote in Kommo, as the write layer saw it (table {@code kommo_write}): what tells a change
 * seen in Kommo afterwards (by webhook, sweep or configuration snapshot) that was made through kommo-mcp from one
 * made elsewhere. Written by {@link KommoWriter} as each answer arrives; a failure to write it is logged and never
 * fails the change (the worst outcome is a change of ours also reported as made outside).
 */
@ApplicationScoped
public class WriteLog {

    private static final Logger LOG = Logger.getLogger(WriteLog.class.getName());

    @Resource(lookup = "jdbc/kommo-background")
    DataSource ds;

    public void record(String tenant, List<Written> written) {
        if (tenant == null || written.isEmpty()) {
            return;
        }
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("insert into kommo_write"
                + " (tenant_id, target_type, target_id, after_state) values (?, ?, ?, ?)")) {
            for (Written w : written) {
                ps.setString(1, tenant);
                ps.setString(2, w.targetType());
                ps.setString(3, w.id().length() > 100 ? w.id().substring(0, 100) : w.id());
                ps.setString(4, w.after() == null ? null : Json.mapper().writeValueAsString(w.after()));
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.WARNING, "The write log of tenant " + tenant + " could not be written: " + e.getMessage(), e);
        }
    }

    /** Whether this server wrote {@code type} {@code id} of {@code tenant} between {@code from} and {@code to}. */
    public boolean wrote(String tenant, String type, String id, Instant from, Instant to) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("select 1 from kommo_write"
                + " where tenant_id = ? and target_type = ? and target_id = ? and written_at between ? and ? limit 1")) {
            ps.setString(1, tenant);
            ps.setString(2, type);
            ps.setString(3, id);
            ps.setTimestamp(4, Timestamp.from(from));
            ps.setTimestamp(5, Timestamp.from(to));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the write log could not be read: " + e.getMessage(), e);
        }
    }

    /** Forgets writes older than {@code before} (kept only as long as a change can still be seen arriving). */
    public int purge(Instant before) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("delete from kommo_write"
                + " where written_at < ?")) {
            ps.setTimestamp(1, Timestamp.from(before));
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the write log could not be purged: " + e.getMessage(), e);
        }
    }
}
