package io.kommomcp.analytics;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

import io.kommomcp.core.Caller;
import io.kommomcp.core.ToolException;
import io.kommomcp.kommo.KommoBulkReads;
import io.kommomcp.kommo.KommoPages.Page;
import io.kommomcp.kommo.wire.WireValues;
import tools.jackson.databind.JsonNode;

/**
 * Reads what an answer needs from Kommo when the mirror cannot answer, within a request budget, into the mirror's
 * tables under the workspace's scratch key (the workspace's transaction is rolled back, so none of it stays). Every
 * collection is read newest first; its first page shows how far back the rest reaches, so the cost is estimated
 * before the rest is read: the pages read so far times the time the collection spans over the time they covered.
 * An answer whose estimate (or, while reading, whose requests) would pass the budget is refused with that estimate.
 */
final class LiveLoader {

    /** Kommo's requests per second per account, for the refusal's time estimate. */
    static final int KOMMO_RATE = 7;
    private static final List<String> DELETIONS = List.of("lead_deleted", "contact_deleted", "company_deleted");
    private static final int MAX_PAGES = 100_000;
    /** Single pages read to find a collection's length before an answer is refused. */
    private static final int MAX_PROBES = 12;
    /** The least time a page is taken to cover when estimating (a burst of changes in one minute says little). */
    private static final long MIN_COVERED_SECONDS = 3_600;

    private final KommoBulkReads kommo;
    private final Caller caller;
    private final Workspace ws;
    private final int budget;
    private final boolean mirrorOn;
    private final long now;

    LiveLoader(KommoBulkReads kommo, Caller caller, Workspace ws, int budget, boolean mirrorOn) {
        this.kommo = kommo;
        this.caller = caller;
        this.ws = ws;
        this.budget = budget;
        this.mirrorOn = mirrorOn;
        this.now = ws.nowSecond();
    }

    /** One collection read page by page, newest first. */
    private final class Reader {
        final IntFunction<Page> read;
        final ToLongFunction<JsonNode> time;
        final String entity; // mirror_record entity, or null for events
        final Supplier<Long> spanStart; // the oldest time the collection reaches (may cost a request)
        int pages;
        boolean more = true;
        long last = Long.MAX_VALUE;
        long oldest = Long.MAX_VALUE;
        Long start;

        Reader(IntFunction<Page> read, ToLongFunction<JsonNode> time, String entity, Supplier<Long> spanStart) {
            this.read = read;
            this.time = time;
            this.entity = entity;
            this.spanStart = spanStart;
        }

        void next() throws SQLException {
            Page page = read.apply(++pages);
            for (JsonNode item : page.items()) {
                long t = time.applyAsLong(item);
                last = Math.min(last, t);
                oldest = Math.min(oldest, t);
            }
            if (entity == null) {
                events(page.items());
            } else {
                records(entity, page.items());
            }
            more = page.more() && !page.items().isEmpty() && pages < MAX_PAGES;
            if (more && start == null) {
                start = spanStart.get();
            }
        }

        /** Pages still to read, estimated from the time the pages read so far covered. */
        long remaining() {
            if (!more) {
                return 0;
            }
            return Math.max(1, total(pages, last) - pages);
        }

        /** The collection's pages, if {@code read} pages reached back to {@code at}. */
        long total(int read, long at) {
            long from = start == null ? at : start;
            double span = Math.max(1, now - from);
            double covered = Math.max(MIN_COVERED_SECONDS, now - at);
            return Math.max(read, (long) Math.ceil(read * span / covered));
        }

        /**
         * How many pages the collection has, found by reading single pages from {@code depth} on (nothing is
         * stored): doubling the depth until a page is empty, then halving the gap, in at most {@code maxProbes}
         * requests; when they run out first, the estimate from the deepest page found, which covers far more time
         * than the first did. Null when page {@code depth} is already empty: the collection ends before it.
         */
        Long pagesFrom(int depth, int maxProbes) {
            int found = pages; // a page known to hold items
            long foundOldest = last;
            Integer empty = null; // the first page known to be empty
            int probes = 0;
            for (int d = depth; empty == null && probes < maxProbes; d = (int) Math.min(MAX_PAGES, 2L * d)) {
                Page p = read.apply(d);
                probes++;
                if (p.items().isEmpty()) {
                    empty = d;
                } else {
                    found = d;
                    foundOldest = oldest(p);
                    if (!p.more()) {
                        return (long) d;
                    }
                }
            }
            if (empty == null) {
                return total(found, foundOldest) + 1;
            }
            if (empty == depth) {
                return null;
            }
            while (empty - found > 1 && probes < maxProbes) {
                int mid = (found + empty) / 2;
                Page p = read.apply(mid);
                probes++;
                if (p.items().isEmpty()) {
                    empty = mid;
                } else {
                    found = mid;
                    if (!p.more()) {
                        return (long) mid;
                    }
                }
            }
            return (long) (found + empty) / 2;
        }

        private long oldest(Page p) {
            long o = Long.MAX_VALUE;
            for (JsonNode item : p.items()) {
                o = Math.min(o, time.applyAsLong(item));
            }
            return o;
        }
    }

