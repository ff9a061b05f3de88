package io.kommomcp.mcp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.kommomcp.audit.AuditLog;
import io.kommomcp.audit.Outcome;
import io.kommomcp.audit.ToolCallAudit;
import io.kommomcp.core.ToolPolicy;
import io.kommomcp.governance.PlanStore;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpStatelessServerFeatures;
import io.modelcontextprotocol.server.transport.DefaultServerTransportSecurityValidator;
import io.modelcontextprotocol.server.transport.ServerTransportSecurityException;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The 2026-07-28 revision of MCP on {@code /mcp}, beside the SDK's 2025 lane ({@link McpLanes} chooses per request).
 * The MCP Java SDK has no support for it, so this is the project's own code, on the same tool registry, the same
 * pipeline ({@link ToolCalls}: roles, tenant policy, arguments, audit, governance) and the same gate
 * ({@link McpGateFilter}: JWT, tenant admission, message shape, audited refusals, all before this class runs).
 * <p>
 * Stateless: no {@code initialize}, no session. Every request is checked in this order, each failure answered with
 * the revision's error and audited as a refused request:
 * <ol>
 * <li>the standard headers ({@code MCP-Protocol-Version}, {@code Mcp-Method}, and {@code Mcp-Name} for
 * {@code tools/call}, {@code resources/read}, {@code prompts/get}) present and equal to the body (whitespace around a
 * value ignored, the Base64 sentinel decoded): else 400, -32020 HeaderMismatch;</li>
 * <li>the request's {@code _meta}: protocol version and client capabilities present, else 400, -32602;</li>
 * <li>the header's version equal to the {@code _meta} version (else -32020) and one this server serves (else 400,
 * -32022 with the supported versions);</li>
 * <li>the method: {@code server/discover}, {@code tools/list}, {@code tools/call}, {@code prompts/list},
 * {@code prompts/get}, {@code resources/list}, {@code resources/templates/list}, {@code resources/read}; anything
 * else, the removed {@code initialize}, {@code ping}, {@code logging/setLevel} and resource subscriptions included,
 * is 404 with -32601.</li>
 * </ol>
 * Every result carries {@code resultType} and the server's identity in {@code _meta}; list results carry
 * {@code ttlMs} and {@code cacheScope}, and {@code tools/list} is in name order. Governed changes are confirmed
 * through input-required results ({@link NextCalls}).
 */
@ApplicationScoped
public class NextRevision {

    private static final Logger LOG = Logger.getLogger(NextRevision.class.getName());

    static final int HEADER_MISMATCH = -32020;
    static final int MISSING_REQUIRED_CLIENT_CAPABILITY = -32021;
    static final int UNSUPPORTED_PROTOCOL_VERSION = -32022;

    static final String METHOD_HEADER = "Mcp-Method";
    static final String NAME_HEADER = "Mcp-Name";
    static final String META_CLIENT_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";
    static final String META_CLIENT_INFO = "io.modelcontextprotocol/clientInfo";
    static final String META_SERVER_INFO = "io.modelcontextprotocol/serverInfo";

    /** Methods this lane serves. */
    static final Set<String> METHODS = Set.of("server/discover", "tools/list", "tools/call", "prompts/list",
            "prompts/get", "resources/list", "resources/templates/list", "resources/read");
    /** Methods whose {@code Mcp-Name} header mirrors {@code params.name} or {@code params.uri}. */
    private static final Map<String, String> NAMED = Map.of("tools/call", "name", "prompts/get", "name",
            "resources/read", "uri");
    private static final String REQUEST = "(mcp request)";
    private static final JsonMapper PLAIN = JsonMapper.builder().build();

    @Inject
    ToolRegistry registry;

    @Inject
    AuditLog audit;

    @Inject
    RequestStates states;

    @Inject
    PlanStore plans;

    /** Freshness of list results ({@code ttlMs} of tools/list, prompts/list, resources/list and templates). */
    @Inject
    @ConfigProperty(name = "kommo.mcp.list-ttl-ms", defaultValue = "60000")
    long listTtlMs;

    @Inject
    @ConfigProperty(name = "kommo.mcp.allowed-origins", defaultValue = "")
    String allowedOrigins;

    /** The test-only tool set of the conformance suite; never in production (docs/mcp-lanes.md). */
    @Inject
    @ConfigProperty(name = "kommo.mcp.conformance-fixtures", defaultValue = "false")
    boolean conformanceFixtures;

