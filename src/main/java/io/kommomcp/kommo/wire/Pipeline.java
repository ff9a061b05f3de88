package io.kommomcp.kommo.wire;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import tools.jackson.databind.JsonNode;

/** A pipeline and its stages (Kommo calls them statuses), stages in Kommo's sort order. */
public record Pipeline(long id, String name, Long sort, boolean isMain, Boolean isUnsortedOn, Boolean isArchive,
        List<Stage> stages) {

    /** Stage type 1 is "unsorted"; ids 142 (won) and 143 (lost) exist in every pipeline. */
    public record Stage(long id, String name, Long sort, Boolean isEditable, long pipelineId, String color, int type) {

        public static final long WON = 142;
        public static final long LOST = 143;

        static Stage from(JsonNode n) {
            return new Stage(WireValues.longOr(n, "id", 0), WireValues.textOrNull(n, "name"),
                    WireValues.longOrNull(n, "sort"), WireValues.boolOrNull(n, "is_editable"),
                    WireValues.longOr(n, "pipeline_id", 0), WireValues.textOrNull(n, "color"),
                    (int) WireValues.longOr(n, "type", 0));
        }
    }

    public Optional<Stage> stage(long stageId) {
        return stages.stream().filter(s -> s.id() == stageId).findFirst();
    }

    public static Pipeline from(JsonNode n) {
        List<Stage> stages = WireValues.embedded(n, "statuses", Stage::from).stream()
                .sorted(Comparator.comparing((Stage s) -> s.sort() == null ? Long.MAX_VALUE : s.sort()))
                .toList();
        return new Pipeline(WireValues.longOr(n, "id", 0), WireValues.textOrNull(n, "name"),
                WireValues.longOrNull(n, "sort"), Boolean.TRUE.equals(WireValues.boolOrNull(n, "is_main")),
                WireValues.boolOrNull(n, "is_unsorted_on"), WireValues.boolOrNull(n, "is_archive"), stages);
    }
}
