package io.kommomcp.tools.bulk;

import static io.kommomcp.tools.bulk.BulkSupport.fields;
import static io.kommomcp.tools.bulk.BulkSupport.name;
import static io.kommomcp.tools.bulk.BulkSupport.user;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.kommomcp.core.Caller;
import io.kommomcp.core.Describe;
import io.kommomcp.core.Tool;
import io.kommomcp.core.ToolException;
import io.kommomcp.core.ToolSet;
import io.kommomcp.governance.BulkGovernance;
import io.kommomcp.governance.Proposal;
import io.kommomcp.kommo.EntityType;
import io.kommomcp.kommo.FieldValue;
import io.kommomcp.kommo.KommoCrm;
import io.kommomcp.kommo.KommoMetadata;
import io.kommomcp.kommo.KommoParties;
import io.kommomcp.kommo.KommoWrite;
import io.kommomcp.kommo.RecordWrites;
import io.kommomcp.kommo.RecordWrites.AddComplexLeads;
import io.kommomcp.kommo.RecordWrites.ComplexLead;
import io.kommomcp.kommo.RecordWrites.CreateLeads;
import io.kommomcp.kommo.RecordWrites.LeadChange;
import io.kommomcp.kommo.RecordWrites.NewLead;
import io.kommomcp.kommo.RecordWrites.NewParty;
import io.kommomcp.kommo.RecordWrites.UpdateLeads;
import io.kommomcp.kommo.wire.CustomFieldValue;
import io.kommomcp.kommo.wire.FieldDef;
import io.kommomcp.kommo.wire.Lead;
import io.kommomcp.kommo.wire.Pipeline;
import io.kommomcp.kommo.wire.User;
import io.kommomcp.security.Roles;
import io.kommomcp.tools.bulk.BulkSupport.Checked;
import io.kommomcp.tools.bulk.BulkViews.BulkResult;
import io.kommomcp.tools.common.ToolValues;
import io.kommomcp.tools.parties.PartyInputs;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Leads in bulk: create (a lead with a new contact is a complex add), update and move up to 5,000 at a time, every
 * record checked before anything is sent.
 */
@ToolSet
@ApplicationScoped
public class LeadBulkTools {

    @Inject
    KommoMetadata metadata;

    @Inject
    KommoParties parties;

    @Inject
    BulkGovernance governance;

    public record NewContact(
            @Describe("Default: first and last name.") String name,
            String firstName,
            String lastName,
            String phone,
            String email) {
    }

    public record NewLeadRecord(
            @Describe(required = true) String name,
            @Describe(min = 0) Long price,
            @Describe(min = 1) Long pipelineId,
            @Describe(value = "Default: the pipeline's first open stage.", min = 1) Long stageId,
            @Describe(min = 1) Long responsibleUserId,
            List<String> tags,
            @Describe("By field name, code or id.") Map<String, Object> fields,
            @Describe(value = "An existing contact to link.", min = 1) Long contactId,
            @Describe("A new contact, created with the lead.") NewContact contact) {
    }

    public record CreateArgs(
            @Describe(required = true, min = 1, max = BulkGovernance.MAX_RECORDS) List<NewLeadRecord> leads,
            @Describe("Write the valid ones, list the rest; default: refuse all.") Boolean skipInvalid) {
    }

    public record LeadUpdate(
            @Describe(required = true, min = 1) Long leadId,
            String name,
            @Describe(min = 0) Long price,
            @Describe(min = 1) Long responsibleUserId,
            List<String> tagsToAdd,
            List<String> tagsToRemove,
            @Describe("By field name, code or id; null clears.") Map<String, Object> fields) {
    }

    public record UpdateArgs(
            @Describe(required = true, min = 1, max = BulkGovernance.MAX_RECORDS) List<LeadUpdate> leads,
            @Describe("Write the valid ones, list the rest; default: refuse all.") Boolean skipInvalid) {
    }

