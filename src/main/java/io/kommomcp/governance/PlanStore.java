package io.kommomcp.governance;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.kommomcp.audit.ChainHash;
import io.kommomcp.core.ApprovalPolicy;
import io.kommomcp.core.Caller;
import io.kommomcp.core.Json;
import io.kommomcp.core.ToolException;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;
import tools.jackson.core.type.TypeReference;

/**
 * Plans of governed changes in PostgreSQL (table {@code governance_plan}), so that every server instance honours
 * them. A confirmation token is stored only as its SHA-256 hash and redeemed at most once: by the same tenant and
 * subject, for the same tool and arguments (canonical hash), before it expires, only while the account is in the
 * state the plan saw (its fingerprint), and, when the plan needs approval, only after another administrator approved
 * it. Anything else is refused and changes nothing.
 */
@ApplicationScoped
public class PlanStore {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Resource(lookup = "jdbc/kommo")
    DataSource ds;

    @Inject
    @ConfigProperty(name = "kommo.governance.token-ttl-seconds", defaultValue = "300")
    long ttlSeconds;

    @Inject
    @ConfigProperty(name = "kommo.governance.approval-ttl-seconds", defaultValue = "86400")
    long approvalTtlSeconds;

    /** A plan handed out with its token ({@code token} null for a plan confirmed by elicitation). */
    public record Issued(UUID planId, String token, Instant expiresAt) {
    }

    /** A stored plan: its id and the plan exactly as it was shown when it was made. */
    public record Stored(UUID id, Plan plan) {
    }

    /** A plan waiting for another administrator's decision, as approvers see it. */
    public record PendingPlan(String planId, String tool, String requestedBy, Instant requestedAt, Instant expiresAt,
            Map<String, Object> plan) {
    }

    /** A decision taken on a plan. */
    public record Decision(String planId, String tool, String requestedBy, String decision, String decidedBy,
            Instant decidedAt, String note) {
    }

    /** The canonical hash of a tool's arguments (the registry leaves the flow arguments out). */
    public static String argumentsHash(Object arguments) {
        Map<String, Object> args = new LinkedHashMap<>(Json.mapper().convertValue(arguments,
                new TypeReference<Map<String, Object>>() {
                }));
        args.values().removeIf(java.util.Objects::isNull);
        return ChainHash.sha256(ChainHash.canonicalJson(args));
    }

    /** A fingerprint of the state a plan saw (any JSON-able value, e.g. the objects it would change). */
    public static String fingerprint(Object state) {
        return ChainHash.sha256(ChainHash.canonicalJson(Json.mapper().convertValue(state, Object.class)));
    }

    /** What a plan is about, beyond its text: what it changes, and the approval policy it was made under. */
    public record Subject(String tool, Object arguments, String stateFingerprint, String targetKey,
            ApprovalPolicy policy) {
    }

    /**
     * Stores a plan with a new token; a plan that needs approval waits for it, for the longer approval TTL. A second
     * plan for a target whose plan waits for approval is refused, naming the waiting one (maker-checker).
     */
    @Transactional(TxType.REQUIRES_NEW)
    public Issued issue(Caller caller, Subject subject, Plan plan, boolean needsApproval) {
        if (needsApproval) {
            refuseIfWaiting(caller.tenantId(), subject.targetKey());
        }
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String token = "kmc_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Instant expires = Instant.now().plusSeconds(Math.max(1, needsApproval ? approvalTtlSeconds : ttlSeconds));
        UUID id = insert(caller, subject, plan, ChainHash.sha256(token), expires,
                needsApproval ? PlanOutcome.AWAITING_APPROVAL : PlanOutcome.PLANNED, needsApproval, null);
        return new Issued(id, token, expires);
    }

    /** Stores a plan the person answered directly (elicitation): CONFIRMED on accept, else DECLINED. */
    @Transactional(TxType.REQUIRES_NEW)
    public UUID elicited(Caller caller, Subject subject, Plan plan, String answer, boolean confirmed) {
        return insert(caller, subject, plan, null, Instant.now(), confirmed ? PlanOutcome.CONFIRMED
                : PlanOutcome.DECLINED, false, answer);
    }

