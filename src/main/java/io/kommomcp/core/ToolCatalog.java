package io.kommomcp.core;

import java.util.Set;

/** The names of the published tools, for code outside the MCP layer that must check a tool name. */
public interface ToolCatalog {

    Set<String> toolNames();

    /** The governed tools: those that answer with a plan (plan, confirm, apply). */
    Set<String> governedToolNames();
}
