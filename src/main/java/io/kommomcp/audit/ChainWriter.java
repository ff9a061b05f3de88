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

    private static final String COLUMNS = "chain_key, seq, recorded_at, kind, correlation_id, tenant_id, subject,"
            + " roles, client_name, client_version, session_id, tool, arguments, outcome, duration_ms, error_text,"
            + " target_type, target_id, before_state, after_state, kommo_calls, kommo_call_count, kommo_error_count,"
            + " kommo_429_count, prev_hash, hash, trace_id";
    private static final String INSERT = "insert into audit_entry (" + COLUMNS + ")"
            + " values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    /** One row of a VALUES list, typed (a VALUES list, unlike an INSERT's, does not take its columns' types). */
    private static final String ROW = "(?, ?::bigint, ?::timestamptz, ?, ?::uuid, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            + " ?::integer, ?, ?, ?, ?, ?, ?, ?::integer, ?::integer, ?::integer, ?, ?, ?)";

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
        return appendAll(c, drafts, null);
    }

    /**
     * As {@link #appendAll(Connection, List)}, trying first the heads this writer last wrote ({@code known}, which
     * it updates): then a chain's entries and its head move in one statement, which changes nothing when another
     * writer appended in between (the head no longer matches), and only then is the head read and locked. On a
     * connection in auto-commit mode, call it for one chain at a time: each statement then commits on its own.
     */
    static List<AuditEntry> appendAll(Connection c, List<AuditEntry> drafts, Map<String, Head> known)
            throws SQLException {
        AuditEntry[] stored = new AuditEntry[drafts.size()];
        Map<String, List<Integer>> byChain = new TreeMap<>();
        List<AuditEntry> ready = new ArrayList<>(drafts.size());
        for (int i = 0; i < drafts.size(); i++) {
            AuditEntry d = drafts.get(i).storable();
            ready.add(d);
            byChain.computeIfAbsent(d.chainKey(), k -> new ArrayList<>()).add(i);
        }
        for (Map.Entry<String, List<Integer>> chain : byChain.entrySet()) {
            String key = chain.getKey();
            Head cached = known == null ? null : known.get(key);
            List<AuditEntry> entries = cached == null ? null : chained(cached, chain.getValue(), ready);
            if (entries == null || !appendIfHead(c, key, cached, entries)) {
                boolean auto = c.getAutoCommit();
                if (auto) {
                    c.setAutoCommit(false); // the locked path is a transaction of its own
                }
                try {
                    Head head = lockHead(c, key);
                    entries = chained(head, chain.getValue(), ready);
                    insert(c, entries);
                    moveHead(c, key, last(entries));
                    if (auto) {
                        c.commit();
                    }
                } catch (SQLException | RuntimeException e) {
                    if (auto) {
                        c.rollback();
                    }
                    throw e;
                } finally {
                    if (auto) {
                        c.setAutoCommit(true);
                    }
                }
            }
            for (int k = 0; k < entries.size(); k++) {
                stored[chain.getValue().get(k)] = entries.get(k);
            }
            if (known != null) {
                known.put(key, last(entries));
            }
        }
        return Arrays.asList(stored);
    }

    private static AuditEntry appendLocked(Connection c, AuditEntry draft) throws SQLException {
        return appendAll(c, List.of(draft)).get(0);
    }

    /** The chain's last entry (seq 0 and the genesis hash for a new chain). */
    record Head(long seq, String hash, Instant time) {
    }

    private static Head last(List<AuditEntry> entries) {
        AuditEntry e = entries.get(entries.size() - 1);
        return new Head(e.seq(), e.hash(), e.recordedAt());
    }

    /** The entries at {@code indexes} of {@code ready}, chained after {@code head}. */
    private static List<AuditEntry> chained(Head head, List<Integer> indexes, List<AuditEntry> ready) {
        List<AuditEntry> out = new ArrayList<>(indexes.size());
        Head h = head;
        for (int i : indexes) {
            AuditEntry d = ready.get(i);
            Instant at = ChainHash.truncate(d.recordedAt());
            if (at.isBefore(h.time())) {
                at = h.time(); // times never go backwards within a chain
            }
            AuditEntry e = d.chained(h.seq() + 1, at, h.hash());
            out.add(e);
            h = new Head(e.seq(), e.hash(), e.recordedAt());
        }
        return out;
    }

    /**
     * One statement: moves the head from {@code expected} to the last of {@code entries} and inserts them, or, if
     * the head is no longer {@code expected}, does nothing. Returns whether it appended.
     */
    private static boolean appendIfHead(Connection c, String chain, Head expected, List<AuditEntry> entries)
            throws SQLException {
        StringBuilder sql = new StringBuilder("with moved as (update audit_chain_head set seq = ?, hash = ?,"
                + " recorded_at = ?, updated_at = now() where chain_key = ? and seq = ? and hash = ? returning 1)"
                + " insert into audit_entry (" + COLUMNS + ") select v.* from (values ");
        for (int i = 0; i < entries.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(ROW);
        }
        sql.append(") v where exists (select 1 from moved)");
        Head to = last(entries);
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            ps.setLong(1, to.seq());
            ps.setString(2, to.hash());
            ps.setObject(3, OffsetDateTime.ofInstant(to.time(), ZoneOffset.UTC));
            ps.setString(4, chain);
            ps.setLong(5, expected.seq());
            ps.setString(6, expected.hash());
            int at = 7;
            for (AuditEntry e : entries) {
                at = bind(ps, e, at);
            }
            return ps.executeUpdate() == entries.size();
        }
    }

    private static void insert(Connection c, List<AuditEntry> entries) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            for (AuditEntry e : entries) {
                bind(ps, e, 1);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void moveHead(Connection c, String chain, Head to) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update audit_chain_head set seq = ?, hash = ?,"
                + " recorded_at = ?, updated_at = now() where chain_key = ?")) {
            ps.setLong(1, to.seq());
            ps.setString(2, to.hash());
            ps.setObject(3, OffsetDateTime.ofInstant(to.time(), ZoneOffset.UTC));
            ps.setString(4, chain);
            ps.executeUpdate();
        }
    }

    /** Creates the chain's head row if missing, locks it until the transaction ends, and returns it. */
    private static Head lockHead(Connection c, String chain) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into audit_chain_head as h (chain_key, seq, hash,"
                + " recorded_at) values (?, 0, ?, '-infinity') on conflict (chain_key) do update set seq = h.seq"
                + " returning seq, hash, recorded_at")) {
            ps.setString(1, chain);
            ps.setString(2, ChainHash.GENESIS);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long seq = rs.getLong(1);
                return new Head(seq, rs.getString(2),
                        seq == 0 ? Instant.EPOCH : rs.getObject(3, OffsetDateTime.class).toInstant());
            }
        }
    }

    /** Binds {@code e}'s columns from parameter {@code i} on; returns the next parameter's index. */
    private static int bind(PreparedStatement ps, AuditEntry e, int from) throws SQLException {
        int i = from;
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
        ps.setString(i++, e.hash());
        ps.setString(i++, e.traceId());
        return i;
    }
}
