package io.kommomcp.analytics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.kommomcp.kommo.wire.Pipeline;

/**
 * The account's pipelines and their stages in Kommo's order, as the figures need them: each stage's rank (its place
 * in its pipeline, won after every open stage) and kind. Won (142) and lost (143) exist in every pipeline and are
 * known by pipeline and id together.
 */
public final class StageCatalog {

    /** What a stage is for the figures. */
    public enum Kind {
        unsorted, open, won, lost;

        public boolean closed() {
            return this == won || this == lost;
        }
    }

    /** A stage of a pipeline; {@code rank} orders the stages of one pipeline. */
    public record Stage(long pipelineId, long stageId, String name, int rank, Kind kind) {
    }

    private final Map<Long, String> pipelineNames = new LinkedHashMap<>();
    private final Map<Long, List<Stage>> byPipeline = new LinkedHashMap<>();
    private final Long main;

    private StageCatalog(List<Pipeline> pipelines) {
        for (Pipeline p : pipelines) {
            pipelineNames.put(p.id(), p.name());
            List<Stage> stages = new ArrayList<>();
            int rank = 0;
            for (Pipeline.Stage s : p.stages()) {
                Kind kind = s.id() == Pipeline.Stage.WON ? Kind.won : s.id() == Pipeline.Stage.LOST ? Kind.lost
                        : s.type() == 1 ? Kind.unsorted : Kind.open;
                stages.add(new Stage(p.id(), s.id(), s.name(), rank++, kind));
            }
            byPipeline.put(p.id(), List.copyOf(stages));
        }
        this.main = pipelines.stream().filter(Pipeline::isMain).map(Pipeline::id).findFirst()
                .orElse(pipelines.isEmpty() ? null : pipelines.get(0).id());
    }

    public static StageCatalog of(List<Pipeline> pipelines) {
        return new StageCatalog(pipelines);
    }

    /** The main pipeline (the first one when none is marked main); null for an account without pipelines. */
    public Long mainPipeline() {
        return main;
    }

    public boolean hasPipeline(long id) {
        return byPipeline.containsKey(id);
    }

    public List<Long> pipelineIds() {
        return List.copyOf(byPipeline.keySet());
    }

    public String pipelineName(long id) {
        return pipelineNames.get(id);
    }

    /** Every stage of the pipeline in order (unsorted, open stages, won, lost). */
    public List<Stage> stages(long pipelineId) {
        return byPipeline.getOrDefault(pipelineId, List.of());
    }

    /** The stages a lead works through before it is closed (unsorted and open), in order. */
    public List<Stage> workingStages(long pipelineId) {
        return stages(pipelineId).stream().filter(s -> !s.kind().closed()).toList();
    }

    public Optional<Stage> stage(long pipelineId, long stageId) {
        return stages(pipelineId).stream().filter(s -> s.stageId() == stageId).findFirst();
    }

    /** The stage's name, or its id when the pipeline has no such stage (any more). */
    public String stageName(long pipelineId, long stageId) {
        return stage(pipelineId, stageId).map(Stage::name).orElse("stage " + stageId);
    }

    /** Every stage, for SQL: pipeline ids, stage ids, ranks and kinds in parallel arrays. */
    List<Stage> all() {
        List<Stage> out = new ArrayList<>();
        byPipeline.values().forEach(out::addAll);
        return out;
    }
}
