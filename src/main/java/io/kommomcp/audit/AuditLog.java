package io.kommomcp.audit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.kommomcp.core.ChangeLog;
import io.kommomcp.core.KommoCallLog;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Writes the audit trail: each method appends one entry to the tenant's hash chain and returns once it is committed
 * ({@link AuditWriter}, group commit), so an entry is durable before the caller goes on (before Kommo is called, for
 * an intent; before the answer leaves, for an outcome). Whatever the input, the entry can be stored
 * ({@link StoredText}).
 */
@ApplicationScoped
public class AuditLog {

    /** The chain of requests that named no tenant (until 2026-12; since then they go to {@link #PLATFORM_CHAIN}). */
    public static final String NO_TENANT_CHAIN = "_none";

    /**
     * The platform's own chain: refusals of requests whose token names no registered tenant (missing, malformed or
     * unknown claim), so that no trail is ever opened under a name a token merely claims.
     */
    public static final String PLATFORM_CHAIN = "_platform";

    /** The longest claimed tenant value kept in a platform entry. */
    static final int MAX_CLAIM_CHARS = 100;

    @Inject
    AuditWriter writer;

    @Inject
    Instances instances;

    @Inject
    jakarta.enterprise.inject.Instance<io.opentelemetry.api.OpenTelemetry> openTelemetry;

    private io.opentelemetry.api.trace.Tracer tracer;

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
        tracer = openTelemetry != null && openTelemetry.isResolvable() ? openTelemetry.get().getTracer(
                "io.kommomcp.audit") : null;
        privacy = new PrivacyPolicy(mode, Set.copyOf(personalFields.orElse(List.of())), pseudonymiseSubjects,
                pseudonymKey.orElse(null));
    }

    /** A call recorded in one entry: a read, or a refusal. */
    public AuditEntry record(ToolCallAudit a) {
        return append(draft(a, EntryKind.CALL, null));
    }

    /** The intent of a state-changing call, before anything is sent to Kommo; owned by this instance. */
    public AuditEntry intent(ToolCallAudit a, UUID correlationId) {
        AuditEntry e = append(draft(a, EntryKind.INTENT, correlationId));
        if (instances != null) {
            instances.own(correlationId);
        }
        return e;
    }

    /** The outcome of an intent. */
    public AuditEntry outcome(ToolCallAudit a, UUID correlationId) {
        return append(draft(a, EntryKind.OUTCOME, correlationId));
    }

    /** A governance step of a plan (PLAN, ELICITATION, APPROVAL, CONFIRMATION), correlated by the plan's id. */
    public AuditEntry governance(EntryKind kind, ToolCallAudit a, UUID planId) {
        return append(draft(a, kind, planId));
    }

    /**
     * A refusal of a request whose token names no registered tenant, on the platform chain: the claimed value
     * (length-capped) is kept in the arguments, never used as a chain or tenant.
     */
    public AuditEntry refusedWithoutTenant(ToolCallAudit a, String claimedTenant) {
        Map<String, Object> args = new LinkedHashMap<>(a.arguments());
        args.put("claimed_tenant", claimedTenant == null ? null : StoredText.text(claimedTenant, MAX_CLAIM_CHARS));
        ToolCallAudit platform = new ToolCallAudit(a.startedAt(), null, a.subject(), a.roles(), a.clientName(),
                a.clientVersion(), a.sessionId(), a.tool(), args, a.outcome(), a.durationMillis(), a.error(),
                a.kommoCalls(), a.changes());
        AuditEntry draft = draft(platform, EntryKind.CALL, null);
        return append(new AuditEntry(PLATFORM_CHAIN, 0, draft.recordedAt(), draft.kind(), null, null,
                draft.subject(), draft.roles(), draft.clientName(), draft.clientVersion(), draft.sessionId(),
                draft.tool(), draft.arguments(), draft.outcome(), draft.durationMs(), draft.errorText(), null, null,
                null, null, draft.kommoCalls(), 0, 0, 0, null, null, draft.traceId()));
    }

    /**
     * A refusal at a gate ({@code /mcp}, a tenant-scoped REST resource): on the tenant's chain when the token names
     * a registered tenant, else on the platform chain with the claimed value.
     */
    public AuditEntry refusal(ToolCallAudit a, boolean registeredTenant, String claimedTenant) {
        return registeredTenant ? record(a) : refusedWithoutTenant(a, claimedTenant);
    }

    /**
     * A change made in Kommo outside kommo-mcp, on the tenant's chain: who in Kommo (the subject), what (the tool
     * names the kind of change), when (the arguments give the interval), before and after (the change).
     */
    public AuditEntry external(ToolCallAudit a) {
        return append(draft(a, EntryKind.EXTERNAL, null));
    }

    /** Appends an entry prepared elsewhere (reconciliation, governance steps). */
    public AuditEntry append(AuditEntry draft) {
        io.opentelemetry.api.trace.Span span = tracer == null ? null : tracer.spanBuilder("audit append")
                .setParent(io.kommomcp.core.RequestSpan.parent())
                .setAttribute("kommo.audit.kind", draft.kind().name()).startSpan();
        try {
            return writer.append(draft);
        } finally {
            if (span != null) {
                span.end();
            }
        }
    }

    /** The trace the entry is written in, if any (the MCP request's or a background job's). */
    private static String traceId() {
        io.opentelemetry.api.trace.SpanContext c = io.opentelemetry.api.trace.Span.current().getSpanContext();
        return c.isValid() ? c.getTraceId() : null;
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
            before = ChainHash.canonicalJson(StoredText.bounded(changes.size() == 1 ? changes.get(0).before()
                    : changes.stream().map(ch -> ch.before()).toList()));
            after = ChainHash.canonicalJson(StoredText.bounded(changes.size() == 1 ? changes.get(0).after()
                    : changes.stream().map(ch -> ch.after()).toList()));
        }
        String error = a.error() == null ? null : a.error().length() > 4000 ? a.error().substring(0, 4000) : a.error();
        return new AuditEntry(a.tenantId() == null ? PLATFORM_CHAIN : a.tenantId(), 0, Instant.now(), kind,
                correlationId, a.tenantId(), privacy.subject(a.subject()),
                String.join(",", new TreeSet<>(a.roles() == null ? Set.of() : a.roles())), a.clientName(),
                a.clientVersion(), a.sessionId(), a.tool(), ChainHash.canonicalJson(StoredText.bounded(privacy.arguments(a.arguments()))),
                a.outcome(), a.durationMillis() == null ? null : (int) Math.min(Integer.MAX_VALUE, a.durationMillis()),
                error, targetType, targetId, before, after, callsJson(calls), calls.size(), errors,
                throttled, null, null, traceId());
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
