package io.kommomcp.core;

import java.util.List;

/**
 * A tenant's tool policy: an allow-list and a deny-list of tool or toolset names ({@link Toolset}). A tool is
 * permitted when the allow-list is empty or names it or its toolset, and the deny-list names neither. The tenant's
 * read-only switch is applied on top and overrides both.
 */
public record ToolPolicy(List<String> allow, List<String> deny) {

    public static final ToolPolicy OPEN = new ToolPolicy(List.of(), List.of());

    public ToolPolicy {
        allow = allow == null ? List.of() : List.copyOf(allow);
        deny = deny == null ? List.of() : List.copyOf(deny);
    }

    /** Null when the tool is permitted, else why not (for the model and the audit trail). */
    public String refusal(String tool, Toolset set) {
        if (deny.contains(tool) || deny.contains(set.name())) {
            return tool + " is disabled for this tenant by its tool policy (deny-list: " + String.join(", ", deny)
                    + ").";
        }
        if (!allow.isEmpty() && !allow.contains(tool) && !allow.contains(set.name())) {
            return tool + " is not enabled for this tenant by its tool policy (allow-list: " + String.join(", ",
                    allow) + ").";
        }
        return null;
    }
}
