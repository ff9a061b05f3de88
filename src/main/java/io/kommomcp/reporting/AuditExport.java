package io.kommomcp.reporting;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import tools.jackson.databind.json.JsonMapper;

/**
 * Streams a tenant's audit entries in a time range as CSV or JSON. Rows come through a server-side cursor
 * ({@link #FETCH_SIZE} at a time) and go straight to the output, so memory does not grow with the range: a year
 * of entries never has to fit in memory. Every column is exported, hashes included, so an export can be verified
 * offline.
 */
public final class AuditExport {

    public enum Format { CSV, JSON }

    static final int FETCH_SIZE = 500;

    static final String[] COLUMNS = {"chain_key", "seq", "recorded_at", "kind", "correlation_id", "tenant_id",
        "subject", "roles", "client_name", "client_version", "session_id", "tool", "outcome", "duration_ms",
        "error_text", "target_type", "target_id", "kommo_call_count", "kommo_error_count", "kommo_429_count",
        "arguments", "before_state", "after_state", "kommo_calls", "prev_hash", "hash", "trace_id"};

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private AuditExport() {
    }

    /**
     * Writes the export. The connection must not be in a container transaction; this method turns auto-commit off
     * (PostgreSQL only streams inside a transaction) and restores it.
     *
     * @param rowsRead counts the rows read from the database so far (for tests and progress)
     */
    public static long write(Connection c, String tenant, Instant from, Instant to, Format format, OutputStream out,
            AtomicLong rowsRead) throws SQLException, IOException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement("select " + String.join(", ", COLUMNS) + " from audit_entry"
                + " where tenant_id = ? and recorded_at >= ? and recorded_at < ? order by seq",
                ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            ps.setFetchSize(FETCH_SIZE);
            ps.setString(1, tenant);
            ps.setObject(2, OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
            ps.setObject(3, OffsetDateTime.ofInstant(to, ZoneOffset.UTC));
            long n = 0;
            Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 16 * 1024);
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                if (format == Format.CSV) {
                    w.write(String.join(",", COLUMNS));
                    w.write("\r\n");
                } else {
                    w.write("[");
                }
                while (rs.next()) {
                    if (rowsRead != null) {
                        rowsRead.incrementAndGet();
                    }
                    if (format == Format.CSV) {
                        for (int i = 1; i <= md.getColumnCount(); i++) {
                            if (i > 1) {
                                w.write(',');
                            }
                            w.write(csv(value(rs, i)));
                        }
                        w.write("\r\n");
                    } else {
                        Map<String, Object> row = new LinkedHashMap<>();
                        for (int i = 1; i <= md.getColumnCount(); i++) {
                            row.put(COLUMNS[i - 1], value(rs, i));
                        }
                        w.write(n == 0 ? "\n" : ",\n");
                        w.write(JSON.writeValueAsString(row));
                    }
                    n++;
                }
                if (format == Format.JSON) {
                    w.write("\n]\n");
                }
            }
            w.flush();
            c.commit();
            return n;
        } finally {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // nothing was written; the transaction only held the cursor
            }
            c.setAutoCommit(auto);
        }
    }

    private static String value(ResultSet rs, int i) throws SQLException {
        if ("recorded_at".equals(COLUMNS[i - 1])) {
            OffsetDateTime t = rs.getObject(i, OffsetDateTime.class);
            return t == null ? null : t.toInstant().toString();
        }
        return rs.getString(i);
    }

    /** RFC 4180 quoting; a leading = + - @ is prefixed with ' so spreadsheets do not run it as a formula. */
    static String csv(String v) {
        if (v == null) {
            return "";
        }
        String s = v;
        if (!s.isEmpty() && "=+-@".indexOf(s.charAt(0)) >= 0 && !s.matches("-?\\d+(\\.\\d+)?")) {
            s = "'" + s;
        }
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0
                || !s.equals(v)) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }
}
