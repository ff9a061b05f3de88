/**
 * Leads: search, get, create, update, move between stages, and the outcome probe used by the sales actions.
 */
package io.kommomcp.tools.leads;
