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
import io.kommomcp.reporting.ReportRecords;
import io.kommomcp.security.Roles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Compliance reports over the caller's tenant's audit trail, for compliance officers' assistants. */
@ToolSet
@ApplicationScoped
public class AuditTools {

    private static final String FROM = "Inclusive: 2026-11-01 or 2026-11-01T09:00:00Z; default 30 days before to.";
    private static final String TO = "Exclusive; a date includes its whole day. Default now.";

    @Inject
    AuditReports reports;

    public record ActivityArgs(@Describe(FROM) String from, @Describe(TO) String to,
            @Describe("day (default), week or month.") String groupBy,
            @Describe("Only this actor (token subject).") String subject,
            String tool,
            @Describe("SUCCEEDED, FAILED, DENIED, UNKNOWN or PARTIAL.") String outcome) {
    }

    public record RangeArgs(@Describe(FROM) String from, @Describe(TO) String to) {
    }

    public record ChangeArgs(@Describe(FROM) String from, @Describe(TO) String to,
            @Describe("pipeline, stage, field, lead, ...") String targetType,
            @Describe("Needs target_type.") String targetId) {
    }

    public record UsageArgs(@Describe(FROM) String from, @Describe(TO) String to,
            @Describe("day (default), week or month.") String groupBy) {
    }

    public record ChainArgs(
            @Describe(value = "First entry to verify; default: the start.", min = 1) Long fromSeq,
            @Describe("The hash you hold for entry from_seq (from an earlier report or export); verification"
                    + " fails if the stored entry differs.") String fromHash) {
    }

    @Tool(name = "audit_activity", title = "Audit: activity", role = Roles.AUDIT_READER, readOnly = true,
            openWorld = false, description = "Your tenant's finished calls through this server counted by period,"
                    + " actor, tool and outcome.")
    public Activity activity(ActivityArgs a, Caller caller) {
        return guarded(() -> reports.activity(caller.tenantId(), Ranges.of(a.from(), a.to()),
                Ranges.period(a.groupBy()), a.subject(), a.tool(), a.outcome()));
    }

    @Tool(name = "audit_changes", title = "Audit: change history", role = Roles.AUDIT_READER, readOnly = true,
            openWorld = false, description = "Changes made through this server (configuration and data) with the"
                    + " state before and after, newest first, at most 500.")
    public Entries changes(ChangeArgs a, Caller caller) {
        return guarded(() -> reports.changes(caller.tenantId(), Ranges.of(a.from(), a.to()), a.targetType(),
                a.targetId()));
    }

    @Tool(name = "audit_external_changes", title = "Audit: changes made outside kommo-mcp",
            role = Roles.AUDIT_READER, readOnly = true, openWorld = false, description = "Changes made in Kommo"
                    + " itself (its web interface, other integrations), seen by webhook, sweep or configuration"
                    + " snapshot, with before, after and who in Kommo; and the share of the period's changes made"
                    + " through this server's audited calls. Newest first, at most 500.")
    public ReportRecords.ExternalChanges external(RangeArgs a, Caller caller) {
        return guarded(() -> reports.external(caller.tenantId(), Ranges.of(a.from(), a.to())));
    }

    @Tool(name = "audit_refusals", title = "Audit: denied and failed calls", role = Roles.AUDIT_READER,
            readOnly = true, openWorld = false, description = "Calls denied, failed or of unknown outcome, with the"
                    + " reason, newest first, at most 500.")
    public Entries refusals(RangeArgs a, Caller caller) {
        return guarded(() -> reports.refusals(caller.tenantId(), Ranges.of(a.from(), a.to())));
    }

    @Tool(name = "audit_approvals", title = "Audit: confirmations and approvals", role = Roles.AUDIT_READER,
            readOnly = true, openWorld = false, description = "Plans, elicitation answers, approvals and"
                    + " confirmations of governed changes, newest first, at most 500.")
    public Entries approvals(RangeArgs a, Caller caller) {
        return guarded(() -> reports.approvals(caller.tenantId(), Ranges.of(a.from(), a.to())));
    }

    @Tool(name = "audit_kommo_usage", title = "Audit: Kommo API usage", role = Roles.AUDIT_READER, readOnly = true,
            openWorld = false, description = "Kommo API calls for your tenant per period, with errors and 429s.")
    public KommoUsage kommoUsage(UsageArgs a, Caller caller) {
        return guarded(() -> reports.kommoUsage(caller.tenantId(), Ranges.of(a.from(), a.to()),
                Ranges.period(a.groupBy())));
    }

    @Tool(name = "audit_verify_chain", title = "Audit: verify the hash chain", role = Roles.AUDIT_READER,
            readOnly = true, openWorld = false, description = "Recomputes your tenant's audit hash chain (SHA-256):"
                    + " whether every entry verifies, the first that does not and why, and the head (keep it outside"
                    + " to prove later that history was not rewritten).")
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
