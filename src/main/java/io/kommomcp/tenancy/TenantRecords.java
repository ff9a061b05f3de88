package io.kommomcp.tenancy;

import java.time.Instant;

import io.kommomcp.core.ApprovalPolicy;
import io.kommomcp.core.LeadStatusThresholds;
import io.kommomcp.core.ToolPolicy;

/** The tenant administration API's payloads (snake_case on the wire). */
public final class TenantRecords {

    private TenantRecords() {
    }

    /** A tenant as administrators see it: which secrets are set, never their values. */
    public record TenantView(String id, String displayName, String kommoBaseUrl, AuthKind authKind,
            String oauthClientId, boolean enabled, boolean readOnly, boolean hasAccessToken, boolean hasClientSecret,
            boolean hasRefreshToken, Instant accessTokenExpiresAt, ToolPolicy toolPolicy,
            ApprovalPolicy approvalPolicy, boolean mirror, boolean hasWebhookSecret, Instant createdAt,
            Instant updatedAt, LeadStatusThresholds leadStatusThresholds, Integer bulkGovernedAbove) {
    }

    /** Creates a tenant; credentials are set separately. */
    public record NewTenant(String id, String displayName, String kommoBaseUrl, AuthKind authKind, Boolean readOnly,
            ToolPolicy toolPolicy) {
    }

    /**
     * Changes a tenant; null fields stay as they are. {@code toolPolicy} replaces the whole policy (empty lists
     * remove it); so does {@code approvalPolicy} (four-eyes: enabled, and the tools it covers, by default every
     * governed delete). {@code mirror} turns the opt-in mirror on (a backfill starts) or off (the mirrored data is
     * purged, and the purge audited). {@code leadStatusThresholds} changes the thresholds it names (lead_status).
     * {@code bulkGovernedAbove}: bulk calls with more records than this are governed (0-5,000; -1 returns to the
     * server's default, {@code kommo.bulk.governed-above}).
     */
    public record TenantChanges(String displayName, String kommoBaseUrl, Boolean enabled, Boolean readOnly,
            ToolPolicy toolPolicy, ApprovalPolicy approvalPolicy, Boolean mirror,
            LeadStatusThresholds leadStatusThresholds, Integer bulkGovernedAbove) {
    }

    /**
     * Sets credentials (write-only). A long-lived token for {@code LONG_LIVED_TOKEN}; client id, client secret and
     * refresh token (plus, optionally, a current access token and its expiry) for {@code OAUTH}.
     */
    public record Credentials(String longLivedToken, String oauthClientId, String clientSecret, String refreshToken,
            String accessToken, Instant accessTokenExpiresAt, String redirectUri) {

        @Override
        public String toString() {
            return "Credentials[***]";
        }
    }

    /** An OAuth authorization code to exchange; {@code redirectUri} defaults to the tenant's. */
    public record OAuthExchange(String code, String redirectUri) {
    }

    /** What the MCP gate needs to know about a tenant on every request. */
    public record TenantStatus(String id, boolean enabled, boolean readOnly, ToolPolicy toolPolicy,
            boolean mirror) {
    }
}
