package io.kommomcp.tools.fields;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.kommomcp.core.Caller;
import io.kommomcp.core.Describe;
import io.kommomcp.core.Rendered;
import io.kommomcp.core.Tool;
import io.kommomcp.core.ToolException;
import io.kommomcp.core.ToolSet;
import io.kommomcp.governance.Proposal;
import io.kommomcp.kommo.KommoCrm;
import io.kommomcp.kommo.KommoMetadata;
import io.kommomcp.kommo.KommoMetadata.FieldGroup;
import io.kommomcp.kommo.wire.FieldDef;
import io.kommomcp.kommo.wire.Lead;
import io.kommomcp.kommo.wire.Pipeline;
import io.kommomcp.security.Roles;
import io.kommomcp.tools.common.Entity;
import io.kommomcp.tools.fields.CustomFields.Requirement;
import io.kommomcp.tools.fields.CustomFields.Change;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Custom fields: what each entity type has, writing values by name, and what a stage requires. */
@ToolSet
@ApplicationScoped
public class FieldTools {

    @Inject
    KommoMetadata metadata;

    @Inject
    KommoCrm crm;

    @Inject
    CustomFields fields;

    public record ListArgs(
            @Describe(required = true) Entity entityType,
            @Describe("Only this type, e.g. text, numeric, select, multiselect, date, multitext.") String type) {
    }

    public record SetArgs(
            @Describe(required = true) Entity entityType,
            @Describe(required = true, min = 1) Long entityId,
            @Describe(value = "Field name, code or id to value: text, number, true/false, date, option text, a list"
                    + " of options or of phones/e-mails ({value, kind}); null or empty clears.", required = true)
            Map<String, Object> values) {
    }

    public record RequiredArgs(
            @Describe(required = true, min = 1) Long leadId,
            @Describe(value = "The target stage.", required = true, min = 1) Long stageId,
            @Describe(value = "Default: the lead's.", min = 1) Long pipelineId) {
    }

    public record StageRef(long pipelineId, String pipelineName, long stageId, String stageName) {
    }

    public record FieldInfo(long id, String name, String type, String code, String group, List<String> options,
            List<StageRef> requiredIn, boolean writable, boolean predefined) {
    }

    public record FieldList(String entityType, List<FieldInfo> fields) implements Rendered {

        @Override
        public String toText() {
            if (fields.isEmpty()) {
                return "No " + entityType + " fields match.";
            }
            StringBuilder sb = new StringBuilder("Custom fields of " + entityType + ":");
            fields.forEach(f -> sb.append("\n- ").append(f.name()).append(" (").append(f.type()).append(", id ")
                    .append(f.id()).append(f.code() == null ? "" : ", code " + f.code()).append(')')
                    .append(f.group() == null ? "" : " in \"" + f.group() + "\"")
                    .append(f.options().isEmpty() ? "" : ": " + String.join(" | ", f.options()))
                    .append(f.requiredIn().isEmpty() ? "" : "; required before " + String.join(", ", f.requiredIn()
                            .stream().map(s -> "\"" + s.stageName() + "\" (" + s.pipelineName() + ")").toList()))
                    .append(f.writable() ? "" : "; not writable here"));
            return sb.toString();
        }
    }

    public record FieldsSet(String entityType, long entityId, Map<String, Object> before, Map<String, Object> after)
            implements Rendered {

        @Override
        public String toText() {
            return "Set on " + entityType + " " + entityId + ": " + String.join("; ", after.entrySet().stream()
                    .map(e -> e.getKey() + " = " + e.getValue() + " (was " + before.get(e.getKey()) + ")").toList())
                    + ".";
        }
    }

    public record StageRequirements(long leadId, StageRef stage, List<String> required, List<String> missing)
            implements Rendered {

        @Override
        public String toText() {
            String target = "\"" + stage.stageName() + "\" of \"" + stage.pipelineName() + "\"";
            if (required.isEmpty()) {
                return "No fields are required before " + target + ".";
            }
            return missing.isEmpty() ? "Lead " + leadId + " has every field " + target + " requires ("
                    + String.join(", ", required) + ")."
                    : "Before lead " + leadId + " can move to " + target + ", fill: " + String.join(", ", missing)
                            + " (use set_lead_fields).";
        }
    }

    @Tool(name = "fields_list", title = "List custom fields", role = Roles.READER, readOnly = true,
            description = "Custom fields of leads, contacts or companies: id, name, type, code, group, options (and"
                    + " phone and e-mail kinds) and the stages that require a lead field.")
    public FieldList list(ListArgs a, Caller caller) {
        List<FieldDef> defs = metadata.fields(caller, a.entityType().kommo());
        List<FieldGroup> groups = metadata.fieldGroups(caller, a.entityType().kommo());
        List<Pipeline> pipelines = a.entityType() == Entity.leads ? metadata.pipelines(caller) : List.of();
        String type = a.type() == null || a.type().isBlank() ? null
                : a.type().strip().toLowerCase(java.util.Locale.ROOT);
        return new FieldList(a.entityType().name(), defs.stream().filter(d -> type == null || type.equals(d.type()))
                .map(d -> new FieldInfo(d.id(), d.name(), d.type(), d.code(), groups.stream()
                        .filter(g -> Objects.equals(g.id(), d.groupId())).map(FieldGroup::name).findFirst()
                        .orElse(null), d.options().stream().map(FieldDef.Option::value).toList(),
                        d.requiredIn().stream().map(r -> stageRef(pipelines, r.pipelineId(), r.stageId())).toList(),
                        FieldWriter.WRITABLE.contains(d.type()), Boolean.TRUE.equals(d.predefined())))
                .toList());
    }

    @Tool(name = "fields_set", title = "Set custom field values", role = Roles.WRITER, readOnly = false,
            idempotent = true,
            description = "Sets custom fields of a lead, contact or company (fields_list); values are checked by"
                    + " field type, options match ignoring case and accents. All are written or none.")
    public Proposal<FieldsSet> set(SetArgs a, Caller caller) {
        Change c = fields.set(caller, a.entityType(), a.entityId(), a.values());
        return Proposal.of("set fields of " + a.entityType().singular() + " " + a.entityId(), c.write()).then(
                done -> new FieldsSet(a.entityType().singular(), a.entityId(), c.before(), c.after()));
    }

    @Tool(name = "fields_required_for_stage", title = "Fields a stage requires", role = Roles.READER,
            readOnly = true,
            description = "Which custom fields a stage requires and which of them a lead has not filled yet; check"
                    + " before leads_move.")
    public StageRequirements required(RequiredArgs a, Caller caller) {
        Lead lead = crm.lead(caller, a.leadId()).orElseThrow(() -> new ToolException("There is no lead with id "
                + a.leadId() + "."));
        long pipelineId = a.pipelineId() != null ? a.pipelineId() : lead.pipelineId();
        Requirement r = fields.required(caller, lead, pipelineId, a.stageId());
        return new StageRequirements(lead.id(), new StageRef(r.pipeline().id(), r.pipeline().name(),
                r.stage().id(), r.stage().name()), r.required().stream().map(FieldDef::name).toList(),
                r.missing().stream().map(FieldDef::name).toList());
    }

    private static StageRef stageRef(List<Pipeline> pipelines, long pipelineId, long stageId) {
        Pipeline p = pipelines.stream().filter(x -> x.id() == pipelineId).findFirst().orElse(null);
        String stage = p == null ? null : p.stage(stageId).map(Pipeline.Stage::name).orElse(null);
        return new StageRef(pipelineId, p == null ? null : p.name(), stageId, stage);
    }
}
