package io.kommomcp.tools.actions;

import static io.kommomcp.tools.common.ToolValues.putIf;
import static io.kommomcp.tools.common.ToolValues.tags;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.kommomcp.tools.common.Names;
import io.kommomcp.core.Caller;
import io.kommomcp.core.Describe;
import io.kommomcp.core.Tool;
import io.kommomcp.core.ToolException;
import io.kommomcp.core.ToolSet;
import io.kommomcp.kommo.KommoCrm;
import io.kommomcp.governance.Proposal;
import io.kommomcp.kommo.ActivityWrites.AddNotes;
import io.kommomcp.kommo.ActivityWrites.CreateTasks;
import io.kommomcp.kommo.ActivityWrites.NewNote;
import io.kommomcp.kommo.ActivityWrites.NewTask;
import io.kommomcp.kommo.EntityType;
import io.kommomcp.kommo.FieldValue;
import io.kommomcp.kommo.IdRef;
import io.kommomcp.kommo.KommoWrite;
import io.kommomcp.kommo.RecordWrites.AddComplexLeads;
import io.kommomcp.kommo.RecordWrites.ComplexLead;
import io.kommomcp.kommo.RecordWrites.LeadChange;
import io.kommomcp.kommo.RecordWrites.NewLead;
import io.kommomcp.kommo.RecordWrites.NewParty;
import io.kommomcp.kommo.RecordWrites.UpdateLeads;
import io.kommomcp.kommo.KommoMetadata;
import io.kommomcp.kommo.KommoMetadata.LossReason;
import io.kommomcp.kommo.KommoParties;
import io.kommomcp.kommo.KommoParties.Criteria;
import io.kommomcp.kommo.KommoTasks;
import io.kommomcp.kommo.wire.Company;
import io.kommomcp.kommo.wire.Contact;
import io.kommomcp.kommo.wire.FieldDef;
import io.kommomcp.kommo.wire.Lead;
import io.kommomcp.kommo.wire.Pipeline;
import io.kommomcp.kommo.wire.User;
import io.kommomcp.security.Roles;
import io.kommomcp.tools.actions.ActionViews.Advanced;
import io.kommomcp.tools.actions.ActionViews.Assigned;
import io.kommomcp.tools.actions.ActionViews.Interaction;
import io.kommomcp.tools.actions.ActionViews.PartyRef;
import io.kommomcp.tools.actions.ActionViews.Registered;
import io.kommomcp.tools.common.Entity;
import io.kommomcp.tools.common.Times;
import io.kommomcp.tools.common.UserResolver;
import io.kommomcp.tools.fields.CustomFields;
import io.kommomcp.tools.fields.CustomFields.Requirement;
import io.kommomcp.tools.fields.CustomFields.Change;
import io.kommomcp.tools.fields.FieldTools.FieldsSet;
import io.kommomcp.tools.fields.FieldWriter;
import io.kommomcp.tools.leads.LeadViews.Stage;
import io.kommomcp.tools.notes.NoteTools;
import io.kommomcp.tools.parties.PartyInputs;
import io.kommomcp.tools.parties.PartyInputs.Email;
import io.kommomcp.tools.parties.PartyInputs.Phone;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The jobs a salesperson does, each as one tool that makes as few Kommo calls as the job allows. The account's
 * schema (pipelines, fields, users, loss reasons) comes from {@link KommoMetadata}, so a warm call spends its Kommo
 * calls on the job itself.
 */
@ToolSet
@ApplicationScoped
public class SalesActions {

    @Inject
    KommoCrm crm;

    @Inject
    KommoParties parties;

    @Inject
    KommoTasks tasks;

    @Inject
    KommoMetadata metadata;

    @Inject
    CustomFields fields;

    @Inject
    UserResolver users;

    @Inject
    Clock clock;

    // ------------------------------------------------------------------ arguments

    public record NewContact(
            @Describe("Default: first and last name.") String name,
            String firstName,
            String lastName,
            String phone,
            String email,
            @Describe("Job title.") String position) {
    }

    public record NewCompany(
            @Describe(required = true) String name,
            String web,
            String phone) {
    }

