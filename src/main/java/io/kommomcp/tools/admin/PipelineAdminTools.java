package io.kommomcp.tools.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.kommomcp.core.Caller;
import io.kommomcp.core.Describe;
import io.kommomcp.core.Tool;
import io.kommomcp.core.ToolException;
import io.kommomcp.core.ToolSet;
import io.kommomcp.governance.Governor;
import io.kommomcp.governance.Plan;
import io.kommomcp.governance.PlanResult;
import io.kommomcp.kommo.KommoMetadata;
import io.kommomcp.kommo.wire.FieldDef;
import io.kommomcp.kommo.wire.Pipeline;
import io.kommomcp.kommo.wire.Pipeline.Stage;
import io.kommomcp.security.Roles;
import io.kommomcp.tools.admin.AdminWrites.KommoWrite;
import io.kommomcp.tools.fields.FieldWriter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Pipelines and their stages, changed the governed way ({@link Governor}): each call first returns a plan (the exact
 * Kommo requests, before and after, consequences with counts) after checking Kommo's own rules up front: at most 50
 * pipelines and 100 stages each, won (142) and lost (143) and the unsorted stage untouchable, colours from Kommo's
 * palette, no deleting the last or the main pipeline or one that holds leads.
 */
@ToolSet
@ApplicationScoped
public class PipelineAdminTools {

    static final int MAX_PIPELINES = 50;
    static final int MAX_STAGES = 100;
    /** The 21 colours Kommo accepts for a stage (API.md §11). */
    static final List<String> PALETTE = List.of("#fffeb2", "#fffd7f", "#fff000", "#ffeab2", "#ffdc7f", "#ffce5a",
            "#ffdbdb", "#ffc8c8", "#ff8f92", "#d6eaff", "#c1e0ff", "#98cbff", "#ebffb1", "#deff81", "#87f2c0",
            "#f9deff", "#f3beff", "#ccc8f9", "#eb93ff", "#f2f3f4", "#e6e8ea");
    private static final String FLOW = AdminWrites.FLOW;

    @Inject
    KommoMetadata metadata;

    @Inject
    AdminWrites writes;

    @Inject
    AdminCounts counts;

    public record NewStage(
            @Describe(value = "The stage's name.", required = true) String name,
            @Describe("A colour from Kommo's palette: #fffeb2 #fffd7f #fff000 #ffeab2 #ffdc7f #ffce5a #ffdbdb #ffc8c8"
                    + " #ff8f92 #d6eaff #c1e0ff #98cbff #ebffb1 #deff81 #87f2c0 #f9deff #f3beff #ccc8f9 #eb93ff"
                    + " #f2f3f4 #e6e8ea (default #fffeb2).") String color) {
    }

    public record CreatePipelineArgs(
            @Describe(value = "The pipeline's name.", required = true) String name,
            @Describe(value = "Its open stages, in order (won and lost are added by Kommo).", required = true)
            List<NewStage> stages,
            @Describe("true: it becomes the main pipeline (where leads go by default). Default false.") Boolean isMain,
            @Describe("true (default): it gets an 'Incoming leads' (unsorted) stage.") Boolean unsortedOn,
            @Describe("A name for its won stage (142), default \"Closed - won\".") String wonName,
            @Describe("A name for its lost stage (143), default \"Closed - lost\".") String lostName,
            @Describe("The token from this tool's plan, to apply it.") String confirmationToken,
            @Describe("true: only show the plan.") Boolean dryRun) {
    }

    public record UpdatePipelineArgs(
            @Describe(value = "The pipeline's id (pipelines_list).", required = true, min = 1) Long pipelineId,
            @Describe("New name.") String name,
            @Describe("Its position among pipelines (sort).") Long sort,
            @Describe("true: make it the main pipeline (the current main one stops being main).") Boolean isMain,
            @Describe("Turn its unsorted (incoming leads) stage on or off.") Boolean unsortedOn,
            @Describe("The token from this tool's plan, to apply it.") String confirmationToken,
            @Describe("true: only show the plan.") Boolean dryRun) {
    }

