package io.kommomcp.tools.admin;

import static io.kommomcp.tools.admin.PipelineAdminTools.name;
import static io.kommomcp.tools.admin.PipelineAdminTools.refused;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.kommomcp.core.Caller;
import io.kommomcp.core.Describe;
import io.kommomcp.core.Tool;
import io.kommomcp.core.ToolSet;
import io.kommomcp.governance.Governor;
import io.kommomcp.governance.Plan;
import io.kommomcp.governance.PlanResult;
import io.kommomcp.kommo.KommoMetadata;
import io.kommomcp.kommo.KommoMetadata.FieldGroup;
import io.kommomcp.kommo.wire.FieldDef;
import io.kommomcp.kommo.wire.Pipeline;
import io.kommomcp.security.Roles;
import io.kommomcp.tools.admin.AdminWrites.KommoWrite;
import io.kommomcp.tools.common.Entity;
import io.kommomcp.tools.fields.FieldWriter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Custom fields of leads, contacts and companies, their options and their groups, changed the governed way
 * ({@link Governor}). Plans name what a change costs: values erased (counted), stages that require the field.
 * Predefined fields (phone, e-mail, ...) cannot be deleted, renamed or given other options.
 */
@ToolSet
@ApplicationScoped
public class FieldAdminTools {

    /** The types a field can be created with (API.md §10); the predefined kinds come with the account. */
    static final List<String> TYPES = List.of("text", "numeric", "checkbox", "select", "multiselect", "date", "url",
            "textarea", "radiobutton", "streetaddress", "birthday", "date_time", "price", "monetary");
    private static final Set<String> WITH_OPTIONS = Set.of("select", "multiselect", "radiobutton");
    private static final String FLOW = AdminWrites.FLOW;

    @Inject
    KommoMetadata metadata;

    @Inject
    AdminWrites writes;

    @Inject
    AdminCounts counts;

    public record StageRef(
            @Describe(value = "The pipeline's id.", required = true, min = 1) Long pipelineId,
            @Describe(value = "The stage's id.", required = true, min = 1) Long stageId) {
    }

    public record CreateFieldArgs(
            @Describe(value = "leads, contacts or companies.", required = true) Entity entityType,
            @Describe(value = "The field's name.", required = true) String name,
            @Describe(value = "One of text, numeric, checkbox, select, multiselect, date, url, textarea,"
                    + " radiobutton, streetaddress, birthday, date_time, price, monetary.", required = true)
            String type,
            @Describe("The options of a select, multiselect or radiobutton field, in order.") List<String> options,
            @Describe("A code for the API (letters, digits, _), optional.") String code,
            @Describe("The id of the field group to put it in (fields_list shows groups).") String groupId,
            @Describe("Lead fields only: stages a lead may only enter with this field filled.")
            List<StageRef> requiredInStages,
            @Describe("Lead fields only: stages where the field is hidden from users.") List<StageRef> hiddenInStages,
            @Describe("The token from this tool's plan, to apply it.") String confirmationToken,
            @Describe("true: only show the plan.") Boolean dryRun) {
    }

    public record OptionRename(
            @Describe(value = "The option's current text (or its id as text).", required = true) String option,
            @Describe(value = "Its new text.", required = true) String to) {
    }

    public record UpdateFieldArgs(
            @Describe(value = "leads, contacts or companies.", required = true) Entity entityType,
            @Describe(value = "The field's id (fields_list).", required = true, min = 1) Long fieldId,
            @Describe("New name.") String name,
            @Describe("New code.") String code,
            @Describe("Options to add (select-like fields).") List<String> addOptions,
            @Describe("Options to rename; values on records follow the new text.") List<OptionRename> renameOptions,
            @Describe("Options to remove (text or id); their values are erased from every record.")
            List<String> removeOptions,
            @Describe("Move it to this field group (an id from fields_list; empty string: the default group).")
            String groupId,
            @Describe("Lead fields only: the complete new list of stages that require it (empty list: none).")
            List<StageRef> requiredInStages,
            @Describe("Lead fields only: the complete new list of stages where it is hidden (empty list: none).")
            List<StageRef> hiddenInStages,
            @Describe("The token from this tool's plan, to apply it.") String confirmationToken,
            @Describe("true: only show the plan.") Boolean dryRun) {
    }

