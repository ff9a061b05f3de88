package it.io.kommomcp;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import tools.jackson.databind.json.JsonMapper;

/** Mints real RS256 JWTs with the development key (dev/keys), or with a stranger's key to test rejection. */
final class TestTokens {

    static final String ISSUER = "https://dev-only-idp.kommo-mcp.invalid/realms/dev";
    static final String AUDIENCE = "kommo-mcp";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private TestTokens() {
    }

    static String token(String tenant, String... roles) {
        return build(tenant, List.of(roles), "it-user", ISSUER, AUDIENCE, 3600, devKey());
    }

    static String build(String tenant, List<String> roles, String subject, String issuer, String audience,
            long ttlSeconds, PrivateKey key) {
        long now = Instant.now().getEpochSecond();
        return build(tenant, roles, subject, issuer, audience, now - 5, now + ttlSeconds, key);
    }

    /** A token of the dev key that expired {@code secondsAgo} seconds ago (issued ten minutes before that). */
    static String expired(String tenant, long secondsAgo, String... roles) {
        long now = Instant.now().getEpochSecond();
        return build(tenant, List.of(roles), "it-user", ISSUER, AUDIENCE, now - secondsAgo - 600, now - secondsAgo,
                devKey());
    }

    static String build(String tenant, List<String> roles, String subject, String issuer, String audience,
            long issuedAt, long expiresAt, PrivateKey key) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer);
        claims.put("aud", audience);
        claims.put("sub", subject);
        claims.put("upn", subject);
        if (tenant != null) {
            claims.put("tenant", tenant);
        }
        claims.put("groups", roles);
        claims.put("iat", issuedAt);
        claims.put("exp", expiresAt);
        claims.put("jti", UUID.randomUUID().toString());
        String header = b64(JSON.writeValueAsBytes(Map.of("alg", "RS256", "typ", "JWT")));
        String payload = b64(JSON.writeValueAsBytes(claims));
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(key);
            s.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
            return header + "." + payload + "." + b64(s.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static PrivateKey devKey() {
        try {
            String pem = Files.readString(Path.of(System.getProperty("project.basedir", "."),
                    "dev/keys/dev-only-jwt-private.pem"));
            byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the dev key", e);
        }
    }

    static PrivateKey strangerKey() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair().getPrivate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
