package io.kommomcp.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kommomcp.core.ApprovalPolicy;
import io.kommomcp.core.Caller;
import io.kommomcp.core.ChangeLog;
import io.kommomcp.core.Json;
import io.kommomcp.core.KommoCallLog;
import io.kommomcp.core.Tool;
import io.kommomcp.core.ToolPolicy;
import io.kommomcp.governance.BulkGovernance;
import io.kommomcp.governance.Governor;
import io.kommomcp.governance.IdempotentCalls;
import io.kommomcp.governance.PlanStore;
import io.kommomcp.kommo.EntityType;
import io.kommomcp.kommo.KommoApiException;
import io.kommomcp.kommo.KommoCrm;
import io.kommomcp.kommo.UserLoads;
import io.kommomcp.kommo.KommoMetadata;
import io.kommomcp.kommo.KommoParties;
import io.kommomcp.kommo.ScriptedKommo;
import io.kommomcp.kommo.wire.Contact;
import io.kommomcp.kommo.wire.FieldDef;
import io.kommomcp.kommo.wire.Lead;
import io.kommomcp.kommo.wire.Pipeline;
import io.kommomcp.kommo.wire.User;
import io.kommomcp.security.Roles;
import io.kommomcp.tenancy.TenantService;
import io.kommomcp.testing.Fields;
import io.kommomcp.testing.RecordingAudit;
import io.kommomcp.testing.UnitDatabase;
import io.kommomcp.tools.bulk.DistributionTools;
import io.kommomcp.tools.bulk.LeadBulkTools;
import io.kommomcp.tools.bulk.PartyBulkTools;
import io.kommomcp.tools.common.UserResolver;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import tools.jackson.databind.JsonNode;

/**
 * The bulk tools through the registry, without a container: the real tools, governance (plans on the real database,
 * {@link UnitDatabase}) and write layer, in front of a scripted account ({@link ScriptedKommo} answers as Kommo does
 * and counts the requests). N records cost ⌈N/250⌉ requests (⌈N/50⌉ for leads with a new contact); invalid records
 * are refused before anything is sent, each named by its index; above the threshold the call is planned and the
 * confirmation applies exactly the planned set; a part-applied batch says what became of each record; a repeated key
 * writes nothing again.
 */
class BulkToolCallsTest {

    /** The account's schema: pipeline 10 (main) and 20; "Budget" required in stage 102; users 1, 2, and 3 inactive. */
    static class Account extends KommoMetadata {

        static final Pipeline SALES = new Pipeline(10, "Sales", 1L, true, true, false, List.of(
                stage(100, "Incoming", 10, 1), stage(101, "Qualified", 10, 0), stage(102, "Proposal", 10, 0),
                stage(142, "Won", 10, 0), stage(143, "Lost", 10, 0)));
        static final Pipeline PARTNERS = new Pipeline(20, "Partners", 2L, false, false, false, List.of(
                stage(201, "New", 20, 0), stage(142, "Won", 20, 0), stage(143, "Lost", 20, 0)));

        static Pipeline.Stage stage(long id, String name, long pipeline, int type) {
            return new Pipeline.Stage(id, name, id, true, pipeline, "#fffeb2", type);
        }

        static FieldDef field(long id, String name, String type, List<FieldDef.RequiredIn> required) {
            return new FieldDef(id, name, type, null, 1, List.of(), null, required, false, true, false, List.of());
        }

        @Override
        public List<Pipeline> pipelines(Caller caller) {
            return List.of(SALES, PARTNERS);
        }

        @Override
        public List<Pipeline> pipelinesWith(Caller caller, Long pipelineId, Long stageId) {
            return pipelines(caller);
        }

        @Override
        public List<FieldDef> fields(Caller caller, EntityType type) {
            return type == EntityType.LEADS ? List.of(field(5, "Budget", "numeric", List.of(new FieldDef.RequiredIn(10,
                    102))), field(6, "Next step", "text", List.of())) : List.of(field(7, "Birthday", "date",
                            List.of()));
        }

