package io.kommomcp.tools.admin;

import static io.kommomcp.tools.admin.PipelineAdminTools.name;
import static io.kommomcp.tools.admin.PipelineAdminTools.refused;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.kommomcp.tools.common.Names;
import io.kommomcp.core.Caller;
import io.kommomcp.core.Describe;
import io.kommomcp.core.Tool;
import io.kommomcp.core.ToolSet;
import io.kommomcp.governance.Proposal;
import io.kommomcp.kommo.Applied;
import io.kommomcp.kommo.ConfigWrites;
import io.kommomcp.kommo.ConfigWrites.OptionSpec;
import io.kommomcp.kommo.ConfigWrites.Patch;
import io.kommomcp.kommo.EntityType;
import io.kommomcp.kommo.KommoCounts;
import io.kommomcp.kommo.KommoMetadata;
import io.kommomcp.kommo.KommoMetadata.FieldGroup;
import io.kommomcp.kommo.wire.FieldDef;
import io.kommomcp.kommo.wire.Pipeline;
import io.kommomcp.security.Roles;
import io.kommomcp.tools.common.Entity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Custom fields of leads, contacts and companies, their options and their groups, changed the governed way: each call
 * proposes the change; its plan names what it costs (values erased, counted; stages that require the field).
 * Predefined fields (phone, e-mail, ...) cannot be deleted, renamed or given other options. Kommo's field types and
 * option rules live with the writes ({@link ConfigWrites}).
 */
@ToolSet
@ApplicationScoped
public class FieldAdminTools {

    @Inject
    KommoMetadata metadata;

    @Inject
    KommoCounts counts;

    public record StageRef(
            @Describe(required = true, min = 1) Long pipelineId,
            @Describe(required = true, min = 1) Long stageId) {
    }

    public record CreateFieldArgs(
            @Describe(required = true) Entity entityType,
            @Describe(required = true) String name,
            @Describe(value = "text, numeric, checkbox, select, multiselect, date, url, textarea, radiobutton,"
                    + " streetaddress, birthday, date_time, monetary.", required = true)
            String type,
            @Describe("For select, multiselect and radiobutton, in order.") List<String> options,
            @Describe("Letters, digits and _.") String code,
            String groupId,
            @Describe("Leads only: stages a lead enters only with it filled.")
            List<StageRef> requiredInStages,
            @Describe("Leads only: stages where it is hidden.") List<StageRef> hiddenInStages) {
    }

    public record OptionRename(
            @Describe(value = "Its current text or id.", required = true) String option,
            @Describe(required = true) String to) {
    }

    public record UpdateFieldArgs(
            @Describe(required = true) Entity entityType,
            @Describe(required = true, min = 1) Long fieldId,
            String name,
            @Describe("Empty text clears it.") String code,
            List<String> addOptions,
            @Describe("Values on records follow the new text.") List<OptionRename> renameOptions,
            @Describe("Text or id; their values are erased from every record.")
            List<String> removeOptions,
            @Describe("Empty text: the default group.")
            String groupId,
            @Describe("Leads only: the complete new list (empty: none).")
            List<StageRef> requiredInStages,
            @Describe("Leads only: the complete new list (empty: none).")
            List<StageRef> hiddenInStages) {
    }

    public record FieldArgs(
            @Describe(required = true) Entity entityType,
            @Describe(required = true, min = 1) Long fieldId) {
    }

    public record GroupArgs(
            @Describe(required = true) Entity entityType,
            String groupId,
            String name) {
    }

    // ---------------------------------------------------------------- fields