    public record PipelineArgs(
            @Describe(value = "The pipeline's id (pipelines_list).", required = true, min = 1) Long pipelineId,
            @Describe("The token from this tool's plan, to apply it.") String confirmationToken,
            @Describe("true: only show the plan.") Boolean dryRun) {
    }

    public record CreateStagesArgs(
            @Describe(value = "The pipeline's id.", required = true, min = 1) Long pipelineId,
            @Describe(value = "The stages to add, in order; they go after the pipeline's last open stage.",
                    required = true) List<NewStage> stages,
            @Describe("The token from this tool's plan, to apply it.") String confirmationToken,
            @Describe("true: only show the plan.") Boolean dryRun) {
    }

    public record UpdateStageArgs(
            @Describe(value = "The pipeline's id.", required = true, min = 1) Long pipelineId,
            @Describe(value = "The stage's id.", required = true, min = 1) Long stageId,
            @Describe("New name.") String name,
            @Describe("New colour from Kommo's palette (see stages_create).") String color,
            @Describe("The token from this tool's plan, to apply it.") String confirmationToken,
            @Describe("true: only show the plan.") Boolean dryRun) {
    }

    public record ReorderStagesArgs(
            @Describe(value = "The pipeline's id.", required = true, min = 1) Long pipelineId,
            @Describe(value = "Every open stage's id of the pipeline, in the new order (won, lost and unsorted"
                    + " keep their places).", required = true) List<Long> stageIds,
            @Describe("The token from this tool's plan, to apply it.") String confirmationToken,
            @Describe("true: only show the plan.") Boolean dryRun) {
    }

    public record StageArgs(
            @Describe(value = "The pipeline's id.", required = true, min = 1) Long pipelineId,
            @Describe(value = "The stage's id.", required = true, min = 1) Long stageId,
            @Describe("The token from this tool's plan, to apply it.") String confirmationToken,
            @Describe("true: only show the plan.") Boolean dryRun) {
    }

    // ---------------------------------------------------------------- pipelines

    @Tool(name = "pipelines_create", title = "Create a pipeline", role = Roles.ADMIN, readOnly = false,
            description = "Creates a sales pipeline with its open stages (Kommo adds won and lost, and an unsorted"
                    + " stage unless unsorted_on is false). At most 50 pipelines and 100 stages each." + FLOW)
    public PlanResult createPipeline(CreatePipelineArgs a, Caller caller) {
        List<Pipeline> state = fresh(caller);
        String name = name(a.name(), "name");
        if (state.size() >= MAX_PIPELINES) {
            throw refused("The account has " + state.size() + " pipelines, Kommo's maximum is " + MAX_PIPELINES
                    + ". Delete an unused pipeline first.");
        }
        state.stream().filter(p -> same(p.name(), name)).findFirst().ifPresent(p -> {
            throw refused("A pipeline named \"" + p.name() + "\" exists already (id " + p.id() + ").");
        });
        if (a.stages() == null || a.stages().isEmpty()) {
            throw refused("Give the pipeline at least one open stage in stages.");
        }
        boolean unsorted = !Boolean.FALSE.equals(a.unsortedOn());
        int total = a.stages().size() + 2 + (unsorted ? 1 : 0);
        if (total > MAX_STAGES) {
            throw refused("That makes " + total + " stages with won, lost" + (unsorted ? " and unsorted" : "")
                    + "; Kommo allows at most " + MAX_STAGES + " per pipeline.");
        }
        List<Map<String, Object>> stages = new ArrayList<>();
        checkNewStages(a.stages(), List.of());
        int sort = 20;
        for (NewStage s : a.stages()) {
            stages.add(stageBody(s.name().strip(), color(s.color()), sort));
            sort += 10;
        }
        if (a.wonName() != null) {
            stages.add(Map.of("id", Stage.WON, "name", name(a.wonName(), "won_name")));
        }
        if (a.lostName() != null) {
            stages.add(Map.of("id", Stage.LOST, "name", name(a.lostName(), "lost_name")));
        }
        boolean main = Boolean.TRUE.equals(a.isMain());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("sort", state.stream().mapToLong(p -> p.sort() == null ? 0 : p.sort()).max().orElse(0) + 1);
        body.put("is_main", main);
        body.put("is_unsorted_on", unsorted);
        body.put("_embedded", Map.of("statuses", stages));
        List<String> consequences = new ArrayList<>();
        consequences.add("The account will have " + (state.size() + 1) + " pipelines (of at most " + MAX_PIPELINES
                + ").");
        if (main) {
            String currentMain = state.stream().filter(Pipeline::isMain).map(Pipeline::name).findFirst()
                    .orElse("none");
            consequences.add("It becomes the main pipeline instead of \"" + currentMain + "\": leads created"
                    + " without a pipeline go to it.");
        }
        KommoWrite w = new KommoWrite("POST", "leads/pipelines", List.of(body));
        Plan plan = new Plan("create pipeline \"" + name + "\" with " + a.stages().size() + " open stages",
                List.of(w.line()), null, body, consequences);
        return writes.create(caller, request("pipelines_create", a, a.confirmationToken(), a.dryRun(), false, state,
                caller, plan), w, "pipeline", "pipelines");
    }

