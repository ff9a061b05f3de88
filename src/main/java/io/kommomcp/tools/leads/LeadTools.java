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
            @Describe("Matches names and field values.")
            String text,
            @Describe(min = 1)
            Long pipelineId,
            @Describe(value = "142 (won) and 143 (lost) need pipeline_id.", min = 1)
            Long stageId,
            @Describe(min = 1)
            Long responsibleUserId,
            @Describe(min = 1, max = 100_000)
            Integer page,
            @Describe(value = "Default 25.", min = 1, max = 250)
            Integer limit) {
    }

    public record GetArgs(@Describe(required = true, min = 1) Long leadId) {
    }

    public record CreateArgs(
            @Describe(required = true)
            String name,
            @Describe(value = "In the account's currency.", min = 0)
            Long price,
            @Describe(value = "Default: the main pipeline.", min = 1)
            Long pipelineId,
            @Describe(value = "Default: the pipeline's first open stage.", min = 1)
            Long stageId,
            @Describe(value = "Default: the integration's user.", min = 1)
            Long responsibleUserId,
            @Describe("Tag names; new ones are created.")
            List<String> tags) {
    }

    public record UpdateArgs(
            @Describe(required = true, min = 1) Long leadId,
            String name,
            @Describe(min = 0) Long price,
            @Describe(min = 1) Long responsibleUserId,
            List<String> tagsToAdd,
            List<String> tagsToRemove) {
    }

    public record MoveArgs(
            @Describe(required = true, min = 1) Long leadId,
            @Describe(required = true, min = 1)
            Long stageId,
            @Describe(value = "Default: the lead's pipeline.", min = 1)
            Long pipelineId,
            @Describe(value = "Only with stage 143 (loss_reasons_list).", min = 1)
            Long lossReasonId) {
    }

    @Tool(name = "leads_search", title = "Search leads", role = Roles.READER, readOnly = true,
            description = "Finds leads (deals), newest first, with their stage names; paged (next_page). leads_get"
                    + " gives one in full.")
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
        return new LeadPage(leads, page, result.hasMore(), result.hasMore() ? page + 1 : null, result.asOf());
    }

    @Tool(name = "leads_get", title = "Get a lead", role = Roles.READER, readOnly = true,
            description = "One lead in full: stage, price, responsible user, tags, custom fields by name, contacts"
                    + " with their fields, company ids.")
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
            description = "Creates a lead (deal); a stage must belong to its pipeline (pipelines_list). Each call"
                    + " creates another lead: search first if it may exist.")
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
            description = "Changes only the fields given; the stage changes with leads_move.")
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
            description = "Moves a lead to a stage of its pipeline or another; 142 closes it as won, 143 as lost. A"
                    + " stage outside the pipeline is refused with the valid ones.")
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