        @Override
        public List<User> users(Caller caller) {
            return List.of(new User(1, "Alice", "alice@x.test", true, true), new User(2, "Bob", "bob@x.test", false,
                    true), new User(3, "Carl", "carl@x.test", false, false));
        }

        @Override
        public List<LossReason> lossReasons(Caller caller) {
            return List.of(new LossReason(7, "Too expensive"));
        }
    }

    /** Leads and contacts as the account has them, read by id. */
    static class Records extends KommoParties {

        final Map<Long, Lead> leads = new HashMap<>();
        final Map<Long, Contact> contacts = new HashMap<>();
        int reads;

        @Override
        public List<Lead> leads(Caller caller, List<Long> ids) {
            reads++;
            return ids.stream().filter(leads::containsKey).map(leads::get).toList();
        }

        @Override
        public List<Contact> contacts(Caller caller, List<Long> ids) {
            reads++;
            return ids.stream().filter(contacts::containsKey).map(contacts::get).toList();
        }

        void lead(long id, long pipeline, long stage, String budget) {
            lead(id, pipeline, stage, budget, 1, 0, null);
        }

        void lead(long id, long pipeline, long stage, String budget, long user, long price, String tag) {
            leads.put(id, Lead.from(Json.mapper().readTree("{\"id\":" + id + ",\"name\":\"L" + id + "\",\"pipeline_id\":"
                    + pipeline + ",\"status_id\":" + stage + ",\"responsible_user_id\":" + user + ",\"price\":" + price
                    + ",\"custom_fields_values\":" + (budget == null ? "null" : "[{\"field_id\":5,\"values\":[{"
                    + "\"value\":\"" + budget + "\"}]}]") + ",\"_embedded\":{\"tags\":" + (tag == null ? "[]"
                            : "[{\"id\":1,\"name\":\"" + tag + "\"}]") + "}}")));
        }
    }

    /** Loads as the mirror would count them. */
    static class Loads extends UserLoads {

        final Map<Long, Long> open = new HashMap<>();

        @Override
        public UserLoads.Loads of(Caller caller, Kind kind, List<Long> users) {
            Map<Long, UserLoads.Load> out = new LinkedHashMap<>();
            users.forEach(u -> out.put(u, new UserLoads.Load(open.getOrDefault(u, 0L), false)));
            return new UserLoads.Loads(out, "the mirror as of 2026-07-01T10:00:00Z");
        }
    }

    /** Lists of leads, answered from the records (in id order) by pipeline and current user. */
    class Lists extends KommoCrm {

        @Override
        public Page<Lead> searchLeads(Caller caller, LeadCriteria c) {
            List<Lead> all = records.leads.values().stream().filter(l -> (c.pipelineId() == null || c.pipelineId()
                    .equals(l.pipelineId())) && (c.responsibleUserId() == null || c.responsibleUserId().equals(l
                            .responsibleUserId()))).sorted(java.util.Comparator.comparingLong(Lead::id)).toList();
            int from = (c.page() - 1) * c.limit();
            return new Page<>(all.subList(Math.min(from, all.size()), Math.min(from + c.limit(), all.size())),
                    c.page(), c.limit(), from + c.limit() < all.size());
        }
    }

    static class Policies extends TenantService {

        @Override
        public ApprovalPolicy approvalPolicy(String tenantId) {
            return ApprovalPolicy.OFF;
        }

        @Override
        public OptionalInt bulkGovernedAbove(String tenantId) {
            return OptionalInt.empty();
        }
    }

    private ScriptedKommo kommo;
    private Loads loads;
    private RecordingAudit audit;
    private Records records;
    private BulkGovernance governance;
    private ToolCalls calls;
    private final Map<String, ToolSpec> tools = new HashMap<>();
    private String tenant;