    public record RegisterArgs(
            @Describe(required = true) String leadName,
            @Describe(min = 0) Long price,
            NewContact contact,
            NewCompany company,
            @Describe(value = "Default: the main pipeline.", min = 1) Long pipelineId,
            @Describe(value = "Default: the pipeline's first open stage.", min = 1) Long stageId,
            @Describe("User id, name or e-mail; default: the integration's user.") String responsible,
            @Describe("Lead tag names.") List<String> tags,
            @Describe("Lead custom fields, as for set_lead_fields.") Map<String, Object> fields) {
    }

    /** Where advance_sales_stage takes the lead. */
    public enum Advance {
        next, won, lost
    }

    public record AdvanceArgs(
            @Describe(required = true, min = 1) Long leadId,
            @Describe("Default: next.") Advance to,
            @Describe("With lost: its id or name (loss_reasons_list).")
            String lossReason) {
    }

    /** What log_sales_interaction records. */
    public enum InteractionKind {
        call_in, call_out, meeting, message
    }

    /** Kommo's built-in task types: 1 follow-up, 2 meeting. */
    public enum FollowUpType {
        follow_up, meeting
    }

    public record FollowUp(
            @Describe(required = true) String text,
            @Describe(value = "2026-11-25 (end of that day, UTC) or 2026-11-25T15:00:00Z.", required = true)
            String due,
            @Describe("Default: follow_up.") FollowUpType type,
            @Describe(value = "Default: the integration's user.", min = 1)
            Long responsibleUserId) {
    }

    public record LogArgs(
            @Describe(required = true) InteractionKind kind,
            @Describe(required = true, min = 1) Long entityId,
            @Describe("Default: leads.") Entity entityType,
            @Describe("What happened; required for a meeting or message.") String summary,
            @Describe("For a call: the other side's number.") String phone,
            @Describe(value = "For a call (0: not connected).", min = 0, max = 86_400) Long durationSeconds,
            @Describe("A task to create on the same entity.") FollowUp followUp) {
    }

    public record AssignArgs(
            @Describe(required = true, min = 1) Long leadId,
            @Describe(value = "Id, name or e-mail.", required = true) String user) {
    }

    public record SetLeadFieldsArgs(
            @Describe(required = true, min = 1) Long leadId,
            @Describe(value = "Field name, code or id to value, e.g. {\"AI agent paused\": true, \"Seats\": 40};"
                    + " null or empty clears.", required = true) Map<String, Object> values) {
    }

    // ------------------------------------------------------------------ tools