    @Tool(name = "pipelines_update", title = "Change a pipeline", role = Roles.ADMIN, readOnly = false,
            description = "Renames a pipeline, moves it among pipelines, makes it the main one, or turns its unsorted"
                    + " stage on or off." + FLOW)
    public PlanResult updatePipeline(UpdatePipelineArgs a, Caller caller) {
        List<Pipeline> state = fresh(caller);
        Pipeline p = pipeline(state, a.pipelineId());
        Map<String, Object> before = pipelineView(p);
        Map<String, Object> body = new LinkedHashMap<>();
        List<String> consequences = new ArrayList<>();
        if (a.name() != null) {
            String name = name(a.name(), "name");
            state.stream().filter(x -> x.id() != p.id() && same(x.name(), name)).findFirst().ifPresent(x -> {
                throw refused("Another pipeline is named \"" + x.name() + "\" (id " + x.id() + ").");
            });
            if (!name.equals(p.name())) {
                body.put("name", name);
            }
        }
        if (a.sort() != null && !a.sort().equals(p.sort())) {
            body.put("sort", a.sort());
        }
        if (a.isMain() != null && a.isMain() != p.isMain()) {
            if (!a.isMain()) {
                throw refused("\"" + p.name() + "\" is the main pipeline; the account always has one. Make another"
                        + " pipeline main instead (is_main true on it).");
            }
            body.put("is_main", true);
            consequences.add("\"" + p.name() + "\" becomes the main pipeline instead of \"" + state.stream()
                    .filter(Pipeline::isMain).map(Pipeline::name).findFirst().orElse("none") + "\".");
        }
        if (a.unsortedOn() != null && !a.unsortedOn().equals(Boolean.TRUE.equals(p.isUnsortedOn()))) {
            if (!a.unsortedOn()) {
                Stage unsorted = p.stages().stream().filter(s -> s.type() == 1).findFirst().orElse(null);
                if (unsorted != null) {
                    AdminCounts.Count held = AdminCounts.unlessApplying(a.confirmationToken(), a.dryRun(),
                            () -> counts.leads(caller, p.id(), unsorted.id()));
                    if (!held.none()) {
                        throw refused("Its unsorted stage holds " + held + " leads; accept or move them before"
                                + " turning it off.");
                    }
                }
                consequences.add("Incoming leads (forms, chats, mail) can no longer land unsorted in \"" + p.name()
                        + "\".");
            } else {
                consequences.add("\"" + p.name() + "\" gets an Incoming leads (unsorted) stage.");
            }
            body.put("is_unsorted_on", a.unsortedOn());
        }
        if (body.isEmpty()) {
            throw refused("Nothing to change: give name, sort, is_main or unsorted_on with a new value.");
        }
        Map<String, Object> after = new LinkedHashMap<>(before);
        after.putAll(body);
        KommoWrite w = new KommoWrite("PATCH", "leads/pipelines/" + p.id(), body);
        Plan plan = new Plan("change pipeline \"" + p.name() + "\"", List.of(w.line()), before, after, consequences);
        return writes.change(caller, request("pipelines_update", a, a.confirmationToken(), a.dryRun(), false, state,
                caller, plan), w, "pipeline", p.id(), before, after);
    }

