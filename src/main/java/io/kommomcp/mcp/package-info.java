/**
 * The MCP transport glue and the declarative tool registry: the only package that knows the MCP Java SDK. It
 * publishes every {@link io.kommomcp.core.Tool} method, generates schemas from Java types, filters
 * {@code tools/list} by role, and applies the role check and the audit record around every call.
 */
package io.kommomcp.mcp;
