package io.kommomcp.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * Verifies a chain entry by entry, streaming (constant memory), from its start, from the latest retention
 * checkpoint, or from an entry whose hash the auditor holds from an outside copy. Reports the first entry that does
 * not verify, and why.
 */
public final class ChainVerifier {

    /** The verdict. {@code firstBadSeq} is null when everything verified. */
    public record Result(String chainKey, boolean valid, long entriesChecked, long fromSeq, Long lastSeq,
            String lastHash, Long headSeq, String headHash, Long firstBadSeq, String problem) {
    }

    private ChainVerifier() {
    }

    /**
     * @param fromSeq   null to start at the beginning (or the latest retention checkpoint); otherwise the entry
     *                  to start at, whose hash must equal {@code fromHash} when that is given
     */
    public static Result verify(Connection c, String chainKey, Long fromSeq, String fromHash) throws SQLException {
        long expectedSeq = 1;
        String expectedPrev = ChainHash.GENESIS;
        boolean anchored = false;
        if (fromSeq == null) {
            try (PreparedStatement ps = c.prepareStatement("select seq, hash from audit_chain_checkpoint"
                    + " where chain_key = ? order by seq desc limit 1")) {
                ps.setString(1, chainKey);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        expectedSeq = rs.getLong(1) + 1;
                        expectedPrev = rs.getString(2);
                    }
                }
            }
        } else {
            expectedSeq = fromSeq;
            expectedPrev = null; // taken from the first entry; checked against fromHash below
            anchored = true;
        }
        long startSeq = expectedSeq;
        long checked = 0;
        Long lastSeq = null;
        String lastHash = null;
        AuditEntry previous = null;
        Long badSeq = null;
        String problem = null;
        try (PreparedStatement ps = c.prepareStatement("select * from audit_entry where chain_key = ? and seq >= ?"
                + " order by seq", ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            ps.setFetchSize(1000);
            ps.setString(1, chainKey);
            ps.setLong(2, startSeq);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    AuditEntry e = read(rs);
                    String recomputed = ChainHash.hash(e);
                    boolean selfOk = recomputed.equals(e.hash());
                    if (e.seq() != expectedSeq) {
                        badSeq = expectedSeq;
                        problem = e.seq() > expectedSeq ? "entry " + expectedSeq + " is missing (the next entry"
                                + " present is " + e.seq() + ")" : "entry " + e.seq() + " appears twice";
                        break;
                    }
                    if (anchored && checked == 0) {
                        expectedPrev = e.prevHash();
                        if (fromHash != null && !fromHash.equalsIgnoreCase(e.hash())) {
                            badSeq = e.seq();
                            problem = "entry " + e.seq() + " does not have the hash you hold for it";
                            break;
                        }
                    }
                    if (!selfOk) {
                        badSeq = e.seq();
                        problem = "entry " + e.seq() + " was altered: its content does not match its hash";
                        break;
                    }
                    if (!e.prevHash().equals(expectedPrev)) {
                        // this entry is intact, so the one before it is not what this entry was chained to
                        badSeq = previous != null ? previous.seq() : e.seq();
                        problem = previous != null ? "entry " + previous.seq() + " was rewritten: entry " + e.seq()
                                + " records a different hash for it"
                                : "entry " + e.seq() + " does not follow the retention checkpoint";
                        break;
                    }
                    previous = e;
                    expectedPrev = e.hash();
                    expectedSeq++;
                    checked++;
                    lastSeq = e.seq();
                    lastHash = e.hash();
                }
            }
        }
        Long headSeq = null;
        String headHash = null;
        try (PreparedStatement ps = c.prepareStatement(
                "select seq, hash from audit_chain_head where chain_key = ?")) {
            ps.setString(1, chainKey);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    headSeq = rs.getLong(1);
                    headHash = rs.getString(2);
                }
            }
        }
        if (problem == null && headSeq != null && lastSeq != null
                && (headSeq != lastSeq.longValue() || !headHash.equals(lastHash))) {
            if (headSeq > lastSeq) {
                badSeq = lastSeq + 1;
                problem = "entries " + (lastSeq + 1) + " to " + headSeq + " are missing (the chain head is at "
                        + headSeq + ")";
            } else {
                badSeq = lastSeq;
                problem = "entry " + lastSeq + " was rewritten: the chain head records a different hash for it";
            }
        }
        if (problem == null && headSeq != null && headSeq > 0 && lastSeq == null && !anchored
                && headSeq >= startSeq) {
            badSeq = startSeq;
            problem = "entries " + startSeq + " to " + headSeq + " are missing";
        }
        return new Result(chainKey, problem == null, checked, startSeq, lastSeq, lastHash, headSeq, headHash, badSeq,
                problem);
    }

    public static AuditEntry read(ResultSet rs) throws SQLException {
        Object corr = rs.getObject("correlation_id");
        int duration = rs.getInt("duration_ms");
        Integer durationMs = rs.wasNull() ? null : duration;
        Instant at = rs.getObject("recorded_at", OffsetDateTime.class).toInstant();
        return new AuditEntry(rs.getString("chain_key"), rs.getLong("seq"), at,
                EntryKind.valueOf(rs.getString("kind")), corr == null ? null : (UUID) corr,
                rs.getString("tenant_id"), rs.getString("subject"), rs.getString("roles"),
                rs.getString("client_name"), rs.getString("client_version"), rs.getString("session_id"),
                rs.getString("tool"), rs.getString("arguments"), Outcome.valueOf(rs.getString("outcome")), durationMs,
                rs.getString("error_text"), rs.getString("target_type"), rs.getString("target_id"),
                rs.getString("before_state"), rs.getString("after_state"), rs.getString("kommo_calls"),
                rs.getInt("kommo_call_count"), rs.getInt("kommo_error_count"), rs.getInt("kommo_429_count"),
                rs.getString("prev_hash"), rs.getString("hash"), rs.getString("trace_id"));
    }
}
