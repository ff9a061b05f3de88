package io.kommomcp.tenancy;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.kommomcp.core.ApprovalPolicy;
import io.kommomcp.core.KommoCallLog;
import io.kommomcp.core.LeadStatusThresholds;
import io.kommomcp.core.ToolCatalog;
import io.kommomcp.core.ToolPolicy;
import io.kommomcp.core.Toolset;
import io.kommomcp.tenancy.TenantRecords.Credentials;
import io.kommomcp.tenancy.TenantRecords.NewTenant;
import io.kommomcp.tenancy.TenantRecords.TenantChanges;
import io.kommomcp.tenancy.TenantRecords.TenantStatus;
import io.kommomcp.tenancy.TenantRecords.TenantView;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;

/** Creates, changes and reads tenants; the only code that encrypts or decrypts their secrets. */
@ApplicationScoped
public class TenantService {

    private static final Pattern ID = Pattern.compile("^[a-z0-9][a-z0-9_-]{0,63}$");

    @PersistenceContext(unitName = "kommo")
    EntityManager em;

    @Resource
    TransactionSynchronizationRegistry transactions;

    @Inject
    ToolCatalog catalog;

    @Inject
    OAuthTokens oauth;

    @Inject
    @ConfigProperty(name = "kommo.tenancy.allow-http-loopback", defaultValue = "false")
    boolean allowHttpLoopback;

    @Inject
    @ConfigProperty(name = "kommo.secrets.key-id")
    Optional<String> keyId;

    @Inject
    @ConfigProperty(name = "kommo.secrets.key")
    Optional<String> key;

    @Inject
    @ConfigProperty(name = "kommo.secrets.previous-keys")
    Optional<String> previousKeys;

    @Inject
    @ConfigProperty(name = "kommo.tenancy.status-cache-ms", defaultValue = "2000")
    long statusCacheMillis;

    private SecretCipher cipher;
    private String cipherProblem;

    /** A tenant's status as last read, and until when it may be used without reading it again. */
    private record CachedStatus(Optional<TenantStatus> status, long expiresNanos) {
    }

    /**
     * The gate reads a tenant's status on every request; it is cached for {@code kommo.tenancy.status-cache-ms}
     * (changes made here drop the entry at once; another instance's change is seen within that time).
     */
    private final Map<String, CachedStatus> statuses = new ConcurrentHashMap<>();
    private static final int MAX_CACHED_STATUSES = 10_000;

    @PostConstruct
    void init() {
        try {
            cipher = new SecretCipher(keyId.orElse(null), key.orElse(null), previousKeys.orElse(null));
        } catch (IllegalStateException e) {
            cipherProblem = e.getMessage();
        }
    }

    @Transactional
    public TenantView create(NewTenant t) {
        if (t == null) {
            throw new TenantException(400, "The request body is missing: send id, display_name, kommo_base_url"
                    + " and auth_kind.");
        }
        if (t.id() == null || !ID.matcher(t.id()).matches()) {
            throw new TenantException(400, "id must be 1-64 characters of a-z, 0-9, '_' or '-', starting with a"
                    + " letter or digit (it is the value of the token's tenant claim).");
        }
        require(t.displayName(), "display_name");
        if (t.authKind() == null) {
            throw new TenantException(400, "auth_kind is required: LONG_LIVED_TOKEN or OAUTH.");
        }
        if (em.find(Tenant.class, t.id()) != null) {
            throw new TenantException(409, "A tenant with id '" + t.id() + "' already exists.");
        }
        Tenant tenant = new Tenant(t.id(), t.displayName().trim(), checkedBaseUrl(t.kommoBaseUrl()), t.authKind());
        tenant.setReadOnly(Boolean.TRUE.equals(t.readOnly()));
        if (t.toolPolicy() != null) {
            tenant.setToolPolicy(checkedPolicy(t.toolPolicy()));
        }
        em.persist(tenant);
        forgetStatus(tenant.getId());
        return view(tenant);
    }

