/**
 * Kommo's JSON as records, read tolerantly (API.md §22): numbers that arrive as strings, {@code null} where a list
 * is expected, embedded objects that are sometimes arrays, self links with query strings. Only the Kommo layer and
 * the tools that show Kommo data use these.
 */
package io.kommomcp.kommo.wire;
