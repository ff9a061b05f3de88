package io.kommomcp.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kommomcp.audit.Outcome;
import io.kommomcp.audit.ToolCallAudit;
import io.kommomcp.core.Caller;
import io.kommomcp.core.ChangeLog;
import io.kommomcp.core.Describe;
import io.kommomcp.core.KommoCallLog;
import io.kommomcp.core.Tool;
import io.kommomcp.core.ToolPolicy;
import io.kommomcp.core.ToolSet;
import io.kommomcp.governance.Governor;
import io.kommomcp.governance.Plan;
import io.kommomcp.governance.PlanResult;
import io.kommomcp.governance.Proposal;
import io.kommomcp.kommo.Applied;
import io.kommomcp.kommo.KommoApiException;
import io.kommomcp.kommo.WriteFailure;
import io.kommomcp.security.Roles;
import io.kommomcp.testing.NoteWrite;
import io.kommomcp.testing.RecordingAudit;
import io.kommomcp.testing.RecordingWriter;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;

/**
 * The registry's call pipeline without a container, on a small tool set of its own (the way quarkus-mcp-server tests
 * tool security): roles and policy, argument checks, audit entries, and the governance flow owned by the registry —
 * flow arguments added to the schema and stripped before binding, a declared or policy-governed change handed to
 * governance, an ordinary change applied at once. The collaborators are recording stand-ins: what is tested is what
 * the registry asks of them, and that a refused call never reaches the tool or Kommo.
 */
class ToolCallsTest {

    /** A tool set of four tools: a read, an ordinary change, a governed change, and a read that breaks. */
    @ToolSet
    static class Fixture {

        int invocations;
        NoteArgs lastArgs;

        record NoteArgs(@Describe(value = "The lead.", required = true, min = 1) Long leadId,
                @Describe("Text of the note.") String text) {
        }

        record Note(long leadId, String text) {
        }

        record Added(long noteId, String text) {
        }

        @Tool(name = "fx_read", title = "Read", role = Roles.READER, readOnly = true, description = "Reads a note.")
        public Note read(NoteArgs a, Caller caller) {
            invocations++;
            lastArgs = a;
            return new Note(a.leadId(), a.text());
        }

        @Tool(name = "fx_add", title = "Add", role = Roles.WRITER, readOnly = false, destructive = false,
                description = "Adds a note.")
        public Proposal<Added> add(NoteArgs a, Caller caller) {
            invocations++;
            lastArgs = a;
            return Proposal.of("add a note to lead " + a.leadId(), new NoteWrite(a.leadId(), a.text()))
                    .then(applied -> new Added(applied.id(0), a.text()));
        }

        @Tool(name = "fx_remove", title = "Remove", role = Roles.ADMIN, readOnly = false, governed = true,
                description = "Removes a note.")
        public Proposal<Applied> remove(NoteArgs a, Caller caller) {
            invocations++;
            lastArgs = a;
            return Proposal.of("remove the note of lead " + a.leadId(), new NoteWrite(a.leadId(), null));
        }

        @Tool(name = "fx_broken", title = "Broken", role = Roles.READER, readOnly = true,
                description = "Always fails.")
        public Note broken(Caller caller) {
            throw new IllegalStateException("db password is hunter2 at io.kommomcp.Secret");
        }
    }

    /** Governance as the registry sees it: what it was handed, and a plan in return. */
    static class RecordingGovernor extends Governor {

        final List<Call> calls = new ArrayList<>();
        final Set<String> policyNames = new java.util.HashSet<>();

        @Override
        public boolean policyNames(Caller caller, String tool) {
            return policyNames.contains(tool);
        }

        @Override
        public Governed govern(Caller caller, Call call) {
            calls.add(call);
            Plan plan = new Plan(call.proposal().action(), List.of("planned"), null, null, List.of());
            return new Governed(call.dryRun() ? Status.DRY_RUN : Status.PLANNED, plan, call.dryRun() ? null : "kmc_t",
                    null, call.dryRun() ? null : UUID.randomUUID(), null);
        }
    }

    private Fixture fixture;
    private RecordingAudit audit;
    private RecordingWriter writer;
    private RecordingGovernor governor;
    private ToolCalls calls;
    private final Map<String, ToolSpec> tools = new HashMap<>();

    @BeforeEach
    void setUp() {
        fixture = new Fixture();
        audit = new RecordingAudit();
        writer = new RecordingWriter();
        governor = new RecordingGovernor();
        calls = new ToolCalls(audit, governor, writer, 50_000);
        for (Method m : Fixture.class.getDeclaredMethods()) {
            Tool meta = m.getAnnotation(Tool.class);
            if (meta != null) {
                tools.put(meta.name(), ToolSpec.of(meta, fixture, m));
            }
        }
    }

