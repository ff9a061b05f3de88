package io.kommomcp.tools.diagnostics;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.kommomcp.tools.common.Names;
import io.kommomcp.core.Caller;
import io.kommomcp.core.Describe;
import io.kommomcp.core.Rendered;
import io.kommomcp.core.Tool;
import io.kommomcp.core.ToolException;
import io.kommomcp.core.ToolSet;
import io.kommomcp.kommo.KommoAccount;
import io.kommomcp.kommo.KommoAccount.UserRights;
import io.kommomcp.kommo.KommoCrm;
import io.kommomcp.kommo.KommoCrm.LeadCriteria;
import io.kommomcp.kommo.KommoCrm.Page;
import io.kommomcp.kommo.KommoMetadata;
import io.kommomcp.kommo.KommoTasks;
import io.kommomcp.kommo.wire.FieldDef;
import io.kommomcp.kommo.wire.Lead;
import io.kommomcp.kommo.wire.Pipeline;
import io.kommomcp.kommo.wire.Task;
import io.kommomcp.kommo.wire.User;
import io.kommomcp.security.Roles;
import io.kommomcp.tools.common.UserResolver;
import io.kommomcp.tools.fields.CustomFields;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Looking at the account as a whole: a user's workload, leads missing what their stage requires, the account's
 * setup, and what this integration's Kommo user may do. Each reads at most {@link #MAX_PAGES} pages of a list and
 * says when it stopped early.
 */
@ToolSet
@ApplicationScoped
public class DiagnosticsTools {

    static final int MAX_PAGES = 4;
    static final int PAGE = 250;

    @Inject
    KommoCrm crm;

    @Inject
    KommoTasks tasks;

    @Inject
    KommoMetadata metadata;

    @Inject
    KommoAccount account;

    @Inject
    UserResolver users;

    @Inject
    CustomFields fields;

    @Inject
    Clock clock;

    public record WorkloadArgs(@Describe(value = "Id, name or e-mail.", required = true) String user) {
    }

    public record MissingArgs(
            @Describe(value = "Default: every pipeline.", min = 1) Long pipelineId,
            @Describe(value = "Leads in the answer; default 25.", min = 1, max = 100)
            Integer limit) {
    }

    public record StageCount(String pipeline, String stage, long leads) {
    }

    public record Workload(long userId, String userName, long openLeads, long openLeadsValue,
            List<StageCount> byStage, long openTasks, long overdueTasks, String note) implements Rendered {

        @Override
        public String toText() {
            return userName + ": " + openLeads + " open leads worth " + openLeadsValue + ", " + openTasks
                    + " open tasks of which " + overdueTasks + " overdue." + (note == null ? "" : " " + note);
        }
    }

    public record MissingLead(long leadId, String leadName, String pipeline, String stage, List<String> missing) {
    }

    public record MissingFields(List<MissingLead> leads, long checked, String note) implements Rendered {

        @Override
        public String toText() {
            if (leads.isEmpty()) {
                return "All " + checked + " leads checked have the fields their stage requires."
                        + (note == null ? "" : " " + note);
            }
            StringBuilder sb = new StringBuilder(leads.size() + " of " + checked
                    + " leads lack fields their stage requires:");
            leads.forEach(l -> sb.append("\n- ").append(l.leadId()).append(" \"").append(l.leadName())
                    .append("\" in \"").append(l.stage()).append("\": ").append(String.join(", ", l.missing())));
            return sb.append(note == null ? "" : "\n" + note).toString();
        }
    }

    public record Finding(String kind, String subject, String detail) {
    }

    public record SetupReport(List<Finding> findings) implements Rendered {

        @Override
        public String toText() {
            if (findings.isEmpty()) {
                return "No problems found in the account's setup.";
            }
            StringBuilder sb = new StringBuilder(findings.size() + " finding(s):");
            findings.forEach(f -> sb.append("\n- ").append(f.kind()).append(": ").append(f.subject()).append(" - ")
                    .append(f.detail()));
            return sb.toString();
        }
    }

    public record Permissions(long userId, String userName, boolean admin, boolean active,
            Map<String, Map<String, String>> rights, List<String> cannot) implements Rendered {

        @Override
        public String toText() {
            return "This integration acts as " + userName + " (user " + userId + ")" + (admin ? ", an administrator"
                    : "") + (active ? "" : ", DEACTIVATED") + "." + (cannot.isEmpty() ? " It may do everything the"
                            + " tools need." : " It may not: " + String.join("; ", cannot) + ".");
        }
    }

