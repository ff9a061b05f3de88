/**
 * The audit log: one {@link io.kommomcp.audit.ToolCallRecord} per tool call (succeeded, failed or denied) and one
 * {@link io.kommomcp.audit.KommoCallRecord} per Kommo HTTP call made for it. Written by the tool registry around
 * every call, in its own transaction, before the tool answers.
 */
package io.kommomcp.audit;