    public record MoveArgs(
            @Describe(required = true, min = 1, max = BulkGovernance.MAX_RECORDS) List<Long> leadIds,
            @Describe(required = true, min = 1) Long stageId,
            @Describe(value = "Default: the pipeline with that stage; for 142/143 each lead's own.", min = 1)
            Long pipelineId,
            @Describe(value = "With stage 143 only.", min = 1) Long lossReasonId,
            @Describe("Move the valid ones, list the rest; default: refuse all.") Boolean skipInvalid) {
    }

    @Tool(name = "leads_bulk_create", title = "Create leads in bulk", role = Roles.WRITER, readOnly = false,
            idempotencyKey = true,
            description = "Creates up to 5,000 leads, 250 per Kommo request (50 when a lead brings a new contact)."
                    + " Every record is checked first (stage, its required fields, users, field values). Above the"
                    + " tenant's threshold (default 50 records) the call is planned and applied once confirmed.")
    public Proposal<BulkResult> create(CreateArgs a, Caller caller) {
        List<Pipeline> pipelines = metadata.pipelines(caller);
        List<FieldDef> defs = metadata.fields(caller, EntityType.LEADS);
        Map<Long, User> users = BulkSupport.users(metadata.users(caller));
        // the existing contacts the records link (read 250 a request, only when some record names one)
        List<Long> linked = a.leads().stream().filter(r -> r != null && r.contactId() != null)
                .map(NewLeadRecord::contactId).toList();
        Set<Long> contacts = linked.isEmpty() ? Set.of() : BulkSupport.byIds(linked, ids -> parties.contacts(caller,
                ids), io.kommomcp.kommo.wire.Contact::id).keySet();
        Checked<Object> c = new Checked<>();
        for (int i = 0; i < a.leads().size(); i++) {
            NewLeadRecord r = a.leads().get(i);
            c.add(i, null, () -> {
                if (r != null && r.contactId() != null && !contacts.contains(r.contactId())) {
                    throw new ToolException("there is no contact " + r.contactId() + " (contacts_search).");
                }
                return newLead(r, pipelines, defs, users);
            });
        }
        BulkSupport.refuseOrSkip("leads", a.leads().size(), c, Boolean.TRUE.equals(a.skipInvalid()));
        List<NewLead> plain = new ArrayList<>();
        List<Integer> plainRecords = new ArrayList<>();
        List<ComplexLead> complex = new ArrayList<>();
        List<Integer> complexRecords = new ArrayList<>();
        List<Map<String, Object>> sample = new ArrayList<>();
        for (int k = 0; k < c.items.size(); k++) {
            Object item = c.items.get(k);
            int record = c.records.get(k);
            NewLead lead = item instanceof ComplexLead x ? x.lead() : (NewLead) item;
            if (item instanceof ComplexLead x) {
                complex.add(x);
                complexRecords.add(record);
            } else {
                plain.add(lead);
                plainRecords.add(record);
            }
            if (sample.size() < 3) {
                Map<String, Object> shown = new LinkedHashMap<>();
                shown.put("record", record);
                shown.put("name", lead.name());
                ToolValues.putIf(shown, "price", lead.price());
                ToolValues.putIf(shown, "stage_id", lead.stageId());
                ToolValues.putIf(shown, "responsible_user_id", lead.responsibleUserId());
                ToolValues.putIf(shown, "contact", item instanceof ComplexLead x ? x.contact().name() : lead
                        .contactId());
                sample.add(shown);
            }
        }
        List<KommoWrite> writes = new ArrayList<>();
        if (!plain.isEmpty()) {
            writes.add(new CreateLeads(plain, plainRecords));
        }
        if (!complex.isEmpty()) {
            writes.add(new AddComplexLeads(complex, complexRecords));
        }
        List<String> consequences = complex.isEmpty() ? List.of() : List.of(complex.size() + " new contacts are"
                + " created and linked to their leads (complex add).");
        return BulkSupport.propose(governance, caller, "create " + c.items.size() + " leads", "leads", "created",
                true, a.leads().size(), writes, c, sample, consequences);
    }

