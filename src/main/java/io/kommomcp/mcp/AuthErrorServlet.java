package io.kommomcp.mcp;

import java.io.IOException;

import io.kommomcp.security.PublicUrl;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The error page for 401 and 403 raised by the container's JWT check: a JSON body with a clear reason, and on 401 a
 * {@code WWW-Authenticate} challenge that points MCP clients at the protected-resource metadata (RFC 9728).
 */
public class AuthErrorServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer i ? i : 401;
        boolean sentToken = request.getHeader("Authorization") != null;
        String message;
        if (status == 401) {
            String challenge = "Bearer realm=\"kommo-mcp\", resource_metadata=\"" + PublicUrl.of(request)
                    + "/.well-known/oauth-protected-resource\"";
            if (sentToken) {
                challenge += ", error=\"invalid_token\", error_description=\"The token is invalid, expired, or not"
                        + " issued for this server\"";
            }
            response.setHeader("WWW-Authenticate", challenge);
            message = sentToken
                    ? "The bearer token was rejected: its signature, issuer, audience or expiry does not verify."
                            + " Get a fresh token from your identity provider."
                    : "Authentication required: send 'Authorization: Bearer <JWT>' from your identity provider.";
        } else {
            message = "Your token is valid but grants none of the roles this endpoint needs (kommo.reader,"
                    + " kommo.writer, kommo.admin, kommo.approver, audit.reader; platform.admin for /api).";
        }
        JsonRpcErrors.write(response, status, message);
    }
}
