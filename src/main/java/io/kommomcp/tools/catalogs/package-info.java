/**
 * Catalogs (lists) and their elements, and the products attached to leads.
 */
package io.kommomcp.tools.catalogs;
