package io.kommomcp.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.kommomcp.testing.Fields;
import io.kommomcp.testing.UnitDatabase;

/**
 * A mirror turned off leaves nothing behind, on the real database: rows that a page or a webhook in flight wrote
 * after the purge (when no sync state is left to point at them) are found again and purged the next time.
 */
class MirrorPurgeTest {

    private final MirrorStore store = Fields.set(new MirrorStore(), "ds", UnitDatabase.app());

    private static String tenant(boolean mirror) throws Exception {
        String id = "purge-" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = UnitDatabase.owner(); PreparedStatement ps = c.prepareStatement("insert into tenant (id,"
                + " display_name, kommo_base_url, auth_kind, mirror_enabled) values (?, 'Purge test',"
                + " 'https://purge.kommo.com', 'LONG_LIVED_TOKEN', ?)")) {
            ps.setString(1, id);
            ps.setBoolean(2, mirror);
            ps.executeUpdate();
        }
        return id;
    }

    @Test
    void rowsWrittenAfterThePurgeOfAMirrorTurnedOffArePurgedNextTime() throws Exception {
        String off = tenant(false);
        String on = tenant(true);
        store.purge(off); // the purge ran: no sync state, nothing mirrored
        // then a webhook that was being applied when the mirror was turned off lands
        store.apply(off, "leads", 7, Map.of("name", "Late", "updated_at", 1_700_000_000L), 1_700_000_000L, false);
        store.apply(on, "leads", 8, Map.of("name", "Kept", "updated_at", 1_700_000_000L), 1_700_000_000L, false);
        List<String> orphaned = store.orphaned();
        assertTrue(orphaned.contains(off), "found by its rows although its sync state is gone: " + orphaned);
        assertFalse(orphaned.contains(on), "a tenant whose mirror is on keeps its rows");
        MirrorStore.Purged purged = store.purge(off);
        assertEquals(1, purged.records());
        assertFalse(store.orphaned().contains(off));
    }
}