    @Tool(name = "register_new_opportunity", title = "Register a new opportunity", role = Roles.WRITER,
            readOnly = false,
            description = "Creates a lead with its contact and company in one request. A contact with the same"
                    + " phone (else e-mail) is reused, and so is its company, else a company of exactly that name."
                    + " Each call creates another lead.")
    public Proposal<Registered> register(RegisterArgs a, Caller caller) {
        String leadName = a.leadName().strip();
        if (leadName.isEmpty() || leadName.length() > 255) {
            throw new ToolException("lead_name must be 1-255 characters.");
        }
        // everything is checked before the first Kommo call that is not a metadata read
        Stage stage = a.pipelineId() != null || a.stageId() != null ? stage(caller, a.pipelineId(), a.stageId())
                : null;
        Long responsible = a.responsible() == null ? null : users.resolve(caller, a.responsible()).id();
        List<FieldValue> leadFields = new ArrayList<>();
        if (a.fields() != null && !a.fields().isEmpty()) {
            List<FieldDef> defs = metadata.fields(caller, EntityType.LEADS);
            a.fields().forEach((k, v) -> leadFields.add(FieldWriter.write(FieldWriter.resolve(defs, "lead", k), v)));
        }
        NewParty newContact = a.contact() == null ? null : contactBody(a.contact());
        NewParty newCompany = a.company() == null ? null : companyBody(a.company());
        List<String> notes = new ArrayList<>();

        Contact existing = a.contact() == null ? null : findContact(caller, a.contact().phone(), a.contact().email());
        Long companyId = null;
        String companyName = null;
        if (existing != null && !existing.companyIds().isEmpty()) {
            companyId = existing.companyIds().get(0);
            if (a.company() != null) {
                notes.add("The contact already belongs to company " + companyId + ", so the lead is linked to that"
                        + " one rather than to \"" + a.company().name().strip() + "\".");
            }
        } else if (a.company() != null) {
            Company same = findCompany(caller, a.company().name().strip());
            if (same != null) {
                companyId = same.id();
                companyName = same.name();
            }
        }

        Long reuseContact = existing == null ? null : existing.id();
        Long reuseCompany = companyId;
        String reusedCompanyName = companyName;
        ComplexLead lead = new ComplexLead(new NewLead(leadName, a.price(), stage == null ? null : stage.pipelineId(),
                stage == null ? null : stage.stageId(), responsible, tags(a.tags()), leadFields),
                reuseContact == null ? newContact : null, reuseContact, reuseCompany == null ? newCompany : null,
                reuseCompany);
        return Proposal.of("register opportunity \"" + leadName + "\"", new AddComplexLeads(List.of(lead)))
                .then(done -> {
                    long leadId = done.id(0);
                    Map<String, Object> made = done.written(0).stream().filter(w -> w.targetType().equals("lead"))
                            .findFirst().map(w -> w.after()).orElse(Map.of());
                    Long contactId = made.get("contact_id") instanceof Number n ? n.longValue() : null;
                    Long madeCompany = made.get("company_id") instanceof Number n ? n.longValue() : null;
                    boolean merged = Boolean.TRUE.equals(made.get("merged"));
                    PartyRef contact = null;
                    if (contactId != null) {
                        boolean reused = reuseContact != null && reuseContact.longValue() == contactId;
                        contact = new PartyRef(contactId, reused ? existing.name() : newContact.name(), reused
                                || merged);
                    }
                    PartyRef company = null;
                    if (madeCompany != null) {
                        boolean reused = reuseCompany != null && reuseCompany.longValue() == madeCompany;
                        company = new PartyRef(madeCompany, reused ? reusedCompanyName : newCompany.name(), reused
                                || merged);
                    }
                    List<String> said = new ArrayList<>(notes);
                    if (merged) {
                        said.add("Kommo's duplicate control merged the contact or company with an existing one.");
                    }
                    return new Registered(leadId, leadName, stage, contact, company, said);
                });
    }

    @Tool(name = "advance_sales_stage", title = "Advance a sales stage", role = Roles.WRITER, readOnly = false,
            description = "Moves a lead to its pipeline's next stage, or closes it as won or lost. Refuses a closed"
                    + " lead (reopen: leads_move) and names required fields still empty (set_lead_fields).")
    public Proposal<Advanced> advance(AdvanceArgs a, Caller caller) {
        Advance to = a.to() == null ? Advance.next : a.to();
        if (a.lossReason() != null && to != Advance.lost) {
            throw new ToolException("loss_reason applies only with to = lost.");
        }
        Lead lead = existingLead(caller, a.leadId());
        if (lead.statusId() != null && (lead.statusId() == Pipeline.Stage.WON
                || lead.statusId() == Pipeline.Stage.LOST)) {
            throw new ToolException("Lead " + lead.id() + " is already closed as "
                    + (lead.statusId() == Pipeline.Stage.WON ? "won" : "lost") + ". To reopen it, move it to an"
                    + " open stage with leads_move.");
        }
        Pipeline p = pipelineOf(caller, lead);
        Pipeline.Stage current = p.stage(lead.statusId()).orElse(null);
        Pipeline.Stage target = switch (to) {
            case won -> p.stage(Pipeline.Stage.WON).orElseThrow();
            case lost -> p.stage(Pipeline.Stage.LOST).orElseThrow();
            case next -> nextStage(p, current);
        };
        LossReason reason = a.lossReason() == null ? null : lossReason(caller, a.lossReason());
        Requirement req = fields.required(caller, lead, p.id(), target.id());
        if (!req.missing().isEmpty()) {
            throw new ToolException("Lead " + lead.id() + " cannot move to \"" + target.name() + "\" yet: fill "
                    + String.join(", ", req.missing().stream().map(d -> "\"" + d.name() + "\"").toList())
                    + " first (set_lead_fields), then call advance_sales_stage again. Nothing was changed.");
        }
        Map<String, Object> before = new LinkedHashMap<>();
        before.put("pipeline_id", p.id());
        before.put("status_id", lead.statusId());
        Advanced answer = new Advanced(lead.id(), current == null ? null : new Stage(p.id(), p.name(), current.id(),
                current.name()), new Stage(p.id(), p.name(), target.id(), target.name()),
                reason == null ? null : reason.name());
        return Proposal.of("move lead " + lead.id() + " to \"" + target.name() + "\"", UpdateLeads.of(
                new LeadChange(lead.id(), null, null, p.id(), target.id(), null, reason == null ? null : reason.id(),
                        null, null, null, before))).then(done -> answer);
    }

