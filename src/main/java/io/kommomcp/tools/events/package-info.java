/**
 * Kommo's events (the record history it keeps): {@code events_list}.
 */
package io.kommomcp.tools.events;