    @Tool(name = "fields_create", title = "Create a custom field", role = Roles.ADMIN, readOnly = false,
            governed = true, description = "Adds a custom field to leads, contacts or companies.")
    public Proposal<Applied> createField(CreateFieldArgs a, Caller caller) {
        EntityType entity = a.entityType().kommo();
        List<FieldDef> state = metadata.freshFields(caller, entity);
        String name = name(a.name(), "name");
        String type = a.type() == null ? "" : a.type().strip().toLowerCase(Locale.ROOT);
        state.stream().filter(f -> same(f.name(), name)).findFirst().ifPresent(f -> {
            throw refused(entity.path() + " already have a field \"" + f.name() + "\" (id " + f.id() + ").");
        });
        List<String> texts = a.options() == null ? List.of() : a.options().stream().map(o -> name(o, "options[]"))
                .toList();
        distinct(texts);
        List<OptionSpec> options = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            options.add(new OptionSpec(null, texts.get(i), (i + 1) * 10));
        }
        String code = a.code() != null && !a.code().isBlank() ? code(a.code()) : null;
        String group = a.groupId() != null && !a.groupId().isBlank() ? group(caller, entity, a.groupId()).id() : null;
        Consequences consequences = new Consequences();
        List<Pipeline> pipelines = List.of();
        List<ConfigWrites.StageRef> required = List.of();
        List<ConfigWrites.StageRef> hidden = List.of();
        if (a.requiredInStages() != null && !a.requiredInStages().isEmpty()) {
            pipelines = metadata.freshPipelines(caller);
            required = required(caller, entity, null, a.requiredInStages(), pipelines, consequences);
        }
        if (a.hiddenInStages() != null && !a.hiddenInStages().isEmpty()) {
            pipelines = pipelines.isEmpty() ? metadata.freshPipelines(caller) : pipelines;
            hidden = hidden(entity, a.hiddenInStages(), required, pipelines, consequences);
        }
        ConfigWrites.CreateField write = new ConfigWrites.CreateField(entity, new ConfigWrites.NewField(name, type,
                code, group, options, required, hidden));
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("name", name);
        after.put("type", type);
        after.put("code", code);
        after.put("group_id", group);
        after.put("options", texts);
        return Proposal.of("create " + type + " field \"" + name + "\" on " + entity.path(), write)
                .state(List.of(state, pipelines)).after(after).consequences(consequences::list);
    }

    @Tool(name = "fields_update", title = "Change a custom field", role = Roles.ADMIN, readOnly = false,
            governed = true, description = "Changes a custom field's name, code, group, options or (leads) the"
                    + " stages that require or hide it. A removed option is erased from every record; the plan counts"
                    + " them.")
    public Proposal<Applied> updateField(UpdateFieldArgs a, Caller caller) {
        EntityType entity = a.entityType().kommo();
        List<FieldDef> state = metadata.freshFields(caller, entity);
        FieldDef f = field(state, entity, a.fieldId());
        boolean predefined = Boolean.TRUE.equals(f.predefined());
        boolean optionsChange = a.addOptions() != null && !a.addOptions().isEmpty() || a.renameOptions() != null
                && !a.renameOptions().isEmpty() || a.removeOptions() != null && !a.removeOptions().isEmpty();
        if (predefined && (a.name() != null || a.code() != null || optionsChange)) {
            throw refused("\"" + f.name() + "\" is a predefined Kommo field; its name, code and options cannot"
                    + " change.");
        }
        Consequences consequences = new Consequences();
        String name = null;
        if (a.name() != null) {
            String wanted = name(a.name(), "name");
            state.stream().filter(x -> x.id() != f.id() && same(x.name(), wanted)).findFirst().ifPresent(x -> {
                throw refused(entity.path() + " already have a field \"" + x.name() + "\" (id " + x.id() + ").");
            });
            name = wanted.equals(f.name()) ? null : wanted;
        }
        Patch<String> code = null;
        if (a.code() != null) {
            String wanted = a.code().isBlank() ? null : code(a.code());
            if (!Objects.equals(wanted, f.code())) {
                code = Patch.set(wanted);
                consequences.add("Integrations that address the field by its code \"" + f.code() + "\" must use the"
                        + " new one.");
            }
        }
        Patch<String> group = null;
        if (a.groupId() != null) {
            String wanted = a.groupId().isBlank() ? null : group(caller, entity, a.groupId()).id();
            if (!Objects.equals(wanted, f.groupId())) {
                group = Patch.set(wanted);
            }
        }
        Set<Long> removedIds = new HashSet<>();
        List<OptionSpec> options = null;
        if (optionsChange) {
            if (!ConfigWrites.WITH_OPTIONS.contains(f.type())) {
                throw refused("\"" + f.name() + "\" is a " + f.type() + " field and has no options.");
            }
            options = new ArrayList<>();
            List<FieldDef.Option> current = f.options() == null ? List.of() : f.options();
            Map<Long, String> renamed = new LinkedHashMap<>();
            for (OptionRename r : a.renameOptions() == null ? List.<OptionRename>of() : a.renameOptions()) {
                FieldDef.Option o = option(f, r.option());
                renamed.put(o.id(), name(r.to(), "rename_options[].to"));
                consequences.add("Option \"" + o.value() + "\" becomes \"" + r.to().strip() + "\" on every record.");
            }
            for (String r : a.removeOptions() == null ? List.<String>of() : a.removeOptions()) {
                removedIds.add(option(f, r).id());
            }
            List<String> texts = new ArrayList<>();
            for (FieldDef.Option o : current) {
                if (!removedIds.contains(o.id())) {
                    String value = renamed.getOrDefault(o.id(), o.value());
                    texts.add(value);
                    options.add(new OptionSpec(o.id(), value, o.sort() == null ? (options.size() + 1) * 10
                            : o.sort()));
                }
            }
            for (String add : a.addOptions() == null ? List.<String>of() : a.addOptions()) {
                String v = name(add, "add_options[]");
                texts.add(v);
                options.add(new OptionSpec(null, v, (options.size() + 1) * 10));
            }
            distinct(texts);
            if (!removedIds.isEmpty()) {
                String which = String.join(", ", current.stream().filter(o -> removedIds.contains(o.id()))
                        .map(o -> "\"" + o.value() + "\"").toList());
                consequences.add(() -> "Removing " + which + " erases that value on " + counts.withValue(caller,
                        entity, f.id(), removedIds) + " " + entity.path() + ".");
            }
        }
        List<Pipeline> pipelines = List.of();
        List<ConfigWrites.StageRef> required = null;
        if (a.requiredInStages() != null) {
            pipelines = metadata.freshPipelines(caller);
            required = required(caller, entity, f, a.requiredInStages(), pipelines, consequences);
        }
        List<ConfigWrites.StageRef> hidden = null;
        if (a.hiddenInStages() != null || (required != null && f.hiddenIn() != null && !f.hiddenIn().isEmpty())) {
            pipelines = pipelines.isEmpty() ? metadata.freshPipelines(caller) : pipelines;
            List<StageRef> hiddenRefs = a.hiddenInStages() != null ? a.hiddenInStages() : f.hiddenIn().stream()
                    .map(h -> new StageRef(h.pipelineId(), h.stageId())).toList();
            List<ConfigWrites.StageRef> requiredNow = required != null ? required : f.requiredIn() == null
                    ? List.of() : f.requiredIn().stream().map(r -> new ConfigWrites.StageRef(r.pipelineId(),
                            r.stageId())).toList();
            List<ConfigWrites.StageRef> checked = hidden(entity, hiddenRefs, requiredNow, pipelines,
                    a.hiddenInStages() != null ? consequences : new Consequences());
            hidden = a.hiddenInStages() != null ? checked : null;
        }
        if (name == null && code == null && group == null && options == null && required == null && hidden == null) {
            throw refused("Nothing to change: give a new name, code, group_id, options, required_in_stages or"
                    + " hidden_in_stages.");
        }
        Map<String, Object> before = fieldView(f);
        ConfigWrites.UpdateField write = new ConfigWrites.UpdateField(entity, f.id(), name, code, group, options,
                required, hidden, before);
        Proposal<Applied> p = Proposal.of("change field \"" + f.name() + "\" of " + entity.path(), write)
                .state(List.of(state, pipelines)).before(before).after(write.after())
                .consequences(consequences::list);
        return removedIds.isEmpty() ? p : p.erasing();
    }

    @Tool(name = "fields_delete", title = "Delete a custom field", role = Roles.ADMIN, readOnly = false,
            destructive = true, governed = true, description = "Deletes a custom field and its values on every"
                    + " record; the plan counts them and names the stages that require it. Not for predefined"
                    + " fields.")
    public Proposal<Applied> deleteField(FieldArgs a, Caller caller) {
        EntityType entity = a.entityType().kommo();
        List<FieldDef> state = metadata.freshFields(caller, entity);
        FieldDef f = field(state, entity, a.fieldId());
        if (Boolean.TRUE.equals(f.predefined()) || Boolean.FALSE.equals(f.deletable())) {
            throw refused("\"" + f.name() + "\" is a predefined Kommo field and cannot be deleted.");
        }
        Consequences consequences = new Consequences();
        consequences.add(() -> "Deleting it erases its values on " + counts.withValue(caller, entity, f.id(), null)
                + " " + entity.path() + "; they cannot be restored through Kommo.");
        if (f.requiredIn() != null && !f.requiredIn().isEmpty()) {
            consequences.add(() -> {
                List<Pipeline> pipelines = metadata.pipelines(caller);
                return "It is required in " + String.join(", ", f.requiredIn().stream().map(r -> stageName(
                        pipelines, r.pipelineId(), r.stageId())).toList()) + "; those requirements go.";
            });
        }
        if (f.code() != null) {
            consequences.add("Integrations that use its code \"" + f.code() + "\" will no longer find it.");
        }
        Map<String, Object> before = fieldView(f);
        return Proposal.of("delete field \"" + f.name() + "\" of " + entity.path(), new ConfigWrites.DeleteField(
                entity, f.id(), before)).state(state).before(before).consequences(consequences::list);
    }

    // ---------------------------------------------------------------- groups

    @Tool(name = "field_groups_create", title = "Create a field group", role = Roles.ADMIN, readOnly = false,
            governed = true, description = "Adds a field group (a tab) to leads, contacts or companies; needs"
                    + " name.")
    public Proposal<Applied> createGroup(GroupArgs a, Caller caller) {
        EntityType entity = a.entityType().kommo();
        List<FieldGroup> state = metadata.freshFieldGroups(caller, entity);
        String name = name(a.name(), "name");
        state.stream().filter(g -> same(g.name(), name)).findFirst().ifPresent(g -> {
            throw refused(entity.path() + " already have a field group \"" + g.name() + "\" (id " + g.id() + ").");
        });
        int sort = state.size() * 10 + 10;
        return Proposal.of("create field group \"" + name + "\" on " + entity.path(),
                new ConfigWrites.CreateFieldGroup(entity, name, sort)).state(state).after(Map.of("name", name,
                        "sort", sort));
    }

    @Tool(name = "field_groups_update", title = "Rename a field group", role = Roles.ADMIN, readOnly = false,
            governed = true, description = "Renames a field group; needs group_id and name.")
    public Proposal<Applied> renameGroup(GroupArgs a, Caller caller) {
        EntityType entity = a.entityType().kommo();
        List<FieldGroup> state = metadata.freshFieldGroups(caller, entity);
        FieldGroup g = group(state, entity, a.groupId());
        String name = name(a.name(), "name");
        state.stream().filter(x -> !x.id().equals(g.id()) && same(x.name(), name)).findFirst().ifPresent(x -> {
            throw refused(entity.path() + " already have a field group \"" + x.name() + "\" (id " + x.id() + ").");
        });
        Map<String, Object> before = Map.of("id", g.id(), "name", g.name());
        return Proposal.of("rename field group \"" + g.name() + "\" to \"" + name + "\"",
                new ConfigWrites.RenameFieldGroup(entity, g.id(), name, before)).state(state).before(before)
                .after(Map.of("id", g.id(), "name", name)).consequences(List.of("Its fields stay in it."));
    }

    @Tool(name = "field_groups_delete", title = "Delete a field group", role = Roles.ADMIN, readOnly = false,
            destructive = true, governed = true, description = "Deletes a field group; its fields move to the"
                    + " default group with their values. Needs group_id.")
    public Proposal<Applied> deleteGroup(GroupArgs a, Caller caller) {
        EntityType entity = a.entityType().kommo();
        List<FieldGroup> state = metadata.freshFieldGroups(caller, entity);
        FieldGroup g = group(state, entity, a.groupId());
        List<String> inIt = metadata.freshFields(caller, entity).stream().filter(f -> g.id().equals(f.groupId()))
                .map(FieldDef::name).toList();
        Map<String, Object> before = Map.of("id", g.id(), "name", g.name(), "fields", inIt);
        return Proposal.of("delete field group \"" + g.name() + "\" of " + entity.path(),
                new ConfigWrites.DeleteFieldGroup(entity, g.id(), before)).state(state).before(before)
                .consequences(List.of(inIt.isEmpty() ? "The group holds no fields." : "Its " + inIt.size()
                        + " field(s) (" + String.join(", ", inIt) + ") move to the default group; their values"
                        + " stay."));
    }

    // ---------------------------------------------------------------- helpers

    private FieldGroup group(Caller caller, EntityType entity, String id) {
        return group(metadata.freshFieldGroups(caller, entity), entity, id);
    }

    private static FieldGroup group(List<FieldGroup> groups, EntityType entity, String id) {
        return groups.stream().filter(g -> g.id().equals(id == null ? "" : id.strip())).findFirst().orElseThrow(() ->
                refused("There is no field group '" + id + "' on " + entity.path() + ". Groups: " + (groups.isEmpty()
                        ? "none" : String.join(", ", groups.stream().map(g -> g.name() + " (" + g.id() + ")")
                                .toList())) + "."));
    }

    private static FieldDef field(List<FieldDef> state, EntityType entity, long id) {
        return state.stream().filter(f -> f.id() == id).findFirst().orElseThrow(() -> refused("There is no custom"
                + " field " + id + " on " + entity.path() + "; fields_list shows them."));
    }

    private static FieldDef.Option option(FieldDef f, String ref) {
        String r = ref == null ? "" : ref.strip();
        List<FieldDef.Option> options = f.options() == null ? List.of() : f.options();
        return options.stream().filter(o -> String.valueOf(o.id()).equals(r) || same(o.value(), r)).findFirst()
                .orElseThrow(() -> refused("\"" + f.name() + "\" has no option '" + ref + "'. Its options: "
                        + String.join(", ", options.stream().map(o -> o.value() + " (" + o.id() + ")").toList())
                        + "."));
    }

    /** The stages that are to require the field, each checked; notes what the requirement means (counted). */
    private List<ConfigWrites.StageRef> required(Caller caller, EntityType entity, FieldDef field,
            List<StageRef> refs, List<Pipeline> pipelines, Consequences consequences) {
        if (entity != EntityType.LEADS) {
            throw refused("Only lead fields can be required in stages.");
        }
        List<FieldDef.RequiredIn> before = field == null || field.requiredIn() == null ? List.of() : field.requiredIn();
        List<ConfigWrites.StageRef> out = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (StageRef r : refs) {
            Pipeline.Stage s = stage(pipelines, r, "required_in_stages");
            Pipeline p = PipelineAdminTools.pipeline(pipelines, r.pipelineId());
            out.add(new ConfigWrites.StageRef(p.id(), s.id()));
            String stage = "\"" + s.name() + "\" (" + p.name() + ")";
            names.add(stage);
            if (before.stream().noneMatch(x -> x.stageId() == s.id() && x.pipelineId() == p.id())) {
                consequences.add(() -> {
                    KommoCounts.Count lacking = counts.leadsWithout(caller, p.id(), s.id(), field == null ? null
                            : field.id());
                    return lacking.none() ? null : lacking + " lead(s) already in " + stage + " lack it and will"
                            + " show as incomplete (check_missing_fields lists them).";
                });
            }
        }
        for (FieldDef.RequiredIn gone : before) {
            if (out.stream().noneMatch(m -> m.stageId() == gone.stageId())) {
                consequences.add(stageName(pipelines, gone.pipelineId(), gone.stageId()) + " will no longer require"
                        + " it.");
            }
        }
        consequences.add(names.isEmpty() ? "No stage will require it." : "Leads can enter " + String.join(", ", names)
                + " only with this field filled.");
        return out;
    }

    /** The stages that are to hide the field; not where it is required (Kommo's UI forbids it). */
    private static List<ConfigWrites.StageRef> hidden(EntityType entity, List<StageRef> refs,
            List<ConfigWrites.StageRef> required, List<Pipeline> pipelines, Consequences consequences) {
        if (entity != EntityType.LEADS) {
            throw refused("Only lead fields can be hidden in stages.");
        }
        List<ConfigWrites.StageRef> out = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (StageRef r : refs) {
            Pipeline.Stage s = stage(pipelines, r, "hidden_in_stages");
            Pipeline p = PipelineAdminTools.pipeline(pipelines, r.pipelineId());
            ConfigWrites.StageRef ref = new ConfigWrites.StageRef(p.id(), s.id());
            if (required.contains(ref)) {
                throw refused("The field would be required in \"" + s.name() + "\" (" + p.name() + ") and hidden"
                        + " there, so nobody could fill it. Drop that stage from one of the two lists.");
            }
            out.add(ref);
            names.add("\"" + s.name() + "\" (" + p.name() + ")");
        }
        consequences.add(names.isEmpty() ? "It will be shown in every stage." : "Users will not see it in "
                + String.join(", ", names) + ".");
        return out;
    }

    private static Pipeline.Stage stage(List<Pipeline> pipelines, StageRef r, String list) {
        if (r == null || r.pipelineId() == null || r.stageId() == null) {
            throw refused("Each " + list + " entry needs pipeline_id and stage_id.");
        }
        Pipeline p = PipelineAdminTools.pipeline(pipelines, r.pipelineId());
        return p.stages().stream().filter(x -> x.id() == r.stageId()).findFirst().orElseThrow(() ->
                refused("Pipeline \"" + p.name() + "\" has no stage " + r.stageId() + "."));
    }

    private static String stageName(List<Pipeline> pipelines, long pipelineId, long stageId) {
        return pipelines.stream().filter(p -> p.id() == pipelineId).findFirst().flatMap(p -> p.stages().stream()
                .filter(s -> s.id() == stageId).findFirst().map(s -> "\"" + s.name() + "\" (" + p.name() + ")"))
                .orElse("stage " + stageId);
    }

    private static String code(String c) {
        String v = c.strip();
        if (!v.matches("[A-Za-z][A-Za-z0-9_]{0,63}")) {
            throw refused("code '" + c + "' must be 1-64 letters, digits or _, starting with a letter.");
        }
        return v.toUpperCase(Locale.ROOT);
    }

    private static void distinct(List<String> options) {
        Set<String> seen = new HashSet<>();
        for (String o : options) {
            if (!seen.add(Names.fold(o))) {
                throw refused("Option \"" + o + "\" would appear twice.");
            }
        }
    }

    private static boolean same(String a, String b) {
        return a != null && b != null && Names.fold(a).equals(Names.fold(b));
    }

    private static Map<String, Object> fieldView(FieldDef f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", f.id());
        m.put("name", f.name());
        m.put("type", f.type());
        m.put("code", f.code());
        m.put("group_id", f.groupId());
        m.put("options", f.options() == null ? List.of() : f.options().stream().map(o -> Map.of("id", o.id(),
                "value", String.valueOf(o.value()))).toList());
        m.put("hidden_statuses", f.hiddenIn() == null ? List.of() : f.hiddenIn().stream().map(r -> Map.of(
                "pipeline_id", r.pipelineId(), "status_id", r.stageId())).toList());
        m.put("required_statuses", f.requiredIn() == null ? List.of() : f.requiredIn().stream().map(r -> Map.of(
                "pipeline_id", r.pipelineId(), "status_id", r.stageId())).toList());
        return m;
    }
}
