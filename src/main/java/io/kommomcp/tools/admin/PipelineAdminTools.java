package io.kommomcp.tools.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.kommomcp.tools.common.Names;
import io.kommomcp.core.Caller;
import io.kommomcp.core.Describe;
import io.kommomcp.core.Tool;
import io.kommomcp.core.ToolException;
import io.kommomcp.core.ToolSet;
import io.kommomcp.governance.Proposal;
import io.kommomcp.kommo.Applied;
import io.kommomcp.kommo.ConfigWrites;
import io.kommomcp.kommo.ConfigWrites.StageSpec;
import io.kommomcp.kommo.EntityType;
import io.kommomcp.kommo.KommoCounts;
import io.kommomcp.kommo.KommoMetadata;
import io.kommomcp.kommo.KommoWrite;
import io.kommomcp.kommo.wire.FieldDef;
import io.kommomcp.kommo.wire.Pipeline;
import io.kommomcp.kommo.wire.Pipeline.Stage;
import io.kommomcp.security.Roles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Pipelines and their stages, changed the governed way: each call proposes the change (the Kommo writes, before and
 * after, consequences with counts) after checking Kommo's rules up front: at most 50 pipelines and 100 stages each
 * and the stage palette (with the writes, {@link ConfigWrites}), won (142), lost (143) and unsorted untouchable, no
 * deleting the last or the main pipeline or one that holds leads. The registry plans, confirms and applies it.
 */
@ToolSet
@ApplicationScoped
public class PipelineAdminTools {

    @Inject
    KommoMetadata metadata;

    @Inject
    KommoCounts counts;

    public record NewStage(
            @Describe(required = true) String name,
            @Describe("From the stage palette (server instructions); default #fffeb2.") String color) {
    }

    public record CreatePipelineArgs(
            @Describe(required = true) String name,
            @Describe(value = "Its open stages, in order.", required = true)
            List<NewStage> stages,
            @Describe("Default false; the main pipeline is where leads go by default.") Boolean isMain,
            @Describe("Default true: an 'Incoming leads' (unsorted) stage.") Boolean unsortedOn,
            @Describe("Default \"Closed - won\".") String wonName,
            @Describe("Default \"Closed - lost\".") String lostName) {
    }

    public record UpdatePipelineArgs(
            @Describe(required = true, min = 1) Long pipelineId,
            String name,
            @Describe("Position among pipelines.") Long sort,
            @Describe("true: it replaces the current main pipeline.") Boolean isMain,
            @Describe("Turns its unsorted (incoming leads) stage on or off.") Boolean unsortedOn) {
    }

    public record PipelineArgs(
            @Describe(required = true, min = 1) Long pipelineId) {
    }

    public record CreateStagesArgs(
            @Describe(required = true, min = 1) Long pipelineId,
            @Describe(value = "In order.", required = true) List<NewStage> stages) {
    }

    public record UpdateStageArgs(
            @Describe(required = true, min = 1) Long pipelineId,
            @Describe(required = true, min = 1) Long stageId,
            String name,
            @Describe("From the stage palette.") String color) {
    }

    public record ReorderStagesArgs(
            @Describe(required = true, min = 1) Long pipelineId,
            @Describe(value = "Every open stage of the pipeline, in the new order.", required = true)
            List<Long> stageIds) {
    }

    public record StageArgs(
            @Describe(required = true, min = 1) Long pipelineId,
            @Describe(required = true, min = 1) Long stageId) {
    }

    // ---------------------------------------------------------------- pipelines