    @BeforeEach
    void setUp() throws Exception {
        kommo = new ScriptedKommo();
        audit = new RecordingAudit();
        records = new Records();
        governance = new BulkGovernance();
        Account account = new Account();
        LeadBulkTools leads = new LeadBulkTools();
        Fields.set(Fields.set(Fields.set(leads, "metadata", account), "parties", records), "governance", governance);
        PartyBulkTools parties = new PartyBulkTools();
        Fields.set(Fields.set(Fields.set(parties, "metadata", account), "parties", records), "governance",
                governance);
        loads = new Loads();
        DistributionTools distribution = new DistributionTools();
        UserResolver resolver = Fields.set(new UserResolver(), "metadata", account);
        Fields.set(Fields.set(Fields.set(Fields.set(Fields.set(distribution, "crm", new Lists()), "parties", records),
                "users", resolver), "loads", loads), "governance", governance);
        PlanStore plans = new PlanStore();
        Fields.set(Fields.set(Fields.set(plans, "ds", UnitDatabase.app()), "ttlSeconds", 300L),
                "approvalTtlSeconds", 3600L);
        Governor governor = new Governor();
        Fields.set(Fields.set(Fields.set(Fields.set(governor, "plans", plans), "audit", audit), "writer", kommo),
                "tenants", new Policies());
        calls = new ToolCalls(audit, governor, kommo, IdempotentCalls.over(UnitDatabase.app()), 50_000);
        for (Object bean : List.of(leads, parties, distribution)) {
            for (Method m : bean.getClass().getDeclaredMethods()) {
                Tool meta = m.getAnnotation(Tool.class);
                if (meta != null) {
                    tools.put(meta.name(), ToolSpec.of(meta, bean, m));
                }
            }
        }
        tenant = "bulk-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private Caller caller;

    private JsonNode call(String tool, Map<String, Object> args) {
        caller = new Caller(tenant, "alice", Set.of(Roles.WRITER), "test", "1", "s1", new KommoCallLog(),
                new ChangeLog(), null);
        CallToolResult r = calls.call(tools.get(tool), caller, new ToolCalls.Context(false, ToolPolicy.OPEN), args);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("error", r.isError());
        out.put("text", ((McpSchema.TextContent) r.content().get(0)).text());
        out.put("structured", r.structuredContent());
        return Json.mapper().valueToTree(out);
    }

    private static String text(JsonNode r) {
        return r.path("text").asString();
    }

    private static Map<String, Object> args(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static List<Map<String, Object>> newLeads(int n) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(args("name", "Deal " + i, "price", 100 + i));
        }
        return out;
    }

