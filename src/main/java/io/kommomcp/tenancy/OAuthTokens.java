package io.kommomcp.tenancy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.kommomcp.core.Json;
import io.kommomcp.core.KommoCallLog;
import io.kommomcp.tenancy.TenantRecords.TenantView;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * OAuth tenants' tokens (API.md §2.1): the authorization-code exchange, and refreshes. Kommo rotates the refresh
 * token on every refresh, so two refreshes with the same token would burn it. Every refresh therefore runs with the
 * tenant row locked ({@code SELECT ... FOR UPDATE} in its own transaction) and first re-reads the tokens: whoever
 * waited behind another refresh, in this instance or another one on the same database, finds the new access token
 * and uses it instead of refreshing again. The new pair is committed in that same transaction.
 */
@ApplicationScoped
public class OAuthTokens {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @PersistenceContext(unitName = "kommo")
    EntityManager em;

    @Inject
    TenantService tenants;

    @Inject
    @ConfigProperty(name = "kommo.oauth.refresh-skew-seconds", defaultValue = "300")
    long skewSeconds;

    /** Exchanges an authorization code for the tenant's first token pair; needs its client id and secret set. */
    @Transactional
    public TenantView exchange(String tenantId, String code, String redirectUri) {
        if (code == null || code.isBlank()) {
            throw new TenantException(400, "code is required: the authorization code Kommo gave the redirect URI"
                    + " (valid for 20 minutes, once).");
        }
        Tenant t = locked(tenantId);
        if (t.getAuthKind() != AuthKind.OAUTH) {
            throw new TenantException(409, "Tenant '" + tenantId + "' uses a long-lived token, not OAuth.");
        }
        if (t.getOauthClientId() == null || t.getClientSecretEnc() == null) {
            throw new TenantException(409, "Set the tenant's oauth_client_id and client_secret first (PUT"
                    + " /api/admin/tenants/" + tenantId + "/credentials).");
        }
        String redirect = redirectUri != null && !redirectUri.isBlank() ? redirectUri.trim() : t.getOauthRedirectUri();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("client_id", t.getOauthClientId());
        body.put("client_secret", tenants.cipherForTokens().decrypt(t.getClientSecretEnc(), t.getId()));
        body.put("grant_type", "authorization_code");
        body.put("code", code.trim());
        body.put("redirect_uri", redirect);
        store(t, call(t, body, null, "exchange the authorization code"));
        if (redirect != null) {
            t.setOauthRedirectUri(redirect);
        }
        return TenantService.view(t);
    }

    /**
     * The bearer token for a call. An OAuth access token that expires within {@code kommo.oauth.refresh-skew-seconds}
     * (or is missing) is refreshed first; {@code rejected}, when given, is a token Kommo just answered 401 to, which
     * is refreshed unless another refresh has already replaced it.
     */
    @Transactional(TxType.REQUIRES_NEW)
    public String refreshIfNeeded(String tenantId, String rejected, KommoCallLog log) {
        Tenant t = locked(tenantId);
        String current = t.getAccessTokenEnc() == null ? null : tenants.cipherForTokens().decrypt(
                t.getAccessTokenEnc(), t.getId());
        boolean fresh = current != null && t.getAccessTokenExpiresAt() != null && t.getAccessTokenExpiresAt()
                .isAfter(Instant.now().plusSeconds(skewSeconds));
        if (fresh && (rejected == null || !rejected.equals(current))) {
            return current; // still good, or another refresh already replaced the rejected token
        }
        if (t.getRefreshTokenEnc() == null) {
            throw new TenantException(409, "Tenant '" + tenantId + "' has no OAuth refresh token; a platform"
                    + " administrator must exchange an authorization code (POST /api/admin/tenants/" + tenantId
                    + "/oauth/exchange).");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("client_id", t.getOauthClientId());
        body.put("client_secret", tenants.cipherForTokens().decrypt(t.getClientSecretEnc(), t.getId()));
        body.put("grant_type", "refresh_token");
        body.put("refresh_token", tenants.cipherForTokens().decrypt(t.getRefreshTokenEnc(), t.getId()));
        body.put("redirect_uri", t.getOauthRedirectUri());
        JsonNode pair = call(t, body, log, "refresh the access token");
        store(t, pair);
        return pair.path("access_token").asString();
    }

    /** Whether the tenant's access token must be refreshed before use (read without a lock). */
    /** How long before expiry an access token is refreshed. */
    long refreshSkewNanos() {
        return skewSeconds * 1_000_000_000L;
    }

    boolean needsRefresh(Tenant t) {
        return t.getAuthKind() == AuthKind.OAUTH && (t.getAccessTokenEnc() == null || t.getAccessTokenExpiresAt()
                == null || !t.getAccessTokenExpiresAt().isAfter(Instant.now().plusSeconds(skewSeconds)));
    }

    private Tenant locked(String tenantId) {
        Tenant t = tenantId == null ? null : em.find(Tenant.class, tenantId, LockModeType.PESSIMISTIC_WRITE);
        if (t == null) {
            throw new TenantException(404, "No tenant with id '" + tenantId + "'.");
        }
        return t;
    }

    private void store(Tenant t, JsonNode pair) {
        String access = pair.path("access_token").asString("");
        String refresh = pair.path("refresh_token").asString("");
        long expiresIn = pair.path("expires_in").asLong(0);
        if (access.isEmpty() || refresh.isEmpty() || expiresIn <= 0) {
            throw new TenantException(502, "Kommo's token endpoint answered without a complete token pair.");
        }
        SecretCipher sc = tenants.cipherForTokens();
        t.setAccessTokenEnc(sc.encrypt(access, t.getId()));
        t.setRefreshTokenEnc(sc.encrypt(refresh, t.getId()));
        t.setAccessTokenExpiresAt(Instant.now().plusSeconds(expiresIn));
    }

    /** POSTs to the account's {@code /oauth2/access_token}; the call (never its body) goes to {@code log}. */
    private JsonNode call(Tenant t, Map<String, Object> body, KommoCallLog log, String what) {
        URI uri = URI.create(t.getKommoBaseUrl() + "/oauth2/access_token");
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.mapper().writeValueAsString(body))).build();
        Instant started = Instant.now();
        long start = System.nanoTime();
        int status = 0;
        String error = null;
        try {
            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            status = r.statusCode();
            JsonNode json = parse(r.body());
            if (status == 200 && json != null) {
                return json;
            }
            String hint = json == null ? null : json.path("hint").asString(null);
            error = "HTTP " + status + (hint == null ? "" : ": " + hint);
            if (status == 400 || status == 401) {
                throw new TenantException(409, "Kommo refused to " + what + " for tenant '" + t.getId() + "' ("
                        + error + "). A Kommo administrator must authorise the integration again and a platform"
                        + " administrator exchange the new code (POST /api/admin/tenants/" + t.getId()
                        + "/oauth/exchange); retrying will not help.");
            }
            throw new TenantException(502, "Kommo's token endpoint failed (" + error + ") while trying to " + what
                    + "; try again later.");
        } catch (IOException e) {
            error = "no response";
            throw new TenantException(502, "Kommo's token endpoint could not be reached while trying to " + what
                    + "; try again later.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted";
            throw new TenantException(503, "Interrupted while trying to " + what + ".");
        } finally {
            if (log != null) {
                log.add(new KommoCallLog.Entry(started, "POST", "/oauth2/access_token", status, null,
                        (System.nanoTime() - start) / 1_000_000L, error));
            }
        }
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? null : Json.mapper().readTree(body);
        } catch (JacksonException e) {
            return null;
        }
    }
}