    /** The digest of a plan as stored: what an approval is bound to. */
    static String digest(String planJson) {
        return ChainHash.sha256(planJson);
    }

    private void refuseIfWaiting(String tenantId, String targetKey) {
        if (targetKey == null) {
            return;
        }
        try (Connection c = ds.getConnection(); PreparedStatement lock = c.prepareStatement("select"
                + " pg_advisory_xact_lock(hashtext(?))"); PreparedStatement ps = c.prepareStatement("select id, tool,"
                + " subject, created_at from governance_plan where tenant_id = ? and target_key = ? and outcome = ?"
                + " and expires_at > now() order by created_at limit 1")) {
            // two plans for one target asked at the same moment: the second waits here until the first is stored
            lock.setString(1, tenantId + "|" + targetKey);
            lock.execute();
            ps.setString(1, tenantId);
            ps.setString(2, targetKey);
            ps.setString(3, PlanOutcome.AWAITING_APPROVAL.name());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    throw new ToolException("Plan " + rs.getString("id") + " (" + rs.getString("tool") + ", asked"
                            + " by " + rs.getString("subject") + " at " + rs.getTimestamp("created_at").toInstant()
                            + ") for the same change waits for approval. Nothing was changed. Have it approved or"
                            + " rejected first (approvals_list, approvals_decide), or wait until it expires.");
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the waiting plans could not be read: " + e.getMessage(), e);
        }
    }

    private UUID insert(Caller caller, Subject subject, Plan plan, String tokenHash, Instant expires,
            PlanOutcome outcome, boolean approval, String elicitation) {
        UUID id = UUID.randomUUID();
        String planJson = Json.mapper().writeValueAsString(plan);
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("insert into governance_plan"
                + " (id, tenant_id, subject, tool, arguments_hash, state_fingerprint, token_hash, plan, created_at,"
                + " expires_at, outcome, approval_required, elicitation, used_at, target_key, plan_digest,"
                + " approval_policy) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            Instant now = Instant.now();
            ps.setObject(1, id);
            ps.setString(2, caller.tenantId());
            ps.setString(3, caller.subject());
            ps.setString(4, subject.tool());
            ps.setString(5, argumentsHash(subject.arguments()));
            ps.setString(6, subject.stateFingerprint());
            ps.setString(7, tokenHash);
            ps.setString(8, planJson);
            ps.setTimestamp(9, Timestamp.from(now));
            ps.setTimestamp(10, Timestamp.from(expires));
            ps.setString(11, outcome.name());
            ps.setBoolean(12, approval);
            ps.setString(13, elicitation);
            ps.setTimestamp(14, elicitation != null ? Timestamp.from(now) : null);
            ps.setString(15, subject.targetKey());
            ps.setString(16, digest(planJson));
            ps.setString(17, Json.mapper().writeValueAsString(subject.policy()));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the plan could not be stored: " + e.getMessage(), e);
        }
        return id;
    }

