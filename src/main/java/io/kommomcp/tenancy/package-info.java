/**
 * Tenants: who may use the server, which Kommo account each one reaches, with which (encrypted) credentials, and
 * the administration REST API at {@code /api/admin/tenants}. Secrets are write-only: they are encrypted on the way
 * in and leave only as a bearer token to Kommo.
 */
package io.kommomcp.tenancy;