    @Tool(name = "pipelines_create", title = "Create a pipeline", role = Roles.ADMIN, readOnly = false,
            governed = true, description = "Creates a sales pipeline with its open stages; Kommo adds won (142), lost"
                    + " (143) and, unless unsorted_on is false, unsorted. At most 50 pipelines, 100 stages each.")
    public Proposal<Applied> createPipeline(CreatePipelineArgs a, Caller caller) {
        List<Pipeline> state = metadata.freshPipelines(caller);
        String name = name(a.name(), "name");
        state.stream().filter(p -> same(p.name(), name)).findFirst().ifPresent(p -> {
            throw refused("A pipeline named \"" + p.name() + "\" exists already (id " + p.id() + ").");
        });
        if (a.stages() == null || a.stages().isEmpty()) {
            throw refused("Give the pipeline at least one open stage in stages.");
        }
        checkNewStages(a.stages(), List.of());
        List<StageSpec> stages = new ArrayList<>();
        long sort = 20;
        for (NewStage s : a.stages()) {
            stages.add(new StageSpec(s.name().strip(), s.color(), sort));
            sort += 10;
        }
        boolean main = Boolean.TRUE.equals(a.isMain());
        boolean unsorted = !Boolean.FALSE.equals(a.unsortedOn());
        long position = state.stream().mapToLong(p -> p.sort() == null ? 0 : p.sort()).max().orElse(0) + 1;
        ConfigWrites.CreatePipeline write = new ConfigWrites.CreatePipeline(new ConfigWrites.NewPipeline(name,
                position, main, unsorted, stages, a.wonName() == null ? null : name(a.wonName(), "won_name"),
                a.lostName() == null ? null : name(a.lostName(), "lost_name")), state.size());
        List<String> consequences = new ArrayList<>();
        consequences.add("The account will have " + (state.size() + 1) + " pipelines (of at most "
                + ConfigWrites.MAX_PIPELINES + ").");
        if (main) {
            consequences.add("It becomes the main pipeline instead of \"" + mainName(state) + "\": leads created"
                    + " without a pipeline go to it.");
        }
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("name", name);
        after.put("sort", position);
        after.put("is_main", main);
        after.put("is_unsorted_on", unsorted);
        after.put("stages", stages.stream().map(StageSpec::name).toList());
        return Proposal.of("create pipeline \"" + name + "\" with " + stages.size() + " open stages", write)
                .state(state).after(after).consequences(consequences);
    }

    @Tool(name = "pipelines_update", title = "Change a pipeline", role = Roles.ADMIN, readOnly = false,
            governed = true, description = "Changes a pipeline's name, position, main flag or unsorted stage.")
    public Proposal<Applied> updatePipeline(UpdatePipelineArgs a, Caller caller) {
        List<Pipeline> state = metadata.freshPipelines(caller);
        Pipeline p = pipeline(state, a.pipelineId());
        String name = null;
        if (a.name() != null) {
            String wanted = name(a.name(), "name");
            state.stream().filter(x -> x.id() != p.id() && same(x.name(), wanted)).findFirst().ifPresent(x -> {
                throw refused("Another pipeline is named \"" + x.name() + "\" (id " + x.id() + ").");
            });
            name = wanted.equals(p.name()) ? null : wanted;
        }
        Long sort = a.sort() != null && !a.sort().equals(p.sort()) ? a.sort() : null;
        Boolean main = null;
        List<String> consequences = new ArrayList<>();
        if (a.isMain() != null && a.isMain() != p.isMain()) {
            if (!a.isMain()) {
                throw refused("\"" + p.name() + "\" is the main pipeline; the account always has one. Make another"
                        + " pipeline main instead (is_main true on it).");
            }
            main = true;
            consequences.add("\"" + p.name() + "\" becomes the main pipeline instead of \"" + mainName(state)
                    + "\".");
        }
        Boolean unsortedOn = null;
        Stage unsorted = null;
        if (a.unsortedOn() != null && !a.unsortedOn().equals(Boolean.TRUE.equals(p.isUnsortedOn()))) {
            unsortedOn = a.unsortedOn();
            if (!unsortedOn) {
                unsorted = p.stages().stream().filter(s -> s.type() == 1).findFirst().orElse(null);
                consequences.add("Incoming leads (forms, chats, mail) can no longer land unsorted in \"" + p.name()
                        + "\".");
            } else {
                consequences.add("\"" + p.name() + "\" gets an Incoming leads (unsorted) stage.");
            }
        }
        if (name == null && sort == null && main == null && unsortedOn == null) {
            throw refused("Nothing to change: give name, sort, is_main or unsorted_on with a new value.");
        }
        Map<String, Object> before = pipelineView(p);
        ConfigWrites.UpdatePipeline write = new ConfigWrites.UpdatePipeline(p.id(), name, sort, main, unsortedOn,
                before);
        Stage emptied = unsorted;
        return Proposal.of("change pipeline \"" + p.name() + "\"", write).state(state).before(before)
                .after(write.after()).consequences(() -> {
                    if (emptied != null) {
                        KommoCounts.Count held = counts.leads(caller, p.id(), emptied.id());
                        if (!held.none()) {
                            throw refused("Its unsorted stage holds " + held + " leads; accept or move them before"
                                    + " turning it off.");
                        }
                    }
                    return consequences;
                });
    }