    public List<TenantView> list() {
        return em.createQuery("select t from Tenant t order by t.id", Tenant.class).getResultList().stream()
                .map(TenantService::view).toList();
    }

    public TenantView get(String id) {
        return view(existing(id));
    }

    @Transactional
    public TenantView update(String id, TenantChanges c) {
        if (c == null) {
            throw new TenantException(400, "The request body is missing: send the fields to change.");
        }
        Tenant t = existing(id);
        if (c.displayName() != null) {
            require(c.displayName(), "display_name");
            t.setDisplayName(c.displayName().trim());
        }
        if (c.kommoBaseUrl() != null) {
            t.setKommoBaseUrl(checkedBaseUrl(c.kommoBaseUrl()));
        }
        if (c.enabled() != null) {
            t.setEnabled(c.enabled());
        }
        if (c.readOnly() != null) {
            t.setReadOnly(c.readOnly());
        }
        if (c.toolPolicy() != null) {
            t.setToolPolicy(checkedPolicy(c.toolPolicy()));
        }
        if (c.approvalPolicy() != null) {
            t.setApprovalPolicy(checkedApprovals(c.approvalPolicy()));
        }
        if (c.mirror() != null) {
            t.setMirrorEnabled(c.mirror());
        }
        if (c.leadStatusThresholds() != null) {
            LeadStatusThresholds changed = t.getLeadStatusThresholds().with(c.leadStatusThresholds());
            if (changed.problem() != null) {
                throw new TenantException(400, changed.problem());
            }
            t.setLeadStatusThresholds(changed);
        }
        if (c.bulkGovernedAbove() != null) {
            if (c.bulkGovernedAbove() < -1 || c.bulkGovernedAbove() > 5000) {
                throw new TenantException(400, "bulk_governed_above must be 0-5000 (records a bulk call may change"
                        + " without a plan), or -1 for the server's default.");
            }
            t.setBulkGovernedAbove(c.bulkGovernedAbove() == -1 ? null : c.bulkGovernedAbove());
        }
        forgetStatus(id);
        return view(t);
    }

    /** The tenant's thresholds for lead_status (the defaults for an unknown tenant). */
    public LeadStatusThresholds leadStatusThresholds(String tenantId) {
        Tenant t = isTenantId(tenantId) ? em.find(Tenant.class, tenantId) : null;
        return t == null ? LeadStatusThresholds.DEFAULTS : t.getLeadStatusThresholds();
    }

    /** Whether the tenant keeps a mirror (cached as briefly as its status). */
    public boolean mirrorEnabled(String id) {
        return status(id).map(TenantStatus::mirror).orElse(false);
    }

    /**
     * Moves the tenant's webhook secret to the next generation and stores the new secret's hash; {@code derive}
     * gives the secret of a generation. Returns the new secret (shown once; never stored).
     */
    @Transactional
    public String rotateWebhookSecret(String id, java.util.function.IntFunction<String> derive,
            java.util.function.UnaryOperator<String> hash) {
        Tenant t = existing(id);
        int next = t.getWebhookSecretGeneration() + 1;
        String secret = derive.apply(next);
        t.rotateWebhookSecret(next, hash.apply(secret));
        return secret;
    }

    /** The tenant's current webhook secret ({@link Tenant#webhookSecret}). */
    @Transactional
    public String webhookSecret(String id, java.util.function.IntFunction<String> derive,
            java.util.function.UnaryOperator<String> hash) {
        return existing(id).webhookSecret(derive, hash);
    }

    @Transactional
    public TenantView disable(String id) {
        Tenant t = existing(id);
        t.setEnabled(false);
        forgetStatus(id);
        return view(t);
    }

