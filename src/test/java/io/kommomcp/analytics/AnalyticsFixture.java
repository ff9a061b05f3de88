package io.kommomcp.analytics;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.kommomcp.core.Caller;
import io.kommomcp.core.ChangeLog;
import io.kommomcp.core.Json;
import io.kommomcp.core.KommoCallLog;
import io.kommomcp.kommo.EntityType;
import io.kommomcp.kommo.KommoBulkReads;
import io.kommomcp.kommo.KommoMetadata;
import io.kommomcp.kommo.KommoPages.Page;
import io.kommomcp.kommo.wire.FieldDef;
import io.kommomcp.kommo.wire.Pipeline;
import io.kommomcp.kommo.wire.User;
import io.kommomcp.realtime.MirrorStore;
import io.kommomcp.testing.AnalyticsReference;
import io.kommomcp.testing.AnalyticsReference.Change;
import io.kommomcp.testing.AnalyticsReference.Lead;
import io.kommomcp.testing.AnalyticsReference.Note;
import io.kommomcp.testing.AnalyticsReference.Task;
import io.kommomcp.testing.Fields;
import io.kommomcp.testing.UnitDatabase;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A tenant's records for the analytics tests: made in Java, written to the real database as the mirror writes them
 * ({@link MirrorStore}: Kommo's v4 JSON), and served as Kommo's pages to the live path ({@link FakeKommo}, which
 * logs each page as a request of the call). Its account: two pipelines, users 11, 12, 13 (99 is on records but no
 * longer a user), three loss reasons, two fields required in some stages.
 */
final class AnalyticsFixture {

    /** The tests' "now": 2026-06-15T12:00:00Z. */
    static final long NOW = Instant.parse("2026-06-15T12:00:00Z").getEpochSecond();
    static final long DAY = 86_400;
    static final long SALES = 1001;
    static final long PARTNERS = 1002;
    static final long FIELD_BUDGET = 501;
    static final long FIELD_SEATS = 502;

    final String tenant = "an-" + UUID.randomUUID().toString().substring(0, 8);
    final List<Lead> leads = new ArrayList<>();
    final List<Change> changes = new ArrayList<>();
    final List<Task> tasks = new ArrayList<>();
    final List<Note> notes = new ArrayList<>();
    /** Custom field values per lead, as Kommo shows them; {@link #filled}: the required fields holding a value. */
    final Map<Long, ArrayNode> fieldValues = new HashMap<>();
    final Map<Long, Set<Long>> filled = new HashMap<>();
    final Map<Long, String> users = new LinkedHashMap<>(Map.of(11L, "Anna", 12L, "Boris", 13L, "Clara"));
    final Map<Long, String> lossReasons = new LinkedHashMap<>(Map.of(901L, "Too expensive", 902L, "Competitor",
            903L, "No budget"));
    /** The Kommo calls of the last call made with {@link #caller()}. */
    KommoCallLog calls = new KommoCallLog();
    int eventIds;

    final List<Pipeline> pipelines = List.of(
            pipeline(SALES, "Sales", true, new long[] {2001, 2002, 2003, 2004, 2005},
                    new String[] {"Incoming", "First contact", "Qualified", "Proposal", "Negotiation"}),
            pipeline(PARTNERS, "Partners", false, new long[] {2101, 2102, 2103},
                    new String[] {"Incoming", "Due diligence", "Contract"}));

    /** Fields required: Budget before Proposal (Sales), Seats before Negotiation (Sales) and Contract (Partners). */
    final List<FieldDef> fields = List.of(
            new FieldDef(FIELD_BUDGET, "Budget", "numeric", null, 1, List.of(), null,
                    List.of(new FieldDef.RequiredIn(SALES, 2004)), false, true, false, List.of()),
            new FieldDef(FIELD_SEATS, "Seats", "numeric", null, 2, List.of(), null,
                    List.of(new FieldDef.RequiredIn(SALES, 2005), new FieldDef.RequiredIn(PARTNERS, 2103)), false,
                    true, false, List.of()));

    private static Pipeline pipeline(long id, String name, boolean main, long[] ids, String[] names) {
        List<Pipeline.Stage> stages = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            stages.add(new Pipeline.Stage(ids[i], names[i], 10L + 10 * i, i > 0, id, "#99ccff", i == 0 ? 1 : 0));
        }
        stages.add(new Pipeline.Stage(142, "Won", 10_000L, false, id, "#CCFF66", 0));
        stages.add(new Pipeline.Stage(143, "Lost", 11_000L, false, id, "#D5D8DB", 0));
        return new Pipeline(id, name, (long) id, main, true, false, stages);
    }

    /** The pipelines as the reference model takes them. */
    List<AnalyticsReference.Pipe> pipes() {
        return pipelines.stream().map(p -> new AnalyticsReference.Pipe(p.id(), p.stages().stream()
                .map(Pipeline.Stage::id).toList())).toList();
    }

    AnalyticsReference reference() {
        return new AnalyticsReference(leads, changes, tasks, notes, pipes(), NOW);
    }

    Map<Long, Set<Long>> required() {
        Map<Long, Set<Long>> out = new HashMap<>();
        for (FieldDef d : fields) {
            d.requiredIn().forEach(r -> out.computeIfAbsent(r.pipelineId(), k -> new java.util.HashSet<>())
                    .add(d.id()));
        }
        return out;
    }

    // ------------------------------------------------------------------ making records

    Lead lead(long id, long pipeline, long status, long price, Long user, Long reason, long created, long updated,
            List<String> tags, boolean deleted) {
        Lead l = new Lead(id, "Lead " + id, pipeline, status, price, user, reason, created, updated, user, tags,
                deleted);
        leads.add(l);
        return l;
    }

    Change change(long lead, long at, Long by, long fromPipeline, long fromStatus, long toPipeline, long toStatus) {
        Change c = new Change(String.format("01ev%022d", ++eventIds), lead, at, by, fromPipeline, fromStatus,
                toPipeline, toStatus);
        changes.add(c);
        return c;
    }

    /** A lead's history as stage changes: {@code path} are the stages after each change, made at {@code times}. */
    void history(Lead l, long firstPipeline, long firstStatus, long[][] path, long[] times, Long[] by) {
        long p = firstPipeline;
        long s = firstStatus;
        for (int i = 0; i < path.length; i++) {
            change(l.id(), times[i], by[i], p, s, path[i][0], path[i][1]);
            p = path[i][0];
            s = path[i][1];
        }
    }

    Task task(long id, Long user, Long lead, boolean completed, Long due, long created, long updated, Long createdBy,
            Long updatedBy) {
        Task t = new Task(id, user, lead == null ? null : "leads", lead, completed, due, created, updated, createdBy,
                updatedBy);
        tasks.add(t);
        return t;
    }

    Note note(long id, long lead, long created, Long by) {
        Note n = new Note(id, lead, created, by);
        notes.add(n);
        return n;
    }

    /** Sets a lead's value of a custom field; {@code filled}: whether the value counts as filled. */
    void fieldValue(long lead, long field, Object value, boolean isFilled) {
        ArrayNode cfv = fieldValues.computeIfAbsent(lead, k -> Json.mapper().createArrayNode());
        ObjectNode f = cfv.addObject().put("field_id", field).put("field_name", "f" + field).putNull("field_code")
                .put("field_type", "numeric");
        ObjectNode v = f.putArray("values").addObject();
        if (value == null) {
            v.putNull("value");
        } else if (value instanceof Boolean b) {
            v.put("value", b);
        } else if (value instanceof Number n) {
            v.put("value", n.longValue());
        } else {
            v.put("value", value.toString());
        }
        if (isFilled) {
            filled.computeIfAbsent(lead, k -> new java.util.HashSet<>()).add(field);
        }
    }

    // ------------------------------------------------------------------ Kommo's JSON

    ObjectNode leadJson(Lead l) {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("id", l.id()).put("name", l.name()).put("price", l.price());
        putLong(n, "responsible_user_id", l.userId());
        n.put("group_id", 0).put("status_id", l.statusId()).put("pipeline_id", l.pipelineId());
        putLong(n, "loss_reason_id", l.lossReasonId());
        putLong(n, "created_by", l.userId());
        putLong(n, "updated_by", l.updatedBy());
        n.put("created_at", l.createdAt()).put("updated_at", l.updatedAt());
        if (l.statusId() == 142 || l.statusId() == 143) {
            n.put("closed_at", l.updatedAt());
        } else {
            n.putNull("closed_at");
        }
        n.putNull("closest_task_at").put("is_deleted", false);
        ArrayNode cfv = fieldValues.get(l.id());
        if (cfv == null) {
            n.putNull("custom_fields_values");
        } else {
            n.set("custom_fields_values", cfv);
        }
        n.putNull("score").put("account_id", 1);
        ObjectNode emb = n.putObject("_embedded");
        ArrayNode tags = emb.putArray("tags");
        int t = 1;
        for (String tag : l.tags()) {
            tags.addObject().put("id", t++).put("name", tag).putNull("color");
        }
        emb.putArray("companies");
        return n;
    }

    ObjectNode changeJson(Change c) {
        ObjectNode e = Json.mapper().createObjectNode();
        e.put("id", c.id()).put("type", "lead_status_changed").put("entity_id", c.leadId()).put("entity_type", "lead");
        putLong(e, "created_by", c.by());
        e.put("created_at", c.at());
        e.putArray("value_after").addObject().putObject("lead_status").put("id", c.toStatus())
                .put("pipeline_id", c.toPipeline());
        e.putArray("value_before").addObject().putObject("lead_status").put("id", c.fromStatus())
                .put("pipeline_id", c.fromPipeline());
        e.put("account_id", 1);
        e.putObject("_embedded").putObject("entity").put("id", c.leadId());
        return e;
    }

    ObjectNode deletedJson(Lead l) {
        ObjectNode e = Json.mapper().createObjectNode();
        e.put("id", String.format("01del%021d", l.id())).put("type", "lead_deleted").put("entity_id", l.id())
                .put("entity_type", "lead");
        putLong(e, "created_by", l.userId());
        e.put("created_at", l.updatedAt());
        e.putArray("value_after");
        e.putArray("value_before");
        return e;
    }

    ObjectNode taskJson(Task t) {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("id", t.id());
        putLong(n, "created_by", t.createdBy());
        putLong(n, "updated_by", t.updatedBy());
        n.put("created_at", t.createdAt()).put("updated_at", t.updatedAt());
        putLong(n, "responsible_user_id", t.userId());
        n.put("group_id", 0);
        putLong(n, "entity_id", t.entityId());
        if (t.entityType() == null) {
            n.putNull("entity_type");
        } else {
            n.put("entity_type", t.entityType());
        }
        n.put("duration", 0).put("is_completed", t.completed()).put("task_type_id", 1).put("text", "Task " + t.id());
        if (t.completed()) {
            n.putObject("result").put("text", "done");
        } else {
            n.putArray("result");
        }
        putLong(n, "complete_till", t.due());
        n.put("account_id", 1);
        return n;
    }

    ObjectNode noteJson(Note x) {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("id", x.id()).put("entity_id", x.leadId());
        putLong(n, "created_by", x.createdBy());
        putLong(n, "updated_by", x.createdBy());
        n.put("created_at", x.createdAt()).put("updated_at", x.createdAt()).put("responsible_user_id", 11)
                .put("group_id", 0).put("note_type", "common");
        n.putObject("params").put("text", "note " + x.id());
        n.put("account_id", 1);
        return n;
    }

    private static void putLong(ObjectNode n, String field, Long v) {
        if (v == null) {
            n.putNull(field);
        } else {
            n.put(field, v);
        }
    }

    // ------------------------------------------------------------------ the database

    /** Writes everything as the mirror would, and the tenant with its mirror on (or off) and current. */
    void store(boolean mirrorOn) throws Exception {
        MirrorStore store = Fields.set(new MirrorStore(), "ds", UnitDatabase.app());
        store.upsert(tenant, "leads", leads.stream().map(l -> (JsonNode) leadJson(l)).toList());
        List<JsonNode> events = new ArrayList<>(changes.stream().map(c -> (JsonNode) changeJson(c)).toList());
        leads.stream().filter(Lead::deleted).forEach(l -> events.add(deletedJson(l)));
        store.events(tenant, events);
        store.upsert(tenant, "tasks", tasks.stream().map(t -> (JsonNode) taskJson(t)).toList());
        store.upsert(tenant, "lead_notes", notes.stream().map(n -> (JsonNode) noteJson(n)).toList());
        try (Connection c = UnitDatabase.owner()) {
            try (PreparedStatement ps = c.prepareStatement("insert into tenant (id, display_name, kommo_base_url,"
                    + " auth_kind, mirror_enabled) values (?, 'analytics test', 'http://sandbox.invalid',"
                    + " 'LONG_LIVED_TOKEN', ?)")) {
                ps.setString(1, tenant);
                ps.setBoolean(2, mirrorOn);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("insert into mirror_sync (tenant_id, entity, backfilled,"
                    + " synced_at) values (?, ?, true, ?)")) {
                for (String e : List.of("leads", "contacts", "companies", "tasks", "lead_notes", "contact_notes",
                        "company_notes", "events")) {
                    ps.setString(1, tenant);
                    ps.setString(2, e);
                    ps.setTimestamp(3, Timestamp.from(Instant.ofEpochSecond(NOW - 30)));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
    }

    /** Sets when the mirror's entities were last current. */
    void syncedAt(long epochSecond) throws Exception {
        try (Connection c = UnitDatabase.owner(); PreparedStatement ps = c.prepareStatement("update mirror_sync set"
                + " synced_at = ? where tenant_id = ?")) {
            ps.setTimestamp(1, Timestamp.from(Instant.ofEpochSecond(epochSecond)));
            ps.setString(2, tenant);
            ps.executeUpdate();
        }
    }

    void mirror(boolean on) throws Exception {
        try (Connection c = UnitDatabase.owner(); PreparedStatement ps = c.prepareStatement("update tenant set"
                + " mirror_enabled = ? where id = ?")) {
            ps.setBoolean(1, on);
            ps.setString(2, tenant);
            ps.executeUpdate();
        }
    }

    /** A caller for one tool call (with a call log of its own, as every call has). */
    Caller caller() {
        calls = new KommoCallLog();
        return new Caller(tenant, "tester", Set.of("kommo.reader"), "test", "1", "s1", calls, new ChangeLog(),
                null);
    }

    // ------------------------------------------------------------------ the beans, with Kommo faked

    final FakeKommo kommo = new FakeKommo();

    Analytics analytics(int budget) {
        AnalyticsSource source = new AnalyticsSource();
        source.ds = UnitDatabase.app();
        source.kommo = kommo;
        source.clock = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
        source.maxStaleness = 300;
        source.budget = budget;
        Analytics a = new Analytics();
        a.source = source;
        a.metadata = new FakeMetadata();
        a.clock = source.clock;
        a.weightRecency = 25;
        a.weightPace = 25;
        a.weightValue = 20;
        a.weightCompleteness = 15;
        a.weightTasks = 15;
        a.recencyDays = 30;
        a.baselineDays = 90;
        return a;
    }

    /** The account's schema, as the cache would hold it. */
    final class FakeMetadata extends KommoMetadata {

        @Override
        public List<Pipeline> pipelines(Caller caller) {
            return pipelines;
        }

        @Override
        public List<Pipeline> pipelinesWith(Caller caller, Long pipelineId, Long stageId) {
            return pipelines;
        }

        @Override
        public List<User> users(Caller caller) {
            return users.entrySet().stream().map(e -> new User(e.getKey(), e.getValue(), null, false, true))
                    .toList();
        }

        @Override
        public List<LossReason> lossReasons(Caller caller) {
            return lossReasons.entrySet().stream().map(e -> new LossReason(e.getKey(), e.getValue())).toList();
        }

        @Override
        public List<FieldDef> fields(Caller caller, EntityType type) {
            return type == EntityType.LEADS ? fields : List.of();
        }
    }

    /** Kommo's pages of the fixture's records, newest first as KommoBulkReads asks; each page is one request. */
    final class FakeKommo extends KommoBulkReads {

        int requests;

        private void request(Caller caller, String what) {
            requests++;
            caller.kommoCalls().add(new KommoCallLog.Entry(Instant.ofEpochSecond(NOW), "GET", what, 200, null, 1,
                    null));
        }

        private Page page(List<JsonNode> all, int page, int size) {
            int from = (page - 1) * size;
            List<JsonNode> items = from >= all.size() ? List.of() : all.subList(from, Math.min(all.size(),
                    from + size));
            return new Page(items, items.size() == size); // Kommo's next link: on a full page
        }

        private List<Lead> live(Long pipelineId, Long userId) {
            return leads.stream().filter(l -> !l.deleted() && (pipelineId == null || l.pipelineId() == pipelineId)
                    && (userId == null || userId.equals(l.userId()))).toList();
        }

        @Override
        public Page leads(Caller caller, Long pipelineId, Long responsibleUserId, int page) {
            request(caller, "leads");
            List<JsonNode> all = live(pipelineId, responsibleUserId).stream().sorted(java.util.Comparator
                    .comparingLong((Lead l) -> -l.createdAt()).thenComparingLong(l -> -l.id()))
                    .map(l -> (JsonNode) leadJson(l)).toList();
            return page(all, page, 250);
        }

        @Override
        public java.util.Optional<Long> oldestLeadCreatedAt(Caller caller, Long pipelineId, Long responsibleUserId) {
            request(caller, "leads oldest");
            return live(pipelineId, responsibleUserId).stream().map(Lead::createdAt).min(Long::compare);
        }

        @Override
        public Page events(Caller caller, List<String> types, long from, int page) {
            request(caller, "events");
            List<JsonNode> all = new ArrayList<>();
            if (types.contains("lead_status_changed")) {
                changes.stream().filter(c -> c.at() >= from).sorted(java.util.Comparator.comparingLong(
                        (Change c) -> -c.at()).thenComparing(Change::id, java.util.Comparator.reverseOrder()))
                        .forEach(c -> all.add(changeJson(c)));
            }
            if (types.contains("lead_deleted")) {
                leads.stream().filter(l -> l.deleted() && l.updatedAt() >= from).forEach(l -> all.add(
                        deletedJson(l)));
            }
            return page(all, page, 100);
        }

        private List<Task> taskList(Boolean completed, Long updatedFrom, Long userId) {
            return tasks.stream().filter(t -> (completed == null || t.completed() == completed)
                    && (updatedFrom == null || t.updatedAt() >= updatedFrom)
                    && (userId == null || userId.equals(t.userId()))).toList();
        }

        @Override
        public Page tasks(Caller caller, Boolean completed, Long updatedFrom, Long responsibleUserId, int page) {
            request(caller, "tasks");
            return page(taskList(completed, updatedFrom, responsibleUserId).stream().sorted(java.util.Comparator
                    .comparingLong((Task t) -> -t.createdAt()).thenComparingLong(t -> -t.id()))
                    .map(t -> (JsonNode) taskJson(t)).toList(), page, 250);
        }

        @Override
        public java.util.Optional<Long> oldestTaskCreatedAt(Caller caller, Boolean completed, Long updatedFrom,
                Long responsibleUserId) {
            request(caller, "tasks oldest");
            return taskList(completed, updatedFrom, responsibleUserId).stream().map(Task::createdAt)
                    .min(Long::compare);
        }

        @Override
        public Page leadNotes(Caller caller, long updatedFrom, int page) {
            request(caller, "notes");
            return page(notes.stream().filter(n -> n.createdAt() >= updatedFrom).sorted(java.util.Comparator
                    .comparingLong((Note n) -> -n.createdAt()).thenComparingLong(n -> -n.id()))
                    .map(n -> (JsonNode) noteJson(n)).toList(), page, 250);
        }
    }
}
