/**
 * The MCP tools, by CRM area. Each tool is one method: check its arguments, read through the Kommo layer
 * ({@link io.kommomcp.kommo.KommoCrm} and its siblings), and return a record, or, for a change, a
 * {@link io.kommomcp.governance.Proposal} of typed Kommo writes that the registry applies or governs. No HTTP, JSON,
 * JPA, Kommo paths, role checks, governance phases or audit here (the registry and the Kommo layer do those);
 * nothing depends on this package.
 */
package io.kommomcp.tools;
