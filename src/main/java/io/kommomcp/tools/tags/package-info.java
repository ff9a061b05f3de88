/**
 * Tags of leads, contacts and companies: list, add, remove.
 */
package io.kommomcp.tools.tags;
