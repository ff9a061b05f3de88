/**
 * Compliance reporting over the audit trail: per-tenant reports (activity, changes, refusals, approvals, Kommo
 * usage), the streamed CSV/JSON export, the printable HTML report and the {@code /api/audit} REST resource. Reads the
 * audit tables only; depends on audit and security.
 */
package io.kommomcp.reporting;
