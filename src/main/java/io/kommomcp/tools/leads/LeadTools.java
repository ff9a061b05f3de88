package io.kommomcp.tools.leads;

import static io.kommomcp.tools.common.ToolValues.fields;
import static io.kommomcp.tools.common.ToolValues.putIf;
import static io.kommomcp.tools.common.ToolValues.tags;
import static io.kommomcp.tools.common.ToolValues.time;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.kommomcp.core.Caller;
import io.kommomcp.core.Describe;
import io.kommomcp.core.Tool;
import io.kommomcp.core.ToolException;
import io.kommomcp.core.ToolSet;
import io.kommomcp.governance.Proposal;
import io.kommomcp.kommo.KommoCrm;
import io.kommomcp.kommo.KommoCrm.LeadCriteria;
import io.kommomcp.kommo.KommoMetadata;
import io.kommomcp.kommo.RecordWrites;
import io.kommomcp.kommo.RecordWrites.LeadChange;
import io.kommomcp.kommo.RecordWrites.NewLead;
import io.kommomcp.kommo.RecordWrites.UpdateLeads;
import io.kommomcp.kommo.wire.Contact;
import io.kommomcp.kommo.wire.Lead;
import io.kommomcp.kommo.wire.Pipeline;
import io.kommomcp.security.Roles;
import io.kommomcp.tools.leads.LeadViews.ContactView;
import io.kommomcp.tools.leads.LeadViews.LeadChanged;
import io.kommomcp.tools.leads.LeadViews.LeadDetail;
import io.kommomcp.tools.leads.LeadViews.LeadPage;
import io.kommomcp.tools.leads.LeadViews.LeadSummary;
import io.kommomcp.tools.leads.LeadViews.Stage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

@ToolSet
@ApplicationScoped
public class LeadTools {

    @Inject
    KommoCrm crm;

    @Inject
    KommoMetadata metadata;

    public record SearchArgs(
            @Describe("Free text matched against lead names and field values (Kommo full-text search).")
            String text,
            @Describe(value = "Only leads in this pipeline.", min = 1)
            Long pipelineId,
            @Describe(value = "Only leads in this stage. 142 (won) and 143 (lost) need pipeline_id as well.", min = 1)
            Long stageId,
            @Describe(value = "Only leads of this responsible user.", min = 1)
            Long responsibleUserId,
            @Describe(value = "Page to return, from 1 (default 1).", min = 1, max = 100_000)
            Integer page,
            @Describe(value = "Leads per page, 1-250 (default 25).", min = 1, max = 250)
            Integer limit) {
    }

    public record GetArgs(@Describe(value = "The lead's id.", required = true, min = 1) Long leadId) {
    }

    public record CreateArgs(
            @Describe(value = "The lead's name, e.g. the deal or the customer's need.", required = true)
            String name,
            @Describe(value = "Deal value (budget) in the account's currency, a whole number >= 0.", min = 0)
            Long price,
            @Describe(value = "Pipeline to put it in (default: the main pipeline).", min = 1)
            Long pipelineId,
            @Describe(value = "Stage to put it in (default: the pipeline's first stage). Must belong to the"
                    + " pipeline.", min = 1)
            Long stageId,
            @Describe(value = "Responsible user id (default: the integration's user).", min = 1)
            Long responsibleUserId,
            @Describe("Tag names to attach; tags that do not exist yet are created.")
            List<String> tags) {
    }

    public record UpdateArgs(
            @Describe(value = "The lead's id.", required = true, min = 1) Long leadId,
            @Describe("New name.") String name,
            @Describe(value = "New deal value, a whole number >= 0.", min = 0) Long price,
            @Describe(value = "New responsible user id.", min = 1) Long responsibleUserId,
            @Describe("Tag names to add.") List<String> tagsToAdd,
            @Describe("Tag names to remove.") List<String> tagsToRemove) {
    }

