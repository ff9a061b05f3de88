package io.kommomcp.sandbox;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.node.ObjectNode;

/**
 * The account's lead pipelines and each one's statuses (stages), in sort order (API.md §11): regular stages are
 * {@code type 0}, the unsorted stage {@code type 1}, and 142 (won) and 143 (lost) exist in every pipeline. The rules
 * for changing them are {@link PipelinesApi}'s and {@link StatusesApi}'s; this class only keeps them.
 */
final class PipelineStore {

    static final long WON = 142;
    static final long LOST = 143;

    private final Map<Long, ObjectNode> pipelines = new LinkedHashMap<>();
    private final Map<Long, List<ObjectNode>> statuses = new LinkedHashMap<>();

    /** Adds a pipeline with its statuses (kept in the given order). */
    void add(ObjectNode pipeline, List<ObjectNode> stages) {
        long id = pipeline.get("id").asLong();
        pipelines.put(id, pipeline);
        statuses.put(id, new ArrayList<>(stages));
    }

    boolean has(long pipelineId) {
        return pipelines.containsKey(pipelineId);
    }

    ObjectNode get(long pipelineId) {
        return pipelines.get(pipelineId);
    }

    List<Long> ids() {
        return new ArrayList<>(pipelines.keySet());
    }

    int size() {
        return pipelines.size();
    }

    void remove(long pipelineId) {
        pipelines.remove(pipelineId);
        statuses.remove(pipelineId);
    }

    /** Makes no pipeline main (before another becomes the main one). */
    void clearMain() {
        pipelines.values().forEach(p -> p.put("is_main", false));
    }

    /** The main pipeline (the first one, should none be marked). */
    ObjectNode main() {
        return pipelines.values().stream().filter(p -> p.get("is_main").asBoolean()).findFirst()
                .orElse(pipelines.values().iterator().next());
    }

    /** A pipeline's statuses, in order (a copy: change them through this class). */
    List<ObjectNode> statuses(long pipelineId) {
        return List.copyOf(statuses.get(pipelineId));
    }

    ObjectNode status(long pipelineId, long statusId) {
        return statuses.get(pipelineId).stream().filter(s -> s.get("id").asLong() == statusId).findFirst()
                .orElse(null);
    }

    boolean statusInPipeline(long pipelineId, long statusId) {
        List<ObjectNode> list = statuses.get(pipelineId);
        return list != null && list.stream().anyMatch(s -> s.get("id").asLong() == statusId);
    }

    /** A status's type: 0 regular, 1 unsorted. */
    int statusType(long pipelineId, long statusId) {
        ObjectNode s = status(pipelineId, statusId);
        return s == null ? 0 : s.get("type").asInt();
    }

    /** Adds a status at the end ({@code first}: at the start) without re-sorting. */
    void addStatus(long pipelineId, ObjectNode status, boolean first) {
        if (first) {
            statuses.get(pipelineId).add(0, status);
        } else {
            statuses.get(pipelineId).add(status);
        }
    }

    void removeStatus(long pipelineId, ObjectNode status) {
        statuses.get(pipelineId).remove(status);
    }

    void removeStatusesOfType(long pipelineId, int type) {
        statuses.get(pipelineId).removeIf(s -> s.get("type").asInt() == type);
    }

    void sortStatuses(long pipelineId) {
        statuses.get(pipelineId).sort(Comparator.comparingInt(s -> s.get("sort").asInt()));
    }

    /** The open (regular) stages of a pipeline: type 0, neither won nor lost. */
    List<Long> openStages(long pipelineId) {
        return statuses.get(pipelineId).stream().filter(s -> s.get("type").asInt() == 0
                && s.get("id").asLong() != WON && s.get("id").asLong() != LOST)
                .map(s -> s.get("id").asLong()).toList();
    }

    /** Where a new lead goes by default: the first open stage (won when there is none). */
    long firstOpenStatus(long pipelineId) {
        List<Long> open = openStages(pipelineId);
        return open.isEmpty() ? WON : open.get(0);
    }
}