    @Tool(name = "user_workload", title = "A user's workload", role = Roles.READER, readOnly = true,
            description = "A user's open leads (count, total value, per stage) and open tasks (how many"
                    + " overdue).")
    public Workload workload(WorkloadArgs a, Caller caller) {
        User u = users.resolve(caller, a.user());
        List<Pipeline> pipelines = metadata.pipelines(caller);
        Map<String, Long> byStage = new TreeMap<>();
        long open = 0;
        long value = 0;
        boolean cut = false;
        for (int page = 1; page <= MAX_PAGES; page++) {
            Page<Lead> p = crm.searchLeads(caller, new LeadCriteria(null, null, null, u.id(), page, PAGE));
            for (Lead l : p.items()) {
                if (l.statusId() != null && (l.statusId() == Pipeline.Stage.WON
                        || l.statusId() == Pipeline.Stage.LOST)) {
                    continue;
                }
                open++;
                value += l.price() == null ? 0 : l.price();
                byStage.merge(stageName(pipelines, l), 1L, Long::sum);
            }
            if (!p.hasMore()) {
                break;
            }
            cut = page == MAX_PAGES;
        }
        long openTasks = 0;
        long overdue = 0;
        long now = clock.instant().getEpochSecond();
        for (int page = 1; page <= MAX_PAGES; page++) {
            Page<Task> p = tasks.list(caller, new KommoTasks.Criteria(null, null, u.id(), false, null, page, PAGE));
            openTasks += p.items().size();
            overdue += p.items().stream().filter(t -> t.completeTill() != null && t.completeTill() < now).count();
            if (!p.hasMore()) {
                break;
            }
            cut = cut || page == MAX_PAGES;
        }
        List<StageCount> stages = byStage.entrySet().stream().map(e -> {
            String[] parts = e.getKey().split(" / ", 2);
            return new StageCount(parts[0], parts.length > 1 ? parts[1] : null, e.getValue());
        }).toList();
        return new Workload(u.id(), u.name(), open, value, stages, openTasks, overdue, cut
                ? "Counted the first " + MAX_PAGES * PAGE + " leads and tasks only." : null);
    }

    @Tool(name = "check_missing_fields", title = "Leads missing required fields", role = Roles.READER,
            readOnly = true,
            description = "Leads that sit in a stage without the fields it requires, naming the fields.")
    public MissingFields missing(MissingArgs a, Caller caller) {
        int limit = a.limit() == null ? 25 : a.limit();
        List<Pipeline> pipelines = metadata.pipelinesWith(caller, a.pipelineId(), null);
        if (a.pipelineId() != null && pipelines.stream().noneMatch(p -> p.id() == a.pipelineId())) {
            throw new ToolException("There is no pipeline " + a.pipelineId() + " (see pipelines_list).");
        }
        Map<String, List<FieldDef>> required = new LinkedHashMap<>(); // "pipeline:stage" -> fields
        for (FieldDef d : metadata.fields(caller, io.kommomcp.kommo.EntityType.LEADS)) {
            d.requiredIn().stream().filter(r -> a.pipelineId() == null || r.pipelineId() == a.pipelineId())
                    .forEach(r -> required.computeIfAbsent(r.pipelineId() + ":" + r.stageId(), k -> new ArrayList<>())
                            .add(d));
        }
        List<MissingLead> out = new ArrayList<>();
        long checked = 0;
        boolean cut = false;
        for (Map.Entry<String, List<FieldDef>> e : required.entrySet()) {
            long pipelineId = Long.parseLong(e.getKey().split(":")[0]);
            long stageId = Long.parseLong(e.getKey().split(":")[1]);
            for (int page = 1; page <= MAX_PAGES && out.size() < limit; page++) {
                Page<Lead> p = crm.searchLeads(caller, new LeadCriteria(null, pipelineId, stageId, null, page, PAGE));
                for (Lead l : p.items()) {
                    checked++;
                    List<String> missing = fields.required(caller, l, pipelineId, stageId).missing().stream()
                            .map(FieldDef::name).toList();
                    if (!missing.isEmpty() && out.size() < limit) {
                        out.add(new MissingLead(l.id(), l.name(), pipelineName(pipelines, pipelineId),
                                stageName(pipelines, pipelineId, stageId), missing));
                    }
                }
                if (!p.hasMore()) {
                    break;
                }
                cut = cut || page == MAX_PAGES;
            }
        }
        String note = out.size() >= limit ? "Stopped at " + limit + " leads; raise limit or pick a pipeline for more."
                : cut ? "Checked the first " + MAX_PAGES * PAGE + " leads of each stage." : null;
        return new MissingFields(out, checked, note);
    }

