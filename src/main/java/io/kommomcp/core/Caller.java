package io.kommomcp.core;

import java.util.Set;

/**
 * The verified identity behind one tool call. Tenant and roles come from the signed token, never from arguments.
 *
 * @param tenantId      the tenant claim of the token
 * @param subject       the token's subject
 * @param roles         the token's groups
 * @param clientName    the MCP client's name, as it introduced itself (may be null)
 * @param clientVersion the MCP client's version (may be null)
 * @param sessionId     the MCP session id (may be null)
 * @param kommoCalls    collects every Kommo HTTP call made on behalf of this tool call, for the audit log
 * @param changes       collects what the tool changed, before and after, for the audit log
 * @param elicitor      asks the person behind the client directly, when the client can be asked
 * @param progress      tells the client how far a long call has come, when it asked to be told
 */
public record Caller(String tenantId, String subject, Set<String> roles, String clientName, String clientVersion,
        String sessionId, KommoCallLog kommoCalls, ChangeLog changes, Elicitor elicitor, Progress progress) {

    public Caller {
        roles = Set.copyOf(roles);
        elicitor = elicitor == null ? Elicitor.NONE : elicitor;
        progress = progress == null ? Progress.NONE : progress;
    }

    /** A caller whose client asked for no progress notifications. */
    public Caller(String tenantId, String subject, Set<String> roles, String clientName, String clientVersion,
            String sessionId, KommoCallLog kommoCalls, ChangeLog changes, Elicitor elicitor) {
        this(tenantId, subject, roles, clientName, clientVersion, sessionId, kommoCalls, changes, elicitor, null);
    }
}
