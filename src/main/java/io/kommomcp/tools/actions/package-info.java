/**
 * Semantic sales actions that a representative asks for in one sentence and that take several Kommo steps:
 * {@code register_new_opportunity}, {@code advance_sales_stage}, {@code log_sales_interaction}, {@code assign_lead},
 * {@code set_lead_fields}. Each returns one proposal of all its writes.
 */
package io.kommomcp.tools.actions;
