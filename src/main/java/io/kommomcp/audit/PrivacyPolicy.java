package io.kommomcp.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What the audit trail keeps of personal data. Secrets are always masked ({@link Redaction}). Argument fields named
 * in {@code personalFields} (at any depth) are stored, hashed (keyed HMAC-SHA256, so a phone number cannot be found
 * by trying them all without the key) or dropped; subjects can be pseudonymised with the same keyed hash, which
 * keeps one actor recognisable across entries without naming them.
 */
public final class PrivacyPolicy {

    public enum Mode { STORE, HASH, DROP }

    static final String DROPPED = "(dropped)";

    private final Mode mode;
    private final Set<String> personalFields;
    private final boolean pseudonymiseSubjects;
    private final byte[] key;

    public PrivacyPolicy(Mode mode, Set<String> personalFields, boolean pseudonymiseSubjects, String base64Key) {
        this.mode = mode;
        this.personalFields = personalFields.stream().map(f -> f.strip().toLowerCase(Locale.ROOT))
                .filter(f -> !f.isEmpty()).collect(Collectors.toUnmodifiableSet());
        this.pseudonymiseSubjects = pseudonymiseSubjects;
        boolean needsKey = pseudonymiseSubjects || (mode == Mode.HASH && !this.personalFields.isEmpty());
        if (needsKey && (base64Key == null || base64Key.isBlank())) {
            throw new IllegalStateException("kommo.audit.pseudonym-key must be set (base64 of at least 32 random"
                    + " bytes) to hash personal data or pseudonymise subjects");
        }
        this.key = base64Key == null || base64Key.isBlank() ? null : Base64.getDecoder().decode(base64Key.strip());
        if (needsKey && key.length < 32) {
            throw new IllegalStateException("kommo.audit.pseudonym-key must decode to at least 32 bytes");
        }
    }

    public static PrivacyPolicy storeEverything() {
        return new PrivacyPolicy(Mode.STORE, Set.of(), false, null);
    }

    /** Secrets masked, personal fields treated per the mode. */
    public Map<String, Object> arguments(Map<String, Object> args) {
        return apply(Redaction.redact(args));
    }

    public String subject(String subject) {
        return subject == null || !pseudonymiseSubjects ? subject : "pseudonym:" + hmac(subject).substring(0, 32);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> apply(Map<String, Object> args) {
        Map<String, Object> out = new LinkedHashMap<>();
        args.forEach((k, v) -> {
            if (personalFields.contains(k.toLowerCase(Locale.ROOT)) && mode != Mode.STORE) {
                out.put(k, mode == Mode.DROP ? DROPPED : hashValue(v));
            } else if (v instanceof Map<?, ?> m) {
                out.put(k, apply((Map<String, Object>) m));
            } else if (v instanceof List<?> l) {
                List<Object> items = new ArrayList<>();
                l.forEach(item -> items.add(item instanceof Map<?, ?> m ? apply((Map<String, Object>) m) : item));
                out.put(k, items);
            } else {
                out.put(k, v);
            }
        });
        return out;
    }

    private Object hashValue(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof List<?> l) {
            return l.stream().map(this::hashValue).toList();
        }
        return "hmac:" + hmac(ChainHash.canonicalJson(v));
    }

    private String hmac(String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