    private CallToolResult call(String tool, String role, Map<String, Object> args) {
        return call(tool, role, args, new ToolCalls.Context(false, ToolPolicy.OPEN));
    }

    private CallToolResult call(String tool, String role, Map<String, Object> args, ToolCalls.Context ctx) {
        Caller caller = new Caller("t1", "alice", Set.of(role), "test", "1", "s1", new KommoCallLog(),
                new ChangeLog(), null);
        return calls.call(tools.get(tool), caller, ctx, args);
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
    void aReadIsAnsweredAndAuditedInOneEntry() {
        CallToolResult r = call("fx_read", Roles.READER, args("lead_id", 12, "text", "hi"));
        assertFalse(r.isError(), text(r));
        assertEquals(Map.of("lead_id", 12L, "text", "hi"), normalise(r.structuredContent()));
        assertEquals(List.of("ENTRY fx_read SUCCEEDED"), audit.entries);
    }

    @Test
    void aMissingRoleIsRefusedBeforeTheToolRunsAndAudited() {
        CallToolResult r = call("fx_add", Roles.READER, args("lead_id", 12, "text", "hi"));
        assertTrue(r.isError());
        assertTrue(text(r).contains("requires the role kommo.writer"), text(r));
        assertEquals(0, fixture.invocations);
        assertTrue(writer.applied.isEmpty());
        assertEquals(List.of("ENTRY fx_add DENIED"), audit.entries);
    }

    @Test
    void argumentsOfTheWrongTypeAreRefusedNamingTheArgumentWithoutCoercion() {
        CallToolResult r = call("fx_add", Roles.WRITER, args("lead_id", "12", "text", "hi"));
        assertTrue(r.isError());
        assertTrue(text(r).contains("lead_id"), text(r));
        assertEquals(0, fixture.invocations, "the tool never saw it");
        assertTrue(writer.applied.isEmpty(), "nothing reached Kommo");
        assertEquals(List.of("ENTRY fx_add FAILED"), audit.entries, "one entry, no intent");

        assertTrue(call("fx_add", Roles.WRITER, args("lead_id", 1.5)).isError(), "no fractional ids");
        assertTrue(call("fx_add", Roles.WRITER, args("lead_id", 3, "colour", "red")).isError(), "no unknown names");
        assertTrue(call("fx_add", Roles.WRITER, args("text", "no lead")).isError(), "required");
        assertEquals(0, fixture.invocations);
    }

    @Test
    void anOrdinaryChangeIsAppliedAtOnceWithIntentAndOutcome() {
        CallToolResult r = call("fx_add", Roles.WRITER, args("lead_id", 12, "text", "call back"));
        assertFalse(r.isError(), text(r));
        assertEquals(List.of(new NoteWrite(12, "call back")), writer.applied);
        assertTrue(governor.calls.isEmpty(), "not governed");
        assertEquals(Map.of("note_id", 77L, "text", "call back"), normalise(r.structuredContent()));
        assertEquals(List.of("INTENT fx_add PENDING", "OUTCOME fx_add SUCCEEDED"), audit.entries);
        ToolCallAudit outcome = audit.calls.get(1);
        assertEquals(1, outcome.changes().size(), "before and after come from the write layer");
        assertEquals(Map.of("text", "call back"), outcome.changes().get(0).after());
    }

    @Test
    void flowArgumentsArePublishedOnceAndGoToGovernanceNeverToTheTool() {
        Map<?, ?> props = (Map<?, ?>) tools.get("fx_add").descriptor().inputSchema().get("properties");
        assertTrue(props.containsKey(ToolSpec.TOKEN) && props.containsKey(ToolSpec.DRY_RUN));
        assertFalse(((Map<?, ?>) tools.get("fx_read").descriptor().inputSchema().get("properties"))
                .containsKey(ToolSpec.TOKEN),
                "a read has no flow");

        CallToolResult r = call("fx_add", Roles.WRITER, args("lead_id", 12, "text", "x", "dry_run", true));
        assertFalse(r.isError(), text(r));
        assertEquals(new Fixture.NoteArgs(12L, "x"), fixture.lastArgs, "the tool got its own arguments only");
        assertEquals(1, governor.calls.size(), "a dry run goes through governance even for an ordinary change");
        Governor.Call handed = governor.calls.get(0);
        assertTrue(handed.dryRun());
        assertEquals(Map.of("lead_id", 12, "text", "x"), handed.arguments(), "flow arguments stripped");
        assertTrue(writer.applied.isEmpty(), "a dry run writes nothing");
    }

    @Test
    void aDeclaredGovernedToolAlwaysAnswersWithThePlanNeverApplyingItself() {
        CallToolResult r = call("fx_remove", Roles.ADMIN, args("lead_id", 12));
        assertFalse(r.isError(), text(r));
        assertEquals("planned", r.structuredContent() instanceof Map<?, ?> m ? m.get("status") : null);
        assertEquals("kmc_t", ((Map<?, ?>) r.structuredContent()).get("confirmation_token"));
        assertTrue(writer.applied.isEmpty(), "the registry applied nothing: governance decides");
        assertEquals(1, governor.calls.size());
        assertTrue(governor.calls.get(0).proposal().writes().contains(new NoteWrite(12, null)));
        assertTrue(tools.get("fx_remove").descriptor().description().contains("Governed"));

        governor.calls.clear();
        call("fx_remove", Roles.ADMIN, args("lead_id", 12, "confirmation_token", "kmc_abc"));
        assertEquals("kmc_abc", governor.calls.get(0).token(), "the token goes to governance");
    }

    @Test
    void aTenantPolicyCanGovernAnOrdinaryChange() {
        governor.policyNames.add("fx_add");
        CallToolResult r = call("fx_add", Roles.WRITER, args("lead_id", 12, "text", "x"));
        assertFalse(r.isError(), text(r));
        assertEquals(1, governor.calls.size());
        assertTrue(writer.applied.isEmpty());
        Object governance = ((Map<?, ?>) r.structuredContent()).get("governance");
        assertTrue(governance instanceof Map<?, ?> g && "planned".equals(g.get("status")), String.valueOf(governance));
    }

    @Test
    void aReadOnlyTenantNeitherSeesNorRunsChanges() {
        ToolCalls.Context readOnly = new ToolCalls.Context(true, ToolPolicy.OPEN);
        assertFalse(ToolCalls.visible(tools.get("fx_add"), Set.of(Roles.WRITER), readOnly));
        assertTrue(ToolCalls.visible(tools.get("fx_read"), Set.of(Roles.WRITER), readOnly));
        CallToolResult r = call("fx_add", Roles.WRITER, args("lead_id", 12), readOnly);
        assertTrue(r.isError() && text(r).contains("read-only"), text(r));
        assertEquals(0, fixture.invocations);
    }

    @Test
    void aChangeThatFailsPartWayIsPartialAndSaysWhatLanded() {
        writer.failure = new WriteFailure(List.of("POST /api/v4/leads/12/notes [...]"), "POST /api/v4/tasks [...]",
                List.of(), new KommoApiException(KommoApiException.Kind.SERVER_ERROR, 502, "Bad Gateway", "upstream",
                        List.of(), Map.of(), null, null));
        CallToolResult r = call("fx_add", Roles.WRITER, args("lead_id", 12, "text", "x"));
        assertTrue(r.isError());
        assertTrue(text(r).startsWith("Partially applied"), text(r));
        assertTrue(text(r).contains("Outcome unknown") && text(r).contains("Do not repeat the whole call"), text(r));
        assertEquals(List.of("INTENT fx_add PENDING", "OUTCOME fx_add PARTIAL"), audit.entries);
    }

    @Test
    void aWriteKommoMayHaveAppliedIsUnknownNotFailed() {
        writer.failure = new KommoApiException(KommoApiException.Kind.UNREACHABLE, 0, null, "timeout", List.of(),
                Map.of(), null, null);
        CallToolResult r = call("fx_add", Roles.WRITER, args("lead_id", 12, "text", "x"));
        assertTrue(text(r).contains("may or may not have been applied"), text(r));
        assertEquals("OUTCOME fx_add UNKNOWN", audit.entries.get(1));
    }

    @Test
    void anInternalErrorLeaksNothingAndGivesAReference() {
        CallToolResult r = call("fx_broken", Roles.READER, args());
        assertTrue(r.isError());
        assertFalse(text(r).contains("hunter2") || text(r).contains("IllegalState") || text(r).contains("io.kommomcp"),
                text(r));
        assertTrue(text(r).contains("Reference"), text(r));
        assertEquals(List.of("ENTRY fx_broken FAILED"), audit.entries);
    }

    @Test
    void resultsAreCheckedAgainstTheirOutputSchemaEvenWhenItIsNotPublished() {
        ToolSpec read = tools.get("fx_read");
        assertNull(read.descriptor().outputSchema(), "not published by default");
        assertEquals("object", read.outputSchema().get("type"));
        ToolSpec published = ToolSpec.of(read.meta(), fixture, read.method(), true);
        assertEquals(read.outputSchema(), published.descriptor().outputSchema());
        assertEquals(PlanResult.class.getSimpleName(), "PlanResult"); // the governed tool's answer type
        assertEquals(SchemaGenerator.output(PlanResult.class), tools.get("fx_remove").outputSchema());
    }

    /** Integers as longs, so that maps from JSON compare with literals. */
    private static Map<String, Object> normalise(Object structured) {
        Map<String, Object> out = new LinkedHashMap<>();
        ((Map<?, ?>) structured).forEach((k, v) -> out.put((String) k, v instanceof Integer i ? (Object) i.longValue()
                : v));
        return out;
    }
}
