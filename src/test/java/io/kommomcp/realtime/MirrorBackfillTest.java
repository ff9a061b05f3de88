package io.kommomcp.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.kommomcp.core.Caller;
import io.kommomcp.core.ChangeLog;
import io.kommomcp.core.Json;
import io.kommomcp.core.KommoCallLog;
import io.kommomcp.kommo.KommoPages;
import io.kommomcp.testing.Fields;
import io.kommomcp.testing.UnitDatabase;
import tools.jackson.databind.JsonNode;

/**
 * The backfill against Kommo's paging by page number, on the real database: a lead deleted while the leads are read
 * moves every later lead one place up, so one slips past a page boundary; the backfill notices the deletion and reads
 * the collection once more, so that every lead that exists is mirrored.
 */
class MirrorBackfillTest {

    /** Kommo with six leads, two a page, one of which is deleted just after the first page was read. */
    static final class ShiftingKommo extends KommoPages {
        final List<Long> leads = new ArrayList<>(List.of(1L, 2L, 3L, 4L, 5L, 6L));
        boolean deleted;
        int passes;

        @Override
        public Page byId(Caller caller, Collection c, int page) {
            if (c != Collection.LEADS) {
                return new Page(List.of(), false);
            }
            if (page == 1) {
                passes++;
            }
            int from = Math.min((page - 1) * 2, leads.size());
            List<JsonNode> items = new ArrayList<>();
            for (long id : leads.subList(from, Math.min(page * 2, leads.size()))) {
                items.add(Json.mapper().readTree("{\"id\":" + id + ",\"name\":\"Lead " + id + "\",\"updated_at\":100}"));
            }
            Page out = new Page(items, page * 2 < leads.size());
            if (page == 1 && !deleted) {
                leads.remove(Long.valueOf(1)); // deleted in Kommo's interface meanwhile: 3 moves onto page 1
                deleted = true;
            }
            return out;
        }

        @Override
        public Page updatedSince(Caller caller, Collection c, long from, int page) {
            return new Page(List.of(), false);
        }

        @Override
        public Page events(Caller caller, List<String> types, long from, long to, int page) {
            if (deleted && types.equals(List.of("lead_deleted"))) {
                return new Page(List.of(Json.mapper().readTree("{\"id\":\"01del\",\"type\":\"lead_deleted\","
                        + "\"entity_type\":\"lead\",\"entity_id\":1,\"created_at\":" + (from + 1) + "}")), false);
            }
            return new Page(List.of(), false);
        }
    }

    @Test
    void aLeadThatSlipsPastAPageBoundaryDuringTheBackfillIsReadOnTheSecondPass() throws Exception {
        String tenant = "backfill-" + UUID.randomUUID().toString().substring(0, 8);
        ShiftingKommo kommo = new ShiftingKommo();
        Mirror mirror = new Mirror();
        mirror.pages = kommo;
        mirror.store = Fields.set(new MirrorStore(), "ds", UnitDatabase.app());
        mirror.feed = new ChangeFeed();
        mirror.sliceSeconds = 60;
        mirror.sweepSeconds = 60;
        Caller caller = new Caller(tenant, "kommo-mcp sync", Set.of(), "sync", "1", null, new KommoCallLog(),
                new ChangeLog(), null);
        mirror.run(new SyncJobs.Claim(tenant, SyncJobs.Job.MIRROR, "instance-a"), caller, () -> true);
        assertEquals(2, kommo.passes, "a second pass, because a lead was deleted during the first");
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), mirrored(tenant),
                "lead 3 was on no page of the first pass; lead 1 goes when the events say it is deleted");
    }

    private static List<Long> mirrored(String tenant) throws Exception {
        List<Long> out = new ArrayList<>();
        try (Connection c = UnitDatabase.owner(); PreparedStatement ps = c.prepareStatement("select id from"
                + " mirror_record where tenant_id = ? and entity = 'leads' order by id")) {
            ps.setString(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
        }
        return out;
    }
}
