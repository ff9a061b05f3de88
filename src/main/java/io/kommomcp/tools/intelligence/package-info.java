/**
 * Sales intelligence for the person working the leads: a lead's timeline ({@code leads_timeline}), its context in
 * brief ({@code lead_context_summary}), its status ({@code lead_status}) and the leads nobody has worked on lately
 * ({@code leads_inactive}). Thin: the reads and rules are {@link io.kommomcp.intelligence.LeadIntelligence}'s.
 */
package io.kommomcp.tools.intelligence;