    @Transactional
    public TenantView setCredentials(String id, Credentials c) {
        if (c == null) {
            throw new TenantException(400, "The request body is missing: send the credentials to set.");
        }
        Tenant t = existing(id);
        SecretCipher sc = cipher();
        if (t.getAuthKind() == AuthKind.LONG_LIVED_TOKEN) {
            require(c.longLivedToken(), "long_lived_token");
            if (c.clientSecret() != null || c.refreshToken() != null) {
                throw new TenantException(400, "This tenant uses a long-lived token: send only long_lived_token"
                        + " (change auth_kind to OAUTH first to store OAuth credentials).");
            }
            t.setAccessTokenEnc(sc.encrypt(c.longLivedToken().trim(), t.getId()));
            t.setAccessTokenExpiresAt(null);
        } else {
            require(c.oauthClientId(), "oauth_client_id");
            require(c.clientSecret(), "client_secret");
            if (c.longLivedToken() != null) {
                throw new TenantException(400, "This tenant uses OAuth: long_lived_token does not apply.");
            }
            t.setOauthClientId(c.oauthClientId().trim());
            t.setClientSecretEnc(sc.encrypt(c.clientSecret(), t.getId()));
            // without a refresh token the tenant waits for an authorization-code exchange (POST .../oauth/exchange)
            t.setRefreshTokenEnc(c.refreshToken() == null ? null : sc.encrypt(c.refreshToken(), t.getId()));
            t.setOauthRedirectUri(c.redirectUri());
            if (c.accessToken() != null) {
                t.setAccessTokenEnc(sc.encrypt(c.accessToken(), t.getId()));
                t.setAccessTokenExpiresAt(c.accessTokenExpiresAt());
            } else {
                t.setAccessTokenEnc(null);
                t.setAccessTokenExpiresAt(null);
            }
        }
        forgetStatus(id);
        return view(t);
    }

