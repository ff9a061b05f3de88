package io.kommomcp.mcp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.kommomcp.core.Json;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;
import tools.jackson.core.JacksonException;

/**
 * The {@code requestState} of the 2026-07-28 revision's multi-round-trip requests: attacker-controlled input that
 * must carry authorization-relevant facts from one round to the next (mrtr.mdx, "Server Requirements"). So a state
 * is
 * <ul>
 * <li><b>integrity-protected</b>: HMAC-SHA256 under a key derived from the platform secrets key
 * ({@code kommo.secrets.key}); any change of any byte is refused;</li>
 * <li><b>bound</b> to the principal (tenant and subject), the method, the tool or prompt, and the SHA-256 of the
 * canonical arguments (the flow arguments left out), and checked against the retry;</li>
 * <li><b>short-lived</b>: an expiry inside the protected payload ({@code kommo.mcp.request-state-ttl-seconds}, and
 * never later than the plan it carries);</li>
 * <li><b>single-use</b>, enforced in PostgreSQL ({@code mcp_request_state}): the state's nonce is inserted when it is
 * used, and a second use fails on the primary key, on any instance;</li>
 * <li>and a secret it carries (a governed plan's confirmation token) is <b>encrypted</b> (AES-256-GCM, under a second
 * derived key, bound to the nonce and principal), so a state seen by a proxy or a log is no usable token.</li>
 * </ul>
 * The state is never stored: any instance can open it.
 */
@ApplicationScoped
public class RequestStates {

