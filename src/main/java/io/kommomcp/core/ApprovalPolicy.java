package io.kommomcp.core;

import java.util.List;

/**
 * A tenant's four-eyes rule for governed changes: when {@code enabled}, a plan of a listed tool (by default, of every
 * governed tool that deletes) waits until another administrator approves it before its requester can apply it.
 */
public record ApprovalPolicy(Boolean enabled, List<String> tools) {

    public static final ApprovalPolicy OFF = new ApprovalPolicy(false, List.of());

    public ApprovalPolicy {
        enabled = Boolean.TRUE.equals(enabled);
        tools = tools == null ? List.of() : List.copyOf(tools);
    }

    /** Whether a plan of {@code tool} (which deletes when {@code destructive}) needs another admin's approval. */
    public boolean requires(String tool, boolean destructive) {
        return enabled && (tools.isEmpty() ? destructive : tools.contains(tool));
    }

    /** Whether the policy names {@code tool} itself: then it is governed for the tenant even if not declared so. */
    public boolean names(String tool) {
        return enabled && tools.contains(tool);
    }
}