    /** Reads everything {@code n} names; returns the Kommo requests the answer made so far (metadata included). */
    int load(Needs n) throws SQLException {
        List<Reader> readers = new ArrayList<>();
        LeadFilter f = n.leadsAtKommo();
        Reader leads = new Reader(page -> kommo.leads(caller, f.pipelineId(), f.responsibleUserId(), page),
                item -> WireValues.longOr(item, "created_at", now), "leads",
                () -> kommo.oldestLeadCreatedAt(caller, f.pipelineId(), f.responsibleUserId()).orElse(now));
        readers.add(leads);
        leads.next(); // first: the whole history of stage changes is estimated from the oldest lead
        if (n.stageChangesFrom() != null) {
            long from = n.stageChangesFrom();
            readers.add(new Reader(page -> kommo.events(caller, List.of("lead_status_changed"), from, page),
                    item -> WireValues.longOr(item, "created_at", now), null,
                    () -> from > 0 ? from : Optional.ofNullable(leads.start).orElse(Math.min(leads.oldest, now))));
        }
        if (n.deletionsFrom() != null) {
            long from = n.deletionsFrom();
            readers.add(new Reader(page -> kommo.events(caller, DELETIONS, from, page),
                    item -> WireValues.longOr(item, "created_at", now), null, () -> from));
        }
        if (n.openTasks()) {
            readers.add(new Reader(page -> kommo.tasks(caller, false, null, null, page),
                    item -> WireValues.longOr(item, "created_at", now), "tasks",
                    () -> kommo.oldestTaskCreatedAt(caller, false, null, null).orElse(now)));
        }
        if (n.tasksChangedFrom() != null) {
            long from = n.tasksChangedFrom();
            readers.add(new Reader(page -> kommo.tasks(caller, null, from, null, page),
                    item -> WireValues.longOr(item, "created_at", now), "tasks",
                    () -> kommo.oldestTaskCreatedAt(caller, null, from, null).orElse(now)));
        }
        if (n.notesFrom() != null) {
            long from = n.notesFrom();
            readers.add(new Reader(page -> kommo.leadNotes(caller, from, page),
                    item -> WireValues.longOr(item, "updated_at", now), "lead_notes", () -> from));
        }
        for (Reader r : readers) {
            if (r.pages == 0) {
                r.next();
            }
        }
        if (used() + remaining(readers) > budget) {
            // before refusing, find how many pages the largest collection really has, starting as deep as the budget
            // would have let it go (the first page alone misjudges a history that grew towards now)
            Reader big = readers.stream().max(java.util.Comparator.comparingLong(Reader::remaining)).orElseThrow();
            long others = remaining(readers) - big.remaining();
            int before = used();
            int depth = (int) Math.min(big.pages + big.remaining(), big.pages + Math.max(1, budget - before));
            Long total = big.pagesFrom(depth, MAX_PROBES);
            if (total != null) {
                throw refused(before + others + total - big.pages);
            }
            // the collection ends before that page: read on, within the budget
        }
        for (Reader r : readers) {
            while (r.more) {
                if (used() >= budget) {
                    throw refused(used() + remaining(readers));
                }
                r.next();
            }
        }
        return used();
    }

    private int used() {
        return caller.kommoCalls() == null ? 0 : caller.kommoCalls().size();
    }

    private static long remaining(List<Reader> readers) {
        return readers.stream().mapToLong(Reader::remaining).sum();
    }

    private ToolException refused(long estimate) {
        long seconds = Math.max(1, (estimate + KOMMO_RATE - 1) / KOMMO_RATE);
        String cost = "this answer needs about " + estimate + " Kommo requests (~" + seconds + " s at Kommo's "
                + KOMMO_RATE + " per second); without the mirror an answer may use at most " + budget + ".";
        return new ToolException(mirrorOn ? "The tenant's mirror is on but not current yet (still filling, or"
                + " behind), and " + cost + " Try again once the mirror has caught up; an administrator can see its"
                + " progress." : "Without the tenant's mirror " + cost + " Ask an administrator to turn the tenant's"
                        + " mirror on; analytics then answer from it in about a second.");
    }

    private void records(String entity, List<JsonNode> items) throws SQLException {
        if (items.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = ws.connection().prepareStatement("insert into mirror_record (tenant_id, entity,"
                + " id, created_at, updated_at, deleted, data) values (?, ?, ?, ?, ?, false, ?::jsonb)"
                + " on conflict (tenant_id, entity, id) do nothing")) {
            for (JsonNode item : items) {
                long id = WireValues.longOr(item, "id", 0);
                if (id == 0) {
                    continue;
                }
                ps.setString(1, ws.key());
                ps.setString(2, entity);
                ps.setLong(3, id);
                ps.setObject(4, WireValues.longOrNull(item, "created_at"), java.sql.Types.BIGINT);
                ps.setObject(5, WireValues.longOrNull(item, "updated_at"), java.sql.Types.BIGINT);
                ps.setString(6, item.toString());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private void events(List<JsonNode> items) throws SQLException {
        if (items.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = ws.connection().prepareStatement("insert into mirror_event (tenant_id, id, type,"
                + " entity_type, entity_id, created_by, created_at, data) values (?, ?, ?, ?, ?, ?, ?, ?::jsonb)"
                + " on conflict do nothing")) {
            for (JsonNode e : items) {
                String id = WireValues.textOrNull(e, "id");
                if (id == null || id.isEmpty()) {
                    continue;
                }
                ps.setString(1, ws.key());
                ps.setString(2, id.length() > 64 ? id.substring(0, 64) : id);
                String type = String.valueOf(WireValues.textOrNull(e, "type"));
                ps.setString(3, type.length() > 80 ? type.substring(0, 80) : type);
                ps.setString(4, WireValues.textOrNull(e, "entity_type"));
                ps.setObject(5, WireValues.longOrNull(e, "entity_id"), java.sql.Types.BIGINT);
                ps.setObject(6, WireValues.longOrNull(e, "created_by"), java.sql.Types.BIGINT);
                ps.setLong(7, WireValues.longOr(e, "created_at", 0));
                ps.setString(8, e.toString());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
