package io.kommomcp.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Logger;

import javax.sql.DataSource;

import io.kommomcp.core.Caller;
import io.kommomcp.core.ChangeLog;
import io.kommomcp.core.Json;
import io.kommomcp.core.KommoCallLog;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/**
 * Finds intents that never got an outcome (the server stopped between the two) and closes each with an outcome
 * entry, so the trail shows the gap instead of hiding it: SUCCEEDED when Kommo shows the intended change,
 * otherwise UNKNOWN with what is known. Runs at start-up for intents
 * older than any call still in flight on another instance, and on demand.
 */
@ApplicationScoped
public class AuditReconciler {

    private static final Logger LOG = Logger.getLogger(AuditReconciler.class.getName());

    /** One intent without an outcome. */
    public record Unresolved(String tenantId, long seq, Instant recordedAt, String tool, String subject,
            String correlationId, String arguments) {
    }

    @Resource(lookup = "jdbc/kommo")
    DataSource ds;

    @Inject
    AuditLog audit;

    @Inject
    Instance<OutcomeProbe> probes;

    @Inject
    Instances instances;

    /** Who closes intents, as the outcome entries name it. */
    static final String RECONCILER = "kommo-mcp reconciliation";

    /**
     * Whether a change of {@code tenantId} began in the last {@code withinSeconds} and has no outcome yet: its Kommo
     * writes may have landed before this server logged them (a webhook can be quicker than Kommo's answer).
     */
    public boolean changeInFlight(String tenantId, long withinSeconds) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("select 1 from audit_entry i"
                + " where i.tenant_id = ? and i.kind = 'INTENT' and i.recorded_at > now() - make_interval(secs => ?)"
                + " and not exists (select 1 from audit_entry o where o.kind = 'OUTCOME' and o.correlation_id ="
                + " i.correlation_id) limit 1")) {
            ps.setString(1, tenantId);
            ps.setLong(2, withinSeconds);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the audit trail could not be read: " + e.getMessage(), e);
        }
    }

    /** Intents older than {@code minAgeSeconds} without an outcome; {@code tenantId} null for all tenants. */
    public List<Unresolved> unresolved(String tenantId, long minAgeSeconds) {
        List<Unresolved> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select i.tenant_id, i.seq, i.recorded_at, i.tool, i.subject, i.correlation_id, i.arguments"
                        + " from audit_entry i where i.kind = 'INTENT'"
                        + " and i.recorded_at < now() - make_interval(secs => ?)"
                        + " and (cast(? as varchar) is null or i.tenant_id = ?)"
                        + " and not exists (select 1 from audit_entry o where o.kind = 'OUTCOME'"
                        + " and o.correlation_id = i.correlation_id)"
                        // a change still running on a live instance is that instance's to finish
                        + " and not exists (select 1 from intent_owner w join server_instance s on s.instance_id ="
                        + " w.instance_id where w.correlation_id = i.correlation_id and s.last_seen > now() -"
                        + " make_interval(secs => ?)) order by i.recorded_at limit 1000")) {
            ps.setLong(1, minAgeSeconds);
            ps.setString(2, tenantId);
            ps.setString(3, tenantId);
            ps.setLong(4, instances == null ? 30 : instances.aliveSeconds());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Unresolved(rs.getString(1), rs.getLong(2),
                            rs.getObject(3, java.time.OffsetDateTime.class).toInstant(), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read unresolved intents: " + e.getMessage(), e);
        }
        return out;
    }

    /** How one intent was closed. */
    public record Resolution(Unresolved intent, Outcome outcome, String detail) {
    }

    /**
     * Closes every unresolved intent with an outcome entry. Where a probe knows the tool (and the tenant's Kommo
     * account can be reached), Kommo is asked whether the change landed: if it shows the intended state, the
     * outcome is SUCCEEDED, with what was observed; otherwise it is UNKNOWN, with what Kommo shows. Returns what it
     * closed.
     */
    public List<Resolution> reconcile(String tenantId, long minAgeSeconds) {
        List<Resolution> closed = new ArrayList<>();
        for (Unresolved u : unresolved(tenantId, minAgeSeconds)) {
            closed.add(close(u));
        }
        return closed;
    }

    private Resolution close(Unresolved u) {
        String unknown = "Outcome unknown: no outcome was recorded for this " + u.tool() + " call (intent #" + u.seq()
                + " at " + u.recordedAt() + "); the server most likely stopped while the call was running.";
        KommoCallLog calls = new KommoCallLog();
        OutcomeProbe.Observation seen = null;
        String probeProblem = null;
        OutcomeProbe probe = probeFor(u.tool());
        if (probe != null && u.tenantId() != null) {
            Caller caller = new Caller(u.tenantId(), RECONCILER, Set.of(), RECONCILER, null, null, calls,
                    new ChangeLog(), null);
            try {
                seen = probe.probe(u.tool(), Json.mapper().readTree(u.arguments() == null ? "{}" : u.arguments()),
                        caller);
                if (seen == null) {
                    probeProblem = "its stored arguments do not say enough to check Kommo";
                }
            } catch (RuntimeException e) {
                probeProblem = "Kommo could not be checked (" + e.getMessage() + ")";
            }
        } else {
            probeProblem = "there is no way to check this kind of call in Kommo";
        }
        Outcome outcome;
        String detail;
        String afterState = null;
        if (seen != null && seen.applied()) {
            outcome = Outcome.SUCCEEDED;
            detail = "Reconciled against Kommo: " + seen.detail();
        } else if (seen != null) {
            outcome = Outcome.UNKNOWN;
            detail = unknown + " Reconciled against Kommo: " + seen.detail() + " The change most likely did not"
                    + " land, or was changed again since: check before repeating it.";
        } else {
            outcome = Outcome.UNKNOWN;
            detail = unknown + " Kommo may or may not have applied it, and " + probeProblem
                    + ": check there before repeating it.";
        }
        if (seen != null && seen.observed() != null) {
            afterState = ChainHash.canonicalJson(seen.observed());
        }
        List<KommoCallLog.Entry> made = calls.entries();
        int errors = (int) made.stream().filter(k -> k.status() == 0 || k.status() >= 400).count();
        int throttled = (int) made.stream().filter(k -> k.status() == 429).count();
        // subject and arguments are copied as stored (already pseudonymised or redacted), not transformed again
        audit.append(new AuditEntry(u.tenantId() == null ? AuditLog.PLATFORM_CHAIN : u.tenantId(), 0,
                Instant.now(), EntryKind.OUTCOME, UUID.fromString(u.correlationId()), u.tenantId(), u.subject(), "",
                RECONCILER, null, null, u.tool(), u.arguments(), outcome, null,
                outcome == Outcome.SUCCEEDED ? null : detail, seen == null ? null : seen.targetType(),
                seen == null ? null : seen.targetId(), null, afterState, AuditLog.callsJson(made), made.size(),
                errors, throttled, null, null));
        String logged = detail;
        LOG.warning(() -> "Audit reconciliation: tenant " + u.tenantId() + ", intent #" + u.seq() + " (" + u.tool()
                + "): " + outcome + ". " + logged);
        return new Resolution(u, outcome, detail);
    }

    private OutcomeProbe probeFor(String tool) {
        for (OutcomeProbe p : probes) {
            if (p.tools().contains(tool)) {
                return p;
            }
        }
        return null;
    }
}
