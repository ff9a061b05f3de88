/**
 * Tasks: list by due time with a window and a cursor, create, update, complete with a result.
 */
package io.kommomcp.tools.tasks;
