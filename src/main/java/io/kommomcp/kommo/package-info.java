/**
 * The translation layer around Kommo's REST API v4, and the only code that speaks HTTP to Kommo: per-tenant clients
 * (MicroProfile REST Client), HAL parsing that survives Kommo's quirks ({@code wire}), problem+json errors turned
 * into {@link io.kommomcp.kommo.KommoApiException}, the per-account rate limiter, read retries. Tools call
 * {@link io.kommomcp.kommo.KommoCrm}; nothing here knows MCP.
 */
package io.kommomcp.kommo;