    public record FieldArgs(
            @Describe(value = "leads, contacts or companies.", required = true) Entity entityType,
            @Describe(value = "The field's id (fields_list).", required = true, min = 1) Long fieldId,
            @Describe("The token from this tool's plan, to apply it.") String confirmationToken,
            @Describe("true: only show the plan.") Boolean dryRun) {
    }

    public record GroupArgs(
            @Describe(value = "leads, contacts or companies.", required = true) Entity entityType,
            @Describe("The group's id, for a rename or a delete.") String groupId,
            @Describe("The group's (new) name, for a create or a rename.") String name,
            @Describe("The token from this tool's plan, to apply it.") String confirmationToken,
            @Describe("true: only show the plan.") Boolean dryRun) {
    }

    // ---------------------------------------------------------------- fields

    @Tool(name = "fields_create", title = "Create a custom field", role = Roles.ADMIN, readOnly = false,
            description = "Adds a custom field to leads, contacts or companies, with options for select-like types,"
                    + " a group, and (leads) the stages that require it." + FLOW)
    public PlanResult createField(CreateFieldArgs a, Caller caller) {
        String entity = a.entityType().name();
        List<FieldDef> state = fresh(caller, entity);
        String name = name(a.name(), "name");
        String type = a.type() == null ? "" : a.type().strip().toLowerCase(java.util.Locale.ROOT);
        if (!TYPES.contains(type)) {
            throw refused("type '" + a.type() + "' cannot be created; use one of " + String.join(", ", TYPES) + ".");
        }
        state.stream().filter(f -> same(f.name(), name)).findFirst().ifPresent(f -> {
            throw refused(entity + " already have a field \"" + f.name() + "\" (id " + f.id() + ").");
        });
        List<String> options = a.options() == null ? List.of() : a.options().stream().map(o -> name(o, "options[]"))
                .toList();
        if (WITH_OPTIONS.contains(type) && options.isEmpty()) {
            throw refused("A " + type + " field needs options: give them in options.");
        }
        if (!WITH_OPTIONS.contains(type) && !options.isEmpty()) {
            throw refused("A " + type + " field has no options; leave options out or use select.");
        }
        distinct(options);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("type", type);
        if (a.code() != null && !a.code().isBlank()) {
            body.put("code", code(a.code()));
        }
        if (a.groupId() != null && !a.groupId().isBlank()) {
            body.put("group_id", group(caller, entity, a.groupId()).id());
        }
        if (!options.isEmpty()) {
            List<Map<String, Object>> enums = new ArrayList<>();
            for (int i = 0; i < options.size(); i++) {
                enums.add(Map.of("value", options.get(i), "sort", (i + 1) * 10));
            }
            body.put("enums", enums);
        }
        List<String> consequences = new ArrayList<>();
        List<Pipeline> pipelines = List.of();
        if (a.requiredInStages() != null && !a.requiredInStages().isEmpty()) {
            pipelines = pipelines(caller);
            body.put("required_statuses", stages(caller, a.confirmationToken(), a.dryRun(), entity, null,
                    a.requiredInStages(), pipelines, consequences));
        }
        if (a.hiddenInStages() != null && !a.hiddenInStages().isEmpty()) {
            pipelines = pipelines.isEmpty() ? pipelines(caller) : pipelines;
            body.put("hidden_statuses", hidden(entity, a.hiddenInStages(), body.get("required_statuses"), pipelines,
                    consequences));
        }
        KommoWrite w = new KommoWrite("POST", entity + "/custom_fields", List.of(body));
        Plan plan = new Plan("create " + type + " field \"" + name + "\" on " + entity, List.of(w.line()), null,
                body, consequences);
        boolean withPipelines = !pipelines.isEmpty();
        return writes.create(caller, request("fields_create", a, a.confirmationToken(), a.dryRun(), false,
                List.of(state, pipelines), () -> List.of(fresh(caller, entity), withPipelines ? pipelines(caller)
                        : List.of()), caller, entity, plan), w, "field", "custom_fields");
    }

