package it.io.kommomcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

import tools.jackson.databind.JsonNode;

/**
 * What the integration tests share: plain HTTP against the deployed server, a fresh tenant on its own sandbox
 * account, the database as the application role and as the owner, and the checks every tool answer must pass.
 */
final class ItServer {

    /** A tenant made for one test, with the token of its sandbox account. */
    record Tenant(String id, String kommoToken, String kommoBaseUrl) {

        /** The sandbox account's name: the last segment of its base URL. */
        String account() {
            return kommoBaseUrl.substring(kommoBaseUrl.lastIndexOf('/') + 1);
        }

    }

    final String base;

    ItServer(String base) {
        this.base = base.replaceAll("/$", "");
    }

    /** The server the tests run against: Arquillian's, on {@code http.port}. */
    static ItServer local() {
        return new ItServer("http://localhost:" + Integer.getInteger("http.port", 9080));
    }

    HttpResponse<String> http(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return McpHttp.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A call of the tenant admin API as a platform administrator. */
    HttpResponse<String> admin(String method, String path, String body) throws Exception {
        return http(method, path, body, TestTokens.token("platform", "platform.admin"));
    }

    /** A new sandbox account and a tenant bound to it with a long-lived token; ids start with {@code prefix}. */
    Tenant newTenant(String prefix) throws Exception {
        String id = prefix + shortId();
        JsonNode acc = accountAndTenant(id, "LONG_LIVED_TOKEN");
        HttpResponse<String> creds = admin("PUT", "/api/admin/tenants/" + id + "/credentials",
                "{\"long_lived_token\":\"" + acc.path("token").asString() + "\"}");
        assertEquals(200, creds.statusCode(), creds.body());
        return new Tenant(id, acc.path("token").asString(), acc.path("base_url").asString());
    }

    /**
     * A new sandbox account and an OAUTH tenant bound to it whose client id and secret are set and whose first token
     * pair comes from exchanging an authorization code through the admin API (the sandbox's access tokens then live
     * {@code accessTtlSeconds}).
     */
    Tenant newOAuthTenant(String prefix, long accessTtlSeconds) throws Exception {
        String id = prefix + shortId();
        JsonNode acc = accountAndTenant(id, "OAUTH");
        HttpResponse<String> creds = admin("PUT", "/api/admin/tenants/" + id + "/credentials",
                "{\"oauth_client_id\":\"" + acc.path("oauth_client_id").asString() + "\",\"client_secret\":\""
                        + acc.path("oauth_client_secret").asString()
                        + "\",\"redirect_uri\":\"https://kommo-mcp.invalid/oauth/callback\"}");
        assertEquals(200, creds.statusCode(), creds.body());
        Tenant t = new Tenant(id, null, acc.path("base_url").asString());
        sandboxControl(t, "oauth/settings", "{\"access_ttl_seconds\":" + accessTtlSeconds + "}");
        HttpResponse<String> exchanged = admin("POST", "/api/admin/tenants/" + id + "/oauth/exchange",
                "{\"code\":\"" + oauthCode(t) + "\"}");
        assertEquals(200, exchanged.statusCode(), exchanged.body());
        return t;
    }

    /** A new sandbox account {@code id} and a tenant {@code id} bound to it, no credentials yet; the account's data. */
    JsonNode accountAndTenant(String id, String authKind) throws Exception {
        HttpResponse<String> account = http("POST", "/sandbox/_control/accounts/" + id, null, null);
        assertEquals(200, account.statusCode(), account.body());
        JsonNode acc = McpHttp.JSON.readTree(account.body());
        HttpResponse<String> created = admin("POST", "/api/admin/tenants", "{\"id\":\"" + id
                + "\",\"display_name\":\"IT " + id + "\",\"kommo_base_url\":\"" + acc.path("base_url").asString()
                + "\",\"auth_kind\":\"" + authKind + "\"}");
        assertEquals(201, created.statusCode(), created.body());
        return acc;
    }

    /** An authorization code of the tenant's sandbox account, as Kommo sends it to the redirect URI. */
    String oauthCode(Tenant t) throws Exception {
        return McpHttp.JSON.readTree(sandboxControl(t, "oauth/code", null)).path("code").asString();
    }

    /** POSTs to the tenant's sandbox account's control path; returns the body. */
    String sandboxControl(Tenant t, String action, String body) throws Exception {
        HttpResponse<String> r = http("POST", "/sandbox/_control/accounts/" + t.account() + "/" + action, body, null);
        assertTrue(r.statusCode() == 200 || r.statusCode() == 204, action + ": " + r.statusCode() + " " + r.body());
        return r.body();
    }

    /** Makes the tenant's sandbox account fail or delay its next requests as {@code list} (a JSON array) says. */
    void faults(Tenant t, String list) throws Exception {
        HttpResponse<String> r = http("PUT", "/sandbox/_control/accounts/" + t.account() + "/faults",
                "{\"faults\":" + list + "}", null);
        assertTrue(r.statusCode() == 200 || r.statusCode() == 204, r.body());
    }

    void clearFaults(Tenant t) throws Exception {
        assertEquals(204, http("DELETE", "/sandbox/_control/accounts/" + t.account() + "/faults", null, null)
                .statusCode());
    }

    /** The tenant's sandbox account's counters (requests, throttled, unauthorized, oauth_refreshes, ...). */
    JsonNode sandboxStats(Tenant t) throws Exception {
        return McpHttp.JSON.readTree(http("GET", "/sandbox/_control/accounts/" + t.account() + "/stats", null, null)
                .body());
    }

    /** An MCP session of {@code tenant} with {@code roles}, initialised. */
    McpHttp mcp(String tenant, String... roles) throws Exception {
        return new McpHttp(base + "/", TestTokens.token(tenant, roles)).initialize();
    }

    static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    static Connection appDb() throws SQLException {
        return DriverManager.getConnection(System.getProperty("db.url"), System.getProperty("db.user"),
                System.getProperty("db.password"));
    }

    static Connection ownerDb() throws SQLException {
        return DriverManager.getConnection(System.getProperty("db.url"), System.getProperty("db.owner-user"),
                System.getProperty("db.owner-password"));
    }

    static long count(String sql, Object... params) throws SQLException {
        try (Connection db = appDb(); PreparedStatement ps = db.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The structured content of a successful tool result. */
    static JsonNode ok(JsonNode result) {
        assertFalse(result.path("isError").asBoolean(), () -> "tool error: " + McpHttp.text(result));
        return result.path("structuredContent");
    }

    /** A tool error, checked to leak nothing internal. */
    static JsonNode err(JsonNode result) {
        assertTrue(result.path("isError").asBoolean(), () -> "expected a tool error, got " + result);
        assertNoInternals(McpHttp.text(result));
        return result;
    }

    static void assertNoInternals(String text) {
        assertFalse(text.matches("(?s).*(Exception|io\\.kommomcp|java\\.lang|\\bat [a-z]+\\.[a-z]+).*"),
                "internals leaked: " + text);
    }

    /** Kommo calls recorded for the tenant's latest call of {@code tool} (its outcome, for a write). */
    static long kommoCalls(String tenant, String tool) throws Exception {
        try (Connection db = appDb(); PreparedStatement ps = db.prepareStatement("select kommo_call_count from"
                + " audit_entry where chain_key = ? and tool = ? and kind in ('CALL', 'OUTCOME')"
                + " order by seq desc limit 1")) {
            ps.setString(1, tenant);
            ps.setString(2, tool);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), "no audit entry for " + tool);
                return rs.getLong(1);
            }
        }
    }

    /** before and after of the tenant's latest outcome of {@code tool}. */
    static String[] lastChange(String tenant, String tool) throws Exception {
        try (Connection db = appDb(); PreparedStatement ps = db.prepareStatement("select before_state, after_state"
                + " from audit_entry where chain_key = ? and tool = ? and kind = 'OUTCOME' order by seq desc limit 1")) {
            ps.setString(1, tenant);
            ps.setString(2, tool);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                String[] row = {rs.getString(1), rs.getString(2)};
                assertFalse(row[1] == null, "an update records what it changed");
                return row;
            }
        }
    }
}
