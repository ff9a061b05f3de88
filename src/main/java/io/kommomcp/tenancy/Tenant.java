package io.kommomcp.tenancy;

import java.time.Instant;
import java.util.List;

import io.kommomcp.core.ApprovalPolicy;
import io.kommomcp.core.LeadStatusThresholds;
import io.kommomcp.core.ToolPolicy;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/** A tenant row. The {@code *Enc} columns hold ciphertexts from {@link SecretCipher}, never plain secrets. */
@Entity
@Table(name = "tenant")
public class Tenant {

    @Id
    @Column(name = "id")
    private String id;

    @Column(name = "display_name", nullable = false)
    private String displayName;

    @Column(name = "kommo_base_url", nullable = false)
    private String kommoBaseUrl;

    @Enumerated(EnumType.STRING)
    @Column(name = "auth_kind", nullable = false)
    private AuthKind authKind;

    @Column(name = "oauth_client_id")
    private String oauthClientId;

    @Column(name = "oauth_redirect_uri")
    private String oauthRedirectUri;

    @Column(name = "access_token_enc")
    private String accessTokenEnc;

    @Column(name = "access_token_expires_at")
    private Instant accessTokenExpiresAt;

    @Column(name = "client_secret_enc")
    private String clientSecretEnc;

    @Column(name = "refresh_token_enc")
    private String refreshTokenEnc;

    @Column(name = "enabled", nullable = false)
    private boolean enabled = true;

    @Column(name = "read_only", nullable = false)
    private boolean readOnly;

    @Column(name = "tools_allowed")
    private String toolsAllowed;

    @Column(name = "tools_denied")
    private String toolsDenied;

    @Column(name = "approval_enabled", nullable = false)
    private boolean approvalEnabled;

    @Column(name = "approval_tools")
    private String approvalTools;

    @Column(name = "mirror_enabled", nullable = false)
    private boolean mirrorEnabled;

    /** Bulk calls with more records than this are governed; null: the server's default. */
    @Column(name = "bulk_governed_above")
    private Integer bulkGovernedAbove;

    @Column(name = "webhook_secret_generation", nullable = false)
    private int webhookSecretGeneration;

    @Column(name = "webhook_secret_hash")
    private String webhookSecretHash;

    @Column(name = "lead_status_active_days", nullable = false)
    private int leadStatusActiveDays = LeadStatusThresholds.DEFAULTS.activeDays();

    @Column(name = "lead_status_cooling_days", nullable = false)
    private int leadStatusCoolingDays = LeadStatusThresholds.DEFAULTS.coolingDays();

    @Column(name = "lead_status_stuck_factor", nullable = false)
    private double leadStatusStuckFactor = LeadStatusThresholds.DEFAULTS.stuckFactor();

    @Column(name = "lead_status_overdue_tasks", nullable = false)
    private int leadStatusOverdueTasks = LeadStatusThresholds.DEFAULTS.overdueTasks();

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    @Version
    @Column(name = "version", nullable = false)
    private long version;

    protected Tenant() {
    }

    public Tenant(String id, String displayName, String kommoBaseUrl, AuthKind authKind) {
        this.id = id;
        this.displayName = displayName;
        this.kommoBaseUrl = kommoBaseUrl;
        this.authKind = authKind;
        this.createdAt = Instant.now();
        this.updatedAt = this.createdAt;
    }