    @Tool(name = "fields_update", title = "Change a custom field", role = Roles.ADMIN, readOnly = false,
            description = "Renames a custom field or changes its code, group, options (add, rename, remove) or, for"
                    + " leads, the stages that require it. Removing an option erases it from every record that has"
                    + " it; the plan counts them." + FLOW)
    public PlanResult updateField(UpdateFieldArgs a, Caller caller) {
        String entity = a.entityType().name();
        List<FieldDef> state = fresh(caller, entity);
        FieldDef f = field(state, entity, a.fieldId());
        boolean predefined = Boolean.TRUE.equals(f.predefined());
        boolean optionsChange = a.addOptions() != null && !a.addOptions().isEmpty() || a.renameOptions() != null
                && !a.renameOptions().isEmpty() || a.removeOptions() != null && !a.removeOptions().isEmpty();
        if (predefined && (a.name() != null || a.code() != null || optionsChange)) {
            throw refused("\"" + f.name() + "\" is a predefined Kommo field; its name, code and options cannot"
                    + " change.");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        List<String> consequences = new ArrayList<>();
        if (a.name() != null) {
            String name = name(a.name(), "name");
            state.stream().filter(x -> x.id() != f.id() && same(x.name(), name)).findFirst().ifPresent(x -> {
                throw refused(entity + " already have a field \"" + x.name() + "\" (id " + x.id() + ").");
            });
            if (!name.equals(f.name())) {
                body.put("name", name);
            }
        }
        if (a.code() != null) {
            String code = a.code().isBlank() ? null : code(a.code());
            if (!java.util.Objects.equals(code, f.code())) {
                body.put("code", code);
                consequences.add("Integrations that address the field by its code \"" + f.code() + "\" must use the"
                        + " new one.");
            }
        }
        if (a.groupId() != null) {
            String g = a.groupId().isBlank() ? null : group(caller, entity, a.groupId()).id();
            if (!java.util.Objects.equals(g, f.groupId())) {
                body.put("group_id", g);
            }
        }
        Set<Long> removedIds = new HashSet<>();
        if (optionsChange) {
            if (!WITH_OPTIONS.contains(f.type())) {
                throw refused("\"" + f.name() + "\" is a " + f.type() + " field and has no options.");
            }
            List<Map<String, Object>> enums = new ArrayList<>();
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
                if (removedIds.contains(o.id())) {
                    continue;
                }
                String value = renamed.getOrDefault(o.id(), o.value());
                texts.add(value);
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("id", o.id());
                e.put("value", value);
                e.put("sort", o.sort());
                enums.add(e);
            }
            for (String add : a.addOptions() == null ? List.<String>of() : a.addOptions()) {
                String v = name(add, "add_options[]");
                texts.add(v);
                enums.add(Map.of("value", v, "sort", (enums.size() + 1) * 10));
            }
            distinct(texts);
            if (enums.isEmpty()) {
                throw refused("A " + f.type() + " field keeps at least one option.");
            }
            if (!removedIds.isEmpty()) {
                AdminCounts.Count hit = AdminCounts.unlessApplying(a.confirmationToken(), a.dryRun(),
                        () -> counts.withValue(caller, entity, f.id(), removedIds));
                consequences.add("Removing " + String.join(", ", current.stream().filter(o -> removedIds.contains(
                        o.id())).map(o -> "\"" + o.value() + "\"").toList()) + " erases that value on " + hit + " "
                        + entity + ".");
            }
            body.put("enums", enums);
        }
        List<Pipeline> pipelines = List.of();
        if (a.requiredInStages() != null) {
            pipelines = pipelines(caller);
            body.put("required_statuses", stages(caller, a.confirmationToken(), a.dryRun(), entity, f,
                    a.requiredInStages(), pipelines, consequences));
        }
        if (a.hiddenInStages() != null || (a.requiredInStages() != null && f.hiddenIn() != null
                && !f.hiddenIn().isEmpty())) {
            pipelines = pipelines.isEmpty() ? pipelines(caller) : pipelines;
            List<StageRef> hiddenRefs = a.hiddenInStages() != null ? a.hiddenInStages() : f.hiddenIn().stream()
                    .map(h -> new StageRef(h.pipelineId(), h.stageId())).toList();
            Object required = body.containsKey("required_statuses") ? body.get("required_statuses")
                    : f.requiredIn() == null ? List.of() : f.requiredIn().stream().map(r -> Map.of("pipeline_id",
                            r.pipelineId(), "status_id", r.stageId())).toList();
            List<Map<String, Object>> hidden = hidden(entity, hiddenRefs, required, pipelines, a.hiddenInStages()
                    != null ? consequences : new ArrayList<>());
            if (a.hiddenInStages() != null) {
                body.put("hidden_statuses", hidden);
            }
        }
        if (body.isEmpty()) {
            throw refused("Nothing to change: give a new name, code, group_id, options, required_in_stages or"
                    + " hidden_in_stages.");
        }
        Map<String, Object> before = fieldView(f);
        Map<String, Object> after = new LinkedHashMap<>(before);
        after.putAll(body);
        KommoWrite w = new KommoWrite("PATCH", entity + "/custom_fields/" + f.id(), body);
        Plan plan = new Plan("change field \"" + f.name() + "\" of " + entity, List.of(w.line()), before, after,
                consequences);
        boolean withPipelines = !pipelines.isEmpty();
        return writes.change(caller, request("fields_update", a, a.confirmationToken(), a.dryRun(),
                !removedIds.isEmpty(), List.of(state, pipelines), () -> List.of(fresh(caller, entity), withPipelines
                        ? pipelines(caller) : List.of()), caller, entity, plan), w, "field", f.id(), before, after);
    }

