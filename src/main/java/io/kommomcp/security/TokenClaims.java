package io.kommomcp.security;

import org.eclipse.microprofile.jwt.JsonWebToken;

/** Reading string claims of a verified token. */
public final class TokenClaims {

    private TokenClaims() {
    }

    /** The claim as a non-blank string, or null. */
    public static String string(JsonWebToken jwt, String name) {
        Object v = jwt.getClaim(name);
        if (v == null) {
            return null;
        }
        String s = v instanceof jakarta.json.JsonString js ? js.getString() : v.toString();
        return s.isBlank() ? null : s;
    }
}
