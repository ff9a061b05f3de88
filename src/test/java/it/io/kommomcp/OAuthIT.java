package it.io.kommomcp;

import static it.io.kommomcp.ItServer.appDb;
import static it.io.kommomcp.ItServer.err;
import static it.io.kommomcp.ItServer.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import it.io.kommomcp.ItServer.Tenant;
import tools.jackson.databind.JsonNode;

/**
 * OAuth tenants against the sandbox's token endpoint, which rotates refresh tokens as Kommo does: the code exchange,
 * refresh before expiry, one refresh after a 401, clear errors when Kommo refuses, and no secret in the audit trail.
 * The two-server refresh race is in {@link TwoInstancesIT}.
 */
@ExtendWith(ArquillianExtension.class)
class OAuthIT {

    private final ItServer server = ItServer.local();

    @Test
    void anExpiringTokenIsRefreshedBeforeUseAndA401RefreshesOnce() throws Exception {
        Tenant t = server.newOAuthTenant("o-", 120); // expires within the 300 s refresh margin
        assertEquals(1, server.sandboxStats(t).path("oauth_exchanges").asInt());
        server.sandboxControl(t, "oauth/settings", "{\"access_ttl_seconds\":86400}");
        McpHttp c = server.mcp(t.id(), "kommo.reader");

        ok(c.call("pipelines_list", Map.of()));
        JsonNode stats = server.sandboxStats(t);
        assertEquals(1, stats.path("oauth_refreshes").asInt(), "refreshed before the call, not after a 401");
        assertEquals(0, stats.path("unauthorized").asInt());
        assertEquals(List.of("POST /oauth2/access_token 200", "GET /api/v4/leads/pipelines 200"),
                calls(t, "pipelines_list"));
        ok(c.call("pipelines_list", Map.of()));
        assertEquals(1, server.sandboxStats(t).path("oauth_refreshes").asInt(), "a fresh token is not refreshed");

        // Kommo stops accepting the token before we expect it: one refresh, then the call goes through
        server.sandboxControl(t, "oauth/expire", null);
        ok(c.call("pipelines_list", Map.of()));
        stats = server.sandboxStats(t);
        assertEquals(2, stats.path("oauth_refreshes").asInt());
        assertEquals(1, stats.path("unauthorized").asInt());
        assertEquals(0, stats.path("oauth_revoked_refresh_attempts").asInt());
        assertEquals(List.of("GET /api/v4/leads/pipelines 401", "POST /oauth2/access_token 200",
                "GET /api/v4/leads/pipelines 200"), calls(t, "pipelines_list"));

        // a write rejected with 401 was not applied, so it is sent again once with the new token
        server.sandboxControl(t, "oauth/expire", null);
        McpHttp w = server.mcp(t.id(), "kommo.writer");
        long leadId = ok(w.call("leads_create", Map.of("name", "After refresh"))).path("lead_id").asLong();
        assertTrue(leadId > 0);
        assertEquals(List.of("POST /api/v4/leads 401", "POST /oauth2/access_token 200", "POST /api/v4/leads 200"),
                calls(t, "leads_create"));
        assertEquals(1, ok(w.call("leads_search", Map.of("text", "After refresh"))).path("leads").size(),
                "created once");

        String trail = trail(t);
        assertFalse(trail.contains("sbx-at-") || trail.contains("def50200") || trail.contains("sbx-secret-"),
                "no token or secret in the audit trail");
    }

    @Test
    void refusedCodesAndRefreshTokensGiveClearErrors() throws Exception {
        Tenant t = server.newOAuthTenant("o-", 86_400);
        HttpResponse<String> bad = server.admin("POST", "/api/admin/tenants/" + t.id() + "/oauth/exchange",
                "{\"code\":\"def502-not-a-code\"}");
        assertEquals(409, bad.statusCode());
        assertTrue(bad.body().contains("Kommo refused to exchange the authorization code")
                && bad.body().contains("authorise the integration again"), bad.body());
        HttpResponse<String> empty = server.admin("POST", "/api/admin/tenants/" + t.id() + "/oauth/exchange", "{}");
        assertEquals(400, empty.statusCode());
        assertTrue(empty.body().contains("code is required"), empty.body());

        HttpResponse<String> view = server.admin("GET", "/api/admin/tenants/" + t.id(), null);
        assertTrue(view.body().contains("\"has_refresh_token\":true"), view.body());
        assertFalse(view.body().contains("def50200") || view.body().contains("sbx-at-"), "secrets are write-only");

        Tenant waiting = waitingTenant();
        String text = McpHttp.text(err(server.mcp(waiting.id(), "kommo.reader").call("pipelines_list", Map.of())));
        assertTrue(text.contains("no OAuth refresh token") && text.contains("/oauth/exchange"), text);
    }

    /** An OAuth tenant whose code has not been exchanged yet. */
    private Tenant waitingTenant() throws Exception {
        String id = "o-" + ItServer.shortId();
        JsonNode acc = server.accountAndTenant(id, "OAUTH");
        assertEquals(200, server.admin("PUT", "/api/admin/tenants/" + id + "/credentials", "{\"oauth_client_id\":\""
                + acc.path("oauth_client_id").asString() + "\",\"client_secret\":\""
                + acc.path("oauth_client_secret").asString() + "\"}").statusCode());
        return new Tenant(id, null, acc.path("base_url").asString());
    }

    /** "METHOD path-without-query status" of each Kommo call of the tenant's latest call of {@code tool}. */
    static List<String> calls(Tenant t, String tool) throws Exception {
        try (Connection db = appDb(); PreparedStatement ps = db.prepareStatement("select kommo_calls from audit_entry"
                + " where chain_key = ? and tool = ? and kind in ('CALL', 'OUTCOME') order by seq desc limit 1")) {
            ps.setString(1, t.id());
            ps.setString(2, tool);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                List<String> out = new ArrayList<>();
                McpHttp.JSON.readTree(rs.getString(1)).forEach(n -> out.add(n.path("method").asString() + " "
                        + n.path("path").asString().replaceAll("\\?.*", "") + " " + n.path("status").asInt()));
                return out;
            }
        }
    }

    private static String trail(Tenant t) throws Exception {
        StringBuilder sb = new StringBuilder();
        try (Connection db = appDb(); PreparedStatement ps = db.prepareStatement("select arguments, kommo_calls,"
                + " before_state, after_state, error_text from audit_entry where chain_key = ?")) {
            ps.setString(1, t.id());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    for (int i = 1; i <= 5; i++) {
                        sb.append(rs.getString(i)).append('\n');
                    }
                }
            }
        }
        return sb.toString();
    }
}
