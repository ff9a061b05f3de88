package io.kommomcp.core;

/**
 * The groups a tenant's tool policy can name besides single tools: reading Kommo, writing it, administering its
 * configuration, analytics over it, and the audit trail's reports.
 */
public enum Toolset {
    read, write, admin, analytics, audit;

    /** The toolset of a tool: by its declaration, or by its role and whether it changes anything. */
    public static Toolset of(Tool meta) {
        if (!meta.toolset().isEmpty()) {
            return valueOf(meta.toolset());
        }
        if (meta.role().equals("audit.reader")) {
            return audit;
        }
        if (meta.role().equals("kommo.admin") || meta.role().equals("kommo.approver")) {
            return admin;
        }
        return meta.readOnly() ? read : write;
    }
}
