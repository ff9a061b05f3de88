package io.kommomcp.tools.analytics;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;

import io.kommomcp.analytics.Analytics;
import io.kommomcp.analytics.Bucket;
import io.kommomcp.analytics.LeadFilter;
import io.kommomcp.analytics.Period;
import io.kommomcp.analytics.Results;
import io.kommomcp.analytics.ScoreWeights;
import io.kommomcp.core.Caller;
import io.kommomcp.core.Describe;
import io.kommomcp.core.Tool;
import io.kommomcp.core.ToolException;
import io.kommomcp.core.ToolSet;
import io.kommomcp.security.Roles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Sales analytics (docs/analytics.md): thin bindings of {@link Analytics}. Periods are whole UTC days; filters select
 * leads by their current pipeline, responsible user and tag. Answers come from the tenant's mirror when it is current
 * (they say as of when), otherwise from Kommo within a request budget, or a refusal with the estimated cost.
 */
@ToolSet
@ApplicationScoped
public class AnalyticsTools {

    static final String TOOLSET = "analytics";
    static final String FROM = "yyyy-mm-dd (UTC). Default: 30 days to `to`.";
    static final String TO = "Last day, included. Default: today.";

    @Inject
    Analytics analytics;

    @Inject
    Clock clock;

    public record StatsArgs(
            @Describe(FROM) String from,
            @Describe(TO) String to,
            @Describe(min = 1) Long pipelineId,
            @Describe(min = 1) Long responsibleUserId,
            String tag,
            @Describe("Stuck: in a stage over this x its median stay. Default 2.") Double stuckFactor,
            @Describe(value = "Stuck leads listed; default 20.", min = 1, max = 100) Integer limit) {
    }

    public record TrendArgs(
            @Describe(FROM) String from,
            @Describe(TO) String to,
            @Describe(value = "Default: the main pipeline.", min = 1) Long pipelineId,
            @Describe(min = 1) Long responsibleUserId,
            String tag,
            @Describe("Default: week (ISO, from Monday).") Bucket bucket) {
    }

    public record LossArgs(
            @Describe(FROM) String from,
            @Describe(TO) String to,
            @Describe(min = 1) Long pipelineId,
            @Describe(min = 1) Long responsibleUserId,
            String tag,
            @Describe("Default: week.") Bucket bucket) {
    }

    public record UserArgs(
            @Describe(value = "users_list gives ids; a former user's id works too.", required = true, min = 1)
            Long userId,
            @Describe(FROM) String from,
            @Describe(TO) String to,
            @Describe(min = 1) Long pipelineId,
            String tag) {
    }

    public record CompareArgs(
            @Describe(FROM) String from,
            @Describe(TO) String to,
            @Describe(min = 1) Long pipelineId,
            String tag,
            @Describe("Default: every user with figures.") List<Long> userIds) {
    }

    public record OverviewArgs(
            @Describe(FROM) String from,
            @Describe(TO) String to,
            @Describe(min = 1) Long pipelineId,
            @Describe(min = 1) Long responsibleUserId,
            String tag) {
    }

    public record OverdueArgs(
            @Describe("First due day, yyyy-mm-dd. Default: any.") String from,
            @Describe("Last due day. Default: any before now.") String to,
            @Describe(value = "The task's user.", min = 1) Long responsibleUserId,
            @Describe(value = "Only tasks on leads of this pipeline.", min = 1) Long pipelineId,
            @Describe("Only tasks on leads with this tag.") String tag,
            @Describe(value = "Tasks listed; default 25.", min = 1, max = 200) Integer limit) {
    }

    public record WithoutTasksArgs(
            @Describe("First creation day, yyyy-mm-dd. Default: any.") String from,
            @Describe("Last creation day. Default: any.") String to,
            @Describe(min = 1) Long pipelineId,
            @Describe(min = 1) Long responsibleUserId,
            String tag,
            @Describe(value = "Leads listed, highest price first; default 25.", min = 1, max = 200) Integer limit) {
    }

    /** Weights of the score's factors (any numbers from 0; the score divides by their sum). */
    public record Weights(
            @Describe(min = 0) Double recency,
            @Describe(min = 0) Double pace,
            @Describe(min = 0) Double value,
            @Describe(min = 0) Double completeness,
            @Describe(min = 0) Double tasks) {
    }

    /** Which end of the scores an answer lists. */
    public enum Order {
        highest, lowest
    }

