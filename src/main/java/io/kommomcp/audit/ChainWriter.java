package io.kommomcp.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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

    /**
     * Appends {@code drafts} within the connection's current transaction, in one round of statements per chain
     * (group commit: the caller commits them together). Chains are locked in the order of their keys, so writers
     * on several servers that each append to several chains never deadlock. Returns the entries as stored, in the
     * order of {@code drafts}; within one chain they are appended in that order.
     */
    public static List<AuditEntry> appendAll(Connection c, List<AuditEntry> drafts) throws SQLException {
        AuditEntry[] stored = new AuditEntry[drafts.size()];
        Map<String, List<Integer>> byChain = new TreeMap<>();
        List<AuditEntry> ready = new ArrayList<>(drafts.size());
        for (int i = 0; i < drafts.size(); i++) {
            AuditEntry d = drafts.get(i).storable();
            ready.add(d);
            byChain.computeIfAbsent(d.chainKey(), k -> new ArrayList<>()).add(i);
        }
        for (Map.Entry<String, List<Integer>> chain : byChain.entrySet()) {
            Head head = lockHead(c, chain.getKey());
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                for (int i : chain.getValue()) {
                    AuditEntry d = ready.get(i);
                    Instant at = ChainHash.truncate(d.recordedAt());
                    if (at.isBefore(head.time())) {
                        at = head.time();
                    }
                    AuditEntry e = d.chained(head.seq() + 1, at, head.hash());
                    bind(ps, e);
                    ps.addBatch();
                    stored[i] = e;
                    head = new Head(e.seq(), e.hash(), e.recordedAt());
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement("update audit_chain_head set seq = ?, hash = ?,"
                    + " recorded_at = ?, updated_at = now() where chain_key = ?")) {
                ps.setLong(1, head.seq());
                ps.setString(2, head.hash());
                ps.setObject(3, OffsetDateTime.ofInstant(head.time(), ZoneOffset.UTC));
                ps.setString(4, chain.getKey());
                ps.executeUpdate();
            }
        }
        return Arrays.asList(stored);
    }

    private static AuditEntry appendLocked(Connection c, AuditEntry draft) throws SQLException {
        return appendAll(c, List.of(draft)).get(0);
    }

    /** The chain's last entry (seq 0 and the genesis hash for a new chain). */
    private record Head(long seq, String hash, Instant time) {
    }

    /** Creates the chain's head row if missing and locks it until the transaction ends. */
    private static Head lockHead(Connection c, String chain) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into audit_chain_head (chain_key, seq, hash,"
                + " recorded_at) values (?, 0, ?, '-infinity') on conflict (chain_key) do nothing")) {
            ps.setString(1, chain);
            ps.setString(2, ChainHash.GENESIS);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "select seq, hash, recorded_at from audit_chain_head where chain_key = ? for update")) {
            ps.setString(1, chain);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long seq = rs.getLong(1);
                return new Head(seq, rs.getString(2),
                        seq == 0 ? Instant.EPOCH : rs.getObject(3, OffsetDateTime.class).toInstant());
            }
        }
    }

    private static void bind(PreparedStatement ps, AuditEntry e) throws SQLException {
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
    }
}