    @Tool(name = "leads_bulk_update", title = "Update leads in bulk", role = Roles.WRITER, readOnly = false,
            idempotent = true, idempotencyKey = true,
            description = "Changes up to 5,000 leads, only what each record gives; reads them, then writes 250 per"
                    + " Kommo request. Stages: leads_bulk_move. Checked and governed like leads_bulk_create.")
    public Proposal<BulkResult> update(UpdateArgs a, Caller caller) {
        List<FieldDef> defs = metadata.fields(caller, EntityType.LEADS);
        Map<Long, User> users = BulkSupport.users(metadata.users(caller));
        Checked<LeadChange> c = new Checked<>();
        Map<Long, Integer> seen = new LinkedHashMap<>();
        Map<Integer, LeadChange> planned = new LinkedHashMap<>();
        for (int i = 0; i < a.leads().size(); i++) {
            LeadUpdate r = a.leads().get(i);
            if (BulkSupport.duplicate(c, seen, "leads", i, r.leadId())) {
                continue;
            }
            int index = i;
            c.add(i, r.leadId(), () -> {
                planned.put(index, change(r, defs, users));
                return null; // checked; written once the lead is read
            });
        }
        Map<Long, Lead> leads = BulkSupport.byIds(planned.values().stream().map(LeadChange::id).toList(),
                ids -> parties.leads(caller, ids), Lead::id);
        planned.forEach((i, change) -> c.add(i, change.id(), () -> {
            Lead lead = leads.get(change.id());
            if (lead == null) {
                throw new ToolException("there is no lead " + change.id() + " (leads_search).");
            }
            return withBefore(change, lead, a.leads().get(i), defs);
        }));
        sortByRecord(c);
        BulkSupport.refuseOrSkip("leads", a.leads().size(), c, Boolean.TRUE.equals(a.skipInvalid()));
        List<Map<String, Object>> sample = c.items.stream().limit(3).map(l -> {
            Map<String, Object> shown = new LinkedHashMap<>();
            shown.put("lead_id", l.id());
            shown.put("before", l.before());
            ToolValues.putIf(shown, "name", l.name());
            ToolValues.putIf(shown, "price", l.price());
            ToolValues.putIf(shown, "responsible_user_id", l.responsibleUserId());
            return shown;
        }).toList();
        List<KommoWrite> writes = c.items.isEmpty() ? List.of() : List.of(new UpdateLeads(c.items, c.records));
        return BulkSupport.propose(governance, caller, "update " + c.items.size() + " leads", "leads", "updated",
                false, a.leads().size(), writes, c, sample, List.of());
    }

