package io.kommomcp.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kommomcp.core.Caller;
import io.kommomcp.core.ChangeLog;
import io.kommomcp.core.Describe;
import io.kommomcp.core.Json;
import io.kommomcp.core.KommoCallLog;
import io.kommomcp.core.Tool;
import io.kommomcp.core.ToolPolicy;
import io.kommomcp.core.ToolSet;
import io.kommomcp.governance.IdempotentCalls;
import io.kommomcp.governance.Proposal;
import io.kommomcp.kommo.KommoApiException;
import io.kommomcp.kommo.WriteFailure;
import io.kommomcp.security.Roles;
import io.kommomcp.testing.NoteWrite;
import io.kommomcp.testing.RecordingAudit;
import io.kommomcp.testing.RecordingWriter;
import io.kommomcp.testing.UnitDatabase;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;

/**
 * The registry's idempotency keys, declared on a tool ({@code @Tool(idempotencyKey = true)}), with the keys on the
 * real table ({@link UnitDatabase}) and the recording doubles for audit, governance and Kommo: the argument is
 * published and stripped before binding; a repeat answers from the stored answer without running the tool or writing;
 * other arguments are refused; a call that changed nothing (a plan, a refusal) gives its key back; a part-applied
 * change keeps it.
 */
class IdempotentToolCallsTest {

    @ToolSet
    static class Fixture {

        int invocations;
        Object lastArgs;

        record AddArgs(@Describe(required = true, min = 1) Long leadId, String text) {
        }

        record Added(long noteId, String text) {
        }

        @Tool(name = "fx_bulk_add", title = "Add", role = Roles.WRITER, readOnly = false, destructive = false,
                idempotencyKey = true, description = "Adds a note, once per key.")
        public Proposal<Added> add(AddArgs a, Caller caller) {
            invocations++;
            lastArgs = a;
            Proposal<Added> p = Proposal.of("add a note", new NoteWrite(a.leadId(), a.text())).then(applied ->
                    new Added(applied.id(0), a.text()));
            return a.leadId() > 100 ? p.governedAnyway() : p; // "large": governed, like a bulk call above the threshold
        }

        @Tool(name = "fx_plain_add", title = "Add", role = Roles.WRITER, readOnly = false, destructive = false,
                description = "Adds a note.")
        public Proposal<Added> plain(AddArgs a, Caller caller) {
            return add(a, caller);
        }
    }

    private Fixture fixture;
    private RecordingAudit audit;
    private RecordingWriter writer;
    private ToolCallsTest.RecordingGovernor governor;
    private ToolCalls calls;
    private final Map<String, ToolSpec> tools = new HashMap<>();
    private String tenant;

    @BeforeEach
    void setUp() {
        fixture = new Fixture();
        audit = new RecordingAudit();
        writer = new RecordingWriter();
        governor = new ToolCallsTest.RecordingGovernor();
        IdempotentCalls keys = IdempotentCalls.over(UnitDatabase.app());
        calls = new ToolCalls(audit, governor, writer, keys, 50_000);
        for (Method m : Fixture.class.getDeclaredMethods()) {
            Tool meta = m.getAnnotation(Tool.class);
            if (meta != null) {
                tools.put(meta.name(), ToolSpec.of(meta, fixture, m));
            }
        }
        tenant = "idem-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private CallToolResult call(String tool, Map<String, Object> args) {
        Caller caller = new Caller(tenant, "alice", Set.of(Roles.WRITER), "test", "1", "s1", new KommoCallLog(),
                new ChangeLog(), null);
        return calls.call(tools.get(tool), caller, new ToolCalls.Context(false, ToolPolicy.OPEN), args);
    }

    private static String text(CallToolResult r) {
        return ((McpSchema.TextContent) r.content().get(0)).text();
    }

