package io.kommomcp.mcp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.Principal;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.jwt.JsonWebToken;

import io.kommomcp.audit.AuditLog;
import io.kommomcp.audit.Outcome;
import io.kommomcp.audit.ToolCallAudit;
import io.kommomcp.core.Json;
import io.kommomcp.core.ToolCatalog;
import io.kommomcp.mcp.SessionOwners.Owner;
import io.kommomcp.tenancy.TenantAdmission;
import io.kommomcp.tenancy.TenantAdmission.Admission;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Everything {@code /mcp} checks before the SDK transport sees a request, after Liberty has verified the JWT:
 * <ol>
 * <li>the HTTP method (GET, POST, DELETE; anything else 405);</li>
 * <li>the tenant, from the token's claim only: unknown or disabled is 403, audited (unknown claims on the platform
 * chain);</li>
 * <li>for POST, the message itself: JSON (-32700), one JSON-RPC 2.0 object (-32600: no batches, no {@code null}),
 * {@code initialize} with params (-32602); all 400;</li>
 * <li>the session: an id this gate never bound, or one bound to another tenant or subject, is 404 with the same body
 * (ids are not confirmed), and the second case is audited as DENIED; the session stays intact;</li>
 * <li>{@code tools/call} of a tool that does not exist: a JSON-RPC error, audited as DENIED with the name asked
 * for.</li>
 * </ol>
 * The response is wrapped so that every HTTP error the SDK produces leaves as a JSON-RPC error object, never as a
 * serialized Java exception, and so that the session id the SDK assigns at {@code initialize} is bound to the caller
 * before the answer leaves.
 */
public class McpGateFilter implements Filter {

    private static final Logger LOG = Logger.getLogger(McpGateFilter.class.getName());

    static final String ATTR_TENANT = "io.kommomcp.tenant";
    static final String ATTR_TENANT_READ_ONLY = "io.kommomcp.tenantReadOnly";
    static final String ATTR_TOOL_POLICY = "io.kommomcp.toolPolicy";

    static final String SESSION_HEADER = "Mcp-Session-Id";
    private static final Set<String> METHODS = Set.of("GET", "POST", "DELETE");
    /** What the audit trail calls a request refused before it named a tool. */
    private static final String REQUEST = "(mcp request)";

    private TenantAdmission admission;
    private AuditLog audit;
    private SessionOwners sessions;
    private ToolCatalog catalog;
    private int maxBodyBytes;
    /** The 2026-07-28 lane, served beside the SDK's on the same path (McpLanes chooses per request). */
    private NextRevision next;
    private McpTelemetry telemetry;
    /** The 2025 lane without sessions (kommo.mcp.sessions=stateless): session ids are neither bound nor checked. */
    private boolean stateless;

