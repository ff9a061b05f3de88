package io.kommomcp.kommo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import io.kommomcp.core.ToolException;
import io.kommomcp.kommo.wire.Pipeline;
import tools.jackson.databind.JsonNode;

/**
 * Writes of the account's configuration, with Kommo's own limits (API.md §10, §11, §23): pipelines and their stages,
 * custom fields and field groups, loss reasons. A write that breaks one of those limits is refused when it is made,
 * before anything is sent. Each drops the cached schema it changes.
 */
public final class ConfigWrites {

    public static final int MAX_PIPELINES = 50;
    public static final int MAX_STAGES = 100;
    /** The 21 colours Kommo accepts for a stage. */
    public static final List<String> STAGE_PALETTE = List.of("#fffeb2", "#fffd7f", "#fff000", "#ffeab2", "#ffdc7f",
            "#ffce5a", "#ffdbdb", "#ffc8c8", "#ff8f92", "#d6eaff", "#c1e0ff", "#98cbff", "#ebffb1", "#deff81",
            "#87f2c0", "#f9deff", "#f3beff", "#ccc8f9", "#eb93ff", "#f2f3f4", "#e6e8ea");
    /**
     * Custom field types that can be created through the API on leads, contacts and companies (price, category and
     * items are catalog fields: Kommo refuses them there, API.md §10).
     */
    public static final List<String> FIELD_TYPES = List.of("text", "textarea", "numeric", "checkbox", "select",
            "multiselect", "radiobutton", "date", "date_time", "birthday", "url", "streetaddress", "monetary");
    /** Types whose values are options. */
    public static final Set<String> WITH_OPTIONS = Set.of("select", "multiselect", "radiobutton");

    private ConfigWrites() {
    }

    /** The palette colour {@code c} names (with or without '#', any case), the first one when blank. */
    public static String stageColor(String c) {
        if (c == null || c.isBlank()) {
            return STAGE_PALETTE.get(0);
        }
        String v = c.strip().toLowerCase(Locale.ROOT);
        if (!v.startsWith("#")) {
            v = "#" + v;
        }
        if (!STAGE_PALETTE.contains(v)) {
            throw new ToolException("Colour " + c + " is not one Kommo accepts for a stage. Use one of "
                    + String.join(" ", STAGE_PALETTE) + ". Nothing was changed.");
        }
        return v;
    }

    // ------------------------------------------------------------------ pipelines and stages

    /** A new open stage. */
    public record StageSpec(String name, String color, long sort) {

        public StageSpec {
            color = stageColor(color);
        }

