package io.kommomcp.tenancy;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM for secrets at rest. A ciphertext reads {@code keyId:base64(iv || ciphertext+tag)}; the key id lets
 * older keys keep decrypting after the active key changes (configure them as previous keys), and anything written
 * again is encrypted with the active key. The tenant id is bound in as associated data, so a ciphertext copied to
 * another tenant's row does not decrypt.
 */
public final class SecretCipher {

    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final String activeKeyId;
    private final Map<String, SecretKey> keys = new HashMap<>();
    private final SecureRandom random = new SecureRandom();

    /**
     * @param activeKeyId  id of the key that encrypts
     * @param activeKeyB64 the active key, base64 of 32 bytes
     * @param previousKeys more keys that only decrypt, as {@code id=base64,id=base64} (may be blank)
     */
    public SecretCipher(String activeKeyId, String activeKeyB64, String previousKeys) {
        if (activeKeyId == null || activeKeyId.isBlank() || activeKeyId.contains(":")) {
            throw new IllegalStateException("kommo.secrets.key-id must be set (and contain no ':')");
        }
        this.activeKeyId = activeKeyId;
        keys.put(activeKeyId, key(activeKeyB64, "kommo.secrets.key"));
        if (previousKeys != null && !previousKeys.isBlank()) {
            for (String pair : previousKeys.split(",")) {
                String[] kv = pair.trim().split("=", 2);
                if (kv.length != 2) {
                    throw new IllegalStateException("kommo.secrets.previous-keys must read id=base64,id=base64");
                }
                keys.putIfAbsent(kv[0].trim(), key(kv[1].trim(), "kommo.secrets.previous-keys"));
            }
        }
    }

    public String activeKeyId() {
        return activeKeyId;
    }

    public String encrypt(String plaintext, String tenantId) {
        try {
            byte[] iv = new byte[IV_BYTES];
            random.nextBytes(iv);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, keys.get(activeKeyId), new GCMParameterSpec(TAG_BITS, iv));
            c.updateAAD(tenantId.getBytes(StandardCharsets.UTF_8));
            byte[] ct = c.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[iv.length + ct.length];
            System.arraycopy(iv, 0, out, 0, iv.length);
            System.arraycopy(ct, 0, out, iv.length, ct.length);
            return activeKeyId + ":" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("secret encryption failed", e);
        }
    }

    public String decrypt(String stored, String tenantId) {
        int colon = stored.indexOf(':');
        if (colon < 1) {
            throw new IllegalStateException("stored secret has no key id");
        }
        SecretKey key = keys.get(stored.substring(0, colon));
        if (key == null) {
            throw new IllegalStateException("stored secret was encrypted with key '" + stored.substring(0, colon)
                    + "', which is not configured (kommo.secrets.previous-keys)");
        }
        try {
            byte[] in = Base64.getDecoder().decode(stored.substring(colon + 1));
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, IV_BYTES));
            c.updateAAD(tenantId.getBytes(StandardCharsets.UTF_8));
            return new String(c.doFinal(in, IV_BYTES, in.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("stored secret does not decrypt (wrong key or altered data)");
        }
    }

    private static SecretKey key(String b64, String setting) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(b64 == null ? "" : b64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(setting + " is not valid base64");
        }
        if (raw.length != 32) {
            throw new IllegalStateException(setting + " must be 32 bytes (AES-256), base64-encoded");
        }
        return new SecretKeySpec(raw, "AES");
    }
}