    @Tool(name = "log_sales_interaction", title = "Log a sales interaction", role = Roles.WRITER, readOnly = false,
            description = "Logs a call, meeting or message as a note on a lead, contact or company, with an"
                    + " optional follow-up task. Each call logs another one.")
    public Proposal<Interaction> log(LogArgs a, Caller caller) {
        Entity entity = a.entityType() == null ? Entity.leads : a.entityType();
        String summary = a.summary() == null ? null : a.summary().strip();
        boolean call = a.kind() == InteractionKind.call_in || a.kind() == InteractionKind.call_out;
        if (!call && (summary == null || summary.isEmpty())) {
            throw new ToolException("A " + a.kind() + " needs a 'summary' of what happened.");
        }
        if (summary != null && summary.length() > 9_000) {
            throw new ToolException("The summary is " + summary.length() + " characters; keep it under 9,000.");
        }
        NoteTools.Kind noteKind = switch (a.kind()) {
            case call_in -> NoteTools.Kind.call_in;
            case call_out -> NoteTools.Kind.call_out;
            case meeting, message -> NoteTools.Kind.common;
        };
        String text = switch (a.kind()) {
            case meeting -> "Meeting: " + summary;
            case message -> "Message: " + summary;
            default -> summary;
        };
        NewNote note = NoteTools.note(noteKind, entity, IdRef.of(a.entityId()), text, a.phone(),
                a.durationSeconds(), null);
        // the follow-up is checked before anything is written, so a bad due date changes nothing
        Instant due = null;
        String taskText = null;
        if (a.followUp() != null) {
            taskText = a.followUp().text() == null ? "" : a.followUp().text().strip();
            if (taskText.isEmpty() || taskText.length() > 2_000) {
                throw new ToolException("follow_up.text must be 1-2,000 characters.");
            }
            due = Times.due("follow_up.due", a.followUp().due(), clock);
            if (due == null) {
                throw new ToolException("follow_up.due is required, e.g. 2026-11-25 or 2026-11-25T15:00:00Z.");
            }
        }
        List<KommoWrite> writes = new ArrayList<>();
        writes.add(AddNotes.of(note));
        if (a.followUp() != null) {
            long type = a.followUp().type() == FollowUpType.meeting ? 2L : 1L;
            // a failure of the task leaves the note in place: the registry reports the call as partly applied
            writes.add(CreateTasks.of(new NewTask(taskText, due.getEpochSecond(), entity.kommo(), IdRef.of(
                    a.entityId()), a.followUp().responsibleUserId(), type, null)));
        }
        String dueText = due == null ? null : due.toString();
        return Proposal.of("log a " + a.kind().name() + " on " + entity.singular() + " " + a.entityId(), writes)
                .then(done -> new Interaction(a.kind().name(), entity.singular(), a.entityId(), done.id(0),
                        writes.size() > 1 ? done.id(1) : null, dueText));
    }

