package io.kommomcp.analytics;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** One SQL statement and its parameters, written in order and bound by their Java types. */
final class Sql {

    /** A null of a SQL type. */
    record Null(int type) {
    }

    static final Null NULL_BIGINT = new Null(Types.BIGINT);
    static final Null NULL_TEXT = new Null(Types.VARCHAR);

    /** Reads one row. */
    interface Reader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private final StringBuilder text = new StringBuilder();
    private final List<Object> values = new ArrayList<>();

    static Sql of(String fragment, Object... values) {
        return new Sql().add(fragment, values);
    }

    /** Appends SQL text and the values of its {@code ?}s, in order. */
    Sql add(String fragment, Object... vals) {
        long marks = fragment.chars().filter(ch -> ch == '?').count();
        if (marks != vals.length) {
            throw new IllegalArgumentException(marks + " parameters, " + vals.length + " values: " + fragment);
        }
        text.append(fragment);
        values.addAll(Arrays.asList(vals));
        return this;
    }

    static Object bigint(Long v) {
        return v == null ? NULL_BIGINT : v;
    }

    String text() {
        return text.toString();
    }

    int update(Connection c) throws SQLException {
        try (PreparedStatement ps = prepare(c)) {
            return ps.executeUpdate();
        }
    }

    <T> List<T> list(Connection c, Reader<T> reader) throws SQLException {
        List<T> out = new ArrayList<>();
        try (PreparedStatement ps = prepare(c); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(reader.read(rs));
            }
        }
        return out;
    }

    <T> T one(Connection c, Reader<T> reader) throws SQLException {
        List<T> rows = list(c, reader);
        return rows.isEmpty() ? null : rows.get(0);
    }

    private PreparedStatement prepare(Connection c) throws SQLException {
        PreparedStatement ps = c.prepareStatement(text.toString());
        try {
            int i = 1;
            for (Object v : values) {
                bind(c, ps, i++, v);
            }
            return ps;
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
    }

    private static void bind(Connection c, PreparedStatement ps, int i, Object v) throws SQLException {
        if (v instanceof Null n) {
            ps.setNull(i, n.type());
        } else if (v instanceof Long l) {
            ps.setLong(i, l);
        } else if (v instanceof Integer n) {
            ps.setInt(i, n);
        } else if (v instanceof Double d) {
            ps.setDouble(i, d);
        } else if (v instanceof String s) {
            ps.setString(i, s);
        } else if (v instanceof Boolean b) {
            ps.setBoolean(i, b);
        } else if (v instanceof long[] a) {
            ps.setArray(i, c.createArrayOf("bigint", Arrays.stream(a).boxed().toArray()));
        } else if (v instanceof int[] a) {
            ps.setArray(i, c.createArrayOf("integer", Arrays.stream(a).boxed().toArray()));
        } else if (v instanceof double[] a) {
            ps.setArray(i, c.createArrayOf("float8", Arrays.stream(a).boxed().toArray()));
        } else if (v instanceof String[] a) {
            ps.setArray(i, c.createArrayOf("text", a));
        } else {
            throw new IllegalArgumentException("cannot bind " + (v == null ? "an untyped null" : v.getClass()));
        }
    }

    static Long longOrNull(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    static Double doubleOrNull(ResultSet rs, String column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }
}