    @Tool(name = "fields_delete", title = "Delete a custom field", role = Roles.ADMIN, readOnly = false,
            destructive = true, description = "Deletes a custom field and erases its values from every record; the"
                    + " plan counts them and names the stages that require it. Predefined fields cannot be"
                    + " deleted." + FLOW)
    public PlanResult deleteField(FieldArgs a, Caller caller) {
        String entity = a.entityType().name();
        List<FieldDef> state = fresh(caller, entity);
        FieldDef f = field(state, entity, a.fieldId());
        if (Boolean.TRUE.equals(f.predefined()) || Boolean.FALSE.equals(f.deletable())) {
            throw refused("\"" + f.name() + "\" is a predefined Kommo field and cannot be deleted.");
        }
        List<String> consequences = new ArrayList<>();
        AdminCounts.Count hit = AdminCounts.unlessApplying(a.confirmationToken(), a.dryRun(),
                () -> counts.withValue(caller, entity, f.id(), null));
        consequences.add("Deleting it erases its values on " + hit + " " + entity + "; they cannot be restored"
                + " through Kommo.");
        if (f.requiredIn() != null && !f.requiredIn().isEmpty()) {
            List<Pipeline> pipelines = pipelines(caller);
            consequences.add("It is required in " + String.join(", ", f.requiredIn().stream().map(r ->
                    stageName(pipelines, r.pipelineId(), r.stageId())).toList()) + "; those requirements go.");
        }
        if (f.code() != null) {
            consequences.add("Integrations that use its code \"" + f.code() + "\" will no longer find it.");
        }
        Map<String, Object> before = fieldView(f);
        KommoWrite w = new KommoWrite("DELETE", entity + "/custom_fields/" + f.id(), null);
        Plan plan = new Plan("delete field \"" + f.name() + "\" of " + entity, List.of(w.line()), before, null,
                consequences);
        return writes.change(caller, request("fields_delete", a, a.confirmationToken(), a.dryRun(), true, state,
                () -> fresh(caller, entity), caller, entity, plan), w, "field", f.id(), before, null);
    }

    // ---------------------------------------------------------------- groups

    @Tool(name = "field_groups_create", title = "Create a field group", role = Roles.ADMIN, readOnly = false,
            description = "Adds a group (a tab of fields) to leads, contacts or companies; give name." + FLOW)
    public PlanResult createGroup(GroupArgs a, Caller caller) {
        String entity = a.entityType().name();
        List<FieldGroup> state = freshGroups(caller, entity);
        String name = name(a.name(), "name");
        state.stream().filter(g -> same(g.name(), name)).findFirst().ifPresent(g -> {
            throw refused(entity + " already have a field group \"" + g.name() + "\" (id " + g.id() + ").");
        });
        Map<String, Object> body = Map.of("name", name, "sort", state.size() * 10 + 10);
        KommoWrite w = new KommoWrite("POST", entity + "/custom_fields/groups", List.of(body));
        Plan plan = new Plan("create field group \"" + name + "\" on " + entity, List.of(w.line()), null, body,
                List.of());
        return writes.create(caller, request("field_groups_create", a, a.confirmationToken(), a.dryRun(), false,
                state, () -> freshGroups(caller, entity), caller, entity, plan), w, "field_group",
                "custom_field_groups");
    }

