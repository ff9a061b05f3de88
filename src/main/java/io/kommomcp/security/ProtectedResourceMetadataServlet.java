package io.kommomcp.security;

import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;

import io.kommomcp.core.Json;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728) for the MCP endpoint: which authorization servers issue tokens
 * for it, so MCP clients can discover how to sign in. Public, like every .well-known document.
 */
public class ProtectedResourceMetadataServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String base = PublicUrl.of(request);
        String servers = ConfigProvider.getConfig()
                .getOptionalValue("kommo.auth.authorization-servers", String.class).orElse("");
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("resource", base + "/mcp");
        doc.put("authorization_servers", Arrays.stream(servers.split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).toList());
        doc.put("bearer_methods_supported", new String[] {"header"});
        doc.put("scopes_supported", Roles.ALL);
        doc.put("resource_name", "kommo-mcp: Kommo CRM over MCP");
        doc.put("resource_signing_alg_values_supported", new String[] {"RS256"});
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "max-age=300");
        response.getOutputStream().write(Json.mapper().writeValueAsBytes(doc));
    }
}