    @Inject
    @ConfigProperty(name = "kommo.auth.dev-mode", defaultValue = "false")
    boolean devMode;

    private DefaultServerTransportSecurityValidator origins;
    private NextCalls calls;
    private ConformanceFixtures fixtures;

    /** Who is calling, as the gate admitted them: from the verified token and the tenant's record only. */
    record Principal(String tenant, String subject, Set<String> roles, boolean tenantReadOnly, ToolPolicy policy) {

        Principal {
            roles = Set.copyOf(roles);
            policy = policy == null ? ToolPolicy.OPEN : policy;
        }

        ToolCalls.Context context() {
            return new ToolCalls.Context(tenantReadOnly, policy);
        }
    }

    /** The request's {@code _meta}: its protocol version, the client's capabilities and (optional) identity. */
    record Meta(String protocolVersion, JsonNode capabilities, String clientName, String clientVersion) {

        /** Whether the client declared {@code capability} (an object) for this request. */
        boolean declares(String capability) {
            return capabilities.path(capability).isObject();
        }

        /** Whether the client can answer a form elicitation (an empty elicitation object means form). */
        boolean canElicitForm() {
            JsonNode e = capabilities.path("elicitation");
            return e.isObject() && (e.isEmpty() || e.has("form"));
        }
    }

    /** The request's headers by name, case-insensitively (a servlet request answers so). */
    interface Headers {

        String get(String name);
    }

    /** An answer: HTTP status, the JSON body (null: none), extra headers. */
    record Reply(int status, Object body, Map<String, String> headers) {

        Reply(int status, Object body) {
            this(status, body, Map.of());
        }
    }

    /** A JSON-RPC error answer, raised anywhere while a request is served. */
    static final class RpcError extends RuntimeException {

        private static final long serialVersionUID = 1L;
        final int httpStatus;
        final int code;
        final transient Object data;
        /** Whether the refusal goes on the audit trail (protocol refusals); tool-level ones are audited already. */
        final boolean audited;

        RpcError(int httpStatus, int code, String message, Object data, boolean audited) {
            super(message);
            this.httpStatus = httpStatus;
            this.code = code;
            this.data = data;
            this.audited = audited;
        }

        static RpcError invalidParams(String message) {
            return new RpcError(200, JsonRpcErrors.INVALID_PARAMS, message, null, true);
        }

        static RpcError missingCapabilities(Set<String> capabilities) {
            Map<String, Object> required = new LinkedHashMap<>();
            capabilities.stream().sorted().forEach(c -> required.put(c, Map.of()));
            return new RpcError(400, MISSING_REQUIRED_CLIENT_CAPABILITY, "Missing required client capabilities: "
                    + String.join(", ", required.keySet()) + ". Declare them in _meta[\"" + META_CLIENT_CAPABILITIES
                    + "\"] to use this.", Map.of("requiredCapabilities", required), true);
        }
    }

