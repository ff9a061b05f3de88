/**
 * Sales intelligence over one tenant's leads: a lead's timeline, its context for a model, its status (active,
 * cooling, cold, at risk, won, lost) against the tenant's thresholds, and the leads nobody has worked on lately.
 * Reads go through the Kommo layer ({@code kommo}) or, when the tenant's mirror is on and current, are SQL over the
 * mirror's tables ({@link io.kommomcp.intelligence.LeadMirror}, {@link io.kommomcp.intelligence.StageMedians});
 * the rules themselves ({@link io.kommomcp.intelligence.LeadStatusRules}, {@link io.kommomcp.intelligence.Timeline},
 * {@link io.kommomcp.intelligence.ContextSummaries}) are plain functions of what was read. The tools in
 * {@code tools/intelligence} only pass arguments on. Depends on core, kommo and tenancy.
 */
package io.kommomcp.intelligence;
