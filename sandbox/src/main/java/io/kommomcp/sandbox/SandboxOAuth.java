package io.kommomcp.sandbox;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One sandbox account's OAuth integration (API.md §2.1): authorization codes (20 minutes, single use), the token
 * endpoint for both grants, and rotating refresh tokens. A refresh returns a new pair; the old refresh token stays
 * usable until the new pair is first used, after which presenting it answers 401 "Token has been revoked" (a burned
 * token, counted). Access tokens live {@code accessTtlSeconds} (86,400 unless a test changes it).
 */
final class SandboxOAuth {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long CODE_LIFETIME_MILLIS = 20 * 60 * 1000L;

    private static final class Pair {
        final String access;
        final String refresh;
        long accessExpiresAt;
        final Pair predecessor;
        boolean used;
        boolean refreshRevoked;

        Pair(String access, String refresh, long accessExpiresAt, Pair predecessor) {
            this.access = access;
            this.refresh = refresh;
            this.accessExpiresAt = accessExpiresAt;
            this.predecessor = predecessor;
        }
    }

    final String clientId = "sbx-client-" + hex(8);
    final String clientSecret = "sbx-secret-" + hex(24);
    private final Map<String, Long> codes = new LinkedHashMap<>();
    private final List<Pair> pairs = new ArrayList<>();
    private long accessTtlSeconds = 86_400;
    private long exchanges;
    private long refreshes;
    private long revokedAttempts;

    synchronized String mintCode() {
        String code = "def502" + hex(32);
        codes.put(code, System.currentTimeMillis() + CODE_LIFETIME_MILLIS);
        return code;
    }

    synchronized void accessTtl(long seconds) {
        accessTtlSeconds = Math.max(1, seconds);
    }

    /** Makes every access token issued so far expire now (as if a day had passed). */
    synchronized void expireAccessTokens() {
        pairs.forEach(p -> p.accessExpiresAt = 0);
    }

    /** Whether {@code bearer} is a live access token; its first use revokes the refresh tokens before it. */
    synchronized boolean acceptsAccess(String bearer) {
        for (Pair p : pairs) {
            if (p.access.equals(bearer)) {
                if (p.accessExpiresAt < System.currentTimeMillis()) {
                    return false;
                }
                markUsed(p);
                return true;
            }
        }
        return false;
    }

    /** {@code POST /oauth2/access_token} with grant_type authorization_code or refresh_token. */
    synchronized SandboxResponse token(JsonNode body) {
        if (body == null || !body.isObject()) {
            return problem(400, "The request is missing required parameters");
        }
        if (!clientId.equals(body.path("client_id").asString("")) || !clientSecret.equals(body.path("client_secret")
                .asString(""))) {
            return problem(401, "Client authentication failed");
        }
        String grant = body.path("grant_type").asString("");
        Pair previous = null;
        if (grant.equals("authorization_code")) {
            Long expires = codes.remove(body.path("code").asString(""));
            if (expires == null || expires < System.currentTimeMillis()) {
                return problem(400, "Authorization code has expired or has already been used");
            }
            exchanges++;
        } else if (grant.equals("refresh_token")) {
            String presented = body.path("refresh_token").asString("");
            previous = pairs.stream().filter(p -> p.refresh.equals(presented)).findFirst().orElse(null);
            if (previous == null) {
                return problem(401, "Cannot decrypt the refresh token");
            }
            if (previous.refreshRevoked) {
                revokedAttempts++;
                return problem(401, "Token has been revoked");
            }
            markUsed(previous);
            refreshes++;
        } else {
            return problem(400, "The authorization grant type is not supported by the authorization server");
        }
        Pair pair = new Pair("sbx-at-" + hex(24), "def50200" + hex(40), System.currentTimeMillis()
                + accessTtlSeconds * 1000, previous);
        pairs.add(pair);
        ObjectNode out = Problems.JSON.createObjectNode();
        out.put("token_type", "Bearer").put("expires_in", accessTtlSeconds).put("access_token", pair.access)
                .put("refresh_token", pair.refresh).put("server_time", System.currentTimeMillis() / 1000);
        return SandboxResponse.ok(out);
    }

    synchronized String stats() {
        return "\"oauth_exchanges\":" + exchanges + ",\"oauth_refreshes\":" + refreshes
                + ",\"oauth_revoked_refresh_attempts\":" + revokedAttempts;
    }

    private static void markUsed(Pair p) {
        p.used = true;
        for (Pair before = p.predecessor; before != null; before = before.predecessor) {
            before.refreshRevoked = true;
        }
    }

    /** Kommo's OAuth error shape (sample oauth_error_401_refresh_token_revoked). */
    private static SandboxResponse problem(int status, String hint) {
        ObjectNode body = Problems.JSON.createObjectNode();
        body.put("hint", hint).put("title", "Некорректный запрос")
                .put("type", "https://developers.amocrm.ru/v3/errors/OAuthProblemJson").put("status", status)
                .put("detail", "В запросе отсутствует ряд параметров или параметры невалидны");
        return new SandboxResponse(status, body);
    }

    private static String hex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