    public record MoveArgs(
            @Describe(value = "The lead's id.", required = true, min = 1) Long leadId,
            @Describe(value = "Target stage id: a stage of the target pipeline, 142 (won) or 143 (lost).",
                    required = true, min = 1)
            Long stageId,
            @Describe(value = "Target pipeline id (default: the lead's current pipeline).", min = 1)
            Long pipelineId,
            @Describe(value = "Why the deal was lost (a loss reason id); only with stage 143.", min = 1)
            Long lossReasonId) {
    }

    @Tool(name = "leads_search", title = "Search leads", role = Roles.READER, readOnly = true,
            description = "Finds leads (deals) by free text, pipeline, stage and responsible user, newest first as"
                    + " Kommo orders them. Returns one page (default 25, at most 250) with each lead's stage name;"
                    + " when has_more is true, call again with page = next_page. Use leads_get for full details.")
    public LeadPage search(SearchArgs a, Caller caller) {
        List<Pipeline> pipelines = metadata.pipelinesWith(caller, a.pipelineId(), a.stageId());
        Long pipelineId = a.pipelineId();
        if (a.stageId() != null && pipelineId == null) {
            pipelineId = uniquePipelineOf(pipelines, a.stageId());
        }
        if (pipelineId != null && a.stageId() != null) {
            checkStage(pipelines, pipelineId, a.stageId());
        } else if (pipelineId != null) {
            pipeline(pipelines, pipelineId);
        }
        int page = a.page() == null ? 1 : a.page();
        KommoCrm.Page<Lead> result = crm.searchLeads(caller, new LeadCriteria(a.text(), pipelineId, a.stageId(),
                a.responsibleUserId(), page, a.limit() == null ? 25 : a.limit()));
        List<LeadSummary> leads = result.items().stream().map(l -> new LeadSummary(l.id(), l.name(), l.price(),
                l.responsibleUserId(), stage(pipelines, l), time(l.updatedAt()))).toList();
        return new LeadPage(leads, page, result.hasMore(), result.hasMore() ? page + 1 : null);
    }

    @Tool(name = "leads_get", title = "Get a lead", role = Roles.READER, readOnly = true,
            description = "Returns one lead with everything needed to act on it: pipeline and stage names, price,"
                    + " responsible user, tags, custom fields by name, linked contacts (with their phone, e-mail"
                    + " and other fields) and company ids.")
    public LeadDetail get(GetArgs a, Caller caller) {
        Lead lead = existing(caller, a.leadId());
        Map<Long, Boolean> main = lead.contacts().stream()
                .collect(Collectors.toMap(Lead.ContactLink::id, c -> Boolean.TRUE.equals(c.isMain()), (x, y) -> x,
                        LinkedHashMap::new));
        List<Contact> contacts = crm.contacts(caller, List.copyOf(main.keySet()));
        List<Pipeline> pipelines = metadata.pipelinesWith(caller, lead.pipelineId(), lead.statusId());
        return new LeadDetail(lead.id(), lead.name(), lead.price(), lead.responsibleUserId(), stage(pipelines, lead),
                lead.lossReasons().isEmpty() ? null : lead.lossReasons().get(0).name(),
                lead.tags().stream().map(t -> t.name()).toList(),
                contacts.stream().map(c -> new ContactView(c.id(), c.name(), main.getOrDefault(c.id(), false),
                        fields(c.customFields()))).toList(),
                lead.companyIds(), fields(lead.customFields()), time(lead.createdAt()), time(lead.updatedAt()),
                time(lead.closedAt()));
    }