    @Tool(name = "pipelines_delete", title = "Delete a pipeline", role = Roles.ADMIN, readOnly = false,
            destructive = true, description = "Deletes an empty pipeline with its stages. Kommo refuses the last"
                    + " pipeline, the main one and one that holds leads, so this checks them first." + FLOW)
    public PlanResult deletePipeline(PipelineArgs a, Caller caller) {
        List<Pipeline> state = fresh(caller);
        Pipeline p = pipeline(state, a.pipelineId());
        if (state.size() == 1) {
            throw refused("\"" + p.name() + "\" is the account's only pipeline; Kommo keeps at least one.");
        }
        if (p.isMain()) {
            throw refused("\"" + p.name() + "\" is the main pipeline. Make another pipeline main first"
                    + " (pipelines_update with is_main true).");
        }
        AdminCounts.Count leads = AdminCounts.unlessApplying(a.confirmationToken(), a.dryRun(),
                () -> counts.leads(caller, p.id(), null));
        if (!leads.none()) {
            throw refused("\"" + p.name() + "\" holds " + leads + " leads, and Kommo cannot delete a pipeline that"
                    + " holds leads. Move them to another pipeline (or close them) first.");
        }
        List<String> consequences = new ArrayList<>();
        consequences.add("Its " + p.stages().size() + " stages go with it: " + String.join(", ", p.stages().stream()
                .map(Stage::name).toList()) + ".");
        requirementsIn(caller, s -> s.pipelineId() == p.id()).forEach(consequences::add);
        Map<String, Object> before = pipelineView(p);
        KommoWrite w = new KommoWrite("DELETE", "leads/pipelines/" + p.id(), null);
        Plan plan = new Plan("delete pipeline \"" + p.name() + "\"", List.of(w.line()), before, null, consequences);
        return writes.change(caller, request("pipelines_delete", a, a.confirmationToken(), a.dryRun(), true, state,
                caller, plan), w, "pipeline", p.id(), before, null);
    }

    // ---------------------------------------------------------------- stages

    @Tool(name = "stages_create", title = "Add stages to a pipeline", role = Roles.ADMIN, readOnly = false,
            description = "Adds open stages after a pipeline's last open stage (before won and lost), in one Kommo"
                    + " request. At most 100 stages per pipeline; colours from Kommo's palette." + FLOW)
    public PlanResult createStages(CreateStagesArgs a, Caller caller) {
        List<Pipeline> state = fresh(caller);
        Pipeline p = pipeline(state, a.pipelineId());
        if (a.stages() == null || a.stages().isEmpty()) {
            throw refused("Give at least one stage in stages.");
        }
        if (p.stages().size() + a.stages().size() > MAX_STAGES) {
            throw refused("\"" + p.name() + "\" has " + p.stages().size() + " stages; adding " + a.stages().size()
                    + " exceeds Kommo's maximum of " + MAX_STAGES + " per pipeline.");
        }
        checkNewStages(a.stages(), p.stages());
        long sort = lastOpenSort(p) + 10;
        List<Map<String, Object>> body = new ArrayList<>();
        for (NewStage s : a.stages()) {
            body.add(stageBody(s.name().strip(), color(s.color()), sort));
            sort += 10;
        }
        KommoWrite w = new KommoWrite("POST", "leads/pipelines/" + p.id() + "/statuses", body);
        Plan plan = new Plan("add " + body.size() + " stage(s) to \"" + p.name() + "\"", List.of(w.line()),
                Map.of("stages", names(p)), Map.of("stages", addedNames(p, a.stages())),
                List.of("\"" + p.name() + "\" will have " + (p.stages().size() + body.size()) + " stages (of at most "
                        + MAX_STAGES + ")."));
        return writes.create(caller, request("stages_create", a, a.confirmationToken(), a.dryRun(), false, state,
                caller, plan), w, "stage", "statuses");
    }

