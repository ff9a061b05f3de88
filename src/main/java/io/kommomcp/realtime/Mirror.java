package io.kommomcp.realtime;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.kommomcp.core.Caller;
import io.kommomcp.kommo.KommoPages;
import io.kommomcp.kommo.KommoPages.Collection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Keeps a tenant's opt-in mirror of its Kommo account ({@link MirrorStore}), as slices of the MIRROR job
 * ({@link BackgroundWorker}). First a backfill: every collection page by page by id, and the events of the kinds the
 * mirror keeps (stage changes, deletions and restorations) up to the moment the backfill began; each page's progress
 * is stored, so a restart or another instance resumes where it stopped. Then incremental sweeps every
 * {@code kommo.realtime.sweep-seconds}: the records changed since the last sweep ({@code filter[updated_at][from]},
 * with a minute of overlap for clocks and late writes) and the events created since, which also brings the deletions
 * and anything a webhook missed. Webhooks keep it fresh in between ({@link ChangeFeed}). Its Kommo requests are
 * background work: at most the sync's share of the account's budget, and never while a tool call waits.
 */
@ApplicationScoped
public class Mirror {

    /** The event types the mirror keeps: stage histories, and what tells it that a record is gone or back. */
    public static final List<String> EVENT_TYPES = List.of("lead_status_changed", "lead_deleted", "lead_restored",
            "contact_deleted", "contact_restored", "company_deleted", "company_restored", "task_deleted");
    /** The mirror's name for its events in {@code mirror_sync}. */
    public static final String EVENTS = "events";
    /** Seconds of overlap between sweeps: a change made in the last minute before a sweep is read again. */
    static final long OVERLAP = 60;

    @Inject
    KommoPages pages;

    @Inject
    MirrorStore store;

    @Inject
    ChangeFeed feed;

    @Inject
    @ConfigProperty(name = "kommo.realtime.sweep-seconds", defaultValue = "60")
    long sweepSeconds;

    @Inject
    @ConfigProperty(name = "kommo.realtime.slice-seconds", defaultValue = "20")
    long sliceSeconds;

    /** Backfill passes of a collection at most: a second when records were deleted during the first. */
    static final int MAX_PASSES = 2;

    /** Whether Kommo has deletions of the collection's records since {@code from} (one request; false if unknown). */
    private boolean deletedSince(Caller caller, String entity, long from) {
        String type = switch (entity) {
            case "leads" -> "lead_deleted";
            case "contacts" -> "contact_deleted";
            case "companies" -> "company_deleted";
            case "tasks" -> "task_deleted";
            default -> null; // notes: Kommo's events name no deletion of them
        };
        return type != null && !pages.events(caller, List.of(type), from, Instant.now().getEpochSecond(), 1).items()
                .isEmpty();
    }

    /** What one slice did, and whether the job has more to do at once. */
    public record Slice(boolean more, Map<String, Object> details) {
    }

    public long sweepSeconds() {
        return sweepSeconds;
    }

    /** The names of what the mirror keeps, in the order it fills them. */
    public static List<String> entities() {
        List<String> out = new ArrayList<>();
        for (Collection c : Collection.values()) {
            out.add(c.entity());
        }
        out.add(EVENTS);
        return out;
    }

    /** One slice of work: backfill until done or out of time, then a sweep. */
    public Slice run(SyncJobs.Claim claim, Caller caller, BooleanSupplier renew) {
        String tenant = claim.tenant();
        long deadline = System.nanoTime() + Math.max(1, sliceSeconds) * 1_000_000_000L;
        Map<String, MirrorStore.Progress> progress = store.progress(tenant, entities());
        Map<String, Object> details = new LinkedHashMap<>();
        int pagesRead = 0;
        for (String entity : entities()) {
            MirrorStore.Progress p = progress.get(entity);
            while (!p.backfilled()) {
                if (System.nanoTime() - deadline > 0) {
                    details.put("phase", "backfill");
                    details.put("pages", pagesRead);
                    return new Slice(true, details);
                }
                long to = p.backfillTo() != null ? p.backfillTo() : Instant.now().getEpochSecond();
                KommoPages.Page page = entity.equals(EVENTS)
                        ? pages.events(caller, EVENT_TYPES, 0, to, p.nextPage())
                        : pages.byId(caller, Collection.valueOf(entity.toUpperCase(java.util.Locale.ROOT)),
                                p.nextPage());
                int added = entity.equals(EVENTS) ? store.events(tenant, page.items())
                        : store.upsert(tenant, entity, page.items());
                pagesRead++;
                boolean done = !page.more();
                if (done && !entity.equals(EVENTS) && deletedSince(caller, entity, to)
                        && store.anotherPass(tenant, entity, Instant.now().getEpochSecond(), MAX_PASSES)) {
                    // records of this collection were deleted while it was read: later ones moved up a place, and
                    // one may have slipped past a page boundary unread; read it all once more
                    p = store.progress(tenant, List.of(entity)).get(entity);
                    details.put("second_pass", entity);
                    continue;
                }
                p = new MirrorStore.Progress(entity, done, done ? 1 : p.nextPage() + 1, to,
                        done ? (entity.equals(EVENTS) ? to : to - OVERLAP) : p.highWater(), p.records() + added,
                        p.lastChangeAt(), done ? Instant.now() : p.syncedAt());
                store.save(tenant, p);
                if (!renew.getAsBoolean()) {
                    details.put("lost_claim", true);
                    return new Slice(false, details);
                }
            }
        }
        // everything backfilled: one sweep of each
        int changed = 0;
        for (String entity : entities()) {
            MirrorStore.Progress p = progress.get(entity);
            p = store.progress(tenant, List.of(entity)).get(entity);
            long now = Instant.now().getEpochSecond();
            long from = Math.max(0, p.highWater());
            int added = 0;
            for (int n = 1; ; n++) {
                KommoPages.Page page = entity.equals(EVENTS) ? pages.events(caller, EVENT_TYPES, from, now, n)
                        : pages.updatedSince(caller, Collection.valueOf(entity.toUpperCase(java.util.Locale.ROOT)),
                                from, n);
                if (entity.equals(EVENTS)) {
                    added += store.events(tenant, page.items());
                } else {
                    List<MirrorStore.Swept> swept = store.upsertChanged(tenant, entity, page.items());
                    added += (int) swept.stream().filter(r -> r.before() == null).count();
                    feed.swept(tenant, entity, swept); // what no webhook brought, and no write of ours explains
                }
                changed += page.items().size();
                pagesRead++;
                if (!page.more()) {
                    break;
                }
                if (!renew.getAsBoolean()) { // another instance has the job now: it sweeps from the saved mark
                    details.put("lost_claim", true);
                    return new Slice(false, details);
                }
            }
            store.save(tenant, new MirrorStore.Progress(entity, true, 1, p.backfillTo(), Math.max(p.highWater(),
                    now - OVERLAP), p.records() + added, p.lastChangeAt(), Instant.now()));
        }
        details.put("phase", "sweep");
        details.put("pages", pagesRead);
        details.put("records_seen", changed);
        return new Slice(false, details);
    }
}
