package io.kommomcp.reporting;

import java.sql.Connection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.sql.DataSource;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.kommomcp.audit.AuditReconciler;
import io.kommomcp.reporting.ReportRecords.Activity;
import io.kommomcp.reporting.ReportRecords.ChainStatus;
import io.kommomcp.reporting.ReportRecords.Entries;
import io.kommomcp.reporting.ReportRecords.KommoUsage;
import io.kommomcp.reporting.ReportRecords.Range;
import io.kommomcp.reporting.ReportRecords.Unresolved;
import io.kommomcp.security.RequiresRole;
import io.kommomcp.security.TenantScoped;
import io.kommomcp.security.Roles;
import io.kommomcp.security.TokenClaims;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

/**
 * Compliance reports for the caller's tenant (from the token's tenant claim), role audit.reader. The same reports
 * are MCP tools (tools/audit).
 */
@Path("/audit")
@RequestScoped
@RequiresRole(Roles.AUDIT_READER)
@TenantScoped
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "audit", description = "Compliance reports over the tamper-evident audit trail of the caller's tenant")
public class AuditReportResource {

    @Inject
    AuditReports reports;

    @Inject
    AuditReconciler reconciler;

    @Inject
    JsonWebToken jwt;

    @Inject
    @ConfigProperty(name = "kommo.auth.tenant-claim", defaultValue = "tenant")
    String tenantClaim;

    @Resource(lookup = "jdbc/kommo")
    DataSource ds;

    @GET
    @Path("/activity")
    @Operation(summary = "Activity", description = "Finished calls grouped by period, actor, tool and outcome.")
    public Activity activity(@QueryParam("from") @Parameter(description = "date or instant, inclusive; default"
            + " 30 days before 'to'") String from,
            @QueryParam("to") @Parameter(description = "date (whole day included) or instant, exclusive; default"
                    + " now") String to,
            @QueryParam("group_by") @Parameter(description = "day, week or month") String groupBy,
            @QueryParam("subject") String subject, @QueryParam("tool") String tool,
            @QueryParam("outcome") String outcome) {
        return reports.activity(tenant(), Ranges.of(from, to), Ranges.period(groupBy), subject, tool, outcome);
    }

    @GET
    @Path("/changes")
    @Operation(summary = "Change history", description = "Changes with before and after, newest first; filter by"
            + " target type (pipeline, stage, field, lead, ...) and id.")
    public Entries changes(@QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("target_type") String targetType, @QueryParam("target_id") String targetId) {
        return reports.changes(tenant(), Ranges.of(from, to), targetType, targetId);
    }

    @GET
    @Path("/refusals")
    @Operation(summary = "Denied, failed and unknown-outcome calls")
    public Entries refusals(@QueryParam("from") String from, @QueryParam("to") String to) {
        return reports.refusals(tenant(), Ranges.of(from, to));
    }

    @GET
    @Path("/external-changes")
    @Operation(summary = "Changes made in Kommo outside kommo-mcp",
            description = "Seen by webhook, sweep or configuration snapshot, with before, after and the Kommo user;"
                    + " and the share of the period's changes made through kommo-mcp's audited calls.")
    public ReportRecords.ExternalChanges external(@QueryParam("from") String from, @QueryParam("to") String to) {
        return reports.external(tenant(), Ranges.of(from, to));
    }

    @GET
    @Path("/approvals")
    @Operation(summary = "Plans, elicitation answers, approvals and confirmations of governed changes")
    public Entries approvals(@QueryParam("from") String from, @QueryParam("to") String to) {
        return reports.approvals(tenant(), Ranges.of(from, to));
    }

    @GET
    @Path("/kommo-usage")
    @Operation(summary = "Kommo API usage", description = "Kommo calls, errors and 429s per period.")
    public KommoUsage kommoUsage(@QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("group_by") String groupBy) {
        return reports.kommoUsage(tenant(), Ranges.of(from, to), Ranges.period(groupBy));
    }