    @Override
    public void init(FilterConfig config) {
        admission = CDI.current().select(TenantAdmission.class).get();
        audit = CDI.current().select(AuditLog.class).get();
        sessions = CDI.current().select(SessionOwners.class).get();
        catalog = CDI.current().select(ToolCatalog.class).get();
        maxBodyBytes = ConfigProvider.getConfig().getOptionalValue("kommo.mcp.max-request-bytes", Integer.class)
                .orElse(16 * 1024 * 1024);
        next = CDI.current().select(NextRevision.class).get();
        telemetry = CDI.current().select(McpTelemetry.class).get();
        stateless = McpLanes.Sessions.of(ConfigProvider.getConfig().getOptionalValue("kommo.mcp.sessions",
                String.class).orElse(null)) == McpLanes.Sessions.STATELESS;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        if (!METHODS.contains(request.getMethod())) {
            response.setHeader("Allow", "GET, POST, DELETE");
            JsonRpcErrors.write(response, 405, ErrorRewritingResponse.METHOD_NOT_ALLOWED);
            return;
        }
        Principal principal = request.getUserPrincipal();
        if (!(principal instanceof JsonWebToken jwt)) {
            JsonRpcErrors.write(response, 401, "Authentication required: send a bearer JWT from your identity"
                    + " provider.");
            return;
        }
        boolean post = "POST".equals(request.getMethod());
        Admission admitted = admission.forMcp(jwt);
        if (!admitted.admitted()) {
            if (post) { // stream GETs and session DELETEs repeat the POST's refusal; one record per message
                audit(admitted, jwt, null, REQUEST, Map.of(), admitted.refusal());
            }
            JsonRpcErrors.write(response, 403, admitted.refusal());
            return;
        }
        String tenant = admitted.tenant().id();
        Owner me = new Owner(tenant, subject(jwt));

        JsonNode message = null;
        byte[] body = null;
        if (post) {
            body = readBody(request);
            if (body == null) {
                audit(admitted, jwt, null, REQUEST, Map.of(), "message over the size limit");
                JsonRpcErrors.write(response, 413, "The message is larger than " + maxBodyBytes + " bytes"
                        + " (kommo.mcp.max-request-bytes).");
                return;
            }
            try {
                message = Json.mapper().readTree(body);
            } catch (JacksonException e) {
                audit(admitted, jwt, null, REQUEST, Map.of(), "not JSON");
                JsonRpcErrors.write(response, 400, JsonRpcErrors.PARSE_ERROR, null, "Parse error: the body is not"
                        + " valid JSON (or is nested too deeply). Send one JSON-RPC 2.0 message as a JSON object.");
                return;
            }
            String problem = shapeProblem(message);
            if (problem != null) {
                audit(admitted, jwt, null, REQUEST, Map.of(), problem);
                JsonRpcErrors.write(response, 400, message != null && message.isObject()
                        && "initialize".equals(message.path("method").asString(null))
                        ? JsonRpcErrors.INVALID_PARAMS : JsonRpcErrors.INVALID_REQUEST, id(message), problem);
                return;
            }
        }
        String sessionHeader = stateless ? null : request.getHeader(SESSION_HEADER);
        String version = request.getHeader("MCP-Protocol-Version") != null ? request.getHeader(
                "MCP-Protocol-Version") : sessions.protocolVersion(sessionHeader);
        McpTelemetry.Request traced = post && message != null && message.has("method") ? telemetry.start(message,
                tenant, version, sessionHeader, request::getHeader) : null;
        try {
            serve(request, response, chain, admitted, jwt, me, message, body, post);
        } finally {
            if (traced != null) {
                if (response.getStatus() >= 400) {
                    traced.failed(String.valueOf(response.getStatus()));
                }
                traced.close();
            }
        }
    }

    /** Everything after admission and the message's shape: the lane, the session, the SDK. */
    private void serve(HttpServletRequest request, HttpServletResponse response, FilterChain chain,
            Admission admitted, JsonWebToken jwt, Owner me, JsonNode message, byte[] body, boolean post)
            throws IOException, ServletException {
        String tenant = me.tenant();
        if (McpLanes.modern(request::getHeader, message)) { // the 2026-07-28 lane: no session, no SDK
            next.serve(request, response, message, new NextRevision.Principal(tenant, me.subject(),
                    jwt.getGroups() == null ? Set.of() : jwt.getGroups(), admitted.tenant().readOnly(),
                    admitted.tenant().toolPolicy()));
            return;
        }
        String rpcMethod = message == null ? null : message.path("method").asString(null);
        boolean initialize = "initialize".equals(rpcMethod);
        String sessionId = stateless ? null : request.getHeader(SESSION_HEADER);
        if (!initialize && sessionId != null) {
            Owner owner = sessions.owner(sessionId);
            if (owner == null || !owner.equals(me)) {
                if (owner != null || post) {
                    Map<String, Object> details = new LinkedHashMap<>();
                    details.put("http_method", request.getMethod());
                    if (rpcMethod != null) {
                        details.put("jsonrpc_method", rpcMethod);
                    }
                    details.put("presented_session_id", sessionId);
                    audit(admitted, jwt, null, REQUEST, details, owner != null
                            ? "The session belongs to another tenant or user; refused as an unknown session."
                            : "Unknown session (expired, deleted, or never opened on this server).");
                }
                JsonRpcErrors.write(response, 404, ErrorRewritingResponse.SESSION_NOT_FOUND);
                return;
            }
        }
        if ("tools/call".equals(rpcMethod) && (sessionId != null || stateless)) {
            JsonNode name = message.path("params").path("name");
            if (!name.isString() || !catalog.toolNames().contains(name.asString())) {
                String asked = name.isString() ? name.asString() : String.valueOf(name);
                String why = "Unknown tool '" + (asked.length() > 80 ? asked.substring(0, 80) + "..." : asked)
                        + "'. Call tools/list for the tools available to you.";
                audit(admitted, jwt, sessionId, asked.isEmpty() ? REQUEST : asked, Map.of(), why);
                JsonRpcErrors.write(response, 200, JsonRpcErrors.INVALID_PARAMS, id(message), why);
                return;
            }
        }

        request.setAttribute(ATTR_TENANT, tenant);
        request.setAttribute(ATTR_TENANT_READ_ONLY, admitted.tenant().readOnly());
        request.setAttribute(ATTR_TOOL_POLICY, admitted.tenant().toolPolicy());
        boolean incomingResponse = message != null && rpcMethod == null;
        ErrorRewritingResponse wrapped = new ErrorRewritingResponse(response, incomingResponse,
                initialize ? id -> sessions.bind(id, me, message.path("params").path("protocolVersion")
                        .asString(null)) : null);
        chain.doFilter(body == null ? request : new BufferedRequest(request, body), wrapped);
        wrapped.finish();
        if (sessionId != null && !initialize && ("DELETE".equals(request.getMethod()) && wrapped.errorStatus() == 0
                || wrapped.errorStatus() == 404)) {
            sessions.forget(sessionId); // ended by its owner, or gone from the SDK (evicted while idle)
        }
    }