    @Tool(name = "assign_lead", title = "Assign a lead", role = Roles.WRITER, readOnly = false, idempotent = true,
            description = "Makes a user responsible for a lead; a name matches ignoring case and accents. Refuses a"
                    + " deactivated user, and an unknown or ambiguous one with the candidates.")
    public Proposal<Assigned> assign(AssignArgs a, Caller caller) {
        User u = users.resolve(caller, a.user());
        Lead lead = existingLead(caller, a.leadId());
        if (lead.responsibleUserId() != null && lead.responsibleUserId() == u.id()) {
            return Proposal.of("nothing: lead " + lead.id() + " is assigned already", List.of()).then(done ->
                    new Assigned(lead.id(), u.id(), u.name(), lead.responsibleUserId(), false));
        }
        Map<String, Object> before = new LinkedHashMap<>();
        before.put("responsible_user_id", lead.responsibleUserId());
        return Proposal.of("assign lead " + lead.id() + " to " + u.name(), UpdateLeads.of(new LeadChange(lead.id(),
                null, null, null, null, u.id(), null, null, null, null, before))).then(done -> new Assigned(lead.id(),
                        u.id(), u.name(), lead.responsibleUserId(), true));
    }

    @Tool(name = "set_lead_fields", title = "Set lead fields", role = Roles.WRITER, readOnly = false,
            idempotent = true,
            description = "Sets a lead's custom fields (fields_list), e.g. per-lead flags such as pausing an AI"
                    + " agent; values are checked by field type, options match ignoring case and accents. All are"
                    + " written or none.")
    public Proposal<FieldsSet> setLeadFields(SetLeadFieldsArgs a, Caller caller) {
        Change c = fields.set(caller, Entity.leads, a.leadId(), a.values());
        return Proposal.of("set fields of lead " + a.leadId(), c.write()).then(done -> new FieldsSet("lead",
                a.leadId(), c.before(), c.after()));
    }

    // ------------------------------------------------------------------ helpers

    private Lead existingLead(Caller caller, long id) {
        return crm.lead(caller, id).orElseThrow(() -> new ToolException("There is no lead with id " + id
                + " in this account. Find the right id with leads_search."));
    }

    /** The lead's pipeline, from the schema cache (read again once when it lacks it). */
    private Pipeline pipelineOf(Caller caller, Lead lead) {
        return metadata.pipelinesWith(caller, lead.pipelineId(), null).stream().filter(x -> lead.pipelineId() != null
                && x.id() == lead.pipelineId()).findFirst().orElseThrow(() -> new ToolException("Lead " + lead.id()
                        + " is in pipeline " + lead.pipelineId() + ", which this account does not list."));
    }

    /** The open stage after {@code current} in pipeline order; from the unsorted stage, the first open one. */
    static Pipeline.Stage nextStage(Pipeline p, Pipeline.Stage current) {
        List<Pipeline.Stage> open = p.stages().stream().filter(s -> s.type() == 0 && s.id() != Pipeline.Stage.WON
                && s.id() != Pipeline.Stage.LOST).toList();
        int at = current == null ? -1 : open.indexOf(current);
        if (current != null && at == open.size() - 1) {
            throw new ToolException("\"" + current.name() + "\" is the last open stage of \"" + p.name()
                    + "\". Close the lead with to = won or to = lost.");
        }
        if (open.isEmpty()) {
            throw new ToolException("Pipeline \"" + p.name() + "\" has no open stages.");
        }
        return open.get(at + 1);
    }

    private LossReason lossReason(Caller caller, String ref) {
        List<LossReason> reasons = metadata.lossReasons(caller);
        String r = ref.strip();
        for (LossReason l : reasons) {
            if ((r.matches("\\d+") && Long.parseLong(r) == l.id()) || Names.fold(l.name())
                    .equals(Names.fold(r))) {
                return l;
            }
        }
        throw new ToolException("'" + r + "' is not a loss reason of this account. The loss reasons are: "
                + String.join(", ", reasons.stream().map(l -> l.name() + " (" + l.id() + ")").toList()) + ".");
    }