    @GET
    @Path("/chain")
    @Operation(summary = "Verify the hash chain", description = "Verifies every entry from the start (or the latest"
            + " retention checkpoint), or from from_seq, whose hash must be from_hash when given (an outside copy"
            + " of an earlier head). Reports the first entry that does not verify, and the current head.")
    public ChainStatus chain(@QueryParam("from_seq") Long fromSeq, @QueryParam("from_hash") String fromHash) {
        if (fromSeq != null && fromSeq < 1) {
            throw new ReportException("from_seq must be 1 or more.");
        }
        return reports.chain(tenant(), fromSeq, fromHash);
    }

    @GET
    @Path("/unresolved")
    @Operation(summary = "Intents without an outcome", description = "State-changing calls whose outcome was never"
            + " recorded (a server stopped during the call) and are not reconciled yet.")
    public List<Unresolved> unresolved() {
        return reports.unresolved(tenant());
    }

    @POST
    @Path("/reconcile")
    @RequiresRole(Roles.PLATFORM_ADMIN)
    @TenantScoped(false)
    @Operation(summary = "Reconcile now (platform.admin)", description = "Closes every intent older than"
            + " min_age_seconds that has no outcome, for all tenants: SUCCEEDED where Kommo shows the intended"
            + " change (leads_move, leads_update), UNKNOWN otherwise, with what Kommo shows. Start-up does the same.")
    public Map<String, Object> reconcile(@QueryParam("min_age_seconds") @DefaultValue("120") long minAge) {
        if (minAge < 0) {
            throw new ReportException("min_age_seconds must be 0 or more.");
        }
        List<AuditReconciler.Resolution> closed = reconciler.reconcile(null, minAge);
        return Map.of("closed", closed.size(), "resolutions", closed);
    }

    @GET
    @Path("/export")
    @Produces({"text/csv", MediaType.APPLICATION_JSON})
    @Operation(summary = "Export entries (streamed)", description = "Every column of every entry in the range, hashes"
            + " included, as CSV or JSON, streamed from a database cursor.")
    public Response export(@QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("format") @DefaultValue("csv") String format) {
        AuditExport.Format f;
        try {
            f = AuditExport.Format.valueOf(format.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ReportException("format must be csv or json, not '" + format + "'.");
        }
        Range r = Ranges.of(from, to);
        String tenant = tenant();
        StreamingOutput body = out -> {
            try (Connection c = ds.getConnection()) {
                AuditExport.write(c, tenant, r.from(), r.to(), f, out, null);
            } catch (java.sql.SQLException e) {
                throw new java.io.IOException("export failed", e);
            }
        };
        String name = "audit-" + tenant + "-" + r.from().toString().substring(0, 10) + "-"
                + r.to().toString().substring(0, 10) + (f == AuditExport.Format.CSV ? ".csv" : ".json");
        return Response.ok(body, f == AuditExport.Format.CSV ? "text/csv; charset=utf-8" : MediaType.APPLICATION_JSON)
                .header("Content-Disposition", "attachment; filename=\"" + name + "\"").build();
    }

    @GET
    @Path("/report")
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "Printable compliance report (HTML)", description = "Summary, chain verification, activity"
            + " chart, calls by tool, changes, refusals, approvals for the tenant and period.")
    public Response report(@QueryParam("from") String from, @QueryParam("to") String to) {
        Range r = Ranges.of(from, to);
        String t = tenant();
        String html = ComplianceReportHtml.render(t, r.from(), r.to(),
                reports.activity(t, r, ReportRecords.Period.DAY, null, null, null), reports.refusals(t, r),
                reports.changes(t, r, null, null), reports.approvals(t, r), reports.external(t, r),
                reports.kommoUsage(t, r, ReportRecords.Period.DAY), reports.chain(t, null, null),
                reports.unresolved(t));
        return Response.ok(html, "text/html; charset=utf-8").build();
    }

    private String tenant() {
        String s = TokenClaims.string(jwt, tenantClaim);
        if (s == null) {
            throw new ReportException("The token has no '" + tenantClaim + "' claim; reports are per tenant.");
        }
        return s;
    }
}