    public record ScoreArgs(
            @Describe("At most 50; default: the open leads the filters select.") List<Long> leadIds,
            @Describe(min = 1) Long pipelineId,
            @Describe(min = 1) Long responsibleUserId,
            String tag,
            @Describe("Overrides the configured ones (by default 25, 25, 20, 15, 15).") Weights weights,
            @Describe("Default: highest.") Order order,
            @Describe(value = "Leads listed; default 20.", min = 1, max = 100) Integer limit) {
    }

    public record AnomalyArgs(
            @Describe("yyyy-mm-dd, UTC. Default: the 7 days to `to`.") String from,
            @Describe(TO) String to) {
    }

    @Tool(name = "pipeline_stats", title = "Pipeline figures", role = Roles.READER, readOnly = true,
            toolset = TOOLSET,
            description = "Per stage: open leads and value now, won and lost in the period, average and median days"
                    + " in the stage (stays that ended in the period), and stuck leads (in their stage over N x its"
                    + " median).")
    public Results.PipelineStats pipelineStats(StatsArgs a, Caller caller) {
        double factor = a.stuckFactor() == null ? 2 : a.stuckFactor();
        if (factor < 1 || factor > 100) {
            throw new ToolException("stuck_factor must be between 1 and 100 (times the stage's median stay).");
        }
        return analytics.pipelineStats(caller, period(a.from(), a.to(), 30), filter(a.pipelineId(),
                a.responsibleUserId(), a.tag()), factor, a.limit() == null ? 20 : a.limit());
    }

    @Tool(name = "conversion_rates", title = "Conversion rates", role = Roles.READER, readOnly = true,
            toolset = TOOLSET,
            description = "Per week or month of one pipeline: of the leads that entered each stage, how many moved on"
                    + " to a later stage or won by the period's end; of the leads created, how many were won; the"
                    + " trend.")
    public Results.ConversionRates conversion(TrendArgs a, Caller caller) {
        return analytics.conversion(caller, period(a.from(), a.to(), 30), filter(a.pipelineId(),
                a.responsibleUserId(), a.tag()), a.bucket() == null ? Bucket.week : a.bucket());
    }

    @Tool(name = "loss_reasons_stats", title = "Loss reasons", role = Roles.READER, readOnly = true,
            toolset = TOOLSET,
            description = "Leads lost in the period per loss reason: count, value, share, per week or month and the"
                    + " trend.")
    public Results.LossReasonStats lossReasons(LossArgs a, Caller caller) {
        return analytics.lossReasons(caller, period(a.from(), a.to(), 30), filter(a.pipelineId(),
                a.responsibleUserId(), a.tag()), a.bucket() == null ? Bucket.week : a.bucket());
    }

    @Tool(name = "user_performance", title = "A user's performance", role = Roles.READER, readOnly = true,
            toolset = TOOLSET,
            description = "One user's period: leads created, won, lost, win rate, median days to win, tasks done and"
                    + " overdue, median hours until a person first acted on their new leads. user_workload shows open"
                    + " work.")
    public Results.UserPerformance userPerformance(UserArgs a, Caller caller) {
        return analytics.userPerformance(caller, period(a.from(), a.to(), 30), filter(a.pipelineId(), null, a.tag()),
                a.userId());
    }

    @Tool(name = "users_compare", title = "Compare users", role = Roles.READER, readOnly = true, toolset = TOOLSET,
            description = "user_performance's figures for every user side by side (or those named), highest won"
                    + " value first; for who is overloaded or ahead.")
    public Results.UsersComparison usersCompare(CompareArgs a, Caller caller) {
        if (a.userIds() != null && a.userIds().size() > 100) {
            throw new ToolException("Name at most 100 users, or none for all.");
        }
        return analytics.usersCompare(caller, period(a.from(), a.to(), 30), filter(a.pipelineId(), null, a.tag()),
                a.userIds());
    }

    @Tool(name = "sales_overview", title = "Sales overview", role = Roles.READER, readOnly = true, toolset = TOOLSET,
            description = "The period's won count and value, lost, new leads and win rate against the previous period"
                    + " of equal length, and the open pipeline's value per stage now.")
    public Results.SalesOverview overview(OverviewArgs a, Caller caller) {
        return analytics.overview(caller, period(a.from(), a.to(), 30), filter(a.pipelineId(), a.responsibleUserId(),
                a.tag()));
    }