    private Stage stage(Caller caller, Long pipelineId, Long stageId) {
        List<Pipeline> pipelines = metadata.pipelinesWith(caller, pipelineId, stageId);
        Pipeline p;
        if (pipelineId != null) {
            p = pipelines.stream().filter(x -> x.id() == pipelineId).findFirst().orElseThrow(() ->
                    new ToolException("There is no pipeline " + pipelineId + ". Pipelines: " + String.join(", ",
                            pipelines.stream().map(x -> x.id() + " \"" + x.name() + "\"").toList()) + "."));
        } else {
            List<Pipeline> owners = KommoCrm.pipelinesWithStage(pipelines, stageId);
            if (owners.size() != 1) {
                throw new ToolException(owners.isEmpty() ? "No pipeline has a stage " + stageId + "."
                        : "Stage " + stageId + " is in several pipelines; pass pipeline_id as well.");
            }
            p = owners.get(0);
        }
        Pipeline.Stage s = stageId == null ? nextStage(p, null) : p.stage(stageId).orElseThrow(() ->
                new ToolException("Stage " + stageId + " is not in pipeline \"" + p.name() + "\". Its stages are: "
                        + String.join(", ", p.stages().stream().map(x -> x.id() + " \"" + x.name() + "\"")
                                .toList()) + "."));
        if (s.id() == Pipeline.Stage.WON || s.id() == Pipeline.Stage.LOST) {
            throw new ToolException("A new opportunity cannot start as won or lost; pick an open stage.");
        }
        return new Stage(p.id(), p.name(), s.id(), s.name());
    }

    /** The first contact with this phone (compared on its digits), else with this e-mail; null when none. */
    private Contact findContact(Caller caller, String phone, String email) {
        if (phone != null && !phone.isBlank()) {
            Optional<Contact> same = parties.searchContacts(caller, new Criteria(PartyInputs.phoneQuery(phone), null,
                    1, 50)).items().stream().filter(c -> PartyInputs.hasPhone(c.customFields(), phone)).findFirst();
            if (same.isPresent()) {
                return same.get();
            }
        }
        if (email != null && !email.isBlank()) {
            return parties.searchContacts(caller, new Criteria(email.strip(), null, 1, 50)).items().stream()
                    .filter(c -> PartyInputs.hasEmail(c.customFields(), email)).findFirst().orElse(null);
        }
        return null;
    }

    private Company findCompany(Caller caller, String name) {
        String wanted = Names.fold(name);
        return parties.searchCompanies(caller, new Criteria(name, null, 1, 50)).items().stream()
                .filter(c -> Names.fold(c.name()).equals(wanted)).findFirst().orElse(null);
    }

    private static NewParty contactBody(NewContact c) {
        String name = blankToNull(c.name());
        String first = blankToNull(c.firstName());
        String last = blankToNull(c.lastName());
        if (name == null && first == null && last == null) {
            throw new ToolException("The contact needs a name, or a first_name and/or last_name.");
        }
        Map<String, String> text = new LinkedHashMap<>();
        if (blankToNull(c.position()) != null) {
            text.put("POSITION", c.position());
        }
        List<FieldValue> cfs = PartyInputs.customFields(
                c.phone() == null ? null : List.of(new Phone(c.phone(), null)),
                c.email() == null ? null : List.of(new Email(c.email(), null)), text);
        return new NewParty(name != null ? name : ((first == null ? "" : first) + " " + (last == null ? "" : last))
                .strip(), first, last, null, null, cfs);
    }

    private static NewParty companyBody(NewCompany c) {
        String name = blankToNull(c.name());
        if (name == null) {
            throw new ToolException("The company needs a name.");
        }
        Map<String, String> text = new LinkedHashMap<>();
        if (c.web() != null && !c.web().isBlank() && !c.web().strip().matches("(?i)(https?://)?[^\\s/]+\\.[^\\s]+")) {
            throw new ToolException("'" + c.web().strip() + "' is not a web address (like https://example.com).");
        }
        if (blankToNull(c.web()) != null) {
            text.put("WEB", c.web());
        }
        List<FieldValue> cfs = PartyInputs.customFields(
                c.phone() == null ? null : List.of(new Phone(c.phone(), null)), null, text);
        return new NewParty(name, null, null, null, null, cfs);
    }

    private static String blankToNull(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        if (s.strip().length() > 255) {
            throw new ToolException("Names are at most 255 characters.");
        }
        return s.strip();
    }
}
