package io.kommomcp.intelligence;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.kommomcp.core.Caller;
import io.kommomcp.core.LeadStatusThresholds;
import io.kommomcp.core.ToolException;
import io.kommomcp.intelligence.LeadMirror.Filter;
import io.kommomcp.intelligence.LeadMirror.MirroredLead;
import io.kommomcp.intelligence.LeadMirror.SignalPage;
import io.kommomcp.intelligence.LeadStatusRules.Assessment;
import io.kommomcp.intelligence.StageMedians.Stage;
import io.kommomcp.intelligence.StageMedians.StageMedian;
import io.kommomcp.intelligence.Views.InactiveLead;
import io.kommomcp.intelligence.Views.InactiveLeads;
import io.kommomcp.intelligence.Views.LeadContext;
import io.kommomcp.intelligence.Views.LeadStatusView;
import io.kommomcp.intelligence.Views.LeadStatuses;
import io.kommomcp.intelligence.Views.LeadTimeline;
import io.kommomcp.intelligence.Views.StageRef;
import io.kommomcp.intelligence.Views.UserRef;
import io.kommomcp.kommo.EntityType;
import io.kommomcp.kommo.KommoActivity;
import io.kommomcp.kommo.KommoCrm;
import io.kommomcp.kommo.KommoCrm.Page;
import io.kommomcp.kommo.KommoEvents;
import io.kommomcp.kommo.KommoMetadata;
import io.kommomcp.kommo.KommoTasks;
import io.kommomcp.kommo.wire.FieldDef;
import io.kommomcp.kommo.wire.Lead;
import io.kommomcp.kommo.wire.Note;
import io.kommomcp.kommo.wire.Pipeline;
import io.kommomcp.kommo.wire.Task;
import io.kommomcp.kommo.wire.User;
import io.kommomcp.tenancy.TenantService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The lead tools' reads and rules. From the tenant's mirror when it is on and current (stage changes, notes, tasks and
 * leads, with the time it was current); otherwise from Kommo within a fixed number of requests per call, stated in
 * the tools' descriptions and the answers. The medians of the stages come from the mirror's stage histories whenever
 * the mirror holds them, however fresh (a year of stays hardly moves in minutes).
 */
@ApplicationScoped
public class LeadIntelligence {

    /** A timeline reads at most this many pages of a lead's events (100 each), notes and tasks (250 each). */
    static final int EVENT_PAGES = 10;
    static final int NOTE_PAGES = 4;
    static final int TASK_PAGES = 2;
    /** Without the mirror, lead_status reads each lead (about 4 requests): at most this many a call. */
    public static final int LIVE_STATUS_LEADS = 10;
    /** Without the mirror, leads_inactive reads at most this many pages (250 each) of leads, notes and tasks. */
    static final int LIVE_INACTIVE_PAGES = 2;

    /** Chat messages and SMS: interactions Kommo records as events only. */
    static final List<String> MESSAGE_TYPES = List.of("incoming_chat_message", "outgoing_chat_message",
            "entity_direct_message", "incoming_sms", "outgoing_sms");
    /** What a timeline shows that the mirror does not keep (it keeps stage changes, deletions, notes and tasks). */
    static final List<String> UNMIRRORED_TYPES = List.of("lead_added", "name_field_changed", "sale_field_changed",
            "custom_field_value_changed", "entity_responsible_changed", "entity_linked", "entity_unlinked",
            "lead_linked", "lead_unlinked", "entity_tag_added", "entity_tag_deleted", "incoming_chat_message",
            "outgoing_chat_message", "entity_direct_message", "incoming_sms", "outgoing_sms", "entity_merged");

    private static final long DAY = 86_400;

    @Inject
    KommoCrm crm;

    @Inject
    KommoEvents events;

    @Inject
    KommoTasks tasks;

    @Inject
    KommoActivity activity;

    @Inject
    KommoMetadata metadata;

    @Inject
    TenantService tenants;

