/**
 * Governed change, written once: plans (the exact Kommo requests, before and after, consequences), single-use
 * confirmation tokens, elicitation, four-eyes approval by the maker-checker rules ({@link io.kommomcp.governance.PlanStore},
 * {@link io.kommomcp.governance.ApprovalResource}), and applying a confirmed plan through the Kommo write layer. Tools
 * only return a {@link io.kommomcp.governance.Proposal}; the registry hands governed ones to
 * {@link io.kommomcp.governance.Governor}. Depends on core, audit, kommo, tenancy, security.
 */
package io.kommomcp.governance;
