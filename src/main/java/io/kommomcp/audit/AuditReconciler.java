package io.kommomcp.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.logging.Logger;

import javax.sql.DataSource;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Finds intents that never got an outcome (the server stopped between the two) and closes each with an outcome
 * entry {@code UNKNOWN} that says so, so the trail shows the gap instead of hiding it. Runs at start-up for intents
 * older than any call still in flight on another instance, and on demand.
 */
@ApplicationScoped
public class AuditReconciler {

    private static final Logger LOG = Logger.getLogger(AuditReconciler.class.getName());

    /** One intent without an outcome. */
    public record Unresolved(String tenantId, long seq, Instant recordedAt, String tool, String subject,
            String correlationId, String arguments) {
    }

    @Resource(lookup = "jdbc/kommo")
    DataSource ds;

    @Inject
    AuditLog audit;

    /** Intents older than {@code minAgeSeconds} without an outcome; {@code tenantId} null for all tenants. */
    public List<Unresolved> unresolved(String tenantId, long minAgeSeconds) {
        List<Unresolved> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select i.tenant_id, i.seq, i.recorded_at, i.tool, i.subject, i.correlation_id, i.arguments"
                        + " from audit_entry i where i.kind = 'INTENT'"
                        + " and i.recorded_at < now() - make_interval(secs => ?)"
                        + " and (cast(? as varchar) is null or i.tenant_id = ?)"
                        + " and not exists (select 1 from audit_entry o where o.kind = 'OUTCOME'"
                        + " and o.correlation_id = i.correlation_id) order by i.recorded_at limit 1000")) {
            ps.setLong(1, minAgeSeconds);
            ps.setString(2, tenantId);
            ps.setString(3, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Unresolved(rs.getString(1), rs.getLong(2),
                            rs.getObject(3, java.time.OffsetDateTime.class).toInstant(), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read unresolved intents: " + e.getMessage(), e);
        }
        return out;
    }

    /** Closes every unresolved intent with an UNKNOWN outcome entry; returns what it closed. */
    public List<Unresolved> reconcile(String tenantId, long minAgeSeconds) {
        List<Unresolved> open = unresolved(tenantId, minAgeSeconds);
        for (Unresolved u : open) {
            String message = "Outcome unknown: no outcome was recorded for this " + u.tool() + " call (intent #"
                    + u.seq() + " at " + u.recordedAt() + "); the server most likely stopped while the call was"
                    + " running. Kommo may or may not have applied it: check there before repeating it.";
            // subject and arguments are copied as stored (already pseudonymised or redacted), not transformed again
            audit.append(new AuditEntry(u.tenantId() == null ? AuditLog.NO_TENANT_CHAIN : u.tenantId(), 0,
                    Instant.now(), EntryKind.OUTCOME, UUID.fromString(u.correlationId()), u.tenantId(), u.subject(),
                    "", "kommo-mcp reconciliation", null, null, u.tool(), u.arguments(), Outcome.UNKNOWN, null,
                    message, null, null, null, null, "[]", 0, 0, 0, null, null));
            LOG.warning(() -> "Audit reconciliation: tenant " + u.tenantId() + ", intent #" + u.seq() + " ("
                    + u.tool() + ") had no outcome; recorded as UNKNOWN");
        }
        return open;
    }
}