    /**
     * Redeems {@code token} for this call and returns its plan as it was made, or throws a {@link ToolException}
     * saying why not (nothing is changed then). A redeemed token is spent even if applying the plan fails afterwards.
     */
    @Transactional(TxType.REQUIRES_NEW)
    public Stored redeem(Caller caller, String tool, Object arguments, String token, String currentFingerprint) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("select id, tenant_id,"
                + " subject, tool, arguments_hash, state_fingerprint, expires_at, used_at, approval_required,"
                + " outcome, decided_by, plan, approved_digest from governance_plan where token_hash = ?"
                + " for update")) {
            ps.setString(1, ChainHash.sha256(token == null ? "" : token.strip()));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !rs.getString("tenant_id").equals(caller.tenantId())) {
                    throw new ToolException("This confirmation token is not known for your tenant. Call " + tool
                            + " without confirmation_token to get a plan and a new token. Nothing was changed.");
                }
                PlanOutcome outcome = PlanOutcome.valueOf(rs.getString("outcome"));
                boolean approval = rs.getBoolean("approval_required");
                String plan = rs.getString("plan");
                String refusal = null;
                if (!rs.getString("subject").equals(caller.subject())) {
                    refusal = "This confirmation token was issued to someone else; only the person who asked for the"
                            + " plan can confirm it.";
                } else if (!rs.getString("tool").equals(tool)) {
                    refusal = "This confirmation token belongs to a plan of " + rs.getString("tool") + ", not " + tool
                            + ".";
                } else if (rs.getTimestamp("used_at") != null) {
                    refusal = "This confirmation token was used already; a plan is applied once. Ask for a new plan.";
                } else if (rs.getTimestamp("expires_at").toInstant().isBefore(Instant.now())) {
                    refusal = "This confirmation token expired at " + rs.getTimestamp("expires_at").toInstant()
                            + ". Ask for a new plan.";
                } else if (approval && outcome == PlanOutcome.AWAITING_APPROVAL) {
                    refusal = "This plan (" + rs.getObject("id") + ") still waits for another administrator's"
                            + " approval (approvals_list / approvals_decide). Apply it once it is approved.";
                } else if (approval && outcome == PlanOutcome.REJECTED) {
                    refusal = "This plan (" + rs.getObject("id") + ") was rejected by " + rs.getString("decided_by")
                            + ".";
                } else if (approval && !digest(plan).equals(rs.getString("approved_digest"))) {
                    refusal = "This plan (" + rs.getObject("id") + ") is not the one that was approved.";
                } else if (!rs.getString("arguments_hash").equals(argumentsHash(arguments))) {
                    refusal = "The arguments differ from the ones the plan was made for. Confirm exactly the planned"
                            + " change, or call " + tool + " without confirmation_token for a new plan.";
                } else if (!rs.getString("state_fingerprint").equals(currentFingerprint)) {
                    refusal = "The account changed since the plan was made, so it may no longer be right. Call " + tool
                            + " without confirmation_token to see the new plan.";
                }
                if (refusal != null) {
                    throw new ToolException(refusal + " Nothing was changed.");
                }
                UUID id = (UUID) rs.getObject("id");
                try (PreparedStatement use = c.prepareStatement("update governance_plan set used_at = ?,"
                        + " outcome = ? where id = ? and used_at is null")) {
                    use.setTimestamp(1, Timestamp.from(Instant.now()));
                    use.setString(2, PlanOutcome.CONFIRMED.name());
                    use.setObject(3, id);
                    if (use.executeUpdate() != 1) {
                        throw new ToolException("This confirmation token was used already. Nothing was changed.");
                    }
                }
                return new Stored(id, Json.mapper().readValue(plan, Plan.class));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the plan could not be read: " + e.getMessage(), e);
        }
    }

    /** The caller's tenant's plan that {@code token} belongs to, or null; nothing is checked or spent. */
    public Stored planOf(Caller caller, String token) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("select id, plan from"
                + " governance_plan where token_hash = ? and tenant_id = ?")) {
            ps.setString(1, ChainHash.sha256(token == null ? "" : token.strip()));
            ps.setString(2, caller.tenantId());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Stored((UUID) rs.getObject("id"), Json.mapper().readValue(rs.getString("plan"),
                        Plan.class)) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the plan could not be read: " + e.getMessage(), e);
        }
    }

    /** Notes the person's answer to the elicitation that showed a token's plan. */
    @Transactional(TxType.REQUIRES_NEW)
    public void answered(UUID planId, String answer) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("update governance_plan"
                + " set elicitation = ? where id = ?")) {
            ps.setString(1, answer);
            ps.setObject(2, planId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the answer could not be stored: " + e.getMessage(), e);
        }
    }

    /** Records how applying a confirmed plan ended: APPLIED, PARTIALLY_APPLIED or FAILED, with what was done. */
    @Transactional(TxType.REQUIRES_NEW)
    public void finish(UUID planId, PlanOutcome outcome, Object result) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("update governance_plan"
                + " set outcome = ?, applied_at = ?, result = ? where id = ?")) {
            ps.setString(1, outcome.name());
            ps.setTimestamp(2, Timestamp.from(Instant.now()));
            ps.setString(3, Json.mapper().writeValueAsString(result));
            ps.setObject(4, planId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the plan's outcome could not be stored: " + e.getMessage(), e);
        }
    }

    /** Plans of the tenant that wait for a decision and have not expired, oldest first. */
    public List<PendingPlan> pending(String tenantId) {
        List<PendingPlan> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("select id, tool, subject,"
                + " created_at, expires_at, plan from governance_plan where tenant_id = ? and outcome = ?"
                + " and expires_at > now() order by created_at limit 200")) {
            ps.setString(1, tenantId);
            ps.setString(2, PlanOutcome.AWAITING_APPROVAL.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new PendingPlan(rs.getString("id"), rs.getString("tool"), rs.getString("subject"),
                            rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("expires_at").toInstant(),
                            Json.mapper().readValue(rs.getString("plan"), new TypeReference<Map<String, Object>>() {
                            })));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the pending plans could not be read: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * Approves or rejects a waiting plan of the tenant. The approver must be another person than the requester; a
     * plan is decided once; an expired plan cannot be decided.
     */
    @Transactional(TxType.REQUIRES_NEW)
    public Decision decide(String tenantId, String approver, String planId, boolean approve, String note) {
        UUID id;
        try {
            id = UUID.fromString(planId == null ? "" : planId.strip());
        } catch (IllegalArgumentException e) {
            throw new DecisionRefused(400, "plan_id '" + planId + "' is not a plan id; approvals_list shows the"
                    + " waiting plans with their ids.");
        }
        if (note != null && note.length() > 1000) {
            throw new DecisionRefused(400, "note must be at most 1000 characters.");
        }
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("select tool, subject,"
                + " outcome, expires_at, approval_required, plan, plan_digest from governance_plan where id = ? and"
                + " tenant_id = ? for update")) {
            ps.setObject(1, id);
            ps.setString(2, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !rs.getBoolean("approval_required")) {
                    throw new DecisionRefused(404, "There is no plan " + planId + " waiting for approval in your"
                            + " tenant; approvals_list shows the waiting plans.");
                }
                String requester = rs.getString("subject");
                if (requester.equals(approver)) {
                    throw new DecisionRefused(403, "You asked for this plan yourself; another person must approve or"
                            + " reject it (four-eyes rule). Nothing was changed.");
                }
                PlanOutcome current = PlanOutcome.valueOf(rs.getString("outcome"));
                if (current != PlanOutcome.AWAITING_APPROVAL) {
                    throw new DecisionRefused(409, "Plan " + planId + " is no longer waiting (it is "
                            + current.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ").");
                }
                if (rs.getTimestamp("expires_at").toInstant().isBefore(Instant.now())) {
                    throw new DecisionRefused(409, "Plan " + planId + " expired at " + rs.getTimestamp("expires_at")
                            .toInstant() + "; the requester must ask for a new plan.");
                }
                String seen = digest(rs.getString("plan"));
                if (rs.getString("plan_digest") != null && !seen.equals(rs.getString("plan_digest"))) {
                    throw new DecisionRefused(409, "Plan " + planId + " is not the plan that was asked for; it cannot"
                            + " be decided.");
                }
                Instant now = Instant.now();
                PlanOutcome outcome = approve ? PlanOutcome.APPROVED : PlanOutcome.REJECTED;
                try (PreparedStatement up = c.prepareStatement("update governance_plan set outcome = ?,"
                        + " decided_by = ?, decided_at = ?, decision_note = ?, approved_digest = ? where id = ?")) {
                    up.setString(1, outcome.name());
                    up.setString(2, approver);
                    up.setTimestamp(3, Timestamp.from(now));
                    up.setString(4, note);
                    up.setString(5, approve ? seen : null);
                    up.setObject(6, id);
                    up.executeUpdate();
                }
                return new Decision(id.toString(), rs.getString("tool"), requester, outcome.name(), approver, now,
                        note);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the plan could not be decided: " + e.getMessage(), e);
        }
    }
}