    private static final Logger LOG = Logger.getLogger(RequestStates.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PREFIX = "krs1.";
    /** A state longer than this is refused before anything is decoded. */
    static final int MAX_LENGTH = 16 * 1024;

    @Resource(lookup = "jdbc/kommo")
    DataSource ds;

    @Inject
    @ConfigProperty(name = "kommo.secrets.key")
    Optional<String> secretsKey;

    @Inject
    @ConfigProperty(name = "kommo.mcp.request-state-ttl-seconds", defaultValue = "300")
    long ttlSeconds;

    /** The clock (tests move it). */
    Supplier<Instant> clock = Instant::now;

    private final AtomicInteger usesSinceSweep = new AtomicInteger();

    /** What a state is bound to; a retry must present the same. */
    record Binding(String tenant, String subject, String method, String name, String argumentsDigest) {
    }

    /**
     * An opened (verified) state.
     *
     * @param purpose what the round was about ({@code confirm} for a governed plan; a fixture's own name)
     * @param round   the round that issued it (1 for the first input-required result)
     * @param secret  the decrypted secret it carries (a confirmation token), or null
     * @param data    small values a later round needs (a fixture's earlier answers)
     */
    record State(String nonce, Binding binding, Instant expiresAt, String purpose, int round, String secret,
            Map<String, String> data) {
    }

    /** Why a state was refused, in words for the caller; nothing was done. */
    static final class Refused extends RuntimeException {

        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /** The sealed payload (short names: it travels with every retry). */
    record Payload(int v, String n, String t, String s, String m, String k, String a, long e, String p, int r,
            String x, Map<String, String> d) {
    }

    /** The latest expiry a new state gets: now plus the configured time to live. */
    Instant defaultExpiry() {
        return clock.get().plusSeconds(Math.max(1, ttlSeconds));
    }

    /** A new state bound to {@code binding}, valid until {@code expiresAt}. */
    String seal(Binding binding, String purpose, int round, String secret, Map<String, String> data,
            Instant expiresAt) {
        byte[] raw = new byte[16];
        RANDOM.nextBytes(raw);
        String nonce = b64(raw);
        String sealedSecret = secret == null ? null : encrypt(secret, aad(nonce, binding));
        Payload p = new Payload(1, nonce, binding.tenant(), binding.subject(), binding.method(), binding.name(),
                binding.argumentsDigest(), expiresAt.toEpochMilli(), purpose, round, sealedSecret,
                data == null || data.isEmpty() ? null : data);
        String body = PREFIX + b64(Json.mapper().writeValueAsBytes(p));
        return body + "." + b64(mac(body));
    }

    /**
     * Verifies {@code sealed} for a retry bound to {@code expected}: the seal first (nothing in a state that fails it
     * is read), then the binding and the expiry. Does not spend it ({@link #use}).
     */
    State open(String sealed, Binding expected) {
        if (sealed == null || sealed.length() > MAX_LENGTH || !sealed.startsWith(PREFIX)) {
            throw new Refused("The requestState is not one this server issued. Send the request again without"
                    + " requestState and inputResponses to start over.");
        }
        int dot = sealed.lastIndexOf('.');
        if (dot <= PREFIX.length()) {
            throw new Refused("The requestState is malformed. Send the request again without requestState and"
                    + " inputResponses to start over.");
        }
        String body = sealed.substring(0, dot);
        byte[] tag;
        try {
            tag = Base64.getUrlDecoder().decode(sealed.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            tag = new byte[0];
        }
        if (!MessageDigest.isEqual(mac(body), tag)) {
            throw new Refused("The requestState failed its integrity check (it was altered, or not issued by this"
                    + " server). Nothing was done. Send the request again without requestState and inputResponses"
                    + " to start over.");
        }
        Payload p;
        try {
            p = Json.mapper().readValue(Base64.getUrlDecoder().decode(body.substring(PREFIX.length())),
                    Payload.class);
        } catch (JacksonException | IllegalArgumentException e) {
            throw new Refused("The requestState is malformed. Send the request again without requestState to start"
                    + " over.");
        }
        Binding got = new Binding(p.t(), p.s(), p.m(), p.k(), p.a());
        if (!expected.tenant().equals(got.tenant()) || !expected.subject().equals(got.subject())) {
            throw new Refused("This requestState was issued to someone else; only the person who made the first"
                    + " request can continue it. Nothing was done.");
        }
        if (!expected.method().equals(got.method()) || !expected.name().equals(got.name())) {
            throw new Refused("This requestState belongs to " + got.method() + " of " + got.name() + ", not to this"
                    + " request. Nothing was done.");
        }
        if (!expected.argumentsDigest().equals(got.argumentsDigest())) {
            throw new Refused("The arguments differ from the ones of the first request; a retry must repeat the"
                    + " original request exactly. Nothing was done.");
        }
        Instant expires = Instant.ofEpochMilli(p.e());
        if (!clock.get().isBefore(expires)) {
            throw new Refused("This requestState expired at " + expires + ". Nothing was done. Send the request again"
                    + " without requestState and inputResponses to start over.");
        }
        String secret = p.x() == null ? null : decrypt(p.x(), aad(p.n(), got));
        return new State(p.n(), got, expires, p.p(), p.r(), secret, p.d() == null ? Map.of() : p.d());
    }

    /** Spends {@code state}: the first use wins, on any instance; a second is refused as used. */
    @Transactional(TxType.REQUIRES_NEW)
    public void use(State state) {
        Binding b = state.binding();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("insert into"
                + " mcp_request_state (nonce, tenant_id, subject, method, name, used_at, expires_at)"
                + " values (?, ?, ?, ?, ?, ?, ?) on conflict (nonce) do nothing")) {
            ps.setString(1, state.nonce());
            ps.setString(2, b.tenant());
            ps.setString(3, b.subject());
            ps.setString(4, b.method());
            ps.setString(5, b.name());
            ps.setTimestamp(6, Timestamp.from(clock.get()));
            ps.setTimestamp(7, Timestamp.from(state.expiresAt()));
            if (ps.executeUpdate() != 1) {
                throw new Refused("This requestState was used already; a state is accepted once. Nothing was done."
                        + " Send the request again without requestState and inputResponses to start over.");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the request state could not be recorded: " + e.getMessage(), e);
        }
        if (usesSinceSweep.incrementAndGet() >= 500) {
            usesSinceSweep.set(0);
            sweep();
        }
    }

    /** Deletes uses whose states expired over an hour ago (a replay of those is refused as expired anyway). */
    void sweep() {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("delete from"
                + " mcp_request_state where expires_at < ?")) {
            ps.setTimestamp(1, Timestamp.from(clock.get().minusSeconds(3600)));
            ps.executeUpdate();
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "old request-state uses could not be deleted", e);
        }
    }

    private static String aad(String nonce, Binding b) {
        return "kommo-mcp request-state|" + nonce + "|" + b.tenant() + "|" + b.subject();
    }

    private byte[] mac(String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(derive("kommo-mcp/request-state/mac/v1"), "HmacSHA256"));
            return mac.doFinal(body.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    private String encrypt(String secret, String aad) {
        try {
            byte[] iv = new byte[12];
            RANDOM.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(derive("kommo-mcp/request-state/enc/v1"), "AES"),
                    new GCMParameterSpec(128, iv));
            cipher.updateAAD(aad.getBytes(StandardCharsets.UTF_8));
            byte[] ct = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return b64(ByteBuffer.allocate(iv.length + ct.length).put(iv).put(ct).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    private String decrypt(String sealed, String aad) {
        try {
            byte[] all = Base64.getUrlDecoder().decode(sealed);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(derive("kommo-mcp/request-state/enc/v1"), "AES"),
                    new GCMParameterSpec(128, all, 0, 12));
            cipher.updateAAD(aad.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(all, 12, all.length - 12), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // the seal held, so this is a key change (kommo.secrets.key rotated), not an attack
            throw new Refused("The requestState was sealed with a key this server no longer holds. Send the request"
                    + " again without requestState and inputResponses to start over.");
        }
    }

    /** A key for {@code purpose}, derived from the platform secrets key (HMAC-SHA256 as the derivation). */
    private byte[] derive(String purpose) {
        byte[] key = Base64.getDecoder().decode(secretsKey.filter(k -> !k.isBlank()).orElseThrow(
                () -> new IllegalStateException("kommo.secrets.key is not set: request states cannot be sealed")));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(purpose.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