    @Tool(name = "leads_bulk_move", title = "Move leads in bulk", role = Roles.WRITER, readOnly = false,
            idempotent = true, idempotencyKey = true,
            description = "Moves up to 5,000 leads to one stage (142 won, 143 lost), 250 per Kommo request after"
                    + " reading them. A lead lacking a field the stage requires is refused by index; one already"
                    + " there is left alone. Governed like leads_bulk_create.")
    public Proposal<BulkResult> move(MoveArgs a, Caller caller) {
        long stageId = a.stageId();
        if (a.lossReasonId() != null && stageId != Pipeline.Stage.LOST) {
            throw new ToolException("loss_reason_id applies only when moving to stage 143 (lost).");
        }
        if (a.lossReasonId() != null && metadata.lossReasons(caller).stream().noneMatch(l -> l.id() == a
                .lossReasonId())) {
            throw new ToolException("There is no loss reason " + a.lossReasonId() + " (loss_reasons_list).");
        }
        List<Pipeline> pipelines = metadata.pipelinesWith(caller, a.pipelineId(), stageId);
        boolean closing = stageId == Pipeline.Stage.WON || stageId == Pipeline.Stage.LOST;
        Pipeline fixed = null;
        if (a.pipelineId() != null) {
            fixed = pipelines.stream().filter(p -> p.id() == a.pipelineId()).findFirst().orElseThrow(() ->
                    new ToolException("There is no pipeline " + a.pipelineId() + " (pipelines_list)."));
            if (fixed.stage(stageId).isEmpty()) {
                throw new ToolException("Stage " + stageId + " is not in pipeline " + fixed.id() + " \"" + fixed
                        .name() + "\". Its stages: " + stages(fixed) + ".");
            }
        } else if (!closing) {
            List<Pipeline> owners = KommoCrm.pipelinesWithStage(pipelines, stageId);
            if (owners.size() != 1) {
                throw new ToolException(owners.isEmpty() ? "No pipeline has a stage " + stageId + " (pipelines_list)."
                        : "Stage " + stageId + " is in several pipelines; pass pipeline_id.");
            }
            fixed = owners.get(0);
        }
        List<FieldDef> defs = metadata.fields(caller, EntityType.LEADS);
        Checked<LeadChange> c = new Checked<>();
        Map<Long, Integer> seen = new LinkedHashMap<>();
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < a.leadIds().size(); i++) {
            if (!BulkSupport.duplicate(c, seen, "lead_ids", i, a.leadIds().get(i))) {
                candidates.add(i);
            }
        }
        Map<Long, Lead> leads = BulkSupport.byIds(candidates.stream().map(i -> a.leadIds().get(i)).toList(),
                ids -> parties.leads(caller, ids), Lead::id);
        Pipeline target = fixed;
        for (int i : candidates) {
            long id = a.leadIds().get(i);
            int index = i;
            c.add(i, id, () -> {
                Lead lead = leads.get(id);
                if (lead == null) {
                    throw new ToolException("there is no lead " + id + " (leads_search).");
                }
                Pipeline p = target != null ? target : pipelines.stream().filter(x -> lead.pipelineId() != null
                        && x.id() == lead.pipelineId()).findFirst().orElseThrow(() -> new ToolException("its"
                                + " pipeline " + lead.pipelineId() + " is not in this account."));
                Pipeline.Stage stage = p.stage(stageId).orElseThrow(() -> new ToolException("pipeline " + p.id()
                        + " has no stage " + stageId + "."));
                if (Objects.equals(lead.pipelineId(), p.id()) && Objects.equals(lead.statusId(), stageId)
                        && (a.lossReasonId() == null || a.lossReasonId().equals(lead.lossReasonId()))) {
                    c.unchanged(index, "already in \"" + stage.name() + "\"");
                    return null;
                }
                List<String> missing = defs.stream().filter(d -> d.requiredIn().stream().anyMatch(r -> r
                        .pipelineId() == p.id() && r.stageId() == stageId)).filter(d -> !filled(lead.customFields(),
                                d.id())).map(d -> "\"" + d.name() + "\"").toList();
                if (!missing.isEmpty()) {
                    throw new ToolException("fill " + String.join(", ", missing) + " first (required in \""
                            + stage.name() + "\"; set_lead_fields or leads_bulk_update).");
                }
                Map<String, Object> before = new LinkedHashMap<>();
                before.put("pipeline_id", lead.pipelineId());
                before.put("status_id", lead.statusId());
                if (a.lossReasonId() != null) {
                    before.put("loss_reason_id", lead.lossReasonId());
                }
                return new LeadChange(id, null, null, p.id(), stageId, null, a.lossReasonId(), null, null, null,
                        before);
            });
        }
        sortByRecord(c);
        BulkSupport.refuseOrSkip("lead_ids", a.leadIds().size(), c, Boolean.TRUE.equals(a.skipInvalid()));
        String stageName = (fixed != null ? fixed : pipelines.get(0)).stage(stageId).map(Pipeline.Stage::name)
                .orElse(String.valueOf(stageId));
        List<Map<String, Object>> sample = c.items.stream().limit(3).map(l -> {
            Map<String, Object> shown = new LinkedHashMap<>();
            shown.put("lead_id", l.id());
            shown.put("from", l.before());
            shown.put("to", Map.of("pipeline_id", l.pipelineId(), "status_id", stageId));
            return shown;
        }).toList();
        List<KommoWrite> writes = c.items.isEmpty() ? List.of() : List.of(new UpdateLeads(c.items, c.records));
        return BulkSupport.propose(governance, caller, "move " + c.items.size() + " leads to \"" + stageName + "\"",
                "lead_ids", "moved", false, a.leadIds().size(), writes, c, sample, closing ? List.of("They are"
                        + " closed as " + (stageId == Pipeline.Stage.WON ? "won" : "lost") + ".") : List.of());
    }

    // ------------------------------------------------------------------ checks

    /** Where a new lead goes, and whether the record named it (else Kommo's default, used only for checks). */
    private record Target(Pipeline pipeline, Pipeline.Stage stage, boolean given) {
    }

    private Object newLead(NewLeadRecord r, List<Pipeline> pipelines, List<FieldDef> defs, Map<Long, User> users) {
        if (r == null) {
            throw new ToolException("the record is empty.");
        }
        String name = name(r.name(), "name");
        if (name == null) {
            throw new ToolException("name is required.");
        }
        Target t = target(pipelines, r.pipelineId(), r.stageId());
        Long user = user(users, r.responsibleUserId());
        List<String> tags = ToolValues.tags(r.tags());
        List<FieldValue> values = fields(defs, "lead", r.fields(), Set.of());
        List<String> missing = defs.stream().filter(d -> d.requiredIn().stream().anyMatch(q -> q.pipelineId() == t
                .pipeline().id() && q.stageId() == t.stage().id())).filter(d -> values.stream().noneMatch(v ->
                        Objects.equals(v.fieldId(), d.id()) && BulkSupport.fills(v))).map(d -> "\"" + d.name()
                                + "\"").toList();
        if (!missing.isEmpty()) {
            throw new ToolException("stage \"" + t.stage().name() + "\" requires " + String.join(", ", missing)
                    + ": give " + (missing.size() == 1 ? "it" : "them") + " in fields.");
        }
        if (r.contactId() != null && r.contact() != null) {
            throw new ToolException("give contact or contact_id, not both.");
        }
        NewLead lead = new NewLead(name, r.price(), t.given() ? t.pipeline().id() : null, t.given() ? t.stage().id()
                : null, user, tags, values, r.contactId());
        if (r.contact() == null) {
            return lead;
        }
        NewParty contact = contact(r.contact(), user);
        int count = values.size() + contact.fields().size();
        if (count > RecordWrites.MAX_COMPLEX_FIELD_VALUES) {
            throw new ToolException("a lead with its new contact may carry at most "
                    + RecordWrites.MAX_COMPLEX_FIELD_VALUES + " custom field values (Kommo's limit); this one has "
                    + count + ".");
        }
        return new ComplexLead(lead, contact, null, null, null);
    }

    private static NewParty contact(NewContact c, Long responsible) {
        String name = name(c.name(), "contact.name");
        String first = name(c.firstName(), "contact.first_name");
        String last = name(c.lastName(), "contact.last_name");
        if (name == null && first == null && last == null) {
            throw new ToolException("the new contact needs a name, or a first_name and/or last_name.");
        }
        List<FieldValue> values = PartyInputs.customFields(c.phone() == null ? null : List.of(new PartyInputs.Phone(
                c.phone(), null)), c.email() == null ? null : List.of(new PartyInputs.Email(c.email(), null)),
                Map.of());
        return new NewParty(name, first, last, responsible, null, values);
    }

    /** The record's stage, checked against its pipeline; neither given: the main pipeline's first open stage. */
    private static Target target(List<Pipeline> pipelines, Long pipelineId, Long stageId) {
        Pipeline p;
        if (pipelineId != null) {
            p = pipelines.stream().filter(x -> x.id() == pipelineId).findFirst().orElseThrow(() -> new ToolException(
                    "there is no pipeline " + pipelineId + " (pipelines_list)."));
        } else if (stageId != null) {
            List<Pipeline> owners = KommoCrm.pipelinesWithStage(pipelines, stageId);
            if (owners.size() != 1) {
                throw new ToolException(owners.isEmpty() ? "no pipeline has a stage " + stageId + " (pipelines_list)."
                        : "stage " + stageId + " is in several pipelines: give pipeline_id.");
            }
            p = owners.get(0);
        } else {
            p = pipelines.stream().filter(Pipeline::isMain).findFirst().orElse(pipelines.isEmpty() ? null
                    : pipelines.get(0));
            if (p == null) {
                throw new ToolException("the account has no pipeline.");
            }
        }
        Pipeline.Stage s = stageId == null ? firstOpen(p) : p.stage(stageId).orElseThrow(() -> new ToolException(
                "stage " + stageId + " is not in pipeline " + p.id() + " \"" + p.name() + "\" (its stages: "
                        + stages(p) + ")."));
        return new Target(p, s, pipelineId != null || stageId != null);
    }

    private static Pipeline.Stage firstOpen(Pipeline p) {
        return p.stages().stream().filter(s -> s.type() == 0 && s.id() != Pipeline.Stage.WON
                && s.id() != Pipeline.Stage.LOST).findFirst().orElseThrow(() -> new ToolException("pipeline " + p.id()
                        + " has no open stage: give stage_id."));
    }

    private static String stages(Pipeline p) {
        return String.join(", ", p.stages().stream().map(s -> s.id() + " \"" + s.name() + "\"").toList());
    }

    /** A lead's change as the record gives it, checked; its before is added once the lead is read. */
    private static LeadChange change(LeadUpdate r, List<FieldDef> defs, Map<Long, User> users) {
        String name = name(r.name(), "name");
        List<String> add = ToolValues.tags(r.tagsToAdd());
        List<String> remove = ToolValues.tags(r.tagsToRemove());
        List<FieldValue> values = fields(defs, "lead", r.fields(), Set.of());
        Long user = user(users, r.responsibleUserId());
        if (name == null && r.price() == null && user == null && add == null && remove == null && values.isEmpty()) {
            throw new ToolException("nothing to change: give name, price, responsible_user_id, tags_to_add,"
                    + " tags_to_remove or fields.");
        }
        return new LeadChange(r.leadId(), name, r.price(), null, null, user, null, add, remove, values, null);
    }

    /** The change with the lead's values before it, of what it changes. */
    private static LeadChange withBefore(LeadChange c, Lead lead, LeadUpdate r, List<FieldDef> defs) {
        Map<String, Object> before = new LinkedHashMap<>();
        if (c.name() != null) {
            before.put("name", lead.name());
        }
        if (c.price() != null) {
            before.put("price", lead.price());
        }
        if (c.responsibleUserId() != null) {
            before.put("responsible_user_id", lead.responsibleUserId());
        }
        if (!c.tagsToAdd().isEmpty() || !c.tagsToRemove().isEmpty()) {
            before.put("tags", lead.tags().stream().map(t -> t.name()).toList());
        }
        for (FieldValue v : c.fields()) {
            before.put(v.name(), lead.customFields().stream().filter(x -> Objects.equals(x.fieldId(), v.fieldId()))
                    .findFirst().map(x -> x.values().stream().map(i -> i.value() != null ? i.value()
                            : String.valueOf(i.enumId())).toList()).orElse(null));
        }
        return new LeadChange(c.id(), c.name(), c.price(), null, null, c.responsibleUserId(), null, c.tagsToAdd(),
                c.tagsToRemove(), c.fields(), before);
    }

    /** Whether the lead holds a value of the field (a checkbox left false does not count). */
    static boolean filled(List<CustomFieldValue> values, long fieldId) {
        return values.stream().filter(v -> v.fieldId() == fieldId).flatMap(v -> v.values().stream()).anyMatch(i ->
                i.enumId() != null || (i.value() != null && !i.value().isBlank() && !i.value().equals("false")));
    }

    /** Records checked out of order (after a read) back in the order they were given. */
    static <T> void sortByRecord(Checked<T> c) {
        List<Integer> order = new ArrayList<>();
        for (int k = 0; k < c.records.size(); k++) {
            order.add(k);
        }
        order.sort(java.util.Comparator.comparingInt(c.records::get));
        List<Integer> records = order.stream().map(c.records::get).toList();
        List<T> items = order.stream().map(c.items::get).toList();
        c.records.clear();
        c.records.addAll(records);
        c.items.clear();
        c.items.addAll(items);
    }
}