    @Tool(name = "stages_update", title = "Change a stage", role = Roles.ADMIN, readOnly = false,
            description = "Renames a stage or changes its colour. Won (142), lost (143) and the unsorted stage cannot"
                    + " be changed." + FLOW)
    public PlanResult updateStage(UpdateStageArgs a, Caller caller) {
        List<Pipeline> state = fresh(caller);
        Pipeline p = pipeline(state, a.pipelineId());
        Stage s = editableStage(p, a.stageId());
        Map<String, Object> body = new LinkedHashMap<>();
        if (a.name() != null) {
            String name = name(a.name(), "name");
            p.stages().stream().filter(x -> x.id() != s.id() && same(x.name(), name)).findFirst().ifPresent(x -> {
                throw refused("\"" + p.name() + "\" already has a stage named \"" + x.name() + "\" (id " + x.id()
                        + ").");
            });
            if (!name.equals(s.name())) {
                body.put("name", name);
            }
        }
        if (a.color() != null) {
            String color = color(a.color());
            if (!color.equalsIgnoreCase(String.valueOf(s.color()))) {
                body.put("color", color);
            }
        }
        if (body.isEmpty()) {
            throw refused("Nothing to change: give a new name or color.");
        }
        Map<String, Object> before = stageView(s);
        Map<String, Object> after = new LinkedHashMap<>(before);
        after.putAll(body);
        KommoWrite w = new KommoWrite("PATCH", "leads/pipelines/" + p.id() + "/statuses/" + s.id(), body);
        Plan plan = new Plan("change stage \"" + s.name() + "\" of \"" + p.name() + "\"", List.of(w.line()),
                before, after, List.of("Leads in the stage stay where they are."));
        return writes.change(caller, request("stages_update", a, a.confirmationToken(), a.dryRun(), false, state,
                caller, plan), w, "stage", s.id(), before, after);
    }

    @Tool(name = "stages_reorder", title = "Reorder a pipeline's stages", role = Roles.ADMIN, readOnly = false,
            description = "Puts a pipeline's open stages in a new order: one Kommo request per stage whose position"
                    + " changes. If one fails part-way, the answer says exactly which stages moved." + FLOW)
    public PlanResult reorderStages(ReorderStagesArgs a, Caller caller) {
        List<Pipeline> state = fresh(caller);
        Pipeline p = pipeline(state, a.pipelineId());
        List<Stage> open = p.stages().stream().filter(s -> editable(s)).toList();
        List<Long> wanted = a.stageIds() == null ? List.of() : a.stageIds();
        List<Long> have = open.stream().map(Stage::id).toList();
        if (wanted.size() != have.size() || !wanted.containsAll(have) || wanted.stream().distinct().count()
                != wanted.size()) {
            throw refused("stage_ids must list each open stage of \"" + p.name() + "\" exactly once: "
                    + String.join(", ", open.stream().map(s -> s.name() + " (" + s.id() + ")").toList()) + ".");
        }
        List<KommoWrite> requests = new ArrayList<>();
        List<Long> moved = new ArrayList<>();
        List<Long> sorts = new ArrayList<>();
        long sort = 20;
        for (Long id : wanted) {
            Stage s = open.stream().filter(x -> x.id() == id).findFirst().orElseThrow();
            if (s.sort() == null || s.sort() != sort) {
                requests.add(new KommoWrite("PATCH", "leads/pipelines/" + p.id() + "/statuses/" + id, Map.of("sort",
                        sort)));
                moved.add(id);
                sorts.add(sort);
            }
            sort += 10;
        }
        if (requests.isEmpty()) {
            throw refused("The stages are in that order already.");
        }
        Plan plan = new Plan("reorder the stages of \"" + p.name() + "\"", requests.stream().map(KommoWrite::line)
                .toList(), Map.of("order", names(p)),
                Map.of("order", wanted.stream().map(id -> open.stream().filter(x -> x.id() == id).findFirst()
                        .orElseThrow().name()).toList()), List.of(moved.size() + " stage(s) change position; leads"
                                + " stay in their stages."));
        return writes.govern(caller, request("stages_reorder", a, a.confirmationToken(), a.dryRun(), false,
                state, caller, plan), steps -> {
                    for (int i = 0; i < moved.size(); i++) {
                        long id = moved.get(i);
                        long to = sorts.get(i);
                        Stage s = open.stream().filter(x -> x.id() == id).findFirst().orElseThrow();
                        KommoWrite w = requests.get(i);
                        steps.run(w.line(), () -> writes.send(caller, w));
                        caller.changes().record("stage", id, Map.of("name", s.name(), "sort", s.sort()),
                                Map.of("name", s.name(), "sort", to));
                    }
                    return moved;
                });
    }

