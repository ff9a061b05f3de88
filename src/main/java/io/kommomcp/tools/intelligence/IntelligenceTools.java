package io.kommomcp.tools.intelligence;

import java.util.List;
import java.util.Objects;

import io.kommomcp.core.Caller;
import io.kommomcp.core.Describe;
import io.kommomcp.core.Tool;
import io.kommomcp.core.ToolException;
import io.kommomcp.core.ToolSet;
import io.kommomcp.intelligence.LeadIntelligence;
import io.kommomcp.intelligence.LeadIntelligence.InactiveQuery;
import io.kommomcp.intelligence.Views.InactiveLeads;
import io.kommomcp.intelligence.Views.LeadContext;
import io.kommomcp.intelligence.Views.LeadStatuses;
import io.kommomcp.intelligence.Views.LeadTimeline;
import io.kommomcp.security.Roles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Which deals need attention, and what happened to them. */
@ToolSet
@ApplicationScoped
public class IntelligenceTools {

    /** Leads lead_status takes at once (without the mirror, fewer: {@link LeadIntelligence#LIVE_STATUS_LEADS}). */
    static final int MAX_STATUS_LEADS = 25;

    @Inject
    LeadIntelligence intelligence;

    public record TimelineArgs(
            @Describe(required = true, min = 1) Long leadId,
            @Describe("Default false: newest first.") Boolean oldestFirst,
            @Describe(min = 1, max = 1_000) Integer page,
            @Describe(value = "Default 25.", min = 1, max = 100) Integer limit) {
    }

    public record LeadArgs(@Describe(required = true, min = 1) Long leadId) {
    }

    public record StatusArgs(@Describe(value = "1 to 25 (10 without the mirror).", required = true)
            List<Long> leadIds) {
    }

    public record InactiveArgs(
            @Describe(value = "Default: leads lead_status would not call active.", min = 1, max = 3_650)
            Integer days,
            @Describe(min = 1) Long pipelineId,
            @Describe(min = 1) Long stageId,
            @Describe(min = 1) Long responsibleUserId,
            @Describe(min = 1, max = 1_000) Integer page,
            @Describe(value = "Default 25.", min = 1, max = 100) Integer limit) {
    }

    @Tool(name = "leads_timeline", title = "A lead's timeline", role = Roles.READER, readOnly = true,
            description = "Everything that happened to a lead: notes, calls, messages, stage changes with the days"
                    + " spent, tasks created and completed, links, field changes, each with who and when. Paged;"
                    + " about 5 Kommo requests a call, 1 with the mirror.")
    public LeadTimeline timeline(TimelineArgs a, Caller caller) {
        return intelligence.timeline(caller, a.leadId(), !Boolean.TRUE.equals(a.oldestFirst()),
                a.page() == null ? 1 : a.page(), a.limit() == null ? 25 : a.limit());
    }

    @Tool(name = "lead_context_summary", title = "A lead in brief", role = Roles.READER, readOnly = true,
            toolset = "analytics",
            description = "One lead in brief: stage and days in it against the stage's median, value, responsible"
                    + " user, last 3 interactions, open and overdue tasks, next step, fields missing for this and the"
                    + " next stage, risks, status.")
    public LeadContext summary(LeadArgs a, Caller caller) {
        return intelligence.summary(caller, a.leadId());
    }

    @Tool(name = "lead_status", title = "Lead status", role = Roles.READER, readOnly = true, toolset = "analytics",
            description = "Classifies leads as active, cooling, cold, at_risk, won or lost with the evidence (days"
                    + " since activity, days in stage against its median, overdue tasks) and the tenant's"
                    + " thresholds.")
    public LeadStatuses status(StatusArgs a, Caller caller) {
        List<Long> ids = a.leadIds() == null ? List.of() : a.leadIds().stream().filter(Objects::nonNull).distinct()
                .toList();
        if (ids.isEmpty() || ids.size() > MAX_STATUS_LEADS) {
            throw new ToolException("Give 1 to " + MAX_STATUS_LEADS + " lead ids in lead_ids (" + ids.size()
                    + " given). leads_search or leads_inactive find them.");
        }
        if (ids.stream().anyMatch(id -> id < 1)) {
            throw new ToolException("Lead ids are positive numbers; find them with leads_search.");
        }
        return intelligence.status(caller, ids);
    }

    @Tool(name = "leads_inactive", title = "Leads without activity", role = Roles.READER, readOnly = true,
            toolset = "analytics",
            description = "Open leads without activity (notes, tasks, changes) for N days, by pipeline, stage or"
                    + " user, highest value first, with status. Without the mirror: the 500 least recently changed"
                    + " leads, up to 6 Kommo requests.")
    public InactiveLeads inactive(InactiveArgs a, Caller caller) {
        return intelligence.inactive(caller, new InactiveQuery(a.days(), a.pipelineId(), a.stageId(),
                a.responsibleUserId(), a.page() == null ? 1 : a.page(), a.limit() == null ? 25 : a.limit()));
    }
}
