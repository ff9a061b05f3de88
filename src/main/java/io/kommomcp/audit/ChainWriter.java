package io.kommomcp.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Appends entries to a tenant's hash chain with plain JDBC. The chain head row is locked for the rest of the
 * caller's transaction (select ... for update), so writers on any number of servers sharing the database append
 * strictly one after another: no two entries get the same sequence number or previous hash. Times never go
 * backwards within a chain (a writer whose clock lags takes the head's time), so monthly retention removes a
 * prefix of every chain.
 *
 * <p>Under JTA the container transaction commits the entry ({@link #appendInTransaction}); on a plain connection
 * {@link #append} runs its own transaction.
 */
public final class ChainWriter {

    private static final String INSERT = "insert into audit_entry (chain_key, seq, recorded_at, kind, correlation_id,"
            + " tenant_id, subject, roles, client_name, client_version, session_id, tool, arguments, outcome,"
            + " duration_ms, error_text, target_type, target_id, before_state, after_state, kommo_calls,"
            + " kommo_call_count, kommo_error_count, kommo_429_count, prev_hash, hash)"
            + " values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

    private ChainWriter() {
    }

    /** Appends {@code draft} within the caller's (container) transaction and returns the entry as stored. */
    public static AuditEntry appendInTransaction(Connection c, AuditEntry draft) throws SQLException {
        return appendLocked(c, draft);
    }

    /**
     * Appends {@code draft} (its seq, prev_hash and hash are ignored) in a transaction of its own on a plain JDBC
     * connection, and returns the entry as stored.
     */
    public static AuditEntry append(Connection c, AuditEntry draft) throws SQLException {
        boolean own = c.getAutoCommit();
        if (own) {
            c.setAutoCommit(false);
        }
        try {
            AuditEntry stored = appendLocked(c, draft);
            if (own) {
                c.commit();
            }
            return stored;
        } catch (SQLException | RuntimeException e) {
            if (own) {
                c.rollback();
            }
            throw e;
        } finally {
            if (own) {
                c.setAutoCommit(true);
            }
        }
    }

    private static AuditEntry appendLocked(Connection c, AuditEntry draft) throws SQLException {
        String chain = draft.chainKey();
        try (PreparedStatement ps = c.prepareStatement("insert into audit_chain_head (chain_key, seq, hash,"
                + " recorded_at) values (?, 0, ?, '-infinity') on conflict (chain_key) do nothing")) {
            ps.setString(1, chain);
            ps.setString(2, ChainHash.GENESIS);
            ps.executeUpdate();
        }
        long seq;
        String prev;
        Instant headTime;
        try (PreparedStatement ps = c.prepareStatement(
                "select seq, hash, recorded_at from audit_chain_head where chain_key = ? for update")) {
            ps.setString(1, chain);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                seq = rs.getLong(1);
                prev = rs.getString(2);
                headTime = seq == 0 ? Instant.EPOCH : rs.getObject(3, OffsetDateTime.class).toInstant();
            }
        }
        Instant at = ChainHash.truncate(draft.recordedAt());
        if (at.isBefore(headTime)) {
            at = headTime;
        }
        AuditEntry e = draft.chained(seq + 1, at, prev);
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            int i = 1;
            ps.setString(i++, e.chainKey());
            ps.setLong(i++, e.seq());
            ps.setObject(i++, OffsetDateTime.ofInstant(e.recordedAt(), ZoneOffset.UTC));
            ps.setString(i++, e.kind().name());
            ps.setObject(i++, e.correlationId());
            ps.setString(i++, e.tenantId());
            ps.setString(i++, e.subject());
            ps.setString(i++, e.roles());
            ps.setString(i++, e.clientName());
            ps.setString(i++, e.clientVersion());
            ps.setString(i++, e.sessionId());
            ps.setString(i++, e.tool());
            ps.setString(i++, e.arguments());
            ps.setString(i++, e.outcome().name());
            if (e.durationMs() == null) {
                ps.setNull(i++, Types.INTEGER);
            } else {
                ps.setInt(i++, e.durationMs());
            }
            ps.setString(i++, e.errorText());
            ps.setString(i++, e.targetType());
            ps.setString(i++, e.targetId());
            ps.setString(i++, e.beforeState());
            ps.setString(i++, e.afterState());
            ps.setString(i++, e.kommoCalls());
            ps.setInt(i++, e.kommoCallCount());
            ps.setInt(i++, e.kommoErrorCount());
            ps.setInt(i++, e.kommo429Count());
            ps.setString(i++, e.prevHash());
            ps.setString(i, e.hash());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("update audit_chain_head set seq = ?, hash = ?,"
                + " recorded_at = ?, updated_at = now() where chain_key = ?")) {
            ps.setLong(1, e.seq());
            ps.setString(2, e.hash());
            ps.setObject(3, OffsetDateTime.ofInstant(e.recordedAt(), ZoneOffset.UTC));
            ps.setString(4, chain);
            ps.executeUpdate();
        }
        return e;
    }
}