    @Inject
    LeadMirror mirror;

    @Inject
    StageMedians medians;

    @Inject
    Clock clock;

    /** What leads_inactive looks for; null is "any" ({@code days}: the tenant's default). */
    public record InactiveQuery(Integer days, Long pipelineId, Long stageId, Long responsibleUserId, int page,
            int limit) {
    }

    public LeadTimeline timeline(Caller caller, long leadId, boolean newestFirst, int page, int limit) {
        LeadHistory h = history(caller, leadId, true);
        List<Timeline.Entry> all = Timeline.entries(h, names(caller));
        Timeline.Page p = Timeline.page(all, newestFirst, page, limit);
        return new LeadTimeline(h.lead().id(), h.lead().name(), h.deleted(), p.entries(),
                newestFirst ? "newest_first" : "oldest_first", page, p.hasMore(), p.hasMore() ? page + 1 : null,
                p.total(), h.asOf(), h.gaps());
    }

    public LeadContext summary(Caller caller, long leadId) {
        LeadHistory h = history(caller, leadId, false);
        long now = clock.instant().getEpochSecond();
        LeadStatusThresholds t = tenants.leadStatusThresholds(caller.tenantId());
        LeadSignals s = h.signals(now);
        List<String> gaps = new ArrayList<>();
        StageMedian median = median(medians(caller, s.pipelineId(), gaps), s, gaps);
        Assessment a = LeadStatusRules.assess(s, median, t, now);
        List<Pipeline> pipelines = metadata.pipelinesWith(caller, s.pipelineId(), s.stageId());
        List<FieldDef> fields = metadata.fields(caller, EntityType.LEADS);
        return ContextSummaries.build(h.withGaps(gaps), a, median, t, pipelines, fields, names(caller), now);
    }

    public LeadStatuses status(Caller caller, List<Long> leadIds) {
        List<Long> ids = new ArrayList<>(new LinkedHashSet<>(leadIds));
        String tenant = caller.tenantId();
        Instant nowInstant = clock.instant();
        long now = nowInstant.getEpochSecond();
        LeadStatusThresholds t = tenants.leadStatusThresholds(tenant);
        Map<Long, LeadSignals> found = new java.util.HashMap<>();
        Optional<Instant> asOf = current(tenant, nowInstant);
        if (asOf.isPresent()) {
            mirror.signals(tenant, new Filter(ids, null, null, null, false, null, ids.size(), 0), now).leads()
                    .forEach(s -> found.put(s.leadId(), s));
        }
        List<Long> live = ids.stream().filter(id -> !found.containsKey(id)).toList();
        if (live.size() > LIVE_STATUS_LEADS) {
            throw new ToolException("Without the tenant's mirror, lead_status judges at most " + LIVE_STATUS_LEADS
                    + " leads a call (each takes about 4 Kommo requests); " + live.size() + " were asked for. Split"
                    + " the list.");
        }
        List<Long> notFound = new ArrayList<>();
        for (long id : live) {
            Optional<LeadHistory> h = liveHistory(caller, id, false);
            if (h.isPresent()) {
                found.put(id, h.get().signals(now));
            } else {
                notFound.add(id);
            }
        }
        List<String> gaps = new ArrayList<>();
        Map<Stage, StageMedian> m = medians(caller, null, gaps);
        Names names = names(caller);
        List<LeadStatusView> out = new ArrayList<>();
        for (long id : ids) {
            LeadSignals s = found.get(id);
            if (s != null) {
                Assessment a = LeadStatusRules.assess(s, median(m, s, null), t, now);
                out.add(new LeadStatusView(s.leadId(), s.name(), s.price(), stage(names, s), user(names, s),
                        a.status().name(), a.reasons(), a.evidence()));
            }
        }
        if (asOf.isPresent() && live.size() > notFound.size()) {
            gaps.add(0, "Not yet in the mirror, read from Kommo: " + live.stream().filter(id -> !notFound.contains(id))
                    .map(String::valueOf).collect(Collectors.joining(", ")) + ".");
        }
        boolean fromMirror = live.size() < ids.size();
        return new LeadStatuses(out, notFound, t, fromMirror ? asOf.orElse(null) : null, gaps.isEmpty() ? null
                : String.join(" ", gaps));
    }

