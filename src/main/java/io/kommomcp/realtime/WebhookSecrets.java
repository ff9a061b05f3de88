package io.kommomcp.realtime;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.kommomcp.audit.ChainHash;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The per-tenant secret in a tenant's webhook address ({@code /hooks/kommo/{tenant}/{secret}}): Kommo signs nothing
 * (API.md §20.2), so an address that cannot be guessed is what tells a delivery from a forgery. The secret is an
 * HMAC-SHA256 of the tenant and a generation under the platform's secrets key ({@code kommo.secrets.key}); the
 * database holds only its SHA-256, so reading the database gives no way to post deliveries, and rotating (the next
 * generation) invalidates the old address at once.
 */
@ApplicationScoped
public class WebhookSecrets {

    @Inject
    @ConfigProperty(name = "kommo.secrets.key")
    Optional<String> key;

    /** The secret of {@code tenant}'s generation {@code generation}: 43 URL-safe characters. */
    public String secret(String tenant, int generation) {
        byte[] k = Base64.getDecoder().decode(key.orElseThrow(() -> new IllegalStateException(
                "kommo.secrets.key is not set: webhook addresses cannot be made")));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(k, "HmacSHA256"));
            byte[] out = mac.doFinal(("kommo-mcp webhook|" + tenant + "|" + generation)
                    .getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    /** What the database keeps of a secret. */
    public static String hash(String secret) {
        return ChainHash.sha256(secret);
    }
}