    @PostConstruct
    void init() {
        List<String> list = Arrays.stream(allowedOrigins.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .toList();
        origins = DefaultServerTransportSecurityValidator.builder().allowedOrigins(list).build();
        boolean withFixtures = conformanceFixtures && devMode;
        if (conformanceFixtures && !devMode) {
            LOG.warning("kommo.mcp.conformance-fixtures=true is ignored: the conformance suite's fixture tools exist"
                    + " only with kommo.auth.dev-mode=true (a test deployment), never in production.");
        } else if (withFixtures) {
            LOG.warning("The conformance suite's fixture tools are served on the 2026-07-28 lane"
                    + " (kommo.mcp.conformance-fixtures=true): a test deployment only.");
        }
        fixtures = withFixtures ? new ConformanceFixtures(states, audit) : null;
        calls = new NextCalls(registry, states, plans, audit, fixtures);
    }

    // ------------------------------------------------------------------ HTTP

    /**
     * Serves a request the gate admitted and {@link McpLanes} gave to this lane. {@code message} is the parsed body
     * of a POST (the gate checked it is one JSON-RPC object), null for other methods.
     */
    void serve(HttpServletRequest request, HttpServletResponse response, JsonNode message, Principal principal)
            throws IOException {
        Reply reply;
        try {
            reply = origin(request.getHeader("Origin"));
            if (reply == null) {
                reply = "POST".equals(request.getMethod()) ? handle(principal, request::getHeader, message)
                        : new Reply(405, error(null, JsonRpcErrors.INVALID_REQUEST, "Method not allowed: the"
                                + " 2026-07-28 revision has no GET stream and no session to DELETE; send each request"
                                + " as a POST.", null), Map.of("Allow", "POST"));
            }
        } catch (RuntimeException e) {
            String ref = java.util.UUID.randomUUID().toString();
            LOG.log(Level.SEVERE, "2026-07-28 request failed; reference " + ref, e);
            reply = new Reply(500, error(id(message), JsonRpcErrors.INTERNAL_ERROR, "Internal error; reference " + ref
                    + " (for the server log).", null));
        }
        write(response, reply);
    }

    /** Null when the Origin (if any) is allowed; else the 403 (DNS rebinding protection, as on the 2025 lane). */
    Reply origin(String origin) {
        if (origin == null) {
            return null;
        }
        try {
            origins.validateHeaders(Map.of("Origin", List.of(origin)));
            return null;
        } catch (ServerTransportSecurityException e) {
            return new Reply(403, error(null, JsonRpcErrors.INVALID_REQUEST, "Forbidden: this request's Origin is not"
                    + " allowed (kommo.mcp.allowed-origins).", null));
        }
    }

    private static void write(HttpServletResponse response, Reply reply) throws IOException {
        response.setStatus(reply.status());
        reply.headers().forEach(response::setHeader);
        if (reply.body() == null) {
            response.setContentLength(0);
            response.flushBuffer();
            return;
        }
        byte[] body = PLAIN.writeValueAsBytes(reply.body());
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        response.flushBuffer();
    }

    // ------------------------------------------------------------------ the request

    /** Answers one POSTed message (a JSON-RPC object, as the gate checked). No servlet: unit tests call this. */
    Reply handle(Principal p, Headers headers, JsonNode message) {
        if (!message.has("method")) {
            return refused(p, null, new RpcError(400, JsonRpcErrors.INVALID_REQUEST, "Invalid request: clients send"
                    + " requests in the 2026-07-28 revision, never responses (there are no server requests to"
                    + " answer: input is asked for in input-required results).", null, true), null);
        }
        String method = message.path("method").asString();
        JsonNode idNode = message.get("id");
        if (idNode == null) {
            return new Reply(202, null); // a notification: accepted, nothing to answer (none is defined over HTTP)
        }
        Object id = id(message);
        if (id == null) {
            return refused(p, null, new RpcError(400, JsonRpcErrors.INVALID_REQUEST, "Invalid request: the id must"
                    + " be a string or an integer, never null.", null, true), method);
        }
        JsonNode params = message.path("params");
        try {
            checkHeaders(headers, method, params);
            Meta meta = meta(params);
            String headerVersion = headers.get(McpLanes.PROTOCOL_VERSION_HEADER).strip();
            if (!headerVersion.equals(meta.protocolVersion())) {
                throw new RpcError(400, HEADER_MISMATCH, "Header mismatch: " + McpLanes.PROTOCOL_VERSION_HEADER
                        + " '" + headerVersion + "' does not match _meta[\"" + McpLanes.META_PROTOCOL_VERSION
                        + "\"] '" + meta.protocolVersion() + "'.", null, true);
            }
            if (!McpLanes.MODERN_VERSIONS.contains(meta.protocolVersion())) {
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("supported", McpLanes.MODERN_VERSIONS);
                data.put("requested", meta.protocolVersion());
                throw new RpcError(400, UNSUPPORTED_PROTOCOL_VERSION, "Unsupported protocol version '"
                        + shown(meta.protocolVersion()) + "': this server serves " + McpLanes.MODERN_VERSIONS
                        + " per request, and 2025-06-18 and 2025-11-25 after initialize.", data, true);
            }
            Map<String, Object> result = dispatch(p, meta, method, params);
            return new Reply(200, envelope(id, "result", decorate(result)));
        } catch (RpcError e) {
            return refused(p, id, e, method, params);
        }
    }

    private Map<String, Object> dispatch(Principal p, Meta meta, String method, JsonNode params) {
        return switch (method) {
            case "server/discover" -> discover();
            case "tools/list" -> toolsList(p, params);
            case "tools/call" -> calls.call(p, meta, params);
            case "prompts/list" -> promptsList(params);
            case "prompts/get" -> promptsGet(p, meta, params);
            case "resources/list" -> cacheable(listed("resources", SchemaResources.resources()), "public",
                    listTtlMs);
            case "resources/templates/list" -> cacheable(listed("resourceTemplates", List.of()), "public",
                    listTtlMs);
            case "resources/read" -> resourcesRead(p, meta, params);
            default -> throw new RpcError(404, JsonRpcErrors.METHOD_NOT_FOUND, "Method not found: " + shown(method)
                    + removed(method), null, true);
        };
    }

    private static String removed(String method) {
        return switch (method) {
            case "initialize", "notifications/initialized" -> " (the 2026-07-28 revision has no initialize: call"
                    + " server/discover, or send initialize without MCP-Protocol-Version for 2025-11-25).";
            case "ping", "logging/setLevel", "resources/subscribe", "resources/unsubscribe" -> " (removed in"
                    + " 2026-07-28).";
            case "subscriptions/listen" -> " (this server sends no change notifications; list results carry ttlMs).";
            default -> ".";
        };
    }

    // ------------------------------------------------------------------ checks

    /** The standard request headers against the body (streamable-http.mdx, "Server Validation"). */
    static void checkHeaders(Headers headers, String method, JsonNode params) {
        String version = headers.get(McpLanes.PROTOCOL_VERSION_HEADER);
        if (version == null || version.isBlank()) {
            throw mismatch("the " + McpLanes.PROTOCOL_VERSION_HEADER + " header is missing.");
        }
        String mcpMethod = headers.get(METHOD_HEADER);
        if (mcpMethod == null || mcpMethod.isBlank()) {
            throw mismatch("the " + METHOD_HEADER + " header is missing.");
        }
        if (!mcpMethod.strip().equals(method)) {
            throw mismatch(METHOD_HEADER + " header value '" + shown(mcpMethod.strip()) + "' does not match body"
                    + " value '" + shown(method) + "'.");
        }
        String field = NAMED.get(method);
        if (field == null) {
            return;
        }
        JsonNode bodyValue = params.path(field);
        String header = headers.get(NAME_HEADER);
        if (header == null || header.isBlank()) {
            if (bodyValue.isString()) {
                throw mismatch("the " + NAME_HEADER + " header is missing; it must carry params." + field + ".");
            }
            return; // neither: the method itself refuses the missing name
        }
        String name = decoded(header.strip());
        if (!bodyValue.isString() || !bodyValue.asString().equals(name)) {
            throw mismatch(NAME_HEADER + " header value '" + shown(name) + "' does not match body value '"
                    + (bodyValue.isString() ? shown(bodyValue.asString()) : "(none)") + "'.");
        }
    }

    /** A header value in the Base64 sentinel form ({@code =?base64?...?=}) decoded; any other value as it is. */
    static String decoded(String value) {
        if (!value.startsWith("=?base64?") || !value.endsWith("?=") || value.length() < 11) {
            return value;
        }
        try {
            return new String(Base64.getDecoder().decode(value.substring(9, value.length() - 2)),
                    StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw mismatch("a header value in the =?base64?...?= form is not valid Base64.");
        }
    }

    private static RpcError mismatch(String what) {
        return new RpcError(400, HEADER_MISMATCH, "Header mismatch: " + what, null, true);
    }

    /** The request's {@code _meta}, with its required fields (basic/index.mdx, "Per-request protocol fields"). */
    static Meta meta(JsonNode params) {
        JsonNode meta = params.path("_meta");
        if (!meta.isObject()) {
            throw new RpcError(400, JsonRpcErrors.INVALID_PARAMS, "Invalid params: every request carries params._meta"
                    + " with \"" + McpLanes.META_PROTOCOL_VERSION + "\" and \"" + META_CLIENT_CAPABILITIES + "\".",
                    null, true);
        }
        JsonNode version = meta.path(McpLanes.META_PROTOCOL_VERSION);
        if (!version.isString() || version.asString().isBlank()) {
            throw new RpcError(400, JsonRpcErrors.INVALID_PARAMS, "Invalid params: _meta[\""
                    + McpLanes.META_PROTOCOL_VERSION + "\"] (a string) is required.", null, true);
        }
        JsonNode caps = meta.path(META_CLIENT_CAPABILITIES);
        if (!caps.isObject()) {
            throw new RpcError(400, JsonRpcErrors.INVALID_PARAMS, "Invalid params: _meta[\"" + META_CLIENT_CAPABILITIES
                    + "\"] (an object, {} for none) is required.", null, true);
        }
        JsonNode info = meta.path(META_CLIENT_INFO);
        return new Meta(version.asString(), caps, text(info.path("name")), text(info.path("version")));
    }

    private static String text(JsonNode n) {
        if (!n.isString()) {
            return null;
        }
        String s = n.asString();
        return s.length() > 200 ? s.substring(0, 200) : s;
    }

    // ------------------------------------------------------------------ methods

    private Map<String, Object> discover() {
        Map<String, Object> caps = new LinkedHashMap<>();
        caps.put("tools", Map.of());
        caps.put("resources", Map.of());
        caps.put("prompts", Map.of());
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("supportedVersions", McpLanes.MODERN_VERSIONS);
        r.put("capabilities", caps);
        r.put("instructions", ServerInstructions.TEXT);
        return cacheable(r, "public", 3_600_000L);
    }

    /** What the caller may call, in name order (deterministic), the same list as the 2025 lane's. */
    private Map<String, Object> toolsList(Principal p, JsonNode params) {
        noCursor(params);
        ToolCalls.Context ctx = p.context();
        List<McpSchema.Tool> visible = new ArrayList<>(registry.descriptors().stream()
                .filter(t -> ToolCalls.visible(registry.spec(t.name()), p.roles(), ctx)).toList());
        if (fixtures != null) {
            visible.addAll(fixtures.tools());
        }
        visible.sort(Comparator.comparing(McpSchema.Tool::name));
        // private: the list depends on the caller's roles and the tenant's policy
        return cacheable(listed("tools", visible), "private", listTtlMs);
    }

    private Map<String, Object> promptsList(JsonNode params) {
        noCursor(params);
        List<McpSchema.Prompt> prompts = new ArrayList<>(Prompts.statelessSpecifications().stream()
                .map(McpStatelessServerFeatures.SyncPromptSpecification::prompt).toList());
        if (fixtures != null) {
            prompts.addAll(fixtures.prompts());
        }
        prompts.sort(Comparator.comparing(McpSchema.Prompt::name));
        return cacheable(listed("prompts", prompts), "public", listTtlMs);
    }

    private Map<String, Object> promptsGet(Principal p, Meta meta, JsonNode params) {
        JsonNode name = params.path("name");
        if (!name.isString()) {
            throw RpcError.invalidParams("Invalid params: prompts/get needs params.name.");
        }
        JsonNode args = params.path("arguments");
        if (!args.isMissingNode() && !args.isNull() && !args.isObject()) {
            throw RpcError.invalidParams("Invalid params: params.arguments must be an object of strings.");
        }
        if (fixtures != null && fixtures.hasPrompt(name.asString())) {
            return fixtures.getPrompt(p, meta, name.asString(), params);
        }
        McpStatelessServerFeatures.SyncPromptSpecification spec = Prompts.statelessSpecifications().stream()
                .filter(s -> s.prompt().name().equals(name.asString())).findFirst().orElseThrow(() -> RpcError
                        .invalidParams("Unknown prompt '" + shown(name.asString()) + "'. prompts/list shows the"
                                + " prompts."));
        Map<String, Object> arguments = args.isObject() ? PLAIN.convertValue(args, Map.class) : Map.of();
        try {
            return sdkMap(spec.promptHandler().apply(null, new McpSchema.GetPromptRequest(name.asString(),
                    arguments)));
        } catch (McpError e) {
            throw RpcError.invalidParams(e.getMessage());
        }
    }

    private Map<String, Object> resourcesRead(Principal p, Meta meta, JsonNode params) {
        JsonNode uri = params.path("uri");
        if (!uri.isString()) {
            throw RpcError.invalidParams("Invalid params: resources/read needs params.uri.");
        }
        McpSchema.ReadResourceResult r;
        try {
            r = SchemaResources.read(uri.asString(), (tool, args) -> registry.callAs(tool, NextCalls.caller(p, meta,
                    io.kommomcp.core.Elicitor.NONE), p.context(), args));
        } catch (McpError e) {
            throw new RpcError(200, JsonRpcErrors.INVALID_REQUEST, e.getMessage(), null, false);
        }
        if (r == null) {
            // 2026-07-28: a resource that does not exist is -32602 (no longer -32002)
            throw new RpcError(200, JsonRpcErrors.INVALID_PARAMS, "Resource not found: " + shown(uri.asString())
                    + ". resources/list shows the resources.", Map.of("uri", uri.asString()), true);
        }
        // private: read for this caller's tenant, through a tool its roles allow
        return cacheable(sdkMap(r), "private", 0);
    }

    private static void noCursor(JsonNode params) {
        JsonNode cursor = params.path("cursor");
        if (!cursor.isMissingNode() && !cursor.isNull()) {
            throw RpcError.invalidParams("Invalid params: unknown cursor (every list fits one page here; send no"
                    + " cursor).");
        }
    }

    private static Map<String, Object> listed(String key, List<?> items) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put(key, items.stream().map(NextRevision::sdkMap).toList());
        return r;
    }

    static Map<String, Object> cacheable(Map<String, Object> result, String scope, long ttlMs) {
        result.put("ttlMs", Math.max(0, ttlMs));
        result.put("cacheScope", scope);
        return result;
    }

    /** An SDK record as MCP JSON (camelCase, nulls left out), as a map this lane can extend. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> sdkMap(Object sdkRecord) {
        return new LinkedHashMap<>(McpJsonDefaults.getMapper().convertValue(sdkRecord, Map.class));
    }

    /** {@code resultType} ("complete" unless set) and the server's identity in {@code _meta}. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> decorate(Map<String, Object> result) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("resultType", result.getOrDefault("resultType", "complete"));
        result.forEach((k, v) -> {
            if (!"resultType".equals(k) && !"_meta".equals(k)) {
                r.put(k, v);
            }
        });
        Map<String, Object> meta = new LinkedHashMap<>();
        if (result.get("_meta") instanceof Map<?, ?> m) {
            meta.putAll((Map<String, Object>) m);
        }
        meta.put(META_SERVER_INFO, Map.of("name", "kommo-mcp", "title", "Kommo CRM", "version", version()));
        r.put("_meta", meta);
        return r;
    }

    private static String version() {
        String v = NextRevision.class.getPackage() == null ? null
                : NextRevision.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0" : v;
    }

    // ------------------------------------------------------------------ errors and audit

    private Reply refused(Principal p, Object id, RpcError e, String method) {
        return refused(p, id, e, method, null);
    }

    private Reply refused(Principal p, Object id, RpcError e, String method, JsonNode params) {
        if (e.audited) {
            String what = REQUEST;
            if ("tools/call".equals(method) && params != null && params.path("name").isString()) {
                String n = params.path("name").asString();
                what = n.length() > 80 ? n.substring(0, 80) : n;
            }
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("protocol", "2026-07-28 lane");
            if (method != null) {
                details.put("jsonrpc_method", method.length() > 80 ? method.substring(0, 80) : method);
            }
            details.put("error_code", e.code);
            try {
                audit.refusal(ToolCallAudit.refusal(p.tenant(), p.subject(), new HashSet<>(p.roles()), null, what,
                        details, Outcome.DENIED, e.getMessage()), true, p.tenant());
            } catch (RuntimeException ex) {
                LOG.log(Level.WARNING, "could not audit a refused 2026-07-28 request", ex);
            }
        }
        return new Reply(e.httpStatus, error(id, e.code, e.getMessage(), e.data));
    }

    static Map<String, Object> error(Object id, int code, String message, Object data) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        if (data != null) {
            error.put("data", data);
        }
        return envelope(id, "error", error);
    }

    private static Map<String, Object> envelope(Object id, String kind, Object value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jsonrpc", "2.0");
        m.put("id", id);
        m.put(kind, value);
        return m;
    }

    /** The message's id as sent (string or integer), or null. */
    static Object id(JsonNode m) {
        if (m == null || !m.isObject()) {
            return null;
        }
        JsonNode id = m.get("id");
        if (id == null || id.isNull()) {
            return null;
        }
        return id.isIntegralNumber() ? (Object) id.longValue() : id.isString() ? id.asString() : null;
    }

    /** A client's value as it may appear in an answer: short, printable. */
    static String shown(String s) {
        String t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return t.replaceAll("[\\p{Cntrl}\\p{Cs}]", "?");
    }
}