    /** Null when {@code m} is one JSON-RPC 2.0 message the transport can take, else why not. */
    private static String shapeProblem(JsonNode m) {
        if (m == null || m.isNull() || m.isMissingNode()) {
            return "Invalid request: the body is empty or null. Send one JSON-RPC 2.0 message as a JSON object.";
        }
        if (m.isArray()) {
            return "Invalid request: JSON-RPC batches are not supported (MCP 2025-06-18 and later). Send one message"
                    + " per request.";
        }
        if (!m.isObject()) {
            return "Invalid request: a JSON-RPC message is a JSON object.";
        }
        if (!"2.0".equals(m.path("jsonrpc").asString(null))) {
            return "Invalid request: the message must carry \"jsonrpc\": \"2.0\".";
        }
        JsonNode method = m.get("method");
        if (method != null && !method.isString()) {
            return "Invalid request: \"method\" must be a string.";
        }
        if (method == null && !m.has("result") && !m.has("error")) {
            return "Invalid request: a message needs a \"method\" (request or notification), or \"result\" or"
                    + " \"error\" (a response).";
        }
        JsonNode id = m.get("id");
        if (id != null && !id.isNull() && !id.isString() && !id.isIntegralNumber()) {
            return "Invalid request: \"id\" must be a string or an integer.";
        }
        if ("initialize".equals(m.path("method").asString(null)) && !m.path("params").isObject()) {
            return "Invalid params: initialize needs params with protocolVersion, capabilities and clientInfo.";
        }
        JsonNode params = m.get("params");
        if (params != null && !params.isObject() && !params.isNull()) {
            return "Invalid params: \"params\" must be an object.";
        }
        return null;
    }

    /** The message's id as it was sent (string or number), or null. */
    private static Object id(JsonNode m) {
        if (m == null || !m.isObject()) {
            return null;
        }
        JsonNode id = m.get("id");
        if (id == null || id.isNull()) {
            return null;
        }
        return id.isIntegralNumber() ? (Object) id.longValue() : id.isString() ? id.asString() : null;
    }

    /** The body, or null when it is larger than the limit. */
    private byte[] readBody(HttpServletRequest request) throws IOException {
        if (request.getContentLengthLong() > maxBodyBytes) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(256, (int) Math.min(maxBodyBytes,
                Math.max(0, request.getContentLengthLong()))));
        byte[] buf = new byte[8192];
        try (InputStream in = request.getInputStream()) {
            int n;
            while ((n = in.read(buf)) != -1) {
                if (out.size() + n > maxBodyBytes) {
                    return null;
                }
                out.write(buf, 0, n);
            }
        }
        return out.toByteArray();
    }

    private static String subject(JsonWebToken jwt) {
        return jwt.getSubject() != null ? jwt.getSubject() : jwt.getName();
    }

    private void audit(Admission admitted, JsonWebToken jwt, String sessionId, String what,
            Map<String, Object> details, String reason) {
        try {
            audit.refusal(ToolCallAudit.refusal(admitted.tenant() == null ? null : admitted.tenant().id(),
                    subject(jwt), jwt.getGroups() == null ? Set.of() : new HashSet<>(jwt.getGroups()), sessionId,
                    what, details, Outcome.DENIED, reason), admitted.tenant() != null, admitted.claimed());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not audit a refused MCP request", e);
        }
    }
}
