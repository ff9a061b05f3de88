package io.kommomcp.tools.audit;

import io.kommomcp.core.Caller;
import io.kommomcp.core.Describe;
import io.kommomcp.core.Tool;
import io.kommomcp.core.ToolException;
import io.kommomcp.core.ToolSet;
import io.kommomcp.reporting.AuditReports;
import io.kommomcp.reporting.Ranges;
import io.kommomcp.reporting.ReportException;
import io.kommomcp.reporting.ReportRecords.Activity;
import io.kommomcp.reporting.ReportRecords.ChainStatus;
import io.kommomcp.reporting.ReportRecords.Entries;
import io.kommomcp.reporting.ReportRecords.KommoUsage;
import io.kommomcp.security.Roles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Compliance reports over the caller's tenant's audit trail, for compliance officers' assistants. */
@ToolSet
@ApplicationScoped
public class AuditTools {

    private static final String FROM = "Start, inclusive: a date (2026-11-01) or an instant (2026-11-01T09:00:00Z)."
            + " Default: 30 days before 'to'.";
    private static final String TO = "End, exclusive: an instant, or a date whose whole day is included. Default: now.";

    @Inject
    AuditReports reports;

    public record ActivityArgs(@Describe(FROM) String from, @Describe(TO) String to,
            @Describe("Grouping period: day (default), week or month.") String groupBy,
            @Describe("Only this actor (the token subject as recorded).") String subject,
            @Describe("Only this tool.") String tool,
            @Describe("Only this outcome: SUCCEEDED, FAILED, DENIED, UNKNOWN or PARTIAL.") String outcome) {
    }

    public record RangeArgs(@Describe(FROM) String from, @Describe(TO) String to) {
    }

    public record ChangeArgs(@Describe(FROM) String from, @Describe(TO) String to,
            @Describe("Only this kind of object: pipeline, stage, field, lead, ...") String targetType,
            @Describe("Only this object id (needs target_type).") String targetId) {
    }

    public record UsageArgs(@Describe(FROM) String from, @Describe(TO) String to,
            @Describe("Grouping period: day (default), week or month.") String groupBy) {
    }

    public record ChainArgs(
            @Describe(value = "Verify from this entry on instead of from the start.", min = 1) Long fromSeq,
            @Describe("The hash you hold for entry from_seq (from an earlier report or export); verification"
                    + " fails if the stored entry differs.") String fromHash) {
    }

    @Tool(name = "audit_activity", title = "Audit: activity", role = Roles.AUDIT_READER, readOnly = true,
            openWorld = false, description = "Who did what through this server, and how it ended: finished calls of"
                    + " your tenant counted by period, actor, tool and outcome.")
    public Activity activity(ActivityArgs a, Caller caller) {
        return guarded(() -> reports.activity(caller.tenantId(), Ranges.of(a.from(), a.to()),
                Ranges.period(a.groupBy()), a.subject(), a.tool(), a.outcome()));
    }

    @Tool(name = "audit_changes", title = "Audit: change history", role = Roles.AUDIT_READER, readOnly = true,
            openWorld = false, description = "Changes made through this server with the state before and after,"
                    + " newest first (at most 500): configuration (pipelines, stages, fields) and data (leads).")
    public Entries changes(ChangeArgs a, Caller caller) {
        return guarded(() -> reports.changes(caller.tenantId(), Ranges.of(a.from(), a.to()), a.targetType(),
                a.targetId()));
    }

    @Tool(name = "audit_refusals", title = "Audit: denied and failed calls", role = Roles.AUDIT_READER,
            readOnly = true, openWorld = false, description = "Calls that were denied (missing role, read-only"
                    + " tenant), failed, or whose outcome is unknown, newest first (at most 500), with the reason.")
    public Entries refusals(RangeArgs a, Caller caller) {
        return guarded(() -> reports.refusals(caller.tenantId(), Ranges.of(a.from(), a.to())));
    }

    @Tool(name = "audit_approvals", title = "Audit: confirmations and approvals", role = Roles.AUDIT_READER,
            readOnly = true, openWorld = false, description = "Plans, elicitation answers, approvals and"
                    + " confirmations of governed administrative changes, newest first (at most 500).")
    public Entries approvals(RangeArgs a, Caller caller) {
        return guarded(() -> reports.approvals(caller.tenantId(), Ranges.of(a.from(), a.to())));
    }

    @Tool(name = "audit_kommo_usage", title = "Audit: Kommo API usage", role = Roles.AUDIT_READER, readOnly = true,
            openWorld = false, description = "Kommo API calls made for your tenant per period, with errors and"
                    + " 429 (rate-limited) answers.")
    public KommoUsage kommoUsage(UsageArgs a, Caller caller) {
        return guarded(() -> reports.kommoUsage(caller.tenantId(), Ranges.of(a.from(), a.to()),
                Ranges.period(a.groupBy())));
    }

    @Tool(name = "audit_verify_chain", title = "Audit: verify the hash chain", role = Roles.AUDIT_READER,
            readOnly = true, openWorld = false, description = "Recomputes the SHA-256 hash chain of your tenant's"
                    + " audit trail and reports whether every entry verifies, the first one that does not and why,"
                    + " and the current chain head (keep it outside to prove later that history was not rewritten).")
    public ChainStatus verifyChain(ChainArgs a, Caller caller) {
        return guarded(() -> reports.chain(caller.tenantId(), a.fromSeq(), a.fromHash()));
    }

    private static <T> T guarded(java.util.function.Supplier<T> report) {
        try {
            return report.get();
        } catch (ReportException e) {
            throw new ToolException(e.getMessage());
        }
    }
}