    @Tool(name = "field_groups_update", title = "Rename a field group", role = Roles.ADMIN, readOnly = false,
            description = "Renames a field group; give group_id and name." + FLOW)
    public PlanResult renameGroup(GroupArgs a, Caller caller) {
        String entity = a.entityType().name();
        List<FieldGroup> state = freshGroups(caller, entity);
        FieldGroup g = group(state, entity, a.groupId());
        String name = name(a.name(), "name");
        state.stream().filter(x -> !x.id().equals(g.id()) && same(x.name(), name)).findFirst().ifPresent(x -> {
            throw refused(entity + " already have a field group \"" + x.name() + "\" (id " + x.id() + ").");
        });
        Map<String, Object> before = Map.of("id", g.id(), "name", g.name());
        Map<String, Object> after = Map.of("id", g.id(), "name", name);
        KommoWrite w = new KommoWrite("PATCH", entity + "/custom_fields/groups/" + g.id(), Map.of("name", name));
        Plan plan = new Plan("rename field group \"" + g.name() + "\" to \"" + name + "\"", List.of(w.line()),
                before, after, List.of("Its fields stay in it."));
        return writes.change(caller, request("field_groups_update", a, a.confirmationToken(), a.dryRun(), false,
                state, () -> freshGroups(caller, entity), caller, entity, plan), w, "field_group", g.id(), before,
                after);
    }

    @Tool(name = "field_groups_delete", title = "Delete a field group", role = Roles.ADMIN, readOnly = false,
            destructive = true, description = "Deletes a field group; its fields move to the default group and keep"
                    + " their values. Give group_id." + FLOW)
    public PlanResult deleteGroup(GroupArgs a, Caller caller) {
        String entity = a.entityType().name();
        List<FieldGroup> state = freshGroups(caller, entity);
        FieldGroup g = group(state, entity, a.groupId());
        List<String> inIt = fresh(caller, entity).stream().filter(f -> g.id().equals(f.groupId())).map(
                FieldDef::name).toList();
        Map<String, Object> before = Map.of("id", g.id(), "name", g.name(), "fields", inIt);
        KommoWrite w = new KommoWrite("DELETE", entity + "/custom_fields/groups/" + g.id(), null);
        Plan plan = new Plan("delete field group \"" + g.name() + "\" of " + entity, List.of(w.line()), before, null,
                List.of(inIt.isEmpty() ? "The group holds no fields." : "Its " + inIt.size() + " field(s) ("
                        + String.join(", ", inIt) + ") move to the default group; their values stay."));
        return writes.change(caller, request("field_groups_delete", a, a.confirmationToken(), a.dryRun(), true,
                state, () -> freshGroups(caller, entity), caller, entity, plan), w, "field_group", g.id(), before,
                null);
    }

    // ---------------------------------------------------------------- helpers

    private Governor.Request request(String tool, Object args, String token, Boolean dryRun, boolean destructive,
            Object state, java.util.function.Supplier<Object> reread, Caller caller, String entity, Plan plan) {
        return new Governor.Request(tool, args, token, dryRun, destructive, state, reread, plan, () -> {
            metadata.invalidate(caller, "fields:" + entity);
            metadata.invalidate(caller, "groups:" + entity);
        });
    }

    private List<FieldDef> fresh(Caller caller, String entity) {
        metadata.invalidate(caller, "fields:" + entity);
        return metadata.fields(caller, entity);
    }

    private List<FieldGroup> freshGroups(Caller caller, String entity) {
        metadata.invalidate(caller, "groups:" + entity);
        return metadata.fieldGroups(caller, entity);
    }

    private List<Pipeline> pipelines(Caller caller) {
        metadata.invalidate(caller, "pipelines");
        return metadata.pipelines(caller);
    }

    private FieldGroup group(Caller caller, String entity, String id) {
        return group(freshGroups(caller, entity), entity, id);
    }

    private static FieldGroup group(List<FieldGroup> groups, String entity, String id) {
        return groups.stream().filter(g -> g.id().equals(id == null ? "" : id.strip())).findFirst().orElseThrow(() ->
                refused("There is no field group '" + id + "' on " + entity + ". Groups: " + (groups.isEmpty()
                        ? "none" : String.join(", ", groups.stream().map(g -> g.name() + " (" + g.id() + ")")
                                .toList())) + "."));
    }

    private static FieldDef field(List<FieldDef> state, String entity, long id) {
        return state.stream().filter(f -> f.id() == id).findFirst().orElseThrow(() -> refused("There is no custom"
                + " field " + id + " on " + entity + "; fields_list shows them."));
    }

