package io.kommomcp.realtime;

import java.util.Optional;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.kommomcp.core.ToolException;
import io.kommomcp.tenancy.TenantService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * This server's webhook address for a tenant, as Kommo must call it: the public base URL
 * ({@code kommo.webhooks.public-url}, else {@code kommo.public-url}) and {@code /hooks/kommo/{tenant}/{secret}}.
 * The secret never leaves in anything a person or a model sees: {@link #shown} masks it.
 */
@ApplicationScoped
public class HookAddress {

    static final String PATH = "/hooks/kommo/";
    private static final String MASK = "***";

    @Inject
    TenantService tenants;

    @Inject
    WebhookSecrets secrets;

    @Inject
    @ConfigProperty(name = "kommo.webhooks.public-url")
    Optional<String> hooksUrl;

    @Inject
    @ConfigProperty(name = "kommo.public-url")
    Optional<String> publicUrl;

    /** The address with its secret, and as shown. */
    public record Address(String url, String shown) {
    }

    /** The tenant's address (its first secret is made now if it has none). */
    public Address of(String tenant) {
        String base = base().orElseThrow(() -> new ToolException("This server does not know the address Kommo can"
                + " reach it at: a platform administrator must set kommo.webhooks.public-url (or kommo.public-url)."
                + " Nothing was changed."));
        String secret = tenants.webhookSecret(tenant, g -> secrets.secret(tenant, g), WebhookSecrets::hash);
        return new Address(base + PATH + tenant + "/" + secret, base + PATH + tenant + "/" + MASK);
    }

    /** {@code destination} as people may see it: the secret of a webhook address of ours masked. */
    public static String shown(String destination) {
        if (destination == null) {
            return null;
        }
        int at = destination.indexOf(PATH);
        if (at < 0) {
            return destination;
        }
        int tenantEnd = destination.indexOf('/', at + PATH.length());
        return tenantEnd < 0 ? destination : destination.substring(0, tenantEnd + 1) + MASK;
    }

    /** Whether {@code destination} is this server's address for {@code tenant} (whatever its secret). */
    public boolean isOurs(String destination, String tenant) {
        return destination != null && base().map(b -> destination.startsWith(b + PATH + tenant + "/")).orElse(false);
    }

    private Optional<String> base() {
        Optional<String> b = hooksUrl.filter(s -> !s.isBlank()).or(() -> publicUrl.filter(s -> !s.isBlank()));
        return b.map(s -> s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    }
}
