/**
 * The {@code audit_*} tools: the tenant's own audit trail for the role audit.reader (activity, changes, refusals,
 * approvals, Kommo usage, chain verification), answered from the reporting package.
 */
package io.kommomcp.tools.audit;
