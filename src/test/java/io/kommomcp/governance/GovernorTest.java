package io.kommomcp.governance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kommomcp.core.ApprovalPolicy;
import io.kommomcp.core.Caller;
import io.kommomcp.core.ChangeLog;
import io.kommomcp.core.Elicitor;
import io.kommomcp.core.KommoCallLog;
import io.kommomcp.core.ToolException;
import io.kommomcp.tenancy.TenantService;
import io.kommomcp.testing.NoteWrite;
import io.kommomcp.testing.RecordingAudit;
import io.kommomcp.testing.RecordingWriter;
import io.kommomcp.testing.UnitDatabase;

/**
 * The governance flow without a container, on the real plan store in PostgreSQL ({@link UnitDatabase}): plan, token,
 * redeem once; the refusals that keep a token to exactly its plan; four-eyes; the person asked in person. Kommo is
 * not involved (the writer records what would be sent), so each test can count exactly what was applied.
 */
class GovernorTest {

    /** The tenant's four-eyes policy, as the tenant service would give it. */
    static class Policies extends TenantService {

        ApprovalPolicy policy = new ApprovalPolicy(false, List.of());

        @Override
        public ApprovalPolicy approvalPolicy(String tenantId) {
            return policy;
        }
    }

    /** A person who answers from a script. */
    static class Person implements Elicitor {

        final Deque<Answer> answers = new ArrayDeque<>();
        int asked;

        @Override
        public boolean supported() {
            return true;
        }

        @Override
        public Answer ask(String message, Map<String, Object> requestedSchema) {
            asked++;
            return answers.isEmpty() ? new Answer("failed", Map.of()) : answers.pop();
        }
    }

    private Governor governor;
    private PlanStore plans;
    private RecordingAudit audit;
    private RecordingWriter writer;
    private Policies policies;
    private String tenant;
    private Object state;

    @BeforeEach
    void setUp() {
        plans = new PlanStore();
        plans.ds = UnitDatabase.app();
        plans.ttlSeconds = 300;
        plans.approvalTtlSeconds = 3600;
        audit = new RecordingAudit();
        writer = new RecordingWriter();
        policies = new Policies();
        governor = new Governor();
        governor.plans = plans;
        governor.audit = audit;
        governor.writer = writer;
        governor.tenants = policies;
        tenant = "gov-" + UUID.randomUUID().toString().substring(0, 8);
        state = Map.of("note", "as read");
    }

    private Caller caller(String subject, Elicitor elicitor) {
        return new Caller(tenant, subject, Set.of("kommo.admin"), "test", "1", "s-" + subject, new KommoCallLog(),
                new ChangeLog(), elicitor);
    }

    private Governor.Governed govern(Caller caller, String token, boolean dryRun, boolean destructive) {
        Proposal<?> p = Proposal.of("remove the note of lead 12", new NoteWrite(12, null)).state(state);
        return governor.govern(caller, new Governor.Call("fx_remove", Map.of("lead_id", 12), token, dryRun,
                destructive, p, () -> Proposal.of("again", new NoteWrite(12, null)).state(state)));
    }

    @Test
    void aPlanIsMadeThenItsTokenAppliesItExactlyOnce() throws SQLException {
        Caller alice = caller("alice", null);
        Governor.Governed planned = govern(alice, null, false, false);
        assertEquals(Governor.Status.PLANNED, planned.status());
        assertEquals(List.of("DELETE /api/v4/leads/12/notes/1"), planned.plan().kommoChanges());
        assertTrue(writer.applied.isEmpty(), "planning changes nothing");
        assertEquals(PlanOutcome.PLANNED.name(), outcome(planned.planId()));

        Governor.Governed applied = govern(alice, planned.token(), false, false);
        assertEquals(Governor.Status.APPLIED, applied.status());
        assertEquals(List.of(new NoteWrite(12, null)), writer.applied);
        assertEquals(PlanOutcome.APPLIED.name(), outcome(planned.planId()));
        assertEquals(List.of("PLAN fx_remove SUCCEEDED", "CONFIRMATION fx_remove SUCCEEDED"), audit.entries);

        ToolException replay = assertThrows(ToolException.class, () -> govern(alice, planned.token(), false, false));
        assertTrue(replay.getMessage().contains("used already"), replay.getMessage());
        assertEquals(1, writer.applied.size(), "applied once");
    }

    @Test
    void aChangeThatLandedIsReportedAppliedEvenWhenItsPlanCannotBeMarkedSo() {
        Caller alice = caller("alice", null);
        Governor.Governed planned = govern(alice, null, false, false);
        PlanStore failing = new PlanStore() {
            @Override
            public void finish(UUID planId, PlanOutcome outcome, Object result) {
                throw new IllegalStateException("the database went away after Kommo answered");
            }
        };
        failing.ds = plans.ds;
        failing.ttlSeconds = plans.ttlSeconds;
        failing.approvalTtlSeconds = plans.approvalTtlSeconds;
        governor.plans = failing;
        Governor.Governed applied = govern(alice, planned.token(), false, false);
        assertEquals(Governor.Status.APPLIED, applied.status(), "Kommo changed: not a failure, never a retry");
        assertEquals(List.of(new NoteWrite(12, null)), writer.applied);
    }