    /** Drops the cached status and access now and again when the transaction ends (no reader re-caches the old). */
    private void forgetStatus(String id) {
        statuses.remove(id);
        accesses.remove(id);
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                statuses.remove(id);
                accesses.remove(id);
            }
        });
    }

    /** The tenant's four-eyes policy (off for an unknown tenant). */
    public ApprovalPolicy approvalPolicy(String tenantId) {
        Tenant t = isTenantId(tenantId) ? em.find(Tenant.class, tenantId) : null;
        return t == null ? ApprovalPolicy.OFF : t.getApprovalPolicy();
    }

    /** The tenant's own threshold for governing bulk calls, if it has one. */
    public java.util.OptionalInt bulkGovernedAbove(String tenantId) {
        Tenant t = isTenantId(tenantId) ? em.find(Tenant.class, tenantId) : null;
        return t == null || t.getBulkGovernedAbove() == null ? java.util.OptionalInt.empty()
                : java.util.OptionalInt.of(t.getBulkGovernedAbove());
    }

    /** Whether {@code id} has the form of a tenant id (what a token's claim must be to name one). */
    public static boolean isTenantId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /** For the gates: whether the tenant exists, is enabled, is read-only (cached briefly, see above). */
    public Optional<TenantStatus> status(String id) {
        if (!isTenantId(id)) {
            return Optional.empty();
        }
        long now = System.nanoTime();
        CachedStatus cached = statuses.get(id);
        if (cached != null && now - cached.expiresNanos() < 0) {
            return cached.status();
        }
        Tenant t = em.find(Tenant.class, id);
        Optional<TenantStatus> status = t == null ? Optional.empty() : Optional.of(new TenantStatus(t.getId(),
                t.isEnabled(), t.isReadOnly(), t.getToolPolicy(), t.isMirrorEnabled()));
        if (statuses.size() >= MAX_CACHED_STATUSES) {
            statuses.clear();
        }
        statuses.put(id, new CachedStatus(status, now + statusCacheMillis * 1_000_000L));
        return status;
    }

    /** A tenant's decrypted access, and until when it may be used without reading the tenant again. */
    private record CachedAccess(KommoAccess access, long expiresNanos) {
    }

    /**
     * Every tool call needs the tenant's Kommo URL and token: kept decrypted in memory for
     * {@code kommo.tenancy.status-cache-ms} (secrets are in memory during a call anyway), dropped at once when this
     * server changes the tenant, and never beyond an OAuth token's refresh point.
     */
    private final Map<String, CachedAccess> accesses = new ConcurrentHashMap<>();

    /**
     * The tenant's Kommo URL and current bearer token, decrypted for one call. An OAuth tenant's access token is
     * refreshed first when it is missing or about to expire ({@link OAuthTokens}); the refresh is logged in
     * {@code log}.
     */
    public KommoAccess kommoAccess(String tenantId, KommoCallLog log) {
        long now = System.nanoTime();
        CachedAccess cached = accesses.get(tenantId);
        if (cached != null && now - cached.expiresNanos() < 0) {
            return cached.access();
        }
        Tenant t = existing(tenantId);
        KommoAccess access;
        long until = now + statusCacheMillis * 1_000_000L;
        if (t.getAuthKind() == AuthKind.OAUTH) {
            if (oauth.needsRefresh(t)) {
                return new KommoAccess(t.getKommoBaseUrl(), oauth.refreshIfNeeded(tenantId, null, log));
            }
            access = new KommoAccess(t.getKommoBaseUrl(), cipher().decrypt(t.getAccessTokenEnc(), t.getId()));
            long refreshIn = java.time.Duration.between(Instant.now(), t.getAccessTokenExpiresAt()).toNanos()
                    - oauth.refreshSkewNanos();
            until = Math.min(until, now + Math.max(0, refreshIn));
        } else {
            if (t.getAccessTokenEnc() == null) {
                throw new TenantException(409, "Tenant '" + tenantId + "' has no Kommo credentials yet; a platform"
                        + " administrator must set them (PUT /api/admin/tenants/" + tenantId + "/credentials).");
            }
            if (t.getAccessTokenExpiresAt() != null && t.getAccessTokenExpiresAt().isBefore(Instant.now())) {
                throw new TenantException(409, "Tenant '" + tenantId + "' has an expired Kommo access token; a"
                        + " platform administrator must set a fresh one.");
            }
            access = new KommoAccess(t.getKommoBaseUrl(), cipher().decrypt(t.getAccessTokenEnc(), t.getId()));
            if (t.getAccessTokenExpiresAt() != null) {
                until = Math.min(until, now + java.time.Duration.between(Instant.now(), t.getAccessTokenExpiresAt())
                        .toNanos());
            }
        }
        if (accesses.size() >= MAX_CACHED_STATUSES) {
            accesses.clear();
        }
        accesses.put(tenantId, new CachedAccess(access, until));
        return access;
    }

    /**
     * After Kommo answered 401 to {@code rejected}: a fresh token for an OAuth tenant (refreshed at most once, however
     * many calls were rejected together), or null for a long-lived token, which cannot be renewed here.
     */
    public String tokenAfterRejection(String tenantId, String rejected, KommoCallLog log) {
        accesses.remove(tenantId);
        Tenant t = existing(tenantId);
        return t.getAuthKind() == AuthKind.OAUTH ? oauth.refreshIfNeeded(tenantId, rejected, log) : null;
    }

    /** Checks a Kommo base URL: https with a host, or http on loopback when configuration allows it. */
    public String checkedBaseUrl(String raw) {
        require(raw, "kommo_base_url");
        URI uri;
        try {
            uri = new URI(raw.trim());
        } catch (URISyntaxException e) {
            throw new TenantException(400, "kommo_base_url is not a valid URL: " + raw);
        }
        if (uri.getHost() == null || uri.getUserInfo() != null || uri.getQuery() != null
                || uri.getFragment() != null) {
            throw new TenantException(400, "kommo_base_url must be the account's address, like"
                    + " https://yourcompany.kommo.com, without user info, query or fragment.");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        if (scheme.equals("http")) {
            if (!allowHttpLoopback) {
                throw new TenantException(400, "kommo_base_url must use https (plain http is allowed only for"
                        + " loopback addresses, and only when kommo.tenancy.allow-http-loopback=true).");
            }
            if (!isLoopback(uri.getHost())) {
                throw new TenantException(400, "kommo_base_url may use plain http only on a loopback address"
                        + " (localhost, 127.0.0.0/8, ::1); use https for " + uri.getHost() + ".");
            }
        } else if (!scheme.equals("https")) {
            throw new TenantException(400, "kommo_base_url must use https.");
        }
        String s = uri.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static boolean isLoopback(String host) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+") && !h.contains(":")) {
            return false; // a name other than localhost: never resolve it to decide
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private Tenant existing(String id) {
        Tenant t = id == null ? null : em.find(Tenant.class, id);
        if (t == null) {
            throw new TenantException(404, "No tenant with id '" + id + "'.");
        }
        return t;
    }

    /** The cipher, for {@link OAuthTokens}, which stores the token pairs it obtains. */
    SecretCipher cipherForTokens() {
        return cipher();
    }

    private SecretCipher cipher() {
        if (cipher == null) {
            throw new TenantException(503, "The server has no usable secrets key (" + cipherProblem + "); set"
                    + " KOMMO_SECRETS_KEY and KOMMO_SECRETS_KEY_ID.");
        }
        return cipher;
    }

    private static void require(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new TenantException(400, field + " is required.");
        }
    }

    /** Every name must be a published tool or a toolset; a list may not be both allow and deny for one name. */
    private ToolPolicy checkedPolicy(ToolPolicy p) {
        Set<String> known = new TreeSet<>(catalog.toolNames());
        List<String> sets = Arrays.stream(Toolset.values()).map(Toolset::name).toList();
        for (List<String> names : List.of(p.allow(), p.deny())) {
            for (String n : names) {
                if (n == null || (!known.contains(n) && !sets.contains(n))) {
                    throw new TenantException(400, "'" + n + "' in tool_policy is neither a tool nor a toolset."
                            + " Toolsets: " + String.join(", ", sets) + ". Tools: " + String.join(", ", known) + ".");
                }
            }
        }
        List<String> both = p.allow().stream().filter(p.deny()::contains).toList();
        if (!both.isEmpty()) {
            throw new TenantException(400, "tool_policy names " + String.join(", ", both) + " in both allow and"
                    + " deny; keep each name in one list.");
        }
        return new ToolPolicy(p.allow().stream().distinct().toList(), p.deny().stream().distinct().toList());
    }

    /**
     * Four-eyes may name any tool that changes Kommo: a governed one, or a normally ungoverned write, which then is
     * governed for this tenant.
     */
    private ApprovalPolicy checkedApprovals(ApprovalPolicy p) {
        Set<String> changes = new TreeSet<>(catalog.changeToolNames());
        for (String n : p.tools()) {
            if (n == null || !changes.contains(n)) {
                throw new TenantException(400, "'" + n + "' in approval_policy.tools is not a tool that changes"
                        + " Kommo. Those are: " + String.join(", ", changes) + ". Leave tools empty to cover every"
                        + " governed delete.");
            }
        }
        return new ApprovalPolicy(p.enabled(), p.tools().stream().distinct().toList());
    }

    static TenantView view(Tenant t) {
        return new TenantView(t.getId(), t.getDisplayName(), t.getKommoBaseUrl(), t.getAuthKind(),
                t.getOauthClientId(), t.isEnabled(), t.isReadOnly(), t.getAccessTokenEnc() != null,
                t.getClientSecretEnc() != null, t.getRefreshTokenEnc() != null, t.getAccessTokenExpiresAt(),
                t.getToolPolicy(), t.getApprovalPolicy(), t.isMirrorEnabled(), t.hasWebhookSecret(), t.getCreatedAt(),
                t.getUpdatedAt(), t.getLeadStatusThresholds(), t.getBulkGovernedAbove());
    }
}
