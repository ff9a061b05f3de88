package io.kommomcp.tools.fields;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.kommomcp.core.Caller;
import io.kommomcp.core.ToolException;
import io.kommomcp.kommo.EntityType;
import io.kommomcp.kommo.FieldValue;
import io.kommomcp.kommo.KommoCrm;
import io.kommomcp.kommo.RecordWrites.SetFields;
import io.kommomcp.kommo.KommoMetadata;
import io.kommomcp.kommo.KommoParties;
import io.kommomcp.kommo.wire.CustomFieldValue;
import io.kommomcp.kommo.wire.FieldDef;
import io.kommomcp.kommo.wire.Lead;
import io.kommomcp.kommo.wire.Pipeline;
import io.kommomcp.tools.common.Entity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Custom field values of leads, contacts and companies: written by field id, code or name with per-type checks
 * ({@link FieldWriter}), all or nothing in one Kommo request; and the fields a lead must have before a stage.
 */
@ApplicationScoped
public class CustomFields {

    @Inject
    KommoMetadata metadata;

    @Inject
    KommoCrm crm;

    @Inject
    KommoParties parties;

    /** The write of some fields of one record, with their values before and after by field name. */
    public record Change(SetFields write, Map<String, Object> before, Map<String, Object> after) {
    }

    /** A lead's fields that a stage requires, and which of them are empty. */
    public record Requirement(Pipeline pipeline, Pipeline.Stage stage, List<FieldDef> required,
            List<FieldDef> missing) {
    }

    /**
     * The write of {@code values} (a field id, code or name to a value; null or empty clears the field), every value
     * checked first: one that is wrong refuses the whole change. One request when applied.
     */
    public Change set(Caller caller, Entity entity, long id, Map<String, Object> values) {
        if (values == null || values.isEmpty()) {
            throw new ToolException("Give at least one field in 'values', e.g. {\"Lead source\": \"Referral\"}.");
        }
        List<FieldDef> defs = metadata.fields(caller, entity.kommo());
        Map<FieldDef, Object> resolved = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            FieldDef def = FieldWriter.resolve(defs, entity.singular(), e.getKey());
            if (resolved.containsKey(def)) {
                throw new ToolException("'" + def.name() + "' is given twice.");
            }
            resolved.put(def, e.getValue());
        }
        List<FieldValue> writes = new ArrayList<>();
        resolved.forEach((def, v) -> writes.add(FieldWriter.write(def, v)));
        List<CustomFieldValue> current = current(caller, entity, id);
        Map<String, Object> before = new LinkedHashMap<>();
        Map<String, Object> after = new LinkedHashMap<>();
        for (Map.Entry<FieldDef, Object> e : resolved.entrySet()) {
            FieldDef def = e.getKey();
            before.put(def.name(), shown(current.stream().filter(v -> v.fieldId() == def.id()).findFirst()));
            after.put(def.name(), e.getValue());
        }
        return new Change(new SetFields(entity.kommo(), id, writes, before), before, after);
    }

    /** The fields required before {@code stageId} of the pipeline, and which the lead has not filled. */
    public Requirement required(Caller caller, Lead lead, long pipelineId, long stageId) {
        List<Pipeline> pipelines = metadata.pipelines(caller);
        Pipeline p = pipelines.stream().filter(x -> x.id() == pipelineId).findFirst()
                .orElseThrow(() -> new ToolException("There is no pipeline with id " + pipelineId + "."));
        Pipeline.Stage stage = p.stage(stageId).orElseThrow(() -> new ToolException("Stage " + stageId
                + " is not in pipeline \"" + p.name() + "\". Its stages are: " + String.join(", ", p.stages().stream()
                        .map(s -> s.name() + " (" + s.id() + ")").toList()) + "."));
        List<FieldDef> required = metadata.fields(caller, EntityType.LEADS).stream().filter(d -> d.requiredIn().stream()
                .anyMatch(r -> r.pipelineId() == pipelineId && r.stageId() == stageId)).toList();
        List<FieldDef> missing = required.stream().filter(d -> lead.customFields().stream()
                .noneMatch(v -> v.fieldId() == d.id() && v.values().stream().anyMatch(FieldWriterSupport::filled)))
                .toList();
        return new Requirement(p, stage, required, missing);
    }

    private List<CustomFieldValue> current(Caller caller, Entity entity, long id) {
        Optional<List<CustomFieldValue>> values = switch (entity) {
            case leads -> crm.lead(caller, id).map(Lead::customFields);
            case contacts -> parties.contact(caller, id).map(c -> c.customFields());
            case companies -> parties.company(caller, id).map(c -> c.customFields());
        };
        return values.orElseThrow(() -> new ToolException("There is no " + entity.singular() + " with id " + id
                + "."));
    }

    private static Object shown(Optional<CustomFieldValue> v) {
        if (v.isEmpty()) {
            return null;
        }
        List<String> texts = v.get().values().stream().map(i -> i.value() != null ? i.value()
                : i.enumCode() != null ? i.enumCode() : String.valueOf(i.enumId())).toList();
        return texts.size() == 1 ? texts.get(0) : texts;
    }

    /** Whether a stored value counts as filled. */
    static final class FieldWriterSupport {

        private FieldWriterSupport() {
        }

        static boolean filled(CustomFieldValue.Item i) {
            return (i.value() != null && !i.value().isBlank() && !i.value().equals("false")) || i.enumId() != null;
        }
    }
}