    @Test
    void nRecordsCostCeilNOver250KommoRequestsEachRecordWithItsId() {
        Fields.set(governance, "governedAbove", 5000);
        for (int n : new int[] {10, 250, 1000}) {
            kommo.sent.clear();
            JsonNode r = call("leads_bulk_create", args("leads", newLeads(n)));
            assertFalse(r.path("error").asBoolean(), text(r));
            assertEquals((n + 249) / 250, kommo.sent.size(), n + " leads");
            JsonNode s = r.path("structured");
            assertEquals(n, s.path("written").asInt());
            assertEquals((n + 249) / 250, s.path("kommo_requests").asInt());
            JsonNode run = s.path("records").get(0);
            assertEquals(0, run.path("from").asInt());
            assertEquals(n - 1, run.path("to").asInt());
            assertEquals("created", run.path("status").asString());
            assertEquals(run.path("first_id").asLong() + n - 1, run.path("last_id").asLong());
        }
        Map<String, Object> after = audit.calls.get(audit.calls.size() - 1).changes().get(999).after();
        assertEquals(999, after.get("record"), "the audit entry gives each record with its id");
        assertTrue(after.get("id") instanceof Long);

        kommo.sent.clear();
        List<Map<String, Object>> withContacts = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            withContacts.add(args("name", "Deal " + i, "contact", args("name", "Person " + i, "phone",
                    "+44 20 7946 00" + (10 + i))));
        }
        withContacts.add(args("name", "Plain"));
        JsonNode complex = call("leads_bulk_create", args("leads", withContacts));
        assertFalse(complex.path("error").asBoolean(), text(complex));
        assertEquals(2, kommo.count("POST", "leads/complex"), "a lead with a new contact is a complex add: 50 each");
        assertEquals(1, kommo.count("POST", "leads"));
        assertEquals(61, complex.path("structured").path("written").asInt());
    }

    @Test
    void badRecordsAreRefusedBeforeAnythingIsSentEachNamedByIndex() {
        List<Map<String, Object>> leads = newLeads(8);
        leads.set(1, args("name", "Wrong stage", "pipeline_id", 20, "stage_id", 101));
        leads.set(2, args("name", "Who", "responsible_user_id", 99));
        leads.set(3, args("name", "Gone", "responsible_user_id", 3));
        leads.set(4, args("name", "No such field", "fields", args("Colour", "red")));
        leads.set(5, args("name", "Needs budget", "stage_id", 102));
        leads.set(6, args("name", "Bad number", "fields", args("Budget", "lots"), "stage_id", 102));
        JsonNode r = call("leads_bulk_create", args("leads", leads));
        assertTrue(r.path("error").asBoolean());
        String t = text(r);
        assertTrue(t.startsWith("6 of 8 leads are invalid, so nothing was sent to Kommo"), t);
        for (String expected : List.of("leads[1]: stage 101 is not in pipeline 20", "leads[2]: no user 99",
                "leads[3]: Carl (user 3) is deactivated", "leads[4]: There is no lead field 'Colour'",
                "leads[5]: stage \"Proposal\" requires \"Budget\"", "leads[6]: 'Budget' is a number field")) {
            assertTrue(t.contains(expected), expected + " in " + t);
        }
        assertTrue(t.contains("skip_invalid: true to write the 2 valid ones"), t);
        assertTrue(kommo.sent.isEmpty(), "nothing was sent");

        JsonNode skipped = call("leads_bulk_create", args("leads", leads, "skip_invalid", true));
        assertFalse(skipped.path("error").asBoolean(), text(skipped));
        JsonNode s = skipped.path("structured");
        assertEquals(2, s.path("written").asInt());
        assertEquals(6, s.path("skipped").asInt());
        assertEquals(6, s.path("problems").size());
        assertEquals(1, s.path("problems").get(0).path("record").asInt());
        assertEquals("0,7", ((Map<?, ?>) kommo.sent.get(0).shown()).get("records"), "records 0 and 7 were sent");
        String note = audit.calls.get(audit.calls.size() - 1).error();
        assertTrue(note.startsWith("Not written: leads[1]: stage 101 is not in pipeline 20"), "the audit entry keeps"
                + " each record left out with its reason: " + note);

        records.contacts.put(41L, io.kommomcp.kommo.wire.Contact.from(Json.mapper().readTree("{\"id\":41,"
                + "\"name\":\"Ann\"}")));
        int sent = kommo.sent.size();
        JsonNode unknown = call("leads_bulk_create", args("leads", List.of(args("name", "Linked", "contact_id", 41),
                args("name", "Linked to nobody", "contact_id", 999))));
        assertTrue(unknown.path("error").asBoolean());
        assertTrue(text(unknown).contains("leads[1]: there is no contact 999"), text(unknown));
        assertEquals(sent, kommo.sent.size(), "an unknown contact is found before anything is sent");
    }

    @Test
    void aboveTheThresholdTheCallIsPlannedAndTheConfirmationAppliesExactlyThatSet() {
        Map<String, Object> args = args("leads", newLeads(300));
        JsonNode planned = call("leads_bulk_create", args);
        assertFalse(planned.path("error").asBoolean(), text(planned));
        JsonNode g = planned.path("structured").path("governance");
        assertEquals("planned", g.path("status").asString());
        assertTrue(kommo.sent.isEmpty(), "a plan sends nothing");
        assertEquals(2, g.path("plan").path("kommo_changes").size());
        assertTrue(g.path("plan").path("kommo_changes").get(1).asString().contains("\"count\":50,\"records\":"
                + "\"250-299\""), g.toString());
        assertEquals(3, g.path("plan").path("after").path("sample").size(), "a sample of the first records");
        assertTrue(g.path("plan").path("consequences").get(0).asString().startsWith("300 leads will be created in 2"
                + " Kommo requests"), g.toString());

        List<Map<String, Object>> changed = newLeads(300);
        changed.set(299, args("name", "Slipped in", "price", 1));
        JsonNode other = call("leads_bulk_create", args("leads", changed, "confirmation_token", g.path(
                "confirmation_token").asString()));
        assertTrue(other.path("error").asBoolean() && text(other).contains("arguments differ"), text(other));

        planned = call("leads_bulk_create", args);
        String token = planned.path("structured").path("governance").path("confirmation_token").asString();
        Map<String, Object> confirm = new LinkedHashMap<>(args);
        confirm.put("confirmation_token", token);
        JsonNode applied = call("leads_bulk_create", confirm);
        assertFalse(applied.path("error").asBoolean(), text(applied));
        assertEquals(2, kommo.sent.size());
        assertEquals(300, applied.path("structured").path("written").asInt());
        assertEquals("applied", applied.path("structured").path("governance").path("status").asString());
    }

    @Test
    void aPartAppliedBatchSaysWhatBecameOfEachRecord() {
        Fields.set(governance, "governedAbove", 5000);
        kommo.failAt = 1;
        kommo.failure = new KommoApiException(KommoApiException.Kind.SERVER_ERROR, 500, "ErrInternalServer", "boom",
                List.of(), Map.of(), null, null);
        JsonNode r = call("leads_bulk_create", args("leads", newLeads(600)));
        assertTrue(r.path("error").asBoolean());
        String t = text(r);
        assertTrue(t.startsWith("Partially applied"), t);
        assertTrue(t.contains("records 0-249: done (ids 1000-1249)"), t);
        assertTrue(t.contains("records 250-499: outcome unknown, may have been applied"), t);
        assertTrue(t.contains("records 500-599: not attempted"), t);
        assertEquals(List.of("INTENT leads_bulk_create PENDING", "OUTCOME leads_bulk_create PARTIAL"), audit.entries);
        assertEquals(250, audit.calls.get(1).changes().size(), "the records that landed are on the record");
    }

    @Test
    void aRetryWithTheSameKeyDoesNotCreateTwice() {
        Map<String, Object> args = args("leads", newLeads(20), "idempotency_key", "import-2026-07-01");
        JsonNode first = call("leads_bulk_create", args);
        JsonNode again = call("leads_bulk_create", args);
        assertFalse(again.path("error").asBoolean(), text(again));
        assertEquals(first.path("structured").toString(), again.path("structured").toString());
        assertEquals(1, kommo.sent.size(), "one request for both calls");
    }

    @Test
    void movesCheckTheTargetStagesRequiredFieldsPerLeadAndLeaveLeadsAlreadyThere() {
        records.lead(1, 10, 101, null);
        records.lead(2, 10, 101, "5000");
        records.lead(3, 10, 102, "100");
        JsonNode refused = call("leads_bulk_move", args("lead_ids", List.of(1, 2, 3, 4, 2), "stage_id", 102));
        assertTrue(refused.path("error").asBoolean());
        String t = text(refused);
        assertTrue(t.contains("lead_ids[0] (1): fill \"Budget\" first"), t);
        assertTrue(t.contains("lead_ids[3] (4): there is no lead 4"), t);
        assertTrue(t.contains("lead_ids[4] (2): the same id as lead_ids[1]"), t);
        assertTrue(kommo.sent.isEmpty());

        JsonNode moved = call("leads_bulk_move", args("lead_ids", List.of(1, 2, 3), "stage_id", 102, "skip_invalid",
                true));
        assertFalse(moved.path("error").asBoolean(), text(moved));
        JsonNode s = moved.path("structured");
        assertEquals(1, s.path("written").asInt());
        assertEquals(1, s.path("unchanged").asInt());
        assertTrue(kommo.sent.get(0).line().startsWith("PATCH /api/v4/leads/2 {\"count\":1,\"records\":\"1\""),
                kommo.sent.get(0).line());
        assertTrue(text(moved).contains("lead_ids[2]: unchanged (already in \"Proposal\")"), text(moved));

        JsonNode lost = call("leads_bulk_move", args("lead_ids", List.of(1), "stage_id", 143, "loss_reason_id", 8));
        assertTrue(lost.path("error").asBoolean() && text(lost).contains("no loss reason 8"), text(lost));

        // a lead already lost is given the reason asked for; one lost for that reason already is left alone
        records.leads.put(5L, Lead.from(Json.mapper().readTree("{\"id\":5,\"name\":\"L5\",\"pipeline_id\":10,"
                + "\"status_id\":143,\"loss_reason_id\":null}")));
        records.leads.put(6L, Lead.from(Json.mapper().readTree("{\"id\":6,\"name\":\"L6\",\"pipeline_id\":10,"
                + "\"status_id\":143,\"loss_reason_id\":7}")));
        int before = kommo.sent.size();
        JsonNode reasoned = call("leads_bulk_move", args("lead_ids", List.of(5, 6), "stage_id", 143,
                "loss_reason_id", 7));
        assertFalse(reasoned.path("error").asBoolean(), text(reasoned));
        assertEquals(1, reasoned.path("structured").path("written").asInt(), text(reasoned));
        assertEquals(1, reasoned.path("structured").path("unchanged").asInt(), text(reasoned));
        assertTrue(kommo.sent.get(before).line().contains("PATCH /api/v4/leads/5"), kommo.sent.get(before).line());
    }

    @Test
    void updatesReadTheRecordsFirstAndKeepTheirBefore() {
        for (long id = 1; id <= 300; id++) {
            records.lead(id, 10, 101, null);
        }
        List<Map<String, Object>> changes = new ArrayList<>();
        for (long id = 1; id <= 300; id++) {
            changes.add(args("lead_id", id, "price", 7));
        }
        Fields.set(governance, "governedAbove", 5000);
        JsonNode r = call("leads_bulk_update", args("leads", changes));
        assertFalse(r.path("error").asBoolean(), text(r));
        assertEquals(2, records.reads, "read 250 a request");
        assertEquals(2, kommo.sent.size(), "written 250 a request");
        assertEquals(Map.of("price", 7L, "record", 0), Map.of("price", audit.calls.get(1).changes().get(0).after()
                .get("price"), "record", audit.calls.get(1).changes().get(0).after().get("record")));

        JsonNode nothing = call("leads_bulk_update", args("leads", List.of(args("lead_id", 1), args("lead_id", 999,
                "price", 1))));
        assertTrue(text(nothing).contains("leads[0] (1): nothing to change"), text(nothing));
        assertTrue(text(nothing).contains("leads[1] (999): there is no lead 999"), text(nothing));
    }

    @Test
    void contactsAndCompaniesAreCheckedAndCreatedTheSameWay() {
        JsonNode refused = call("contacts_bulk_create", args("contacts", List.of(args("name", "Ann", "phones",
                List.of(args("number", "not a phone"))), args("first_name", "Bo"), args("position", "CTO"))));
        assertTrue(refused.path("error").asBoolean());
        assertTrue(text(refused).contains("contacts[0]: 'not a phone' is not a phone number"), text(refused));
        assertTrue(text(refused).contains("contacts[2]: give a name"), text(refused));

        JsonNode made = call("companies_bulk_create", args("companies", List.of(args("name", "Acme", "web",
                "https://acme.test"), args("name", "Globex", "fields", args("Birthday", "2020-01-01")))));
        assertFalse(made.path("error").asBoolean(), text(made));
        assertEquals(1, kommo.count("POST", "companies"));
        assertEquals(2, made.path("structured").path("written").asInt());
    }

    @Test
    void roundRobinExplainsEachAssignmentAndLeavesLeadsAlreadyTheirs() {
        records.lead(11, 10, 101, null, 1, 0, null);
        records.lead(12, 10, 101, null, 1, 0, null);
        records.lead(13, 10, 101, null, 3, 0, null);
        records.lead(14, 10, 142, null, 3, 0, null);
        JsonNode r = call("leads_distribute", args("lead_ids", List.of(11, 12, 13, 14), "users", List.of("Alice",
                "bob@x.test")));
        assertFalse(r.path("error").asBoolean(), text(r));
        String t = text(r);
        assertTrue(t.contains("lead 11 unchanged: already Alice's; round robin, user 1 of 2"), t);
        assertTrue(t.contains("lead 12 → Bob: round robin, user 2 of 2"), t);
        assertTrue(t.contains("lead 13 → Alice: round robin, user 1 of 2"), t);
        assertTrue(t.contains("lead 14 unchanged: closed (won)"), t);
        assertEquals(1, kommo.sent.size());
        assertEquals(2, r.path("structured").path("assigned").asInt());
        assertEquals(2, ((List<?>) kommo.sent.get(0).body()).size());
    }

    @Test
    void fewestOpenLeadsCountsWithoutTheLeadsBeingSharedOut() {
        for (long id = 21; id <= 26; id++) {
            records.lead(id, 10, 101, null, 3, 0, null);
        }
        loads.open.put(1L, 4L);
        loads.open.put(2L, 1L);
        JsonNode r = call("leads_distribute", args("filter", args("pipeline_id", 10, "responsible_user_id", 3),
                "users", List.of("1", "2"), "strategy", "fewest_open_leads"));
        assertFalse(r.path("error").asBoolean(), text(r));
        String t = text(r);
        assertTrue(t.contains("lead 21 → Bob: fewest open leads (1)"), t);
        assertTrue(t.contains("lead 23 → Bob: fewest open leads (3)"), t);
        assertTrue(t.contains("lead 24 → Alice: fewest open leads (4)") || t.contains("lead 24 → Bob: fewest open"
                + " leads (4)"), t);
        JsonNode shares = r.path("structured").path("users");
        assertEquals(6, shares.get(0).path("leads").asInt() + shares.get(1).path("leads").asInt());
        assertEquals("4 open leads", shares.get(0).path("load_before").asString());
    }

    @Test
    void rulesByPipelineTagAndPriceBandFirstMatchWins() {
        records.lead(31, 10, 101, null, 3, 50_000, null);
        records.lead(32, 20, 201, null, 3, 10, null);
        records.lead(33, 10, 101, null, 3, 10, "VIP");
        records.lead(34, 10, 101, null, 3, 10, null);
        JsonNode r = call("leads_distribute", args("lead_ids", List.of(31, 32, 33, 34), "strategy", "rules",
                "rules", List.of(args("user", "Alice", "tag", "vip"), args("user", "Bob", "pipeline_id", 10,
                        "min_price", 10_000), args("user", "Alice", "pipeline_id", 20))));
        assertFalse(r.path("error").asBoolean(), text(r));
        String t = text(r);
        assertTrue(t.contains("lead 31 → Bob: rule 2 (pipeline 10, price from 10000)"), t);
        assertTrue(t.contains("lead 32 → Alice: rule 3 (pipeline 20)"), t);
        assertTrue(t.contains("lead 33 → Alice: rule 1 (tag \"vip\")"), t);
        assertTrue(t.contains("lead 34 unchanged: no rule matches"), t);
    }

    @Test
    void aLargeDistributionIsPlannedWithItsExplanations() {
        for (long id = 100; id < 160; id++) {
            records.lead(id, 10, 101, null, 3, 0, null);
        }
        JsonNode planned = call("leads_distribute", args("filter", args("pipeline_id", 10), "users", List.of("Alice",
                "Bob")));
        JsonNode g = planned.path("structured").path("governance");
        assertEquals("planned", g.path("status").asString(), text(planned));
        assertTrue(kommo.sent.isEmpty());
        assertEquals("lead 100 → Alice: round robin, user 1 of 2", g.path("plan").path("after").path("assignments")
                .get(0).asString());
        assertTrue(g.path("plan").path("consequences").toString().contains("Alice (1) gets 30 leads"), g.toString());
        JsonNode refused = call("leads_distribute", args("lead_ids", List.of(100, 999, 100), "users", List.of(
                "Alice")));
        assertTrue(text(refused).contains("lead_ids[1] (999): there is no lead 999"), text(refused));
        assertTrue(text(refused).contains("lead_ids[2] (100): the same id as lead_ids[0]"), text(refused));
    }
}