        Map<String, Object> body() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("sort", sort);
            m.put("color", color);
            return m;
        }
    }

    /** A new pipeline with its open stages, and names for its won and lost stages (null: Kommo's). */
    public record NewPipeline(String name, long sort, boolean main, boolean unsortedOn, List<StageSpec> stages,
            String wonName, String lostName) {

        public NewPipeline {
            stages = List.copyOf(stages);
            int total = stages.size() + 2 + (unsortedOn ? 1 : 0);
            if (total > MAX_STAGES) {
                throw new ToolException("That makes " + total + " stages with won, lost" + (unsortedOn
                        ? " and unsorted" : "") + "; Kommo allows at most " + MAX_STAGES + " per pipeline. Nothing"
                        + " was changed.");
            }
        }

        Map<String, Object> body() {
            List<Map<String, Object>> statuses = new ArrayList<>();
            stages.forEach(s -> statuses.add(s.body()));
            if (wonName != null) {
                statuses.add(Map.of("id", Pipeline.Stage.WON, "name", wonName));
            }
            if (lostName != null) {
                statuses.add(Map.of("id", Pipeline.Stage.LOST, "name", lostName));
            }
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("name", name);
            b.put("sort", sort);
            b.put("is_main", main);
            b.put("is_unsorted_on", unsortedOn);
            b.put("_embedded", Map.of("statuses", statuses));
            return b;
        }
    }

    /** Creates a pipeline, refused when the account has Kommo's maximum already ({@code existing}). */
    public record CreatePipeline(NewPipeline pipeline, int existing) implements KommoWrite {

        public CreatePipeline {
            if (existing >= MAX_PIPELINES) {
                throw new ToolException("The account has " + existing + " pipelines, Kommo's maximum is "
                        + MAX_PIPELINES + ". Delete an unused pipeline first. Nothing was changed.");
            }
        }

        @Override
        public List<KommoRequest> requests(Function<IdRef, Object> ids) {
            return List.of(new KommoRequest("POST", "leads/pipelines", List.of(pipeline.body())));
        }

        @Override
        public Result result(List<JsonNode> answers) {
            return RecordWrites.created("pipeline", "pipelines", answers, List.of(pipeline.body()));
        }

        @Override
        public Set<MetadataKey> invalidates() {
            return Set.of(MetadataKey.PIPELINES);
        }
    }

    /** Changes a pipeline; null fields stay. */
    public record UpdatePipeline(long id, String name, Long sort, Boolean main, Boolean unsortedOn,
            Map<String, Object> before) implements KommoWrite {

        Map<String, Object> body() {
            Map<String, Object> b = new LinkedHashMap<>();
            RecordWrites.put(b, "name", name);
            RecordWrites.put(b, "sort", sort);
            RecordWrites.put(b, "is_main", main);
            RecordWrites.put(b, "is_unsorted_on", unsortedOn);
            return b;
        }

        @Override
        public List<KommoRequest> requests(Function<IdRef, Object> ids) {
            return List.of(new KommoRequest("PATCH", "leads/pipelines/" + id, body()));
        }

        /** The pipeline as it will be. */
        public Map<String, Object> after() {
            return merged(before, body());
        }

        @Override
        public Result result(List<JsonNode> answers) {
            return one("pipeline", id, answers, before, after());
        }

        @Override
        public Set<MetadataKey> invalidates() {
            return Set.of(MetadataKey.PIPELINES);
        }
    }

    /** Deletes a pipeline with its stages (lead fields' requirements in them go too). */
    public record DeletePipeline(long id, Map<String, Object> before) implements KommoWrite {

        @Override
        public List<KommoRequest> requests(Function<IdRef, Object> ids) {
            return List.of(new KommoRequest("DELETE", "leads/pipelines/" + id, null));
        }

        @Override
        public Result result(List<JsonNode> answers) {
            return one("pipeline", id, answers, before, null);
        }

        @Override
        public Set<MetadataKey> invalidates() {
            return Set.of(MetadataKey.PIPELINES, MetadataKey.fields(EntityType.LEADS));
        }
    }

    /** Adds open stages to a pipeline that has {@code existing} stages, in one request. */
    public record CreateStages(long pipelineId, List<StageSpec> stages, int existing) implements KommoWrite {

        public CreateStages {
            stages = List.copyOf(stages);
            if (existing + stages.size() > MAX_STAGES) {
                throw new ToolException("The pipeline has " + existing + " stages; adding " + stages.size()
                        + " exceeds Kommo's maximum of " + MAX_STAGES + " per pipeline. Nothing was changed.");
            }
        }

        @Override
        public List<KommoRequest> requests(Function<IdRef, Object> ids) {
            return List.of(new KommoRequest("POST", "leads/pipelines/" + pipelineId + "/statuses", stages.stream()
                    .map(StageSpec::body).toList()));
        }

        @Override
        public Result result(List<JsonNode> answers) {
            return RecordWrites.created("stage", "statuses", answers, stages.stream().map(StageSpec::body).toList());
        }

        @Override
        public Set<MetadataKey> invalidates() {
            return Set.of(MetadataKey.PIPELINES);
        }
    }

    /** Changes a stage's name, colour or position; null fields stay. */
    public record UpdateStage(long pipelineId, long stageId, String name, String color, Long sort,
            Map<String, Object> before) implements KommoWrite {

        public UpdateStage {
            color = color == null ? null : stageColor(color);
        }

        Map<String, Object> body() {
            Map<String, Object> b = new LinkedHashMap<>();
            RecordWrites.put(b, "name", name);
            RecordWrites.put(b, "color", color);
            RecordWrites.put(b, "sort", sort);
            return b;
        }

        @Override
        public List<KommoRequest> requests(Function<IdRef, Object> ids) {
            return List.of(new KommoRequest("PATCH", "leads/pipelines/" + pipelineId + "/statuses/" + stageId,
                    body()));
        }

        @Override
        public Result result(List<JsonNode> answers) {
            return one("stage", stageId, answers, before, after());
        }

        /** The stage as it will be. */
        public Map<String, Object> after() {
            return merged(before, body());
        }

        @Override
        public Set<MetadataKey> invalidates() {
            return Set.of(MetadataKey.PIPELINES);
        }
    }

    /** Deletes an open stage; Kommo moves its leads to the pipeline's first open stage. */
    public record DeleteStage(long pipelineId, long stageId, Map<String, Object> before) implements KommoWrite {

        @Override
        public List<KommoRequest> requests(Function<IdRef, Object> ids) {
            return List.of(new KommoRequest("DELETE", "leads/pipelines/" + pipelineId + "/statuses/" + stageId,
                    null));
        }

        @Override
        public Result result(List<JsonNode> answers) {
            return one("stage", stageId, answers, before, null);
        }

        @Override
        public Set<MetadataKey> invalidates() {
            return Set.of(MetadataKey.PIPELINES, MetadataKey.fields(EntityType.LEADS));
        }
    }

    // ------------------------------------------------------------------ custom fields and groups

    /** A stage of a pipeline, where a lead field is required or hidden. */
    public record StageRef(long pipelineId, long stageId) {

        Map<String, Object> body() {
            return Map.of("pipeline_id", pipelineId, "status_id", stageId);
        }
    }

    /** An option of a select-like field: an existing one by id (renamed or kept), or a new one (id null). */
    public record OptionSpec(Long id, String value, int sort) {

        Map<String, Object> body() {
            Map<String, Object> m = new LinkedHashMap<>();
            RecordWrites.put(m, "id", id);
            m.put("value", value);
            m.put("sort", sort);
            return m;
        }
    }

    /** A new custom field; options only for select-like types; stages only for lead fields. */
    public record NewField(String name, String type, String code, String groupId, List<OptionSpec> options,
            List<StageRef> requiredIn, List<StageRef> hiddenIn) {

        public NewField {
            options = options == null ? List.of() : List.copyOf(options);
            requiredIn = requiredIn == null ? List.of() : List.copyOf(requiredIn);
            hiddenIn = hiddenIn == null ? List.of() : List.copyOf(hiddenIn);
            if (!FIELD_TYPES.contains(type)) {
                throw new ToolException("type '" + type + "' cannot be created; use one of " + String.join(", ",
                        FIELD_TYPES) + ". Nothing was changed.");
            }
            if (WITH_OPTIONS.contains(type) == options.isEmpty()) {
                throw new ToolException(WITH_OPTIONS.contains(type) ? "A " + type + " field needs options: give them"
                        + " in options. Nothing was changed." : "A " + type + " field has no options; leave options"
                                + " out or use select. Nothing was changed.");
            }
        }

        Map<String, Object> body() {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("name", name);
            b.put("type", type);
            RecordWrites.put(b, "code", code);
            RecordWrites.put(b, "group_id", groupId);
            if (!options.isEmpty()) {
                b.put("enums", options.stream().map(OptionSpec::body).toList());
            }
            if (!requiredIn.isEmpty()) {
                b.put("required_statuses", requiredIn.stream().map(StageRef::body).toList());
            }
            if (!hiddenIn.isEmpty()) {
                b.put("hidden_statuses", hiddenIn.stream().map(StageRef::body).toList());
            }
            return b;
        }
    }

    /** Creates a custom field of leads, contacts or companies. */
    public record CreateField(EntityType entity, NewField field) implements KommoWrite {

        public CreateField {
            if (entity != EntityType.LEADS && (!field.requiredIn().isEmpty() || !field.hiddenIn().isEmpty())) {
                throw new ToolException("Only lead fields can be required or hidden in stages. Nothing was"
                        + " changed.");
            }
        }

        @Override
        public List<KommoRequest> requests(Function<IdRef, Object> ids) {
            return List.of(new KommoRequest("POST", entity.path() + "/custom_fields", List.of(field.body())));
        }

        @Override
        public Result result(List<JsonNode> answers) {
            return RecordWrites.created("field", "custom_fields", answers, List.of(field.body()));
        }

        @Override
        public Set<MetadataKey> invalidates() {
            return Set.of(MetadataKey.fields(entity), MetadataKey.fieldGroups(entity));
        }
    }

    /** A value that may be set, cleared or left alone: null means left alone. */
    public record Patch<T>(T value) {

        public static <T> Patch<T> set(T value) {
            return new Patch<>(value);
        }

        public static <T> Patch<T> cleared() {
            return new Patch<>(null);
        }
    }

    /**
     * Changes a custom field: null components stay. {@code options} replaces the whole list (Kommo erases values of
     * options left out); stages lists replace theirs.
     */
    public record UpdateField(EntityType entity, long id, String name, Patch<String> code, Patch<String> groupId,
            List<OptionSpec> options, List<StageRef> requiredIn, List<StageRef> hiddenIn, Map<String, Object> before)
            implements KommoWrite {

        public UpdateField {
            if (options != null && options.isEmpty()) {
                throw new ToolException("A select-like field keeps at least one option. Nothing was changed.");
            }
        }

        Map<String, Object> body() {
            Map<String, Object> b = new LinkedHashMap<>();
            RecordWrites.put(b, "name", name);
            if (code != null) {
                b.put("code", code.value());
            }
            if (groupId != null) {
                b.put("group_id", groupId.value());
            }
            if (options != null) {
                b.put("enums", options.stream().map(OptionSpec::body).toList());
            }
            if (requiredIn != null) {
                b.put("required_statuses", requiredIn.stream().map(StageRef::body).toList());
            }
            if (hiddenIn != null) {
                b.put("hidden_statuses", hiddenIn.stream().map(StageRef::body).toList());
            }
            return b;
        }

        @Override
        public List<KommoRequest> requests(Function<IdRef, Object> ids) {
            return List.of(new KommoRequest("PATCH", entity.path() + "/custom_fields/" + id, body()));
        }

        @Override
        public Result result(List<JsonNode> answers) {
            return one("field", id, answers, before, after());
        }

        /** The field as it will be. */
        public Map<String, Object> after() {
            return merged(before, body());
        }

        @Override
        public Set<MetadataKey> invalidates() {
            return Set.of(MetadataKey.fields(entity), MetadataKey.fieldGroups(entity));
        }
    }

    /** Deletes a custom field, erasing its values on every record. */
    public record DeleteField(EntityType entity, long id, Map<String, Object> before) implements KommoWrite {

        @Override
        public List<KommoRequest> requests(Function<IdRef, Object> ids) {
            return List.of(new KommoRequest("DELETE", entity.path() + "/custom_fields/" + id, null));
        }

        @Override
        public Result result(List<JsonNode> answers) {
            return one("field", id, answers, before, null);
        }

        @Override
        public Set<MetadataKey> invalidates() {
            return Set.of(MetadataKey.fields(entity), MetadataKey.fieldGroups(entity));
        }
    }

    /** Creates a field group (a tab of fields). */
    public record CreateFieldGroup(EntityType entity, String name, int sort) implements KommoWrite {

        Map<String, Object> body() {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("name", name);
            b.put("sort", sort);
            return b;
        }

        @Override
        public List<KommoRequest> requests(Function<IdRef, Object> ids) {
            return List.of(new KommoRequest("POST", entity.path() + "/custom_fields/groups", List.of(body())));
        }

        @Override
        public Result result(List<JsonNode> answers) {
            List<Written> written = new ArrayList<>();
            for (JsonNode a : answers) {
                for (JsonNode g : io.kommomcp.kommo.wire.WireValues.embedded(a, "custom_field_groups", n -> n)) {
                    written.add(new Written("field_group", g.path("id").asString(), null, body()));
                }
            }
            return new Result(List.of(), written); // group ids are strings
        }

        @Override
        public Set<MetadataKey> invalidates() {
            return Set.of(MetadataKey.fieldGroups(entity));
        }
    }

    /** Renames a field group. */
    public record RenameFieldGroup(EntityType entity, String id, String name, Map<String, Object> before)
            implements KommoWrite {

        @Override
        public List<KommoRequest> requests(Function<IdRef, Object> ids) {
            return List.of(new KommoRequest("PATCH", entity.path() + "/custom_fields/groups/" + id, Map.of("name",
                    name)));
        }

        @Override
        public Result result(List<JsonNode> answers) {
            return new Result(List.of(), answers.isEmpty() ? List.of() : List.of(new Written("field_group", id,
                    before, merged(before, Map.of("name", name)))));
        }

        @Override
        public Set<MetadataKey> invalidates() {
            return Set.of(MetadataKey.fieldGroups(entity));
        }
    }

    /** Deletes a field group; its fields move to the default group. */
    public record DeleteFieldGroup(EntityType entity, String id, Map<String, Object> before) implements KommoWrite {

        @Override
        public List<KommoRequest> requests(Function<IdRef, Object> ids) {
            return List.of(new KommoRequest("DELETE", entity.path() + "/custom_fields/groups/" + id, null));
        }

        @Override
        public Result result(List<JsonNode> answers) {
            return new Result(List.of(), answers.isEmpty() ? List.of() : List.of(new Written("field_group", id,
                    before, null)));
        }

        @Override
        public Set<MetadataKey> invalidates() {
            return Set.of(MetadataKey.fieldGroups(entity), MetadataKey.fields(entity));
        }
    }

    // ------------------------------------------------------------------ loss reasons

    /** Adds a loss reason. */
    public record CreateLossReason(String name) implements KommoWrite {

        @Override
        public List<KommoRequest> requests(Function<IdRef, Object> ids) {
            return List.of(new KommoRequest("POST", "leads/loss_reasons", List.of(Map.of("name", name))));
        }

        @Override
        public Result result(List<JsonNode> answers) {
            return RecordWrites.created("loss_reason", "loss_reasons", answers, List.of(Map.of("name", name)));
        }

        @Override
        public Set<MetadataKey> invalidates() {
            return Set.of(MetadataKey.LOSS_REASONS);
        }
    }

    /** Removes a loss reason. */
    public record DeleteLossReason(long id, Map<String, Object> before) implements KommoWrite {

        @Override
        public List<KommoRequest> requests(Function<IdRef, Object> ids) {
            return List.of(new KommoRequest("DELETE", "leads/loss_reasons/" + id, null));
        }

        @Override
        public Result result(List<JsonNode> answers) {
            return one("loss_reason", id, answers, before, null);
        }

        @Override
        public Set<MetadataKey> invalidates() {
            return Set.of(MetadataKey.LOSS_REASONS);
        }
    }

    // ------------------------------------------------------------------ shared

    private static KommoWrite.Result one(String target, long id, List<JsonNode> answers, Map<String, Object> before,
            Map<String, Object> after) {
        // a DELETE answers nothing: one attempt that did not throw landed
        return new KommoWrite.Result(List.of(), answers.isEmpty() ? List.of() : List.of(new Written(target, String.valueOf(id),
                before, after)));
    }

    private static Map<String, Object> merged(Map<String, Object> before, Map<String, Object> body) {
        Map<String, Object> m = before == null ? new LinkedHashMap<>() : new LinkedHashMap<>(before);
        m.putAll(body);
        return m;
    }
}
