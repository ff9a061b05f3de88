/**
 * Tool discovery: which toolsets there are and which the caller lists, when the server starts callers with a small
 * default surface (kommo.mcp.default-toolsets).
 */
package io.kommomcp.tools.discovery;