    private static FieldDef.Option option(FieldDef f, String ref) {
        String r = ref == null ? "" : ref.strip();
        List<FieldDef.Option> options = f.options() == null ? List.of() : f.options();
        return options.stream().filter(o -> String.valueOf(o.id()).equals(r) || same(o.value(), r)).findFirst()
                .orElseThrow(() -> refused("\"" + f.name() + "\" has no option '" + ref + "'. Its options: "
                        + String.join(", ", options.stream().map(o -> o.value() + " (" + o.id() + ")").toList())
                        + "."));
    }

    /** The required stages as Kommo wants them, each checked; notes what the requirement means. */
    private List<Map<String, Object>> stages(Caller caller, String token, Boolean dryRun, String entity,
            FieldDef field, List<StageRef> refs, List<Pipeline> pipelines, List<String> consequences) {
        if (!entity.equals("leads")) {
            throw refused("Only lead fields can be required in stages.");
        }
        List<FieldDef.RequiredIn> before = field == null || field.requiredIn() == null ? List.of() : field.requiredIn();
        List<Map<String, Object>> out = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (StageRef r : refs) {
            if (r == null || r.pipelineId() == null || r.stageId() == null) {
                throw refused("Each required_in_stages entry needs pipeline_id and stage_id.");
            }
            Pipeline p = PipelineAdminTools.pipeline(pipelines, r.pipelineId());
            Pipeline.Stage s = p.stages().stream().filter(x -> x.id() == r.stageId()).findFirst().orElseThrow(() ->
                    refused("Pipeline \"" + p.name() + "\" has no stage " + r.stageId() + "."));
            out.add(Map.of("pipeline_id", p.id(), "status_id", s.id()));
            String stage = "\"" + s.name() + "\" (" + p.name() + ")";
            names.add(stage);
            if (before.stream().noneMatch(x -> x.stageId() == s.id() && x.pipelineId() == p.id())) {
                AdminCounts.Count lacking = AdminCounts.unlessApplying(token, dryRun, () -> counts.leadsWithout(
                        caller, p.id(), s.id(), field == null ? null : field.id()));
                if (!lacking.none()) {
                    consequences.add(lacking + " lead(s) already in " + stage + " lack it and will show as"
                            + " incomplete (check_missing_fields lists them).");
                }
            }
        }
        for (FieldDef.RequiredIn gone : before) {
            if (out.stream().noneMatch(m -> m.get("status_id").equals(gone.stageId()))) {
                consequences.add(stageName(pipelines, gone.pipelineId(), gone.stageId()) + " will no longer require"
                        + " it.");
            }
        }
        consequences.add(names.isEmpty() ? "No stage will require it." : "Leads can enter " + String.join(", ", names)
                + " only with this field filled.");
        return out;
    }

    /** The hidden stages as Kommo wants them; a field cannot be hidden where it is required (Kommo's UI forbids it). */
    private static List<Map<String, Object>> hidden(String entity, List<StageRef> refs, Object required,
            List<Pipeline> pipelines, List<String> consequences) {
        if (!entity.equals("leads")) {
            throw refused("Only lead fields can be hidden in stages.");
        }
        List<Map<String, Object>> out = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (StageRef r : refs) {
            if (r == null || r.pipelineId() == null || r.stageId() == null) {
                throw refused("Each hidden_in_stages entry needs pipeline_id and stage_id.");
            }
            Pipeline p = PipelineAdminTools.pipeline(pipelines, r.pipelineId());
            Pipeline.Stage s = p.stages().stream().filter(x -> x.id() == r.stageId()).findFirst().orElseThrow(() ->
                    refused("Pipeline \"" + p.name() + "\" has no stage " + r.stageId() + "."));
            Map<String, Object> ref = Map.of("pipeline_id", p.id(), "status_id", s.id());
            if (required instanceof List<?> req && req.stream().anyMatch(x -> x instanceof Map<?, ?> m
                    && ((Number) m.get("status_id")).longValue() == s.id()
                    && ((Number) m.get("pipeline_id")).longValue() == p.id())) {
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
        return v.toUpperCase(java.util.Locale.ROOT);
    }

    private static void distinct(List<String> options) {
        Set<String> seen = new HashSet<>();
        for (String o : options) {
            if (!seen.add(FieldWriter.fold(o))) {
                throw refused("Option \"" + o + "\" would appear twice.");
            }
        }
    }

    private static boolean same(String a, String b) {
        return a != null && b != null && FieldWriter.fold(a).equals(FieldWriter.fold(b));
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
