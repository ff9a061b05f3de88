package io.kommomcp.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class PrivacyPolicyTest {

    private static final String TEST_ONLY_KEY = Base64.getEncoder().encodeToString(
            "test-only-pseudonym-key-32-bytes!".getBytes());

    private static final Map<String, Object> ARGS = Map.of("name", "Deal", "contact", Map.of("phone", "+1 555 0100",
            "email", "ana@example.com", "access_token", "abc"), "emails", List.of("x@example.com"));

    @Test
    void storeKeepsPersonalDataButNeverSecrets() {
        Map<String, Object> out = PrivacyPolicy.storeEverything().arguments(ARGS);
        @SuppressWarnings("unchecked")
        Map<String, Object> contact = (Map<String, Object>) out.get("contact");
        assertEquals("+1 555 0100", contact.get("phone"));
        assertEquals(Redaction.MASK, contact.get("access_token"));
    }

    @Test
    void hashReplacesNamedFieldsAtAnyDepthWithAKeyedHashThatKeepsEqualValuesLinkable() {
        PrivacyPolicy p = new PrivacyPolicy(PrivacyPolicy.Mode.HASH, Set.of("Phone", "email", "emails"), false,
                TEST_ONLY_KEY);
        Map<String, Object> out = p.arguments(ARGS);
        @SuppressWarnings("unchecked")
        Map<String, Object> contact = (Map<String, Object>) out.get("contact");
        String phone = (String) contact.get("phone");
        assertTrue(phone.startsWith("hmac:") && !phone.contains("555"), phone);
        assertEquals(phone, ((Map<?, ?>) p.arguments(ARGS).get("contact")).get("phone"), "stable");
        assertTrue(((List<?>) out.get("emails")).get(0).toString().startsWith("hmac:"));
        assertEquals("Deal", out.get("name"), "fields not named are kept");
        assertEquals(Redaction.MASK, contact.get("access_token"));
        PrivacyPolicy otherKey = new PrivacyPolicy(PrivacyPolicy.Mode.HASH, Set.of("phone"), false,
                Base64.getEncoder().encodeToString("another-test-only-key-of-32-bytes".getBytes()));
        assertNotEquals(phone, ((Map<?, ?>) otherKey.arguments(ARGS).get("contact")).get("phone"));
    }

    @Test
    void dropAndPseudonyms() {
        PrivacyPolicy p = new PrivacyPolicy(PrivacyPolicy.Mode.DROP, Set.of("phone"), true, TEST_ONLY_KEY);
        assertEquals(PrivacyPolicy.DROPPED, ((Map<?, ?>) p.arguments(ARGS).get("contact")).get("phone"));
        String pseudonym = p.subject("alice@example.com");
        assertTrue(pseudonym.startsWith("pseudonym:") && !pseudonym.contains("alice"), pseudonym);
        assertEquals(pseudonym, p.subject("alice@example.com"));
        assertNotEquals(pseudonym, p.subject("bob@example.com"));
    }

    @Test
    void hashingWithoutAKeyIsRefusedAtStartUp() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new PrivacyPolicy(PrivacyPolicy.Mode.HASH, Set.of("phone"), false, null));
        assertTrue(e.getMessage().contains("kommo.audit.pseudonym-key"));
    }
}
