package io.kommomcp.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.kommomcp.tools.audit.AuditTools;
import io.kommomcp.tools.leads.LeadTools;

class ToolPolicyTest {

    @Test
    void emptyPolicyPermitsEverything() {
        assertNull(ToolPolicy.OPEN.refusal("leads_create", Toolset.write));
        assertNull(new ToolPolicy(null, null).refusal("audit_activity", Toolset.audit));
    }

    @Test
    void allowListByNameOrToolsetAndDenyListWins() {
        ToolPolicy p = new ToolPolicy(List.of("read", "notes_add"), List.of("leads_search"));
        assertNull(p.refusal("leads_get", Toolset.read));
        assertNull(p.refusal("notes_add", Toolset.write));
        assertTrue(p.refusal("leads_create", Toolset.write).contains("allow-list: read, notes_add"));
        assertTrue(p.refusal("leads_search", Toolset.read).contains("deny-list"));
        assertNotNull(new ToolPolicy(List.of(), List.of("write")).refusal("notes_add", Toolset.write));
    }

    @Test
    void toolsetFollowsRoleAndReadOnly() throws Exception {
        assertEquals(Toolset.read, Toolset.of(tool(LeadTools.class, "search")));
        assertEquals(Toolset.write, Toolset.of(tool(LeadTools.class, "create")));
        assertEquals(Toolset.audit, Toolset.of(tool(AuditTools.class, "activity")));
    }

    private static Tool tool(Class<?> type, String method) {
        for (Method m : type.getDeclaredMethods()) {
            if (m.getName().equals(method) && m.getAnnotation(Tool.class) != null) {
                return m.getAnnotation(Tool.class);
            }
        }
        throw new AssertionError(type + "." + method);
    }
}