    public InactiveLeads inactive(Caller caller, InactiveQuery q) {
        String tenant = caller.tenantId();
        LeadStatusThresholds t = tenants.leadStatusThresholds(tenant);
        int days = q.days() != null ? q.days() : t.activeDays() + 1;
        Long pipelineId = pipelineOf(caller, q.pipelineId(), q.stageId());
        Instant nowInstant = clock.instant();
        long now = nowInstant.getEpochSecond();
        long cutoff = now - days * DAY;
        Names names = names(caller);
        Optional<Instant> asOf = current(tenant, nowInstant);
        if (asOf.isPresent()) {
            SignalPage page = mirror.signals(tenant, new Filter(null, pipelineId, q.stageId(),
                    q.responsibleUserId(), true, cutoff, q.limit(), (q.page() - 1) * q.limit()), now);
            List<String> gaps = new ArrayList<>();
            Map<Stage, StageMedian> m = medians(caller, pipelineId, gaps);
            List<InactiveLead> leads = page.leads().stream().map(s -> new InactiveLead(s.leadId(), s.name(),
                    s.price(), stage(names, s), user(names, s), Instant.ofEpochSecond(s.lastActivity()),
                    LeadStatusRules.days(now - s.lastActivity()), LeadStatusRules.assess(s, median(m, s, null), t, now)
                            .status().name())).toList();
            boolean more = (long) q.page() * q.limit() < page.total();
            return new InactiveLeads(days, leads, page.total(), q.page(), more, more ? q.page() + 1 : null,
                    asOf.get(), gaps.isEmpty() ? null : String.join(" ", gaps));
        }
        return liveInactive(caller, q, days, pipelineId, cutoff, now, names);
    }

    // ------------------------------------------------------------------ Kommo, within a budget

