package io.kommomcp.tenancy;

/**
 * Where and how to reach one tenant's Kommo account. {@code bearerToken} is a secret: never log or return it.
 *
 * @param baseUrl     the account host, e.g. {@code https://acme.kommo.com}
 * @param bearerToken the long-lived token or OAuth access token
 */
public record KommoAccess(String baseUrl, String bearerToken) {

    @Override
    public String toString() {
        return "KommoAccess[baseUrl=" + baseUrl + ", bearerToken=***]";
    }
}