    @Tool(name = "pipelines_delete", title = "Delete a pipeline", role = Roles.ADMIN, readOnly = false,
            destructive = true, governed = true, description = "Deletes an empty pipeline with its stages; refused"
                    + " for the last pipeline, the main one and one that holds leads.")
    public Proposal<Applied> deletePipeline(PipelineArgs a, Caller caller) {
        List<Pipeline> state = metadata.freshPipelines(caller);
        Pipeline p = pipeline(state, a.pipelineId());
        if (state.size() == 1) {
            throw refused("\"" + p.name() + "\" is the account's only pipeline; Kommo keeps at least one.");
        }
        if (p.isMain()) {
            throw refused("\"" + p.name() + "\" is the main pipeline. Make another pipeline main first"
                    + " (pipelines_update with is_main true).");
        }
        Map<String, Object> before = pipelineView(p);
        return Proposal.of("delete pipeline \"" + p.name() + "\"", new ConfigWrites.DeletePipeline(p.id(), before))
                .state(state).before(before).consequences(() -> {
                    KommoCounts.Count leads = counts.leads(caller, p.id(), null);
                    if (!leads.none()) {
                        throw refused("\"" + p.name() + "\" holds " + leads + " leads, and Kommo cannot delete a"
                                + " pipeline that holds leads. Move them to another pipeline (or close them) first.");
                    }
                    List<String> consequences = new ArrayList<>();
                    consequences.add("Its " + p.stages().size() + " stages go with it: " + String.join(", ", names(
                            p)) + ".");
                    consequences.addAll(requirementsIn(caller, s -> s.pipelineId() == p.id()));
                    return consequences;
                });
    }

    // ---------------------------------------------------------------- stages

    @Tool(name = "stages_create", title = "Add stages to a pipeline", role = Roles.ADMIN, readOnly = false,
            governed = true, description = "Adds open stages after a pipeline's last open stage, in one request. At"
                    + " most 100 stages per pipeline.")
    public Proposal<Applied> createStages(CreateStagesArgs a, Caller caller) {
        List<Pipeline> state = metadata.freshPipelines(caller);
        Pipeline p = pipeline(state, a.pipelineId());
        if (a.stages() == null || a.stages().isEmpty()) {
            throw refused("Give at least one stage in stages.");
        }
        checkNewStages(a.stages(), p.stages());
        long sort = lastOpenSort(p) + 10;
        List<StageSpec> stages = new ArrayList<>();
        for (NewStage s : a.stages()) {
            stages.add(new StageSpec(s.name().strip(), s.color(), sort));
            sort += 10;
        }
        ConfigWrites.CreateStages write = new ConfigWrites.CreateStages(p.id(), stages, p.stages().size());
        return Proposal.of("add " + stages.size() + " stage(s) to \"" + p.name() + "\"", write).state(state)
                .before(Map.of("stages", names(p))).after(Map.of("stages", addedNames(p, a.stages())))
                .consequences(List.of("\"" + p.name() + "\" will have " + (p.stages().size() + stages.size())
                        + " stages (of at most " + ConfigWrites.MAX_STAGES + ")."));
    }

    @Tool(name = "stages_update", title = "Change a stage", role = Roles.ADMIN, readOnly = false, governed = true,
            description = "Renames a stage or changes its colour; not won (142), lost (143) or unsorted.")
    public Proposal<Applied> updateStage(UpdateStageArgs a, Caller caller) {
        List<Pipeline> state = metadata.freshPipelines(caller);
        Pipeline p = pipeline(state, a.pipelineId());
        Stage s = editableStage(p, a.stageId());
        String name = null;
        if (a.name() != null) {
            String wanted = name(a.name(), "name");
            p.stages().stream().filter(x -> x.id() != s.id() && same(x.name(), wanted)).findFirst().ifPresent(x -> {
                throw refused("\"" + p.name() + "\" already has a stage named \"" + x.name() + "\" (id " + x.id()
                        + ").");
            });
            name = wanted.equals(s.name()) ? null : wanted;
        }
        String color = null;
        if (a.color() != null) {
            String wanted = ConfigWrites.stageColor(a.color());
            color = wanted.equalsIgnoreCase(String.valueOf(s.color())) ? null : wanted;
        }
        if (name == null && color == null) {
            throw refused("Nothing to change: give a new name or color.");
        }
        Map<String, Object> before = stageView(s);
        ConfigWrites.UpdateStage write = new ConfigWrites.UpdateStage(p.id(), s.id(), name, color, null, before);
        return Proposal.of("change stage \"" + s.name() + "\" of \"" + p.name() + "\"", write).state(state)
                .before(before).after(write.after())
                .consequences(List.of("Leads in the stage stay where they are."));
    }