    private InactiveLeads liveInactive(Caller caller, InactiveQuery q, int days, Long pipelineId, long cutoff,
            long now, Names names) {
        List<Lead> candidates = new ArrayList<>();
        boolean leadsCut = false;
        for (int page = 1; page <= LIVE_INACTIVE_PAGES; page++) {
            Page<Lead> p = activity.leadsUnchangedSince(caller, pipelineId, q.stageId(), q.responsibleUserId(), cutoff,
                    page, KommoCrm.MAX_PAGE_SIZE);
            p.items().stream().filter(l -> l.updatedAt() == null || l.updatedAt() <= cutoff)
                    .filter(l -> l.statusId() == null || (l.statusId() != Pipeline.Stage.WON
                            && l.statusId() != Pipeline.Stage.LOST)).forEach(candidates::add);
            if (!p.hasMore()) {
                break;
            }
            leadsCut = page == LIVE_INACTIVE_PAGES;
        }
        Set<Long> active = new HashSet<>();
        boolean activityCut = false;
        if (!candidates.isEmpty()) {
            for (int page = 1; page <= LIVE_INACTIVE_PAGES; page++) {
                Page<Note> p = activity.leadNotesChangedSince(caller, cutoff + 1, page);
                p.items().stream().filter(n -> n.createdAt() != null && n.createdAt() > cutoff)
                        .forEach(n -> active.add(n.entityId()));
                if (!p.hasMore()) {
                    break;
                }
                activityCut = activityCut || page == LIVE_INACTIVE_PAGES;
            }
            for (int page = 1; page <= LIVE_INACTIVE_PAGES; page++) {
                Page<Task> p = activity.leadTasksChangedSince(caller, cutoff + 1, page);
                p.items().stream().filter(x -> x.updatedAt() != null && x.updatedAt() > cutoff && x.entityId() != null)
                        .forEach(x -> active.add(x.entityId()));
                if (!p.hasMore()) {
                    break;
                }
                activityCut = activityCut || page == LIVE_INACTIVE_PAGES;
            }
        }
        List<Lead> inactive = candidates.stream().filter(l -> !active.contains(l.id()))
                .sorted(Comparator.comparing((Lead l) -> l.price() == null ? Long.MIN_VALUE : l.price()).reversed()
                        .thenComparingLong(LeadIntelligence::lastChange).thenComparingLong(Lead::id)).toList();
        int from = Math.min(inactive.size(), (q.page() - 1) * q.limit());
        int to = Math.min(inactive.size(), from + q.limit());
        List<InactiveLead> leads = inactive.subList(from, to).stream().map(l -> new InactiveLead(l.id(), l.name(),
                l.price(), new StageRef(l.pipelineId(), l.pipelineId() == null ? null : names.pipeline(l.pipelineId()),
                        l.statusId(), l.pipelineId() == null || l.statusId() == null ? null
                                : names.stage(l.pipelineId(), l.statusId())),
                new UserRef(l.responsibleUserId(), names.userLabel(l.responsibleUserId())),
                Instant.ofEpochSecond(lastChange(l)), LeadStatusRules.days(now - lastChange(l)), null)).toList();
        StringBuilder note = new StringBuilder("Read from Kommo (the tenant's mirror is off or not current): the"
                + " leads' own changes and the notes and tasks of the last " + days + " days; a lead's last activity"
                + " is its last change, as older notes and tasks were not read; lead_status judges each lead.");
        if (leadsCut) {
            note.append(" Only the ").append(LIVE_INACTIVE_PAGES * KommoCrm.MAX_PAGE_SIZE).append(" least recently"
                    + " changed leads were checked: narrow by pipeline, stage or user for the rest.");
        }
        if (activityCut) {
            note.append(" More than ").append(LIVE_INACTIVE_PAGES * KommoCrm.MAX_PAGE_SIZE).append(" notes or tasks"
                    + " changed in that time and not all were read: a lead listed may have had some.");
        }
        boolean more = to < inactive.size();
        return new InactiveLeads(days, leads, inactive.size(), q.page(), more, more ? q.page() + 1 : null, null,
                note.toString());
    }

    private static long lastChange(Lead l) {
        return Math.max(l.createdAt() == null ? 0 : l.createdAt(), l.updatedAt() == null ? 0 : l.updatedAt());
    }

    /** The lead's history from the mirror when it can answer, else from Kommo; a lead neither has is refused. */
    LeadHistory history(Caller caller, long leadId, boolean full) {
        String tenant = caller.tenantId();
        Optional<Instant> asOf = current(tenant, clock.instant());
        if (asOf.isPresent()) {
            Optional<MirroredLead> ml = mirror.lead(tenant, leadId);
            if (ml.isPresent()) {
                List<KommoEvents.Event> evs = new ArrayList<>(mirror.events(tenant, leadId).stream()
                        .map(KommoActivity::event).toList());
                List<String> gaps = new ArrayList<>();
                if (full) {
                    if (readEvents(caller, leadId, UNMIRRORED_TYPES, EVENT_PAGES, evs)) {
                        gaps.add("Only the newest " + EVENT_PAGES * KommoEvents.MAX_PAGE_SIZE + " field, link, tag"
                                + " and message events were read.");
                    }
                } else {
                    gaps.add("From the mirror, which keeps notes but not chat messages or SMS (leads_timeline shows"
                            + " them).");
                }
                return new LeadHistory(Lead.from(ml.get().data()), ml.get().deleted(), evs,
                        mirror.notes(tenant, leadId).stream().map(Note::from).toList(),
                        mirror.tasks(tenant, leadId).stream().map(Task::from).toList(), asOf.get(), gaps);
            }
        }
        return liveHistory(caller, leadId, full).orElseThrow(() -> new ToolException("There is no lead with id "
                + leadId + " in this account (a deleted lead sits in Kommo's trash). Find leads with leads_search."));
    }