    private static Map<String, Object> args(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void theKeyIsPublishedOnlyWhereDeclaredAndNeverReachesTheTool() {
        Map<?, ?> props = (Map<?, ?>) tools.get("fx_bulk_add").descriptor().inputSchema().get("properties");
        assertEquals(Map.of("type", "string", "minLength", 1, "maxLength", 200), props.get(ToolSpec.IDEMPOTENCY_KEY));
        assertFalse(((Map<?, ?>) tools.get("fx_plain_add").descriptor().inputSchema().get("properties"))
                .containsKey(ToolSpec.IDEMPOTENCY_KEY));
        assertTrue(call("fx_plain_add", args("lead_id", 1, "idempotency_key", "k")).isError(),
                "an undeclared key is an unknown argument");

        assertFalse(call("fx_bulk_add", args("lead_id", 1, "text", "x", "idempotency_key", "k0")).isError());
        assertEquals(new Fixture.AddArgs(1L, "x"), fixture.lastArgs);
        assertThrows(IllegalStateException.class, () -> ToolSpec.of(BadFixture.class.getDeclaredMethods()[0]
                .getAnnotation(Tool.class), new BadFixture(), BadFixture.class.getDeclaredMethods()[0]),
                "a key on a tool that changes nothing is a declaration error");
    }

    @ToolSet
    static class BadFixture {

        record Read(long id) {
        }

        @Tool(name = "fx_read", title = "Read", role = Roles.READER, readOnly = true, idempotencyKey = true,
                description = "Reads.")
        public Read read(Caller caller) {
            return new Read(1);
        }
    }

    @Test
    void aRepeatWithTheSameKeyAndArgumentsAnswersAgainAndWritesNothing() {
        CallToolResult first = call("fx_bulk_add", args("lead_id", 12, "text", "call back", "idempotency_key",
                "retry-1"));
        assertFalse(first.isError(), text(first));
        CallToolResult again = call("fx_bulk_add", args("text", "call back", "lead_id", 12, "idempotency_key",
                "retry-1"));
        assertFalse(again.isError(), text(again));
        assertEquals(Json.mapper().writeValueAsString(first.structuredContent()), Json.mapper().writeValueAsString(
                again.structuredContent()), "the first call's answer");
        assertTrue(text(again).contains("nothing was sent to Kommo again"), text(again));
        assertEquals(1, fixture.invocations, "the tool ran once");
        assertEquals(List.of(new NoteWrite(12, "call back")), writer.applied, "Kommo was written once");
        assertEquals(List.of("INTENT fx_bulk_add PENDING", "OUTCOME fx_bulk_add SUCCEEDED", "ENTRY fx_bulk_add"
                + " SUCCEEDED"), audit.entries, "the repeat is on the record as one entry");

        CallToolResult other = call("fx_bulk_add", args("lead_id", 13, "text", "call back", "idempotency_key",
                "retry-1"));
        assertTrue(other.isError() && text(other).contains("other arguments"), text(other));
        assertEquals(1, writer.applied.size());
        assertFalse(call("fx_bulk_add", args("lead_id", 13, "text", "call back")).isError(), "no key: runs");
        assertEquals(2, writer.applied.size());
    }

    @Test
    void aPlanKeepsNoKeySoTheConfirmationWithTheSameKeyApplies() {
        CallToolResult planned = call("fx_bulk_add", args("lead_id", 500, "idempotency_key", "big-1"));
        assertFalse(planned.isError(), text(planned));
        assertEquals(1, governor.calls.size(), "governed: handed to governance, nothing applied");
        call("fx_bulk_add", args("lead_id", 500, "idempotency_key", "big-1", "confirmation_token", "kmc_t"));
        assertEquals(2, governor.calls.size(), "the key was given back: the confirmation ran");
        assertEquals("kmc_t", governor.calls.get(1).token());
        assertFalse(governor.calls.get(1).arguments().containsKey(ToolSpec.IDEMPOTENCY_KEY),
                "governance binds the tool's own arguments");
    }

    @Test
    void aRefusedCallGivesItsKeyBackAndAPartlyAppliedOneKeepsIt() {
        writer.failure = new KommoApiException(KommoApiException.Kind.VALIDATION, 400, "Bad Request", "no",
                List.of(), Map.of(), null, null);
        assertTrue(call("fx_bulk_add", args("lead_id", 7, "idempotency_key", "k-refused")).isError());
        writer.failure = null;
        assertFalse(call("fx_bulk_add", args("lead_id", 7, "idempotency_key", "k-refused")).isError(),
                "nothing had landed, so the same key runs the call");
        assertEquals(2, fixture.invocations);

        writer.failure = new WriteFailure(List.of("POST /api/v4/leads/8/notes"), "POST /api/v4/tasks", List.of(),
                new KommoApiException(KommoApiException.Kind.SERVER_ERROR, 502, "Bad Gateway", "upstream", List.of(),
                        Map.of(), null, null));
        CallToolResult partial = call("fx_bulk_add", args("lead_id", 8, "idempotency_key", "k-partial"));
        assertTrue(text(partial).startsWith("Partially applied"), text(partial));
        writer.failure = null;
        CallToolResult repeat = call("fx_bulk_add", args("lead_id", 8, "idempotency_key", "k-partial"));
        assertTrue(repeat.isError() && text(repeat).startsWith("Partially applied"), "the same answer: " + text(
                repeat));
        assertEquals(3, fixture.invocations, "a repeat of a part-applied change does not run it again");
    }
}