    @Tool(name = "stages_reorder", title = "Reorder a pipeline's stages", role = Roles.ADMIN, readOnly = false,
            governed = true, description = "Puts a pipeline's open stages in a new order (won, lost and unsorted keep"
                    + " their places), one request per moved stage; after a failure part-way the answer says which"
                    + " moved.")
    public Proposal<Applied> reorderStages(ReorderStagesArgs a, Caller caller) {
        List<Pipeline> state = metadata.freshPipelines(caller);
        Pipeline p = pipeline(state, a.pipelineId());
        List<Stage> open = p.stages().stream().filter(PipelineAdminTools::editable).toList();
        List<Long> wanted = a.stageIds() == null ? List.of() : a.stageIds();
        List<Long> have = open.stream().map(Stage::id).toList();
        if (wanted.size() != have.size() || !wanted.containsAll(have) || wanted.stream().distinct().count()
                != wanted.size()) {
            throw refused("stage_ids must list each open stage of \"" + p.name() + "\" exactly once: "
                    + String.join(", ", open.stream().map(s -> s.name() + " (" + s.id() + ")").toList()) + ".");
        }
        List<KommoWrite> writes = new ArrayList<>();
        long sort = 20;
        for (Long id : wanted) {
            Stage s = open.stream().filter(x -> x.id() == id).findFirst().orElseThrow();
            if (s.sort() == null || s.sort() != sort) {
                Map<String, Object> before = new LinkedHashMap<>();
                before.put("name", s.name());
                before.put("sort", s.sort());
                writes.add(new ConfigWrites.UpdateStage(p.id(), id, null, null, sort, before));
            }
            sort += 10;
        }
        if (writes.isEmpty()) {
            throw refused("The stages are in that order already.");
        }
        List<String> order = wanted.stream().map(id -> open.stream().filter(x -> x.id() == id).findFirst()
                .orElseThrow().name()).toList();
        return Proposal.of("reorder the stages of \"" + p.name() + "\"", writes).state(state)
                .before(Map.of("order", names(p))).after(Map.of("order", order))
                .consequences(List.of(writes.size() + " stage(s) change position; leads stay in their stages."));
    }

    @Tool(name = "stages_delete", title = "Delete a stage", role = Roles.ADMIN, readOnly = false,
            destructive = true, governed = true, description = "Deletes an open stage (not won, lost or unsorted);"
                    + " Kommo moves its leads to the pipeline's first open stage, the plan says how many and where.")
    public Proposal<Applied> deleteStage(StageArgs a, Caller caller) {
        List<Pipeline> state = metadata.freshPipelines(caller);
        Pipeline p = pipeline(state, a.pipelineId());
        Stage s = editableStage(p, a.stageId());
        Stage first = p.stages().stream().filter(x -> editable(x) && x.id() != s.id()).findFirst().orElse(null);
        Map<String, Object> before = stageView(s);
        return Proposal.of("delete stage \"" + s.name() + "\" of \"" + p.name() + "\"",
                new ConfigWrites.DeleteStage(p.id(), s.id(), before)).state(state).before(before).consequences(() -> {
                    KommoCounts.Count leads = counts.leads(caller, p.id(), s.id());
                    List<String> consequences = new ArrayList<>();
                    if (first == null) {
                        if (!leads.none()) {
                            throw refused("\"" + s.name() + "\" is the only open stage of \"" + p.name()
                                    + "\" and holds " + leads + " leads; add another stage first, or move the leads.");
                        }
                        consequences.add("\"" + p.name() + "\" will have no open stage left.");
                    } else {
                        consequences.add(leads.none() ? "The stage holds no leads." : leads + " lead(s) in \""
                                + s.name() + "\" will move to \"" + first.name() + "\".");
                    }
                    consequences.addAll(requirementsIn(caller, r -> r.stageId() == s.id()
                            && r.pipelineId() == p.id()));
                    return consequences;
                });
    }

    // ---------------------------------------------------------------- helpers

    /** Lead fields whose requirement in the matching stages goes with them. */
    private List<String> requirementsIn(Caller caller, java.util.function.Predicate<FieldDef.RequiredIn> where) {
        List<String> out = new ArrayList<>();
        for (FieldDef f : metadata.freshFields(caller, EntityType.LEADS)) {
            if (f.requiredIn() != null && f.requiredIn().stream().anyMatch(where)) {
                out.add("Field \"" + f.name() + "\" is required there; that requirement goes.");
            }
        }
        return out;
    }

    private static String mainName(List<Pipeline> state) {
        return state.stream().filter(Pipeline::isMain).map(Pipeline::name).findFirst().orElse("none");
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
        existing.forEach(s -> seen.add(Names.fold(s.name())));
        for (NewStage s : stages) {
            String n = name(s == null ? null : s.name(), "stages[].name");
            if (seen.contains(Names.fold(n))) {
                throw refused("There would be two stages named \"" + n + "\" in the pipeline.");
            }
            seen.add(Names.fold(n));
            ConfigWrites.stageColor(s.color());
        }
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
        return a != null && b != null && Names.fold(a).equals(Names.fold(b));
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
