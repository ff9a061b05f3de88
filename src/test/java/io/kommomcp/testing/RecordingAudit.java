package io.kommomcp.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.kommomcp.audit.AuditEntry;
import io.kommomcp.audit.AuditLog;
import io.kommomcp.audit.EntryKind;
import io.kommomcp.audit.ToolCallAudit;

/** Keeps what the registry asks to be recorded. */
public class RecordingAudit extends AuditLog {

    public final List<String> entries = new ArrayList<>();
    public final List<ToolCallAudit> calls = new ArrayList<>();

    @Override
    public AuditEntry record(ToolCallAudit a) {
        return keep("ENTRY", a);
    }

    @Override
    public AuditEntry intent(ToolCallAudit a, UUID correlationId) {
        return keep("INTENT", a);
    }

    @Override
    public AuditEntry outcome(ToolCallAudit a, UUID correlationId) {
        return keep("OUTCOME", a);
    }

    @Override
    public AuditEntry external(ToolCallAudit a) {
        return keep("EXTERNAL", a);
    }

    @Override
    public AuditEntry governance(EntryKind kind, ToolCallAudit a, UUID planId) {
        return keep(kind.name(), a);
    }

    private AuditEntry keep(String kind, ToolCallAudit a) {
        entries.add(kind + " " + a.tool() + " " + a.outcome());
        calls.add(a);
        return null;
    }
}