    public String getId() { return id; }
    public String getDisplayName() { return displayName; }
    public void setDisplayName(String displayName) { this.displayName = displayName; touch(); }
    public String getKommoBaseUrl() { return kommoBaseUrl; }
    public void setKommoBaseUrl(String kommoBaseUrl) { this.kommoBaseUrl = kommoBaseUrl; touch(); }
    public AuthKind getAuthKind() { return authKind; }
    public void setAuthKind(AuthKind authKind) { this.authKind = authKind; touch(); }
    public String getOauthClientId() { return oauthClientId; }
    public void setOauthClientId(String oauthClientId) { this.oauthClientId = oauthClientId; touch(); }
    public String getOauthRedirectUri() { return oauthRedirectUri; }
    public void setOauthRedirectUri(String uri) { this.oauthRedirectUri = uri; touch(); }
    public String getAccessTokenEnc() { return accessTokenEnc; }
    public void setAccessTokenEnc(String v) { this.accessTokenEnc = v; touch(); }
    public Instant getAccessTokenExpiresAt() { return accessTokenExpiresAt; }
    public void setAccessTokenExpiresAt(Instant v) { this.accessTokenExpiresAt = v; touch(); }
    public String getClientSecretEnc() { return clientSecretEnc; }
    public void setClientSecretEnc(String v) { this.clientSecretEnc = v; touch(); }
    public String getRefreshTokenEnc() { return refreshTokenEnc; }
    public void setRefreshTokenEnc(String v) { this.refreshTokenEnc = v; touch(); }
    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; touch(); }
    public boolean isReadOnly() { return readOnly; }
    public void setReadOnly(boolean readOnly) { this.readOnly = readOnly; touch(); }
    public ToolPolicy getToolPolicy() { return new ToolPolicy(names(toolsAllowed), names(toolsDenied)); }
    public void setToolPolicy(ToolPolicy p) {
        this.toolsAllowed = p.allow().isEmpty() ? null : String.join(",", p.allow());
        this.toolsDenied = p.deny().isEmpty() ? null : String.join(",", p.deny());
        touch();
    }
    public ApprovalPolicy getApprovalPolicy() { return new ApprovalPolicy(approvalEnabled, names(approvalTools)); }
    public void setApprovalPolicy(ApprovalPolicy p) {
        this.approvalEnabled = p.enabled();
        this.approvalTools = p.tools().isEmpty() ? null : String.join(",", p.tools());
        touch();
    }
    public boolean isMirrorEnabled() { return mirrorEnabled; }
    public void setMirrorEnabled(boolean on) { this.mirrorEnabled = on; touch(); }
    public Integer getBulkGovernedAbove() { return bulkGovernedAbove; }
    public void setBulkGovernedAbove(Integer n) { this.bulkGovernedAbove = n; touch(); }
    public int getWebhookSecretGeneration() { return webhookSecretGeneration; }
    public boolean hasWebhookSecret() { return webhookSecretHash != null; }

    /**
     * The current webhook secret, derived again by {@code derive} (generation to secret); the first one is made when
     * there is none. When the platform's secrets key changed since the secret was made, what is derived is not the
     * stored secret: the next generation is made under the current key (the old address works until then, as before
     * a rotation).
     */
    public String webhookSecret(java.util.function.IntFunction<String> derive,
            java.util.function.UnaryOperator<String> hash) {
        if (webhookSecretHash != null) {
            String secret = derive.apply(webhookSecretGeneration);
            if (hash.apply(secret).equals(webhookSecretHash)) {
                return secret;
            }
        }
        int next = webhookSecretGeneration + 1;
        String secret = derive.apply(next);
        rotateWebhookSecret(next, hash.apply(secret));
        return secret;
    }

    /** Moves to the next secret generation; only the new secret's hash is kept. */
    public void rotateWebhookSecret(int generation, String hash) {
        this.webhookSecretGeneration = generation;
        this.webhookSecretHash = hash;
        touch();
    }
    public LeadStatusThresholds getLeadStatusThresholds() {
        return new LeadStatusThresholds(leadStatusActiveDays, leadStatusCoolingDays, leadStatusStuckFactor,
                leadStatusOverdueTasks);
    }
    /** Complete thresholds, checked by the caller ({@link LeadStatusThresholds#problem()}). */
    public void setLeadStatusThresholds(LeadStatusThresholds t) {
        this.leadStatusActiveDays = t.activeDays();
        this.leadStatusCoolingDays = t.coolingDays();
        this.leadStatusStuckFactor = t.stuckFactor();
        this.leadStatusOverdueTasks = t.overdueTasks();
        touch();
    }
    public Instant getCreatedAt() { return createdAt; }
    public Instant getUpdatedAt() { return updatedAt; }

    private static List<String> names(String csv) {
        return csv == null || csv.isBlank() ? List.of() : List.of(csv.split(","));
    }

    private void touch() {
        this.updatedAt = Instant.now();
    }
}