    @Tool(name = "stages_delete", title = "Delete a stage", role = Roles.ADMIN, readOnly = false,
            destructive = true, description = "Deletes an open stage. Kommo moves its leads to the pipeline's first"
                    + " open stage; the plan says how many and where. Won, lost and unsorted cannot be deleted."
                    + FLOW)
    public PlanResult deleteStage(StageArgs a, Caller caller) {
        List<Pipeline> state = fresh(caller);
        Pipeline p = pipeline(state, a.pipelineId());
        Stage s = editableStage(p, a.stageId());
        Stage first = p.stages().stream().filter(x -> editable(x) && x.id() != s.id()).findFirst().orElse(null);
        AdminCounts.Count leads = AdminCounts.unlessApplying(a.confirmationToken(), a.dryRun(),
                () -> counts.leads(caller, p.id(), s.id()));
        List<String> consequences = new ArrayList<>();
        if (first == null) {
            if (!leads.none()) {
                throw refused("\"" + s.name() + "\" is the only open stage of \"" + p.name() + "\" and holds "
                        + leads + " leads; add another stage first, or move the leads.");
            }
            consequences.add("\"" + p.name() + "\" will have no open stage left.");
        } else {
            consequences.add(leads.none() ? "The stage holds no leads." : leads + " lead(s) in \"" + s.name()
                    + "\" will move to \"" + first.name() + "\".");
        }
        requirementsIn(caller, r -> r.stageId() == s.id() && r.pipelineId() == p.id()).forEach(consequences::add);
        Map<String, Object> before = stageView(s);
        KommoWrite w = new KommoWrite("DELETE", "leads/pipelines/" + p.id() + "/statuses/" + s.id(), null);
        Plan plan = new Plan("delete stage \"" + s.name() + "\" of \"" + p.name() + "\"", List.of(w.line()),
                before, null, consequences);
        return writes.change(caller, request("stages_delete", a, a.confirmationToken(), a.dryRun(), true, state,
                caller, plan), w, "stage", s.id(), before, null);
    }

    // ---------------------------------------------------------------- helpers

    private Governor.Request request(String tool, Object args, String token, Boolean dryRun, boolean destructive,
            Object state, Caller caller, Plan plan) {
        return new Governor.Request(tool, args, token, dryRun, destructive, state, () -> fresh(caller), plan, () -> {
            metadata.invalidate(caller, "pipelines");
            metadata.invalidate(caller, "fields:leads");
        });
    }

    /** The pipelines as Kommo has them now: a plan must see the current state, not a cached one. */
    private List<Pipeline> fresh(Caller caller) {
        metadata.invalidate(caller, "pipelines");
        return metadata.pipelines(caller);
    }

    /** Lead fields whose requirement or hiding in the matching stages goes with them. */
    private List<String> requirementsIn(Caller caller, java.util.function.Predicate<FieldDef.RequiredIn> where) {
        metadata.invalidate(caller, "fields:leads");
        List<String> out = new ArrayList<>();
        for (FieldDef f : metadata.fields(caller, "leads")) {
            if (f.requiredIn() != null && f.requiredIn().stream().anyMatch(where)) {
                out.add("Field \"" + f.name() + "\" is required there; that requirement goes.");
            }
        }
        return out;
    }