    /** The lead's history read from Kommo: all of it within the pages above, or what an assessment needs. */
    private Optional<LeadHistory> liveHistory(Caller caller, long leadId, boolean full) {
        Optional<Lead> lead = crm.lead(caller, leadId);
        if (lead.isEmpty()) {
            return Optional.empty();
        }
        List<String> gaps = new ArrayList<>();
        List<KommoEvents.Event> evs = new ArrayList<>();
        List<Note> notes = new ArrayList<>();
        List<Task> ts = new ArrayList<>();
        if (full) {
            if (readEvents(caller, leadId, null, EVENT_PAGES, evs)) {
                gaps.add("Only the newest " + EVENT_PAGES * KommoEvents.MAX_PAGE_SIZE + " events were read.");
            }
            for (int page = 1; page <= NOTE_PAGES; page++) {
                Page<Note> p = crm.notes(caller, EntityType.LEADS, leadId, page, KommoCrm.MAX_PAGE_SIZE, null);
                notes.addAll(p.items());
                if (!p.hasMore()) {
                    break;
                }
                if (page == NOTE_PAGES) {
                    gaps.add("Only the newest " + NOTE_PAGES * KommoCrm.MAX_PAGE_SIZE + " notes were read.");
                }
            }
        } else {
            List<String> types = new ArrayList<>(MESSAGE_TYPES);
            types.add(0, "lead_status_changed");
            for (int page = 1; page <= 3; page++) {
                Page<KommoEvents.Event> p = events.list(caller, new KommoEvents.Criteria("lead", List.of(leadId),
                        types, null, null, null, page, KommoEvents.MAX_PAGE_SIZE));
                evs.addAll(p.items());
                if (!p.hasMore() || p.items().stream().anyMatch(e -> "lead_status_changed".equals(e.type()))) {
                    break;
                }
            }
            notes.addAll(crm.notes(caller, EntityType.LEADS, leadId, 1, 50, null).items());
        }
        for (int page = 1; page <= TASK_PAGES; page++) {
            Page<Task> p = tasks.list(caller, new KommoTasks.Criteria("leads", leadId, null, null, null, page,
                    KommoCrm.MAX_PAGE_SIZE));
            ts.addAll(p.items());
            if (!p.hasMore() || !full) {
                break;
            }
        }
        return Optional.of(new LeadHistory(lead.get(), false, evs, notes, ts, null, gaps));
    }

