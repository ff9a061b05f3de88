package io.kommomcp.mcp;

import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import io.kommomcp.core.Caller;
import io.kommomcp.core.Describe;
import io.kommomcp.core.Tool;
import io.kommomcp.core.ToolPolicy;
import io.kommomcp.core.ToolSet;
import io.kommomcp.governance.GovernanceFixtures;
import io.kommomcp.governance.Governor;
import io.kommomcp.governance.PlanStore;
import io.kommomcp.governance.Proposal;
import io.kommomcp.kommo.Applied;
import io.kommomcp.security.Roles;
import io.kommomcp.testing.NoteWrite;
import io.kommomcp.testing.RecordingAudit;
import io.kommomcp.testing.RecordingWriter;
import io.kommomcp.testing.UnitDatabase;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The 2026-07-28 lane in process: the real handler, registry, call pipeline, governor, plan store and request-state
 * ledger (PostgreSQL through {@link UnitDatabase}), a recording audit trail and a Kommo writer that only records.
 * Requests are built as a conformant client sends them (headers mirrored, {@code _meta} complete) and can be bent
 * per test.
 */
final class NextHarness {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String KEY = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());

    /** Three tools: a read, an ordinary change, a governed change (the shapes of the real tool sets). */
    @ToolSet
    static class Tools {

        record NoteArgs(@Describe(value = "The lead.", required = true, min = 1) Long leadId,
                @Describe("Text of the note.") String text) {
        }

        record Note(long leadId, String text) {
        }

        record Added(long noteId, String text) {
        }

        @Tool(name = "fx_read", title = "Read", role = Roles.READER, readOnly = true, description = "Reads a note.")
        public Note read(NoteArgs a, Caller caller) {
            return new Note(a.leadId(), a.text());
        }

        @Tool(name = "fx_add", title = "Add", role = Roles.WRITER, readOnly = false, destructive = false,
                description = "Adds a note.")
        public Proposal<Added> add(NoteArgs a, Caller caller) {
            return Proposal.of("add a note to lead " + a.leadId(), new NoteWrite(a.leadId(), a.text()))
                    .then(applied -> new Added(applied.id(0), a.text()));
        }

        @Tool(name = "fx_remove", title = "Remove", role = Roles.ADMIN, readOnly = false, governed = true,
                description = "Removes a note.")
        public Proposal<Applied> remove(NoteArgs a, Caller caller) {
            return Proposal.of("remove the note of lead " + a.leadId(), new NoteWrite(a.leadId(), null))
                    .state(Map.of("lead", a.leadId(), "seen", accountState));
        }

        /** What the governed tool reads from "Kommo": change it to make a plan stale. */
        static volatile String accountState = "as read";
    }

    final RecordingAudit audit = new RecordingAudit();
    final RecordingWriter writer = new RecordingWriter();
    final GovernanceFixtures.Policies policies = new GovernanceFixtures.Policies();
    final PlanStore plans = GovernanceFixtures.planStore(UnitDatabase.app(), 300, 3600);
    final Governor governor = GovernanceFixtures.governor(plans, audit, writer, policies);
    final ToolRegistry registry = new ToolRegistry();
    final RequestStates states = new RequestStates();
    final NextRevision next = new NextRevision();
    final String tenant = "nx-" + UUID.randomUUID().toString().substring(0, 8);
    private final AtomicInteger ids = new AtomicInteger();

    NextHarness(boolean fixtures) {
        Tools.accountState = "as read";
        registry.register(Tools.class, new Tools());
        registry.calls(new ToolCalls(audit, governor, writer, 50_000));
        states.ds = UnitDatabase.app();
        states.secretsKey = java.util.Optional.of(KEY);
        states.ttlSeconds = 300;
        next.registry = registry;
        next.audit = audit;
        next.states = states;
        next.plans = plans;
        next.listTtlMs = 60_000;
        next.allowedOrigins = "http://localhost:*";
        next.conformanceFixtures = fixtures;
        next.devMode = true;
        next.init();
    }

    NextRevision.Principal principal(String subject, String... roles) {
        return new NextRevision.Principal(tenant, subject, Set.of(roles), false, ToolPolicy.OPEN);
    }

    /** A conformant request of {@code who}: headers mirrored from the body, {@code _meta} with the capabilities. */
    Request request(String method, Map<String, Object> params) {
        return new Request(method, params);
    }

    final class Request {

        final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        final Map<String, Object> params;
        final Map<String, Object> meta = new LinkedHashMap<>();
        Object id;
        String method;
        NextRevision.Principal principal = principal("alice", Roles.ADMIN);

        Request(String method, Map<String, Object> params) {
            this.method = method;
            this.params = new LinkedHashMap<>(params);
            this.id = ids.incrementAndGet();
            meta.put(McpLanes.META_PROTOCOL_VERSION, "2026-07-28");
            meta.put(NextRevision.META_CLIENT_INFO, Map.of("name", "unit-client", "version", "1.0"));
            meta.put(NextRevision.META_CLIENT_CAPABILITIES, Map.of("elicitation", Map.of()));
            headers.put("MCP-Protocol-Version", "2026-07-28");
            headers.put("Mcp-Method", method);
            Object name = "resources/read".equals(method) ? params.get("uri") : params.get("name");
            if (name instanceof String s && Set.of("tools/call", "prompts/get", "resources/read").contains(method)) {
                headers.put("Mcp-Name", s);
            }
        }

        Request as(String subject, String... roles) {
            principal = principal(subject, roles);
            return this;
        }

        Request header(String name, String value) {
            if (value == null) {
                headers.remove(name);
            } else {
                headers.put(name, value);
            }
            return this;
        }

        Request capabilities(Map<String, Object> caps) {
            meta.put(NextRevision.META_CLIENT_CAPABILITIES, caps);
            return this;
        }

        Request param(String name, Object value) {
            params.put(name, value);
            return this;
        }

        Request noMeta() {
            meta.clear();
            return this;
        }

        JsonNode body() {
            Map<String, Object> p = new LinkedHashMap<>(params);
            if (!meta.isEmpty()) {
                p.put("_meta", meta);
            }
            Map<String, Object> m = new HashMap<>();
            m.put("jsonrpc", "2.0");
            m.put("id", id);
            m.put("method", method);
            m.put("params", p);
            return JSON.valueToTree(m);
        }

        /** Sends it; the answer's HTTP status and JSON body. */
        Answer send() {
            NextRevision.Reply r = next.handle(principal, headers::get, body());
            return new Answer(r.status(), r.body() == null ? null : JSON.valueToTree(r.body()));
        }
    }

    record Answer(int status, JsonNode body) {

        JsonNode result() {
            return body.path("result");
        }

        int code() {
            return body.path("error").path("code").asInt();
        }

        String message() {
            return body.path("error").path("message").asString();
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    /** A tools/call of {@code tool} with {@code args}. */
    Request call(String tool, Map<String, Object> args) {
        return request("tools/call", Map.of("name", tool, "arguments", args));
    }

    static Map<String, Object> accept(boolean ticked) {
        return Map.of("confirm", Map.of("action", "accept", "content", Map.of("confirm", ticked)));
    }
}
