package io.kommomcp.governance;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.kommomcp.audit.ChainHash;
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
 * Confirmation tokens for admin plans (issue 4). A token is issued with the plan, stored only as its SHA-256 hash in
 * PostgreSQL (so every instance honours it), and redeemed at most once: by the same tenant and subject, for the same
 * tool and arguments (canonical hash), before it expires ({@code kommo.governance.token-ttl-seconds}), and only while
 * the account is still in the state the plan saw (its fingerprint). Anything else is refused and changes nothing.
 */
@ApplicationScoped
public class Confirmations {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** Arguments that steer the plan flow and are not part of what is confirmed. */
    private static final java.util.Set<String> FLOW_ARGUMENTS = java.util.Set.of("confirmation_token", "dry_run");

    @Resource(lookup = "jdbc/kommo")
    DataSource ds;

    @Inject
    @ConfigProperty(name = "kommo.governance.token-ttl-seconds", defaultValue = "300")
    long ttlSeconds;

    /** A token handed out with a plan. */
    public record Issued(String token, Instant expiresAt) {
    }

    /** The canonical hash of a tool's arguments, without the flow arguments. */
    public static String argumentsHash(Object arguments) {
        Map<String, Object> args = new LinkedHashMap<>(Json.mapper().convertValue(arguments,
                new TypeReference<Map<String, Object>>() {
                }));
        args.keySet().removeAll(FLOW_ARGUMENTS);
        args.values().removeIf(java.util.Objects::isNull);
        return ChainHash.sha256(ChainHash.canonicalJson(args));
    }

    /** A fingerprint of the state a plan saw (any JSON-able value, e.g. the objects it would change). */
    public static String fingerprint(Object state) {
        return ChainHash.sha256(ChainHash.canonicalJson(Json.mapper().convertValue(state, Object.class)));
    }

    @Transactional(TxType.REQUIRES_NEW)
    public Issued issue(Caller caller, String tool, Object arguments, String stateFingerprint, Object plan) {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String token = "kmc_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Instant now = Instant.now();
        Instant expires = now.plusSeconds(Math.max(1, ttlSeconds));
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("insert into governance_plan"
                + " (id, tenant_id, subject, tool, arguments_hash, state_fingerprint, token_hash, plan, created_at,"
                + " expires_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setObject(1, UUID.randomUUID());
            ps.setString(2, caller.tenantId());
            ps.setString(3, caller.subject());
            ps.setString(4, tool);
            ps.setString(5, argumentsHash(arguments));
            ps.setString(6, stateFingerprint);
            ps.setString(7, ChainHash.sha256(token));
            ps.setString(8, Json.mapper().writeValueAsString(plan));
            ps.setTimestamp(9, Timestamp.from(now));
            ps.setTimestamp(10, Timestamp.from(expires));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the plan could not be stored: " + e.getMessage(), e);
        }
        return new Issued(token, expires);
    }

    /**
     * Redeems {@code token} for this call, or throws a {@link ToolException} saying why not (nothing is changed then).
     * A redeemed token is spent even if applying the plan fails afterwards: plan again.
     */
    @Transactional(TxType.REQUIRES_NEW)
    public void redeem(Caller caller, String tool, Object arguments, String token, String currentFingerprint) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("select id, tenant_id,"
                + " subject, tool, arguments_hash, state_fingerprint, expires_at, used_at from governance_plan"
                + " where token_hash = ? for update")) {
            ps.setString(1, ChainHash.sha256(token == null ? "" : token.strip()));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !rs.getString(2).equals(caller.tenantId())) {
                    throw new ToolException("This confirmation token is not known for your tenant. Call " + tool
                            + " without confirmation_token to get a plan and a new token. Nothing was changed.");
                }
                String refusal = null;
                if (!rs.getString(3).equals(caller.subject())) {
                    refusal = "This confirmation token was issued to someone else; only the person who asked for the"
                            + " plan can confirm it.";
                } else if (!rs.getString(4).equals(tool)) {
                    refusal = "This confirmation token belongs to a plan of " + rs.getString(4) + ", not " + tool + ".";
                } else if (rs.getTimestamp(8) != null) {
                    refusal = "This confirmation token was used already; a plan is applied once. Ask for a new plan.";
                } else if (rs.getTimestamp(7).toInstant().isBefore(Instant.now())) {
                    refusal = "This confirmation token expired at " + rs.getTimestamp(7).toInstant() + ". Ask for a"
                            + " new plan.";
                } else if (!rs.getString(5).equals(argumentsHash(arguments))) {
                    refusal = "The arguments differ from the ones the plan was made for. Confirm exactly the planned"
                            + " change, or call " + tool + " without confirmation_token for a new plan.";
                } else if (!rs.getString(6).equals(currentFingerprint)) {
                    refusal = "The account changed since the plan was made, so it may no longer be right. Call " + tool
                            + " without confirmation_token to see the new plan.";
                }
                if (refusal != null) {
                    throw new ToolException(refusal + " Nothing was changed.");
                }
                try (PreparedStatement use = c.prepareStatement("update governance_plan set used_at = ?,"
                        + " outcome = 'CONFIRMED' where id = ? and used_at is null")) {
                    use.setTimestamp(1, Timestamp.from(Instant.now()));
                    use.setObject(2, rs.getObject(1));
                    if (use.executeUpdate() != 1) {
                        throw new ToolException("This confirmation token was used already. Nothing was changed.");
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the plan could not be read: " + e.getMessage(), e);
        }
    }
}
