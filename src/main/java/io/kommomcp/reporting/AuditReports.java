package io.kommomcp.reporting;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.sql.DataSource;

import io.kommomcp.audit.AuditReconciler;
import io.kommomcp.audit.ChainVerifier;
import io.kommomcp.reporting.ReportRecords.Activity;
import io.kommomcp.reporting.ReportRecords.ActivityRow;
import io.kommomcp.reporting.ReportRecords.ChainStatus;
import io.kommomcp.reporting.ReportRecords.Entries;
import io.kommomcp.reporting.ReportRecords.EntryView;
import io.kommomcp.reporting.ReportRecords.KommoUsage;
import io.kommomcp.reporting.ReportRecords.Period;
import io.kommomcp.reporting.ReportRecords.Range;
import io.kommomcp.reporting.ReportRecords.Unresolved;
import io.kommomcp.reporting.ReportRecords.UsageRow;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Compliance reports over the audit trail of one tenant. Aggregates are computed in PostgreSQL; entry lists are
 * bounded ({@link #MAX_ENTRIES}, newest first, with {@code has_more} set); full extracts go through
 * {@link AuditExport}, which streams.
 */
@ApplicationScoped
public class AuditReports {

    public static final int MAX_ENTRIES = 500;

    /** Entries that close a call: one per call, whatever its kind. */
    static final String FINISHED = "kind in ('CALL', 'OUTCOME')";

    @Resource(lookup = "jdbc/kommo")
    DataSource ds;

    @Inject
    AuditReconciler reconciler;

    public Activity activity(String tenant, Range r, Period period, String subject, String tool, String outcome) {
        String sql = "select to_char(date_trunc(?, recorded_at at time zone 'UTC'), 'YYYY-MM-DD'), subject, tool,"
                + " outcome, count(*) from audit_entry where tenant_id = ? and recorded_at >= ? and recorded_at < ?"
                + " and " + FINISHED
                + " and (cast(? as varchar) is null or subject = ?) and (cast(? as varchar) is null or tool = ?)"
                + " and (cast(? as varchar) is null or outcome = ?)"
                + " group by 1, 2, 3, 4 order by 1, 2, 3, 4";
        List<ActivityRow> rows = new ArrayList<>();
        long total = 0;
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setString(i++, period.name().toLowerCase(Locale.ROOT));
            ps.setString(i++, tenant);
            ps.setObject(i++, utc(r.from()));
            ps.setObject(i++, utc(r.to()));
            for (String v : new String[] {subject, tool, outcome == null ? null : outcome.toUpperCase(Locale.ROOT)}) {
                ps.setString(i++, v);
                ps.setString(i++, v);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new ActivityRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getLong(5)));
                    total += rs.getLong(5);
                }
            }
        } catch (SQLException e) {
            throw failed(e);
        }
        return new Activity(tenant, r.from(), r.to(), period.name().toLowerCase(Locale.ROOT), total, rows);
    }

    /** Changes with before and after, optionally for one target type ("pipeline", "stage", "field", "lead"). */
    public Entries changes(String tenant, Range r, String targetType, String targetId) {
        return entries(tenant, r, "kind = 'OUTCOME' and target_type is not null"
                + " and (cast(? as varchar) is null or target_type = ?)"
                + " and (cast(? as varchar) is null or target_id = ?)", targetType, targetId);
    }

    /**
     * Changes made in Kommo outside kommo-mcp (EXTERNAL entries: seen by webhook, sweep or configuration snapshot),
     * newest first, with the period's counts: objects changed through kommo-mcp's audited calls (OUTCOME entries that
     * changed something) against objects changed outside.
     */
    public ReportRecords.ExternalChanges external(String tenant, Range r) {
        Entries e = entries(tenant, r, "kind = 'EXTERNAL'");
        long through;
        long outside;
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("select count(*) filter"
                + " (where kind = 'OUTCOME' and target_type is not null and outcome in ('SUCCEEDED', 'PARTIAL')),"
                + " count(*) filter (where kind = 'EXTERNAL') from audit_entry where tenant_id = ? and recorded_at >= ?"
                + " and recorded_at < ?")) {
            ps.setString(1, tenant);
            ps.setObject(2, utc(r.from()));
            ps.setObject(3, utc(r.to()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                through = rs.getLong(1);
                outside = rs.getLong(2);
            }
        } catch (SQLException ex) {
            throw failed(ex);
        }
        Double share = through + outside == 0 ? null : (double) through / (through + outside);
        return new ReportRecords.ExternalChanges(tenant, r.from(), r.to(), through, outside, share, e.hasMore(),
                e.entries());
    }

    /** Denied and failed calls, and calls whose outcome is unknown. */
    public Entries refusals(String tenant, Range r) {
        return entries(tenant, r, FINISHED + " and outcome in ('DENIED', 'FAILED', 'UNKNOWN', 'PARTIAL')");
    }

    /** Plans, elicitation answers, approvals and confirmations of governed administrative changes. */
    public Entries approvals(String tenant, Range r) {
        return entries(tenant, r, "kind in ('PLAN', 'ELICITATION', 'APPROVAL', 'CONFIRMATION')");
    }

    public KommoUsage kommoUsage(String tenant, Range r, Period period) {
        String sql = "select to_char(date_trunc(?, recorded_at at time zone 'UTC'), 'YYYY-MM-DD'), count(*)"
                + " filter (where " + FINISHED + "), coalesce(sum(kommo_call_count), 0),"
                + " coalesce(sum(kommo_error_count), 0), coalesce(sum(kommo_429_count), 0) from audit_entry"
                + " where tenant_id = ? and recorded_at >= ? and recorded_at < ? group by 1 order by 1";
        List<UsageRow> rows = new ArrayList<>();
        long calls = 0;
        long errors = 0;
        long throttled = 0;
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, period.name().toLowerCase(Locale.ROOT));
            ps.setString(2, tenant);
            ps.setObject(3, utc(r.from()));
            ps.setObject(4, utc(r.to()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    UsageRow row = new UsageRow(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4),
                            rs.getLong(5));
                    rows.add(row);
                    calls += row.kommoCalls();
                    errors += row.kommoErrors();
                    throttled += row.kommo429s();
                }
            }
        } catch (SQLException e) {
            throw failed(e);
        }
        return new KommoUsage(tenant, r.from(), r.to(), period.name().toLowerCase(Locale.ROOT), calls, errors,
                throttled, rows);
    }

    /** Verifies the tenant's chain, fully (from the latest retention checkpoint) or from an entry the caller holds. */
    public ChainStatus chain(String tenant, Long fromSeq, String fromHash) {
        try (Connection c = ds.getConnection()) {
            ChainVerifier.Result v = ChainVerifier.verify(c, tenant, fromSeq, fromHash);
            return new ChainStatus(tenant, v.valid(), v.entriesChecked(), v.fromSeq(), v.headSeq(), v.headHash(),
                    v.firstBadSeq(), v.problem(), appendOnlyEnforced(c), Instant.now());
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    public List<Unresolved> unresolved(String tenant) {
        return reconciler.unresolved(tenant, 0).stream().map(u -> new Unresolved(u.seq(), u.recordedAt(), u.tool(),
                u.subject(), u.correlationId())).toList();
    }

    /** True when this server's database role can neither update nor delete audit entries, nor bypass that. */
    static boolean appendOnlyEnforced(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select not (r.rolsuper or r.rolbypassrls"
                + " or has_table_privilege(current_user, 'audit_entry', 'UPDATE')"
                + " or has_table_privilege(current_user, 'audit_entry', 'DELETE')"
                + " or pg_has_role(current_user, t.tableowner, 'USAGE'))"
                + " from pg_roles r, pg_tables t where r.rolname = current_user and t.tablename = 'audit_entry'");
                ResultSet rs = ps.executeQuery()) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    private Entries entries(String tenant, Range r, String where, String... params) {
        String sql = "select seq, recorded_at, kind, correlation_id, subject, tool, outcome, target_type, target_id,"
                + " before_state, after_state, error_text, arguments from audit_entry where tenant_id = ?"
                + " and recorded_at >= ? and recorded_at < ? and " + where + " order by seq desc limit ?";
        List<EntryView> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setString(i++, tenant);
            ps.setObject(i++, utc(r.from()));
            ps.setObject(i++, utc(r.to()));
            for (String p : params) {
                ps.setString(i++, p);
                ps.setString(i++, p);
            }
            ps.setInt(i, MAX_ENTRIES + 1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Object corr = rs.getObject(4);
                    out.add(new EntryView(rs.getLong(1), rs.getObject(2, OffsetDateTime.class).toInstant(),
                            rs.getString(3), corr == null ? null : corr.toString(), rs.getString(5), rs.getString(6),
                            rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11),
                            rs.getString(12), rs.getString(13)));
                }
            }
        } catch (SQLException e) {
            throw failed(e);
        }
        boolean truncated = out.size() > MAX_ENTRIES;
        List<EntryView> page = truncated ? out.subList(0, MAX_ENTRIES) : out;
        return new Entries(tenant, r.from(), r.to(), page.size(), truncated, List.copyOf(page));
    }

    static OffsetDateTime utc(Instant t) {
        return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }

    private static IllegalStateException failed(SQLException e) {
        return new IllegalStateException("audit report query failed: " + e.getMessage(), e);
    }
}
