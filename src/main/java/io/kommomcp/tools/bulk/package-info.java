/**
 * Bulk work: leads, contacts and companies created, updated or moved up to 5,000 at a time, and leads distributed
 * among users. Every record is checked before anything is sent and named by its index when it is not right; the
 * writes are numbered by record, so answers, plans and part-way failures say what became of each; a call with more
 * records than the tenant's threshold is governed ({@link io.kommomcp.governance.BulkGovernance}); every tool takes
 * an idempotency key.
 */
package io.kommomcp.tools.bulk;
