package io.kommomcp.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Base64;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.kommomcp.tenancy.AuthKind;
import io.kommomcp.tenancy.Tenant;

/** A tenant's webhook secret: derived again from the platform's key, and never an address nobody can post to. */
class WebhookSecretsTest {

    /** Test keys only. */
    private static final String TEST_KEY_A = Base64.getEncoder().encodeToString(new byte[32]);
    private static final String TEST_KEY_B = Base64.getEncoder().encodeToString(
            "0123456789abcdef0123456789abcdef".getBytes());

    private static WebhookSecrets under(String key) {
        WebhookSecrets s = new WebhookSecrets();
        s.key = Optional.of(key);
        return s;
    }

    private static String current(Tenant t, WebhookSecrets s) {
        return t.webhookSecret(g -> s.secret(t.getId(), g), WebhookSecrets::hash);
    }

    @Test
    void theSameSecretIsDerivedAgainWhileTheKeyStays() {
        Tenant t = new Tenant("acme", "Acme", "https://acme.kommo.com", AuthKind.LONG_LIVED_TOKEN);
        WebhookSecrets a = under(TEST_KEY_A);
        String first = current(t, a);
        assertEquals(1, t.getWebhookSecretGeneration(), "the first secret is made when there is none");
        assertEquals(first, current(t, a));
        assertEquals(1, t.getWebhookSecretGeneration());
        assertEquals(43, first.length());
    }

    @Test
    void afterTheKeyChangesTheNextGenerationIsMadeSoTheAddressGivenOutIsOneThatWorks() {
        Tenant t = new Tenant("acme", "Acme", "https://acme.kommo.com", AuthKind.LONG_LIVED_TOKEN);
        String underA = current(t, under(TEST_KEY_A));
        WebhookSecrets b = under(TEST_KEY_B);
        String underB = current(t, b);
        assertNotEquals(underA, underB);
        assertEquals(2, t.getWebhookSecretGeneration());
        assertEquals(underB, current(t, b), "the hash kept is the one of the secret handed out: it stays");
        assertEquals(2, t.getWebhookSecretGeneration());
    }
}
