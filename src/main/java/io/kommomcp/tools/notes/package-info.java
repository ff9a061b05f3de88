/**
 * Notes on leads, contacts and companies: list and add (text, call, service notes).
 */
package io.kommomcp.tools.notes;