    @Tool(name = "leads_create", title = "Create a lead", role = Roles.WRITER, readOnly = false,
            description = "Creates one lead (deal). Without pipeline and stage it lands in the main pipeline's first"
                    + " stage. A stage must belong to its pipeline (see pipelines_list). Each call creates a new"
                    + " lead: search first if it may exist already. Kommo cannot delete leads.")
    public Proposal<LeadChanged> create(CreateArgs a, Caller caller) {
        String name = a.name().strip();
        if (name.length() > 255) {
            throw new ToolException("The lead name is " + name.length() + " characters; Kommo allows 255.");
        }
        Stage stage = null;
        if (a.stageId() != null || a.pipelineId() != null) {
            List<Pipeline> pipelines = metadata.pipelinesWith(caller, a.pipelineId(), a.stageId());
            long pipelineId = a.pipelineId() != null ? a.pipelineId() : uniquePipelineOf(pipelines, a.stageId());
            Pipeline p = pipeline(pipelines, pipelineId);
            long stageId = a.stageId() != null ? checkStage(pipelines, pipelineId, a.stageId()).id()
                    : firstOpenStage(p).id();
            stage = new Stage(p.id(), p.name(), stageId, p.stage(stageId).map(Pipeline.Stage::name).orElse(null));
        }
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("name", name);
        putIf(set, "price", a.price());
        putIf(set, "responsible_user_id", a.responsibleUserId());
        putIf(set, "tags", a.tags());
        Stage at = stage;
        return Proposal.of("create lead \"" + name + "\"", new RecordWrites.CreateLeads(List.of(new NewLead(name,
                a.price(), stage == null ? null : stage.pipelineId(), stage == null ? null : stage.stageId(),
                a.responsibleUserId(), tags(a.tags()), null)))).then(done -> new LeadChanged(done.id(0), "created",
                        at, set));
    }

    @Tool(name = "leads_update", title = "Update a lead", role = Roles.WRITER, readOnly = false, idempotent = true,
            description = "Changes a lead's name, price, responsible user or tags; only the fields you pass change."
                    + " To change pipeline or stage use leads_move. Kommo's API cannot delete leads: close one as lost"
                    + " with leads_move (stage 143).")
    public Proposal<LeadChanged> update(UpdateArgs a, Caller caller) {
        Map<String, Object> set = new LinkedHashMap<>();
        if (a.name() != null) {
            if (a.name().isBlank() || a.name().strip().length() > 255) {
                throw new ToolException("name must be 1-255 characters.");
            }
            set.put("name", a.name().strip());
        }
        putIf(set, "price", a.price());
        putIf(set, "responsible_user_id", a.responsibleUserId());
        putIf(set, "tags_to_add", tags(a.tagsToAdd()));
        putIf(set, "tags_to_remove", tags(a.tagsToRemove()));
        if (set.isEmpty()) {
            throw new ToolException("Nothing to change: pass at least one of name, price, responsible_user_id,"
                    + " tags_to_add, tags_to_remove.");
        }
        Lead lead = existing(caller, a.leadId());
        Map<String, Object> before = new LinkedHashMap<>();
        putIf(before, "name", set.containsKey("name") ? lead.name() : null);
        putIf(before, "price", a.price() != null ? lead.price() : null);
        putIf(before, "responsible_user_id", a.responsibleUserId() != null ? lead.responsibleUserId() : null);
        if (a.tagsToAdd() != null || a.tagsToRemove() != null) {
            before.put("tags", lead.tags() == null ? List.of() : lead.tags().stream().map(t -> t.name()).toList());
        }
        return Proposal.of("update lead " + a.leadId(), UpdateLeads.of(new LeadChange(a.leadId(),
                (String) set.get("name"), a.price(), null, null, a.responsibleUserId(), null, tags(a.tagsToAdd()),
                tags(a.tagsToRemove()), null, before))).then(done -> new LeadChanged(a.leadId(), "updated", null,
                        set));
    }

