package io.kommomcp.tenancy;

/** How a tenant authenticates to Kommo. */
public enum AuthKind {
    /** A long-lived token of a private integration (1 day to 5 years). */
    LONG_LIVED_TOKEN,
    /** OAuth 2.0: client id and secret, a rotating refresh token, a 24-hour access token. */
    OAUTH
}