    @Tool(name = "tasks_overdue", title = "Overdue tasks", role = Roles.READER, readOnly = true, toolset = TOOLSET,
            description = "Open tasks past their due time, oldest first, with the count per user.")
    public Results.TasksOverdue tasksOverdue(OverdueArgs a, Caller caller) {
        Period due = a.from() == null && a.to() == null ? null : period(a.from(), a.to(), 30);
        return analytics.tasksOverdue(caller, due, filter(a.pipelineId(), a.responsibleUserId(), a.tag()),
                a.limit() == null ? 25 : a.limit());
    }

    @Tool(name = "leads_without_tasks", title = "Leads without tasks", role = Roles.READER, readOnly = true,
            toolset = TOOLSET,
            description = "Open leads with no open task (an overdue one counts as a task), highest price first, with"
                    + " the count per user.")
    public Results.LeadsWithoutTasks leadsWithoutTasks(WithoutTasksArgs a, Caller caller) {
        Period created = a.from() == null && a.to() == null ? null : period(a.from(), a.to(), 30);
        return analytics.leadsWithoutTasks(caller, created, filter(a.pipelineId(), a.responsibleUserId(), a.tag()),
                a.limit() == null ? 25 : a.limit());
    }

    @Tool(name = "leads_score", title = "Score leads", role = Roles.READER, readOnly = true, toolset = TOOLSET,
            description = "A 0-100 score per open lead, each factor weighted and explained in one line: recent"
                    + " activity, stage progress against the pipeline's median pace, value, required fields filled,"
                    + " open tasks.")
    public Results.LeadScores score(ScoreArgs a, Caller caller) {
        if (a.leadIds() != null && (a.leadIds().isEmpty() || a.leadIds().size() > 50)) {
            throw new ToolException("lead_ids takes 1 to 50 lead ids; leave it out to score the leads the filters"
                    + " select.");
        }
        ScoreWeights w = analytics.defaultWeights();
        if (a.weights() != null) {
            Weights o = a.weights();
            w = w.with(o.recency(), o.pace(), o.value(), o.completeness(), o.tasks());
        }
        double sum = w.recency() + w.pace() + w.value() + w.completeness() + w.tasks();
        if (sum <= 0 || sum > 1_000_000) {
            throw new ToolException("Weights are numbers from 0 (at least one above 0) that add up to at most"
                    + " 1,000,000; only their proportions matter.");
        }
        return analytics.score(caller, a.leadIds(), filter(a.pipelineId(), a.responsibleUserId(), a.tag()), w,
                a.order() == Order.lowest, a.limit() == null ? 20 : a.limit());
    }

    @Tool(name = "anomalies_detect", title = "Find anomalies", role = Roles.READER, readOnly = true,
            toolset = TOOLSET,
            description = "Unusual patterns in the period against the 8 periods of equal length before, with evidence:"
                    + " win rate drop, lost spike, loss-reason spike, high-value leads stuck, a user's overdue tasks,"
                    + " mass changes by one user, configuration changed outside kommo-mcp.")
    public Results.Anomalies anomalies(AnomalyArgs a, Caller caller) {
        return analytics.anomalies(caller, period(a.from(), a.to(), 7), 2);
    }

    // ------------------------------------------------------------------ arguments

    /** The period the arguments name: {@code to} defaults to today, {@code from} to {@code days} days before it. */
    Period period(String from, String to, int days) {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        LocalDate last = to == null ? today : day("to", to);
        LocalDate first = from == null ? last.minusDays(days - 1L) : day("from", from);
        if (first.isAfter(last)) {
            throw new ToolException("'from' (" + first + ") is after 'to' (" + last + ").");
        }
        if (first.plusDays(Analytics.MAX_DAYS).isBefore(last.plusDays(1))) {
            throw new ToolException("A period covers at most " + Analytics.MAX_DAYS + " days; " + first + " to " + last
                    + " is longer.");
        }
        return Period.days(first, last);
    }

    private static LocalDate day(String name, String value) {
        try {
            return LocalDate.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw new ToolException("'" + name + "' must be a date like 2026-06-01, not '" + value + "'.");
        }
    }

    private static LeadFilter filter(Long pipelineId, Long userId, String tag) {
        if (tag != null && (tag.strip().length() > 255 || tag.chars().anyMatch(Character::isISOControl))) {
            throw new ToolException("A tag is a name of at most 255 printable characters.");
        }
        return new LeadFilter(pipelineId, userId, tag);
    }
}
