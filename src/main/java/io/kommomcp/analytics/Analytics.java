package io.kommomcp.analytics;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.kommomcp.core.Caller;
import io.kommomcp.core.ToolException;
import io.kommomcp.kommo.EntityType;
import io.kommomcp.kommo.KommoApiException;
import io.kommomcp.kommo.KommoMetadata;
import io.kommomcp.kommo.wire.FieldDef;
import io.kommomcp.kommo.wire.Pipeline;
import io.kommomcp.kommo.wire.User;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The analytics, one method per question (docs/analytics.md): each decides what it reads ({@link Needs}), opens a
 * {@link Workspace} on the mirror or on what was read from Kommo, builds the working sets it needs and computes.
 * Names of pipelines, stages, users and loss reasons come from the cached account schema ({@link KommoMetadata}),
 * read before the workspace opens, so that a live answer's request count includes them.
 */
@ApplicationScoped
public class Analytics {

    /** The longest period an answer covers. */
    public static final int MAX_DAYS = 731;

    @Inject
    AnalyticsSource source;

    @Inject
    KommoMetadata metadata;

    @Inject
    java.time.Clock clock;

    @Inject
    @ConfigProperty(name = "kommo.analytics.score.weight.recency", defaultValue = "25")
    double weightRecency;

    @Inject
    @ConfigProperty(name = "kommo.analytics.score.weight.pace", defaultValue = "25")
    double weightPace;

    @Inject
    @ConfigProperty(name = "kommo.analytics.score.weight.value", defaultValue = "20")
    double weightValue;

    @Inject
    @ConfigProperty(name = "kommo.analytics.score.weight.completeness", defaultValue = "15")
    double weightCompleteness;

    @Inject
    @ConfigProperty(name = "kommo.analytics.score.weight.tasks", defaultValue = "15")
    double weightTasks;

    @Inject
    @ConfigProperty(name = "kommo.analytics.score.recency-days", defaultValue = "30")
    double recencyDays;

    @Inject
    @ConfigProperty(name = "kommo.analytics.score.baseline-days", defaultValue = "90")
    int baselineDays;

    /** The configured weights of the lead score. */
    public ScoreWeights defaultWeights() {
        return new ScoreWeights(weightRecency, weightPace, weightValue, weightCompleteness, weightTasks);
    }

