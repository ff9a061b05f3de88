package io.kommomcp.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.kommomcp.core.Caller;
import io.kommomcp.core.ChangeLog;
import io.kommomcp.core.KommoCallLog;
import io.kommomcp.core.Toolset;
import io.kommomcp.testing.UnitDatabase;

/**
 * A small default surface (issue 15): reads and the semantic actions are listed, the discovery tools always; a caller
 * who asks for the admin toolset gets it listed, on every instance (the choice is in PostgreSQL); without the setting
 * everything is listed as before.
 */
class ToolDiscoveryTest {

    private static ToolDiscovery discovery(String defaults) {
        ToolDiscovery d = new ToolDiscovery();
        d.ds = UnitDatabase.app();
        d.defaults = Optional.ofNullable(defaults);
        d.defaultTools = Optional.of(ToolsListGoldenTest.SAMPLE_DEFAULT_TOOLS);
        return d;
    }

    @Test
    void aCallerStartsSmallAndListsMoreOnEveryInstance() {
        String tenant = "disc-" + UUID.randomUUID().toString().substring(0, 8);
        Caller alice = new Caller(tenant, "alice", Set.of("kommo.admin"), "t", "1", null, new KommoCallLog(),
                new ChangeLog(), null);
        ToolDiscovery one = discovery("read");
        assertTrue(one.listed(tenant, "alice", "leads_search", Toolset.read));
        assertTrue(one.listed(tenant, "alice", "register_new_opportunity", Toolset.write), "a default tool");
        assertTrue(one.listed(tenant, "alice", "toolsets_show", Toolset.read));
        assertFalse(one.listed(tenant, "alice", "leads_update", Toolset.write));
        assertFalse(one.listed(tenant, "alice", "pipelines_delete", Toolset.admin));

        one.list(alice, EnumSet.of(Toolset.admin), true);
        ToolDiscovery another = discovery("read");
        assertTrue(another.listed(tenant, "alice", "pipelines_delete", Toolset.admin), "seen by another instance");
        assertFalse(another.listed(tenant, "bob", "pipelines_delete", Toolset.admin), "alice's choice only");
        one.list(alice, EnumSet.of(Toolset.admin), false);
        assertFalse(one.listed(tenant, "alice", "pipelines_delete", Toolset.admin));
    }

    @Test
    void withoutADefaultSurfaceEverythingIsListed() {
        ToolDiscovery all = discovery(null);
        assertFalse(all.progressive());
        for (Toolset t : Toolset.values()) {
            assertTrue(all.listed("x", "y", "any", t));
        }
        assertEquals(EnumSet.allOf(Toolset.class), all.defaults());
    }
}
