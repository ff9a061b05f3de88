package io.kommomcp.audit;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import javax.sql.DataSource;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.kommomcp.core.ChangeLog;
import io.kommomcp.core.KommoCallLog;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

/**
 * Writes the audit trail: each method appends one entry to the tenant's hash chain and commits on its own, so an
 * entry is durable before the caller goes on (before Kommo is called, for an intent; before the answer leaves, for
 * an outcome).
 */
@ApplicationScoped
public class AuditLog {

    /** The chain of requests that named no tenant. */
    public static final String NO_TENANT_CHAIN = "_none";

    @Resource(lookup = "jdbc/kommo")
    DataSource ds;

    @Inject
    @ConfigProperty(name = "kommo.audit.personal-data.mode", defaultValue = "STORE")
    String personalDataMode;

    @Inject
    @ConfigProperty(name = "kommo.audit.personal-data.fields")
    Optional<List<String>> personalFields;

    @Inject
    @ConfigProperty(name = "kommo.audit.pseudonymize-subjects", defaultValue = "false")
    boolean pseudonymiseSubjects;

    @Inject
    @ConfigProperty(name = "kommo.audit.pseudonym-key")
    Optional<String> pseudonymKey;

    private PrivacyPolicy privacy;

    @PostConstruct
    void init() {
        PrivacyPolicy.Mode mode;
        try {
            mode = PrivacyPolicy.Mode.valueOf(personalDataMode.strip().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("kommo.audit.personal-data.mode must be STORE, HASH or DROP, not '"
                    + personalDataMode + "'");
        }
        privacy = new PrivacyPolicy(mode, Set.copyOf(personalFields.orElse(List.of())), pseudonymiseSubjects,
                pseudonymKey.orElse(null));
    }

    /** A call recorded in one entry: a read, or a refusal. */
    @Transactional(TxType.REQUIRES_NEW)
    public AuditEntry record(ToolCallAudit a) {
        return append(draft(a, EntryKind.CALL, null));
    }

    /** The intent of a state-changing call, before anything is sent to Kommo. */
    @Transactional(TxType.REQUIRES_NEW)
    public AuditEntry intent(ToolCallAudit a, UUID correlationId) {
        return append(draft(a, EntryKind.INTENT, correlationId));
    }

    /** The outcome of an intent. */
    @Transactional(TxType.REQUIRES_NEW)
    public AuditEntry outcome(ToolCallAudit a, UUID correlationId) {
        return append(draft(a, EntryKind.OUTCOME, correlationId));
    }

    /** A governance step of a plan (PLAN, ELICITATION, APPROVAL, CONFIRMATION), correlated by the plan's id. */
    @Transactional(TxType.REQUIRES_NEW)
    public AuditEntry governance(EntryKind kind, ToolCallAudit a, UUID planId) {
        return append(draft(a, kind, planId));
    }

    /** Appends an entry prepared elsewhere (reconciliation, governance steps). */
    @Transactional(TxType.REQUIRES_NEW)
    public AuditEntry append(AuditEntry draft) {
        try (Connection c = ds.getConnection()) {
            return ChainWriter.appendInTransaction(c, draft);
        } catch (SQLException e) {
            throw new IllegalStateException("audit write failed: " + e.getMessage(), e);
        }
    }

    AuditEntry draft(ToolCallAudit a, EntryKind kind, UUID correlationId) {
        List<KommoCallLog.Entry> calls = a.kommoCalls();
        int errors = (int) calls.stream().filter(k -> k.status() == 0 || k.status() >= 400).count();
        int throttled = (int) calls.stream().filter(k -> k.status() == 429).count();
        List<ChangeLog.Change> changes = a.changes();
        String targetType = null;
        String targetId = null;
        String before = null;
        String after = null;
        if (!changes.isEmpty()) {
            targetType = changes.get(0).targetType();
            targetId = changes.size() == 1 ? changes.get(0).targetId() : changes.get(0).targetId() + " (+"
                    + (changes.size() - 1) + ")";
            before = ChainHash.canonicalJson(changes.size() == 1 ? changes.get(0).before()
                    : changes.stream().map(ch -> ch.before()).toList());
            after = ChainHash.canonicalJson(changes.size() == 1 ? changes.get(0).after()
                    : changes.stream().map(ch -> ch.after()).toList());
        }
        String error = a.error() == null ? null : a.error().length() > 4000 ? a.error().substring(0, 4000) : a.error();
        return new AuditEntry(a.tenantId() == null ? NO_TENANT_CHAIN : a.tenantId(), 0, Instant.now(), kind,
                correlationId, a.tenantId(), privacy.subject(a.subject()),
                String.join(",", new TreeSet<>(a.roles() == null ? Set.of() : a.roles())), a.clientName(),
                a.clientVersion(), a.sessionId(), a.tool(), ChainHash.canonicalJson(privacy.arguments(a.arguments())),
                a.outcome(), a.durationMillis() == null ? null : (int) Math.min(Integer.MAX_VALUE, a.durationMillis()),
                error, targetType, targetId, before, after, callsJson(calls), calls.size(), errors,
                throttled, null, null);
    }

    /** The Kommo calls of an entry, in the stored (canonical JSON) form. */
    static String callsJson(List<KommoCallLog.Entry> calls) {
        return ChainHash.canonicalJson(calls.stream().map(AuditLog::callMap).toList());
    }

    private static Map<String, Object> callMap(KommoCallLog.Entry k) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("started_at", ChainHash.truncate(k.startedAt()).toString());
        m.put("method", k.method());
        m.put("path", k.path());
        m.put("status", k.status());
        m.put("request_id", k.kommoRequestId());
        m.put("duration_ms", k.durationMillis());
        m.put("error", k.error());
        return m;
    }
}
