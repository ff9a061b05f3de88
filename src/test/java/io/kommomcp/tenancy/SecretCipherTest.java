package io.kommomcp.tenancy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;

import org.junit.jupiter.api.Test;

class SecretCipherTest {

    private static final String KEY_A = Base64.getEncoder().encodeToString(new byte[32]);
    private static final String KEY_B = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());

    @Test
    void roundTripsAndNamesTheKey() {
        SecretCipher c = new SecretCipher("a", KEY_A, null);
        String stored = c.encrypt("long-lived-token", "acme");
        assertTrue(stored.startsWith("a:"));
        assertFalse(stored.contains("long-lived-token"));
        assertEquals("long-lived-token", c.decrypt(stored, "acme"));
    }

    @Test
    void ciphertextIsBoundToItsTenant() {
        SecretCipher c = new SecretCipher("a", KEY_A, null);
        String stored = c.encrypt("secret", "acme");
        assertThrows(IllegalStateException.class, () -> c.decrypt(stored, "globex"));
    }

    @Test
    void previousKeysStillDecryptAfterRotation() {
        String old = new SecretCipher("a", KEY_A, null).encrypt("secret", "acme");
        SecretCipher rotated = new SecretCipher("b", KEY_B, "a=" + KEY_A);
        assertEquals("secret", rotated.decrypt(old, "acme"));
        assertTrue(rotated.encrypt("secret", "acme").startsWith("b:"));
    }

    @Test
    void unknownKeyIdIsReportedNotGuessed() {
        String old = new SecretCipher("a", KEY_A, null).encrypt("secret", "acme");
        SecretCipher other = new SecretCipher("b", KEY_B, null);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> other.decrypt(old, "acme"));
        assertTrue(e.getMessage().contains("'a'"));
    }

    @Test
    void keysMustBe256Bits() {
        assertThrows(IllegalStateException.class,
                () -> new SecretCipher("a", Base64.getEncoder().encodeToString(new byte[16]), null));
        assertThrows(IllegalStateException.class, () -> new SecretCipher("", KEY_A, null));
    }

    @Test
    void tamperedCiphertextFails() {
        SecretCipher c = new SecretCipher("a", KEY_A, null);
        String stored = c.encrypt("secret", "acme");
        byte[] raw = Base64.getDecoder().decode(stored.substring(2));
        raw[raw.length / 2] ^= 0x01;
        String tampered = "a:" + Base64.getEncoder().encodeToString(raw);
        assertThrows(IllegalStateException.class, () -> c.decrypt(tampered, "acme"));
    }
}