    /** Adds the lead's events (of {@code types}, or all) to {@code into}; true when pages were left unread. */
    private boolean readEvents(Caller caller, long leadId, List<String> types, int pages,
            List<KommoEvents.Event> into) {
        for (int page = 1; page <= pages; page++) {
            Page<KommoEvents.Event> p = events.list(caller, new KommoEvents.Criteria("lead", List.of(leadId), types,
                    null, null, null, page, KommoEvents.MAX_PAGE_SIZE));
            into.addAll(p.items());
            if (!p.hasMore()) {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ the mirror and the schema

    /** When the tenant's mirror can answer, as of then; empty when it is off, not backfilled or stale. */
    private Optional<Instant> current(String tenant, Instant now) {
        return tenants.mirrorEnabled(tenant) ? mirror.asOf(tenant, now) : Optional.empty();
    }

    /** The stages' medians from the mirror's stage histories (empty, with a word in {@code gaps}, without them). */
    private Map<Stage, StageMedian> medians(Caller caller, Long pipelineId, List<String> gaps) {
        String tenant = caller.tenantId();
        if (!tenants.mirrorEnabled(tenant) || !mirror.hasStageHistory(tenant)) {
            gaps.add("No stage medians: they come from the stage histories in the tenant's mirror, which is off or"
                    + " still filling, so no lead is judged stuck.");
            return Map.of();
        }
        return medians.medians(tenant, pipelineId, clock.instant().getEpochSecond()
                - StageMedians.WINDOW_DAYS * DAY);
    }

    private static StageMedian median(Map<Stage, StageMedian> m, LeadSignals s, List<String> gaps) {
        if (s.pipelineId() == null || s.stageId() == null || s.closed()) {
            return null;
        }
        StageMedian median = m.get(new Stage(s.pipelineId(), s.stageId()));
        if (gaps != null && !m.isEmpty() && (median == null || !median.reliable())) {
            gaps.add("Fewer than " + StageMedians.MIN_STAYS + " stays in this stage ended within a year: its median"
                    + " does not make the lead stuck.");
        }
        return median;
    }

    /** The stage's pipeline when only the stage is given (it must be in exactly one), checked against the schema. */
    private Long pipelineOf(Caller caller, Long pipelineId, Long stageId) {
        if (pipelineId == null && stageId == null) {
            return null;
        }
        List<Pipeline> pipelines = metadata.pipelinesWith(caller, pipelineId, stageId);
        if (pipelineId != null) {
            Pipeline p = pipelines.stream().filter(x -> x.id() == pipelineId).findFirst().orElseThrow(() ->
                    new ToolException("There is no pipeline " + pipelineId + " (see pipelines_list)."));
            if (stageId != null && p.stage(stageId).isEmpty()) {
                throw new ToolException("Stage " + stageId + " is not in pipeline " + p.id() + " \"" + p.name()
                        + "\". Its stages are: " + p.stages().stream().map(st -> st.id() + " \"" + st.name() + "\"")
                                .collect(Collectors.joining(", ")) + ".");
            }
            return pipelineId;
        }
        List<Pipeline> owners = KommoCrm.pipelinesWithStage(pipelines, stageId);
        if (owners.size() != 1) {
            throw new ToolException(owners.isEmpty() ? "No pipeline has a stage " + stageId + " (see pipelines_list)."
                    : "Stage " + stageId + " is in several pipelines; pass pipeline_id as well.");
        }
        return owners.get(0).id();
    }

    private static StageRef stage(Names names, LeadSignals s) {
        return new StageRef(s.pipelineId(), s.pipelineId() == null ? null : names.pipeline(s.pipelineId()),
                s.stageId(), s.pipelineId() == null || s.stageId() == null ? null
                        : names.stage(s.pipelineId(), s.stageId()));
    }

    private static UserRef user(Names names, LeadSignals s) {
        return new UserRef(s.responsibleUserId(), names.userLabel(s.responsibleUserId()));
    }

    /** Names from the tenant's cached schema, each part read only when first needed. */
    Names names(Caller caller) {
        Supplier<List<User>> users = memo(() -> metadata.users(caller));
        Supplier<List<Pipeline>> pipelines = memo(() -> metadata.pipelines(caller));
        Supplier<List<FieldDef>> fields = memo(() -> metadata.fields(caller, EntityType.LEADS));
        return new Names() {
            @Override
            public String user(long id) {
                return users.get().stream().filter(u -> u.id() == id).map(User::name).findFirst().orElse(null);
            }

            @Override
            public String stage(long pipelineId, long stageId) {
                return pipelines.get().stream().filter(p -> p.id() == pipelineId).findFirst()
                        .flatMap(p -> p.stage(stageId)).map(Pipeline.Stage::name).orElse(null);
            }

            @Override
            public String pipeline(long pipelineId) {
                return pipelines.get().stream().filter(p -> p.id() == pipelineId).map(Pipeline::name).findFirst()
                        .orElse(null);
            }

            @Override
            public String field(long fieldId) {
                return fields.get().stream().filter(f -> f.id() == fieldId).map(FieldDef::name).findFirst()
                        .orElse(null);
            }
        };
    }

    private static <T> Supplier<T> memo(Supplier<T> load) {
        return new Supplier<>() {
            private T value;

            @Override
            public synchronized T get() {
                if (value == null) {
                    value = load.get();
                }
                return value;
            }
        };
    }
}