    @Tool(name = "leads_move", title = "Move a lead to a stage", role = Roles.WRITER, readOnly = false,
            idempotent = true,
            description = "Moves a lead to another stage, in its pipeline or another one. Use 142 to mark it won and"
                    + " 143 to mark it lost (optionally with loss_reason_id). A stage that is not in the target"
                    + " pipeline is refused, and the error lists that pipeline's stages.")
    public Proposal<LeadChanged> move(MoveArgs a, Caller caller) {
        if (a.lossReasonId() != null && a.stageId() != Pipeline.Stage.LOST) {
            throw new ToolException("loss_reason_id applies only when moving to stage 143 (lost).");
        }
        Lead lead = existing(caller, a.leadId());
        List<Pipeline> pipelines = metadata.pipelinesWith(caller, a.pipelineId(), a.stageId());
        long pipelineId = a.pipelineId() != null ? a.pipelineId()
                : lead.pipelineId() != null ? lead.pipelineId() : uniquePipelineOf(pipelines, a.stageId());
        Pipeline p = pipeline(pipelines, pipelineId);
        Pipeline.Stage target = checkStage(pipelines, pipelineId, a.stageId());
        Map<String, Object> before = new LinkedHashMap<>();
        before.put("pipeline_id", lead.pipelineId());
        before.put("status_id", lead.statusId());
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("from", stage(pipelines, lead));
        putIf(set, "loss_reason_id", a.lossReasonId());
        Stage to = new Stage(p.id(), p.name(), target.id(), target.name());
        return Proposal.of("move lead " + a.leadId() + " to \"" + target.name() + "\"", UpdateLeads.of(
                new LeadChange(a.leadId(), null, null, pipelineId, target.id(), null, a.lossReasonId(), null, null,
                        null, before))).then(done -> new LeadChanged(a.leadId(), "moved", to, set));
    }

    private Lead existing(Caller caller, long leadId) {
        return crm.lead(caller, leadId).orElseThrow(() -> new ToolException("There is no lead with id " + leadId
                + " in this account. Find the right id with leads_search."));
    }

    private static Pipeline pipeline(List<Pipeline> pipelines, long pipelineId) {
        return pipelines.stream().filter(p -> p.id() == pipelineId).findFirst()
                .orElseThrow(() -> new ToolException("There is no pipeline " + pipelineId + ". Pipelines: "
                        + pipelines.stream().map(p -> p.id() + " \"" + p.name() + "\"")
                                .collect(Collectors.joining(", ")) + "."));
    }

    private static Pipeline.Stage checkStage(List<Pipeline> pipelines, long pipelineId, long stageId) {
        Pipeline p = pipeline(pipelines, pipelineId);
        return p.stage(stageId).orElseThrow(() -> new ToolException("Stage " + stageId + " is not in pipeline "
                + p.id() + " \"" + p.name() + "\". Its stages are: " + p.stages().stream()
                        .map(s -> s.id() + " \"" + s.name() + "\"").collect(Collectors.joining(", ")) + "."));
    }

    private static long uniquePipelineOf(List<Pipeline> pipelines, long stageId) {
        List<Pipeline> owners = KommoCrm.pipelinesWithStage(pipelines, stageId);
        if (owners.size() == 1) {
            return owners.get(0).id();
        }
        if (owners.isEmpty()) {
            throw new ToolException("No pipeline has a stage " + stageId + ". Use pipelines_list to see the stages.");
        }
        throw new ToolException("Stage " + stageId + " exists in several pipelines ("
                + owners.stream().map(p -> p.id() + " \"" + p.name() + "\"").collect(Collectors.joining(", "))
                + "); pass pipeline_id as well.");
    }

    private static Pipeline.Stage firstOpenStage(Pipeline p) {
        return p.stages().stream().filter(s -> s.type() == 0 && s.id() != Pipeline.Stage.WON
                && s.id() != Pipeline.Stage.LOST).findFirst()
                .orElseThrow(() -> new ToolException("Pipeline " + p.id() + " has no open stage; pass stage_id."));
    }

    private static Stage stage(List<Pipeline> pipelines, Lead lead) {
        if (lead.pipelineId() == null || lead.statusId() == null) {
            return null;
        }
        return pipelines.stream().filter(p -> p.id() == lead.pipelineId()).findFirst()
                .map(p -> new Stage(p.id(), p.name(), lead.statusId(),
                        p.stage(lead.statusId()).map(Pipeline.Stage::name).orElse(null)))
                .orElse(new Stage(lead.pipelineId(), null, lead.statusId(), null));
    }
}