    static Pipeline pipeline(List<Pipeline> state, long id) {
        return state.stream().filter(p -> p.id() == id).findFirst().orElseThrow(() -> refused("There is no"
                + " pipeline " + id + ". The pipelines are: " + String.join(", ", state.stream().map(p -> p.name()
                        + " (" + p.id() + ")").toList()) + "."));
    }

    private static Stage editableStage(Pipeline p, long stageId) {
        Stage s = p.stages().stream().filter(x -> x.id() == stageId).findFirst().orElseThrow(() -> refused(
                "Pipeline \"" + p.name() + "\" has no stage " + stageId + ". Its stages: " + String.join(", ", p
                        .stages().stream().map(x -> x.name() + " (" + x.id() + ")").toList()) + "."));
        if (!editable(s)) {
            throw refused("\"" + s.name() + "\" (" + s.id() + ") is a system stage (" + (s.id() == Stage.WON ? "won"
                    : s.id() == Stage.LOST ? "lost" : "unsorted") + "); Kommo does not let it be changed or"
                    + " deleted.");
        }
        return s;
    }

    static boolean editable(Stage s) {
        return s.type() == 0 && s.id() != Stage.WON && s.id() != Stage.LOST && !Boolean.FALSE.equals(s.isEditable());
    }

    private static long lastOpenSort(Pipeline p) {
        return p.stages().stream().filter(s -> s.sort() != null && s.sort() < 10000).mapToLong(Stage::sort).max()
                .orElse(10);
    }

    private static void checkNewStages(List<NewStage> stages, List<Stage> existing) {
        List<String> seen = new ArrayList<>();
        existing.forEach(s -> seen.add(FieldWriter.fold(s.name())));
        for (NewStage s : stages) {
            String n = name(s == null ? null : s.name(), "stages[].name");
            if (seen.contains(FieldWriter.fold(n))) {
                throw refused("There would be two stages named \"" + n + "\" in the pipeline.");
            }
            seen.add(FieldWriter.fold(n));
            color(s.color());
        }
    }

    private static Map<String, Object> stageBody(String name, String color, long sort) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("sort", sort);
        m.put("color", color);
        return m;
    }

    static String color(String c) {
        if (c == null || c.isBlank()) {
            return PALETTE.get(0);
        }
        String v = c.strip().toLowerCase(Locale.ROOT);
        if (!v.startsWith("#")) {
            v = "#" + v;
        }
        if (!PALETTE.contains(v)) {
            throw refused("Colour " + c + " is not one Kommo accepts for a stage. Use one of " + String.join(" ",
                    PALETTE) + ".");
        }
        return v;
    }

    static String name(String n, String what) {
        if (n == null || n.isBlank()) {
            throw refused(what + " must not be blank.");
        }
        if (n.strip().length() > 255) {
            throw refused(what + " must be at most 255 characters.");
        }
        return n.strip();
    }

    private static boolean same(String a, String b) {
        return a != null && b != null && FieldWriter.fold(a).equals(FieldWriter.fold(b));
    }

    private static List<String> names(Pipeline p) {
        return p.stages().stream().map(Stage::name).toList();
    }

    private static List<String> addedNames(Pipeline p, List<NewStage> added) {
        List<String> out = new ArrayList<>();
        boolean done = false;
        for (Stage s : p.stages()) {
            if (!done && s.sort() != null && s.sort() >= 10000) {
                added.forEach(n -> out.add(n.name().strip()));
                done = true;
            }
            out.add(s.name());
        }
        if (!done) {
            added.forEach(n -> out.add(n.name().strip()));
        }
        return out;
    }

    private static Map<String, Object> pipelineView(Pipeline p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", p.id());
        m.put("name", p.name());
        m.put("sort", p.sort());
        m.put("is_main", p.isMain());
        m.put("is_unsorted_on", p.isUnsortedOn());
        m.put("stages", names(p));
        return m;
    }

    private static Map<String, Object> stageView(Stage s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("pipeline_id", s.pipelineId());
        m.put("name", s.name());
        m.put("sort", s.sort());
        m.put("color", s.color());
        return m;
    }

    static ToolException refused(String why) {
        return new ToolException(why + " Nothing was changed.");
    }
}
