package io.kommomcp.core;

import java.util.Set;

/** The names of the published tools, for code outside the MCP layer that must check a tool name. */
public interface ToolCatalog {

    Set<String> toolNames();

    /** The tools governed by declaration: every call is planned, confirmed (and approved if required), applied. */
    Set<String> governedToolNames();

    /** The tools that propose changes to Kommo: any of them can be governed by a tenant's four-eyes policy. */
    Set<String> changeToolNames();
}