    @Test
    void aTokenIsRefusedForAnotherPersonOtherArgumentsOrAChangedAccount() {
        Governor.Governed planned = govern(caller("alice", null), null, false, false);
        String other = assertThrows(ToolException.class, () -> govern(caller("mallory", null), planned.token(),
                false, false)).getMessage();
        assertTrue(other.contains("someone else"), other);

        Proposal<?> otherArgs = Proposal.of("remove", new NoteWrite(13, null)).state(state);
        String args = assertThrows(ToolException.class, () -> governor.govern(caller("alice", null),
                new Governor.Call("fx_remove", Map.of("lead_id", 13), planned.token(), false, false, otherArgs,
                        () -> otherArgs))).getMessage();
        assertTrue(args.contains("arguments differ"), args);

        state = Map.of("note", "changed in Kommo meanwhile");
        String stale = assertThrows(ToolException.class, () -> govern(caller("alice", null), planned.token(), false,
                false)).getMessage();
        assertTrue(stale.contains("account changed"), stale);
        assertTrue(writer.applied.isEmpty(), "nothing refused was applied");
    }

    @Test
    void aDryRunStoresNothingAndChangesNothing() throws SQLException {
        Governor.Governed dry = govern(caller("alice", null), null, true, false);
        assertEquals(Governor.Status.DRY_RUN, dry.status());
        assertEquals(0, plansOfTenant());
        assertTrue(writer.applied.isEmpty() && audit.entries.isEmpty());
    }

    @Test
    void fourEyesAChangeWaitsForAnotherPersonsApproval() throws SQLException {
        policies.policy = new ApprovalPolicy(true, List.of());
        Caller alice = caller("alice", null);
        Governor.Governed waiting = govern(alice, null, false, true);
        assertEquals(Governor.Status.AWAITING_APPROVAL, waiting.status());
        String early = assertThrows(ToolException.class, () -> govern(alice, waiting.token(), false, true))
                .getMessage();
        assertTrue(early.contains("still waits"), early);

        DecisionRefused self = assertThrows(DecisionRefused.class, () -> plans.decide(tenant, "alice", waiting
                .planId().toString(), true, null));
        assertEquals(403, self.status());
        plans.decide(tenant, "bob", waiting.planId().toString(), true, "fine");
        assertEquals(Governor.Status.APPLIED, govern(alice, waiting.token(), false, true).status());
        assertEquals(1, writer.applied.size());

        Governor.Governed notDestructive = govern(alice, null, false, false);
        assertEquals(Governor.Status.PLANNED, notDestructive.status(), "by default only erasing changes wait");
    }

    @Test
    void inPersonOnlyATickedAcceptAppliesAndAStalePlanIsRefused() {
        Person person = new Person();
        person.answers.add(new Elicitor.Answer("decline", Map.of()));
        person.answers.add(new Elicitor.Answer("accept", Map.of("confirm", false)));
        person.answers.add(new Elicitor.Answer("accept", Map.of("confirm", true)));
        Caller alice = caller("alice", person);

        assertEquals(Governor.Status.DECLINED, govern(alice, null, false, false).status());
        assertEquals(Governor.Status.DECLINED, govern(alice, null, false, false).status(), "unticked is no");
        assertTrue(writer.applied.isEmpty());
        assertEquals(Governor.Status.APPLIED, govern(alice, null, false, false).status());
        assertEquals(1, writer.applied.size());
        assertEquals(Governor.Status.DECLINED, govern(alice, null, false, false).status(), "no answer is no");
        assertEquals(4, person.asked);

        person.answers.add(new Elicitor.Answer("accept", Map.of("confirm", true)));
        Proposal<?> p = Proposal.of("remove", new NoteWrite(12, null)).state(state);
        String stale = assertThrows(ToolException.class, () -> governor.govern(alice, new Governor.Call("fx_remove",
                Map.of("lead_id", 12), null, false, false, p, () -> Proposal.of("remove", new NoteWrite(12, null))
                        .state(Map.of("note", "changed while the person decided"))))).getMessage();
        assertTrue(stale.contains("account changed"), stale);
        assertEquals(1, writer.applied.size(), "a plan that went stale while shown is not applied");
    }

    @Test
    void aPartWayFailureIsRecordedOnThePlan() throws SQLException {
        Governor.Governed planned = govern(caller("alice", null), null, false, false);
        writer.failure = new io.kommomcp.kommo.WriteFailure(List.of("POST a"), "POST b", List.of("POST c"),
                new io.kommomcp.kommo.KommoApiException(io.kommomcp.kommo.KommoApiException.Kind.VALIDATION, 400,
                        "Bad Request", "no", List.of(), Map.of(), null, null));
        io.kommomcp.core.PartiallyApplied partial = assertThrows(io.kommomcp.core.PartiallyApplied.class,
                () -> govern(caller("alice", null), planned.token(), false, false));
        assertTrue(partial.getMessage().contains("Done: POST a") && partial.getMessage().contains(
                "Not attempted: POST c"), partial.getMessage());
        assertEquals(PlanOutcome.PARTIALLY_APPLIED.name(), outcome(planned.planId()));
    }

    private String outcome(UUID planId) throws SQLException {
        assertNotNull(planId);
        try (Connection c = UnitDatabase.owner(); PreparedStatement ps = c.prepareStatement("select outcome from"
                + " governance_plan where id = ?")) {
            ps.setObject(1, planId);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                return rs.getString(1);
            }
        }
    }

    private long plansOfTenant() throws SQLException {
        try (Connection c = UnitDatabase.owner(); PreparedStatement ps = c.prepareStatement("select count(*) from"
                + " governance_plan where tenant_id = ?")) {
            ps.setString(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
