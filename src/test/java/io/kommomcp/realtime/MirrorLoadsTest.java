package io.kommomcp.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kommomcp.kommo.MirrorReads;
import io.kommomcp.tenancy.TenantService;
import io.kommomcp.testing.Fields;
import io.kommomcp.testing.UnitDatabase;

/**
 * Users' loads from the mirror on the real database (what leads_distribute's fewest_* strategies read when the mirror
 * is on): open leads are neither won nor lost nor deleted, open tasks are not completed; a user with none counts 0;
 * a mirror that is not backfilled or not current answers nothing (Kommo is asked instead).
 */
class MirrorLoadsTest {

    private MirrorQueries queries;
    private String tenant;

    @BeforeEach
    void setUp() {
        TenantService on = new TenantService() {
            @Override
            public boolean mirrorEnabled(String id) {
                return true;
            }
        };
        queries = Fields.set(Fields.set(Fields.set(new MirrorQueries(), "ds", UnitDatabase.app()), "tenants", on),
                "maxStaleness", 300L);
        tenant = "load-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private void sql(String sql, Object... params) throws Exception {
        try (Connection c = UnitDatabase.owner(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }

    private void record(String entity, long id, String json, boolean deleted) throws Exception {
        sql("insert into mirror_record (tenant_id, entity, id, deleted, data) values (?, ?, ?, ?, cast(? as jsonb))",
                tenant, entity, id, deleted, json);
    }

    @Test
    void openLeadsAndOpenTasksPerUserFromACurrentMirror() throws Exception {
        assertTrue(queries.openByUser(tenant, "leads", List.of(1L, 2L)).isEmpty(), "no mirror: Kommo answers");
        sql("insert into mirror_sync (tenant_id, entity, backfilled, synced_at) values (?, 'leads', true, now()),"
                + " (?, 'tasks', true, now())", tenant, tenant);
        record("leads", 1, "{\"responsible_user_id\":1,\"status_id\":101}", false);
        record("leads", 2, "{\"responsible_user_id\":1,\"status_id\":142}", false);
        record("leads", 3, "{\"responsible_user_id\":1,\"status_id\":102}", true);
        record("leads", 4, "{\"responsible_user_id\":1,\"status_id\":102}", false);
        record("leads", 5, "{\"responsible_user_id\":3,\"status_id\":102}", false);
        record("tasks", 9, "{\"responsible_user_id\":2,\"is_completed\":false}", false);
        record("tasks", 10, "{\"responsible_user_id\":2,\"is_completed\":true}", false);
        MirrorReads.Counted leads = queries.openByUser(tenant, "leads", List.of(1L, 2L)).orElseThrow();
        assertEquals(Map.of(1L, 2L, 2L, 0L), leads.byUser());
        assertEquals(Map.of(1L, 0L, 2L, 1L), queries.openByUser(tenant, "tasks", List.of(1L, 2L)).orElseThrow()
                .byUser());

        sql("update mirror_sync set synced_at = now() - interval '1 hour' where tenant_id = ?", tenant);
        assertTrue(queries.openByUser(tenant, "leads", List.of(1L)).isEmpty(), "a stale mirror does not answer");
    }
}
