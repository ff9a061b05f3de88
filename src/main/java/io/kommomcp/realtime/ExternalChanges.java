package io.kommomcp.realtime;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import io.kommomcp.audit.AuditLog;
import io.kommomcp.audit.ChainHash;
import io.kommomcp.audit.Outcome;
import io.kommomcp.audit.ToolCallAudit;
import io.kommomcp.core.ChangeLog;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Changes made in Kommo outside kommo-mcp, written to the tenant's audit chain as EXTERNAL entries, each exactly once
 * (table {@code external_change}: a webhook delivered again, a sweep that sees the same change, or two instances at
 * once record it one time). The entry says what changed (its tool is {@code kommo.<type>.<change>}, e.g.
 * {@code kommo.pipeline.changed}, {@code kommo.lead.status}), who in Kommo made it when Kommo names them (the
 * subject {@code kommo-user:<id>}), when (the interval in which it happened, exact for a webhook), how it was seen,
 * and the object before and after.
 */
@ApplicationScoped
public class ExternalChanges {

    @Resource(lookup = "jdbc/kommo-background")
    DataSource ds;

    @Inject
    AuditLog audit;

    /** How a change made outside was seen. */
    public enum Seen {
        WEBHOOK, SWEEP, SNAPSHOT
    }

    /**
     * One change made outside kommo-mcp.
     *
     * @param key        what makes it this change and no other (the same change seen twice has the same key)
     * @param targetType the object's type, as the write layer names types (lead, pipeline, field, ...)
     * @param targetId   its id
     * @param change     added, changed, removed, or Kommo's own word for it (status, responsible, note, ...)
     * @param before     the object before (null: new)
     * @param after      after (null: removed)
     * @param from       the earliest it can have happened
     * @param to         the latest
     * @param kommoUser  the Kommo user who made it, when Kommo says
     */
    public record Change(String key, String targetType, String targetId, String change, Map<String, Object> before,
            Map<String, Object> after, Instant from, Instant to, Seen seen, Long kommoUser) {
    }

    /** Records the change unless it was recorded before; true if it was recorded now. */
    public boolean record(String tenant, Change c) {
        String key = c.key().length() <= 300 ? c.key() : c.key().substring(0, 236) + "#" + ChainHash.sha256(c.key());
        if (!claim(tenant, key)) {
            return false;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("seen_by", c.seen().name().toLowerCase(java.util.Locale.ROOT));
        details.put("changed_from", c.from() == null ? null : c.from().toString());
        details.put("changed_to", c.to() == null ? null : c.to().toString());
        details.put("kommo_user_id", c.kommoUser());
        details.values().removeIf(java.util.Objects::isNull);
        ToolCallAudit entry = new ToolCallAudit(Instant.now(), tenant, c.kommoUser() == null ? "kommo-user:unknown"
                : "kommo-user:" + c.kommoUser(), Set.of(), "kommo", null, null, "kommo." + c.targetType() + "."
                        + c.change(), details, Outcome.SUCCEEDED, null, null, List.of(), List.of(
                                new ChangeLog.Change(c.targetType(), c.targetId(), c.before(), c.after())));
        try {
            audit.external(entry);
        } catch (RuntimeException e) {
            release(tenant, key); // not recorded: the next sighting records it
            throw e;
        }
        return true;
    }

    private boolean claim(String tenant, String key) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("insert into external_change"
                + " (tenant_id, change_key) values (?, ?) on conflict do nothing")) {
            ps.setString(1, tenant);
            ps.setString(2, key);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("the external change could not be noted: " + e.getMessage(), e);
        }
    }

    private void release(String tenant, String key) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("delete from external_change"
                + " where tenant_id = ? and change_key = ?")) {
            ps.setString(1, tenant);
            ps.setString(2, key);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the external change could not be released: " + e.getMessage(), e);
        }
    }
}