    @Tool(name = "validate_account_setup", title = "Check the account's setup", role = Roles.ADMIN, readOnly = true,
            description = "Finds configuration problems: pipelines empty or without open stages, custom fields with"
                    + " the same name, fields required where hidden or in a missing stage, users deactivated or"
                    + " unable to see leads.")
    public SetupReport validate(Caller caller) {
        List<Finding> findings = new ArrayList<>();
        List<Pipeline> pipelines = metadata.pipelines(caller);
        for (Pipeline p : pipelines) {
            boolean open = p.stages().stream().anyMatch(s -> s.type() == 0 && s.id() != Pipeline.Stage.WON
                    && s.id() != Pipeline.Stage.LOST);
            if (!open) {
                findings.add(new Finding("pipeline without open stages", p.name(), "leads cannot be worked in it"));
            }
            if (crm.searchLeads(caller, new LeadCriteria(null, p.id(), null, null, 1, 1)).items().isEmpty()) {
                findings.add(new Finding("empty pipeline", p.name(), "it holds no leads"));
            }
        }
        for (io.kommomcp.kommo.EntityType type : io.kommomcp.kommo.EntityType.values()) {
            String entity = type.path();
            Map<String, List<FieldDef>> byName = new LinkedHashMap<>();
            for (FieldDef d : metadata.fields(caller, type)) {
                byName.computeIfAbsent(Names.fold(d.name()), k -> new ArrayList<>()).add(d);
                for (FieldDef.RequiredIn r : d.requiredIn()) {
                    if (d.hiddenIn().stream().anyMatch(h -> h.pipelineId() == r.pipelineId()
                            && h.stageId() == r.stageId())) {
                        findings.add(new Finding("required but hidden", entity + " field \"" + d.name() + "\"",
                                "required before " + stageName(pipelines, r.pipelineId(), r.stageId())
                                        + " of " + pipelineName(pipelines, r.pipelineId())
                                        + ", where it is hidden: nobody can fill it there"));
                    }
                    if (pipelines.stream().noneMatch(p -> p.id() == r.pipelineId() && p.stage(r.stageId())
                            .isPresent())) {
                        findings.add(new Finding("requirement on a missing stage", entity + " field \"" + d.name()
                                + "\"", "required before stage " + r.stageId() + " of pipeline " + r.pipelineId()
                                        + ", which does not exist"));
                    }
                }
            }
            byName.values().stream().filter(l -> l.size() > 1).forEach(l -> findings.add(new Finding(
                    "duplicate field name", entity + " field \"" + l.get(0).name() + "\"", l.size() + " fields: ids "
                            + String.join(", ", l.stream().map(d -> String.valueOf(d.id())).toList())
                            + "; tools cannot tell them apart by name")));
        }
        for (UserRights u : account.users(caller, 1, PAGE).items()) {
            if (Boolean.FALSE.equals(u.user().isActive())) {
                findings.add(new Finding("deactivated user", u.user().name(), "still listed; reassign their leads"));
            } else if ("D".equals(u.rights().getOrDefault("leads", Map.of()).get("view"))) {
                findings.add(new Finding("user without rights", u.user().name(), "cannot view leads"));
            }
        }
        return new SetupReport(findings);
    }

    @Tool(name = "test_permissions", title = "What this integration may do", role = Roles.ADMIN, readOnly = true,
            description = "The Kommo user this tenant's credentials act as, its rights, and the operations the tools"
                    + " need that it is denied.")
    public Permissions permissions(Caller caller) {
        Long current = account.account(caller).currentUserId();
        long me = current == null ? 0 : current;
        UserRights u = account.users(caller, 1, PAGE).items().stream().filter(x -> x.user().id() == me).findFirst()
                .orElseThrow(() -> new ToolException("Kommo did not list this integration's user (" + me + "); it"
                        + " may lack the right to see users."));
        List<String> cannot = new ArrayList<>();
        for (String entity : List.of("leads", "contacts", "companies")) {
            Map<String, String> r = u.rights().getOrDefault(entity, Map.of());
            for (String op : List.of("view", "add", "edit")) {
                if ("D".equals(r.get(op))) {
                    cannot.add(op + " " + entity);
                }
            }
        }
        if ("D".equals(u.rights().getOrDefault("tasks", Map.of()).get("edit"))) {
            cannot.add("edit tasks");
        }
        return new Permissions(u.user().id(), u.user().name(), Boolean.TRUE.equals(u.user().isAdmin()),
                !Boolean.FALSE.equals(u.user().isActive()), u.rights(), cannot);
    }

    private static String stageName(List<Pipeline> pipelines, Lead l) {
        long pid = l.pipelineId() == null ? 0 : l.pipelineId();
        long sid = l.statusId() == null ? 0 : l.statusId();
        return pipelineName(pipelines, pid) + " / " + stageName(pipelines, pid, sid);
    }

    private static String pipelineName(List<Pipeline> pipelines, long pipelineId) {
        return pipelines.stream().filter(p -> p.id() == pipelineId).map(Pipeline::name).findFirst()
                .orElse(String.valueOf(pipelineId));
    }

    private static String stageName(List<Pipeline> pipelines, long pipelineId, long stageId) {
        return pipelines.stream().filter(p -> p.id() == pipelineId).findFirst().flatMap(p -> p.stage(stageId))
                .map(Pipeline.Stage::name).orElse(String.valueOf(stageId));
    }
}