    public Results.PipelineStats pipelineStats(Caller caller, Period p, LeadFilter f, double stuckFactor, int limit) {
        StageCatalog cat = catalog(caller, f.pipelineId());
        try (Workspace ws = source.open(caller, Needs.leads(f).withStageChangesFrom(0))) {
            ws.leads(f, f);
            ws.stays(0);
            return FlowAnalytics.pipelineStats(ws, cat, p, f, stuckFactor, limit);
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    /** {@code f}'s pipeline, or the main pipeline when it names none. */
    public Results.ConversionRates conversion(Caller caller, Period p, LeadFilter f, Bucket bucket) {
        StageCatalog cat = catalog(caller, f.pipelineId());
        long pipeline = f.pipelineId() != null ? f.pipelineId() : main(cat);
        LeadFilter in = new LeadFilter(pipeline, f.responsibleUserId(), f.tag());
        try (Workspace ws = source.open(caller, Needs.leads(in).withStageChangesFrom(p.fromSecond()))) {
            ws.leads(in, in);
            ws.stages(cat);
            ws.stays(p.fromSecond());
            return FlowAnalytics.conversion(ws, cat, p, pipeline, bucket);
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    public Results.LossReasonStats lossReasons(Caller caller, Period p, LeadFilter f, Bucket bucket) {
        catalog(caller, f.pipelineId());
        Map<Long, String> reasons = new HashMap<>();
        metadata.lossReasons(caller).forEach(r -> reasons.put(r.id(), r.name()));
        try (Workspace ws = source.open(caller, Needs.leads(f).withStageChangesFrom(p.fromSecond()))) {
            ws.leads(f, f);
            ws.stays(p.fromSecond());
            return FlowAnalytics.lossReasons(ws, p, bucket, reasons);
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    /** {@code f} without a user: the user's leads are those they are responsible for, their tasks theirs. */
    public Results.UserPerformance userPerformance(Caller caller, Period p, LeadFilter f, long userId) {
        LeadFilter in = new LeadFilter(f.pipelineId(), userId, f.tag());
        People people = people(caller, p, in, List.of(userId));
        return new Results.UserPerformance(p.firstDay().toString(), p.lastDay().toString(), people.users().get(0),
                people.source());
    }

    /** Every user with figures in the period, or only {@code userIds} when given. */
    public Results.UsersComparison usersCompare(Caller caller, Period p, LeadFilter f, List<Long> userIds) {
        LeadFilter in = new LeadFilter(f.pipelineId(), null, f.tag());
        People people = people(caller, p, in, userIds == null || userIds.isEmpty() ? null : userIds);
        return new Results.UsersComparison(p.firstDay().toString(), p.lastDay().toString(), people.users(),
                people.source());
    }

    private record People(List<Results.UserFigures> users, Source source) {
    }

    private People people(Caller caller, Period p, LeadFilter f, List<Long> only) {
        catalog(caller, f.pipelineId());
        Map<Long, String> names = userNames(caller);
        long from = p.fromSecond();
        try (Workspace ws = source.open(caller, Needs.leads(f).withStageChangesFrom(from).withOpenTasks()
                .withTasksChangedFrom(from).withNotesFrom(from))) {
            ws.leads(f, f);
            ws.stays(from);
            ws.tasks();
            ws.notes();
            return new People(PeopleAnalytics.users(ws, p, f.pipelineId() != null || f.tag() != null, only, names),
                    ws.source());
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    public Results.SalesOverview overview(Caller caller, Period p, LeadFilter f) {
        StageCatalog cat = catalog(caller, f.pipelineId());
        try (Workspace ws = source.open(caller, Needs.leads(f).withStageChangesFrom(p.previous().fromSecond()))) {
            ws.leads(f, f);
            ws.stays(p.previous().fromSecond());
            return FlowAnalytics.overview(ws, cat, p);
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    /** {@code due}: only tasks due within it (null: any time before now); {@code f}'s user is the task's. */
    public Results.TasksOverdue tasksOverdue(Caller caller, Period due, LeadFilter f, int limit) {
        catalog(caller, f.pipelineId());
        LeadFilter leads = new LeadFilter(f.pipelineId(), null, f.tag());
        Map<Long, String> names = userNames(caller);
        try (Workspace ws = source.open(caller, Needs.leads(leads).withOpenTasks())) {
            ws.leads(leads, leads);
            ws.tasks();
            return TaskAnalytics.overdue(ws, due, f.responsibleUserId(), !leads.all(), limit, names);
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    /** {@code created}: only leads created within it (null: any time). */
    public Results.LeadsWithoutTasks leadsWithoutTasks(Caller caller, Period created, LeadFilter f, int limit) {
        StageCatalog cat = catalog(caller, f.pipelineId());
        Map<Long, String> names = userNames(caller);
        try (Workspace ws = source.open(caller, Needs.leads(f).withOpenTasks())) {
            ws.leads(f, f);
            ws.tasks();
            return TaskAnalytics.withoutTasks(ws, cat, created, limit, names);
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    /** Scores {@code leadIds} (when given) or the open leads {@code f} selects. */
    public Results.LeadScores score(Caller caller, List<Long> leadIds, LeadFilter f, ScoreWeights weights,
            boolean lowestFirst, int limit) {
        StageCatalog cat = catalog(caller, f.pipelineId());
        Map<Long, Set<Long>> required = new LinkedHashMap<>();
        for (FieldDef d : metadata.fields(caller, EntityType.LEADS)) {
            d.requiredIn().forEach(r -> required.computeIfAbsent(r.pipelineId(), k -> new HashSet<>()).add(d.id()));
        }
        // the pipeline's every lead is the basis of its pace and of the value ranks; the filter picks who is scored
        LeadFilter scope = new LeadFilter(f.pipelineId(), null, null);
        // activity older than the recency horizon scores 0 whatever it was, so only the horizon's is read (with a
        // minute's margin: the workspace's clock reads a little later)
        long since = clock.instant().getEpochSecond() - Math.round(recencyDays * 86_400) - 60;
        try (Workspace ws = source.open(caller, Needs.leads(scope).withStageChangesFrom(0).withOpenTasks()
                .withTasksChangedFrom(since).withNotesFrom(since))) {
            ws.leads(scope, f);
            ws.stays(0);
            ws.tasks();
            ws.notes();
            return LeadScoring.score(ws, cat, required, new LeadScoring.Settings(weights, recencyDays,
                    baselineDays), leadIds, lowestFirst, limit);
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    public Results.Anomalies anomalies(Caller caller, Period p, double stuckFactor) {
        StageCatalog cat = catalog(caller, null);
        Map<Long, String> reasons = new HashMap<>();
        metadata.lossReasons(caller).forEach(r -> reasons.put(r.id(), r.name()));
        Map<Long, String> names = userNames(caller);
        Needs needs = Needs.allLeads().withStageChangesFrom(0).withDeletionsFrom(p.fromSecond()).withOpenTasks();
        try (Workspace ws = source.open(caller, needs)) {
            ws.leads(LeadFilter.ALL, LeadFilter.ALL);
            ws.stays(0);
            ws.tasks();
            return AnomalyDetector.detect(ws, cat, p, stuckFactor, names, reasons);
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    // ------------------------------------------------------------------ helpers

    /** The account's stages; refuses a pipeline the account does not have. */
    private StageCatalog catalog(Caller caller, Long pipelineId) {
        List<Pipeline> pipelines = metadata.pipelinesWith(caller, pipelineId, null);
        StageCatalog cat = StageCatalog.of(pipelines);
        if (pipelineId != null && !cat.hasPipeline(pipelineId)) {
            throw new ToolException("There is no pipeline " + pipelineId + " in this account; pipelines_list names"
                    + " them.");
        }
        return cat;
    }

    private static long main(StageCatalog cat) {
        if (cat.mainPipeline() == null) {
            throw new ToolException("The account has no pipelines.");
        }
        return cat.mainPipeline();
    }

    /** Users' names by id; empty when Kommo does not let this integration list users (they then show as ids). */
    private Map<Long, String> userNames(Caller caller) {
        Map<Long, String> names = new HashMap<>();
        try {
            for (User u : metadata.users(caller)) {
                names.put(u.id(), u.name());
            }
        } catch (KommoApiException e) {
            // GET /users needs an administrator's token; the figures stand without names
        }
        return names;
    }

    private static IllegalStateException failed(SQLException e) {
        return new IllegalStateException("analytics could not be computed: " + e.getMessage(), e);
    }
}
