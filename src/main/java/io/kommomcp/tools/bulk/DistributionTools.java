package io.kommomcp.tools.bulk;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.kommomcp.core.Caller;
import io.kommomcp.core.Describe;
import io.kommomcp.core.Rendered;
import io.kommomcp.core.Tool;
import io.kommomcp.core.ToolException;
import io.kommomcp.core.ToolSet;
import io.kommomcp.governance.BulkGovernance;
import io.kommomcp.governance.Proposal;
import io.kommomcp.kommo.KommoCrm;
import io.kommomcp.kommo.KommoCrm.LeadCriteria;
import io.kommomcp.kommo.KommoParties;
import io.kommomcp.kommo.KommoWrite;
import io.kommomcp.kommo.RecordWrites.LeadChange;
import io.kommomcp.kommo.RecordWrites.UpdateLeads;
import io.kommomcp.kommo.UserLoads;
import io.kommomcp.kommo.wire.Lead;
import io.kommomcp.kommo.wire.Pipeline;
import io.kommomcp.kommo.wire.User;
import io.kommomcp.security.Roles;
import io.kommomcp.tools.bulk.BulkSupport.Checked;
import io.kommomcp.tools.common.Names;
import io.kommomcp.tools.common.UserResolver;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Shares leads among users: in turn, to whoever has the fewest open leads or open tasks, or by rules (pipeline, stage,
 * source, tag, value band). Every assignment is explained in the plan and the answer; above the tenant's threshold the
 * distribution is governed like a bulk change.
 */
@ToolSet
@ApplicationScoped
public class DistributionTools {

    /** The most explanations a plan or an answer lists one by one; the audit trail has every assignment. */
    static final int LISTED = 500;

    @Inject
    KommoCrm crm;

    @Inject
    KommoParties parties;

    @Inject
    UserResolver users;

    @Inject
    UserLoads loads;

    @Inject
    BulkGovernance governance;

    /** How a lead's user is chosen. */
    public enum Strategy {
        round_robin, fewest_open_leads, fewest_open_tasks, rules
    }

    public record LeadFilter(
            @Describe(min = 1) Long pipelineId,
            @Describe(value = "With pipeline_id.", min = 1) Long stageId,
            @Describe(value = "Their current user.", min = 1) Long responsibleUserId,
            @Describe(value = "Default 250.", min = 1, max = BulkGovernance.MAX_RECORDS) Integer limit) {
    }

    public record Rule(
            @Describe(value = "Id, name or e-mail.", required = true) String user,
            @Describe(min = 1) Long pipelineId,
            @Describe(min = 1) Long stageId,
            String tag,
            @Describe(min = 1) Long sourceId,
            @Describe(min = 0) Long minPrice,
            @Describe(min = 0) Long maxPrice) {
    }

    public record DistributeArgs(
            @Describe(value = "The leads; or filter.", min = 1, max = BulkGovernance.MAX_RECORDS) List<Long> leadIds,
            LeadFilter filter,
            @Describe(value = "Ids, names or e-mails (not with rules).", min = 1, max = 100) List<String> users,
            @Describe("Default round_robin.") Strategy strategy,
            @Describe("Strategy rules: the first rule a lead matches names its user; none: unchanged.")
            List<Rule> rules) {
    }

    /** One lead's assignment, or why it stays: {@code record} is its place in the set distributed. */
    public record Assignment(int record, long leadId, Long userId, String user, String why, boolean changed) {
    }

    /** What a user gets, and their load before. */
    public record Share(long userId, String user, int leads, String loadBefore) {
    }

    public record Distribution(String strategy, int leads, int assigned, int unchanged, int kommoRequests,
            List<Share> users, List<Assignment> assignments, String note) implements Rendered {

        @Override
        public String toText() {
            StringBuilder b = new StringBuilder("Distributed ").append(assigned).append(" of ").append(leads)
                    .append(" leads (").append(strategy).append(") in ").append(kommoRequests).append(" Kommo request")
                    .append(kommoRequests == 1 ? "" : "s").append('.');
            users.forEach(s -> b.append("\n- ").append(s.user()).append(" (").append(s.userId()).append("): ")
                    .append(s.leads()).append(s.leads() == 1 ? " lead" : " leads").append(s.loadBefore() == null ? ""
                            : ", " + s.loadBefore() + " before"));
            assignments.stream().limit(50).forEach(x -> b.append("\nlead ").append(x.leadId()).append(x.changed()
                    ? " → " + x.user() + ": " : " unchanged: ").append(x.why()));
            if (assignments.size() > 50) {
                b.append("\n... ").append(assignments.size() - 50).append(" more in assignments.");
            }
            if (note != null) {
                b.append('\n').append(note);
            }
            return b.toString();
        }
    }

    @Tool(name = "leads_distribute", title = "Distribute leads", role = Roles.WRITER, readOnly = false,
            idempotent = true, idempotencyKey = true,
            description = "Assigns leads (ids or a filter, up to 5,000) to users: round robin, fewest open leads or"
                    + " tasks, or rules (pipeline, stage, source, tag, price band). Explains each assignment;"
                    + " above the tenant's threshold (default 50) planned and applied once confirmed.")
    public Proposal<Distribution> distribute(DistributeArgs a, Caller caller) {
        Strategy strategy = a.strategy() == null ? Strategy.round_robin : a.strategy();
        if ((a.leadIds() == null) == (a.filter() == null)) {
            throw new ToolException("Give either lead_ids or filter.");
        }
        if (strategy == Strategy.rules && (a.rules() == null || a.rules().isEmpty())) {
            throw new ToolException("strategy rules needs rules, e.g. [{\"user\": \"Maria\", \"pipeline_id\": 12}].");
        }
        if (strategy != Strategy.rules && (a.users() == null || a.users().isEmpty())) {
            throw new ToolException("Name the users to share the leads among in users (ids, names or e-mails).");
        }
        if (strategy == Strategy.rules && a.users() != null && !a.users().isEmpty()) {
            throw new ToolException("users do not apply with strategy rules: each rule names its user.");
        }
        if (strategy != Strategy.rules && a.rules() != null && !a.rules().isEmpty()) {
            throw new ToolException("rules apply only with strategy rules.");
        }
        List<User> pool = new ArrayList<>();
        if (strategy != Strategy.rules) {
            for (String ref : a.users()) {
                User u = users.resolve(caller, ref);
                if (pool.stream().noneMatch(x -> x.id() == u.id())) {
                    pool.add(u);
                }
            }
        }
        List<User> ruleUsers = new ArrayList<>();
        if (strategy == Strategy.rules) {
            for (Rule r : a.rules()) {
                ruleUsers.add(users.resolve(caller, r.user()));
            }
        }
        boolean sources = strategy == Strategy.rules && a.rules().stream().anyMatch(r -> r.sourceId() != null);
        List<Lead> set = leads(caller, a, sources);

        // loads before, without the leads being distributed (they are shared out again)
        UserLoads.Loads before = null;
        Map<Long, Long> load = new LinkedHashMap<>();
        UserLoads.Kind kind = strategy == Strategy.fewest_open_tasks ? UserLoads.Kind.OPEN_TASKS
                : UserLoads.Kind.OPEN_LEADS;
        if (strategy == Strategy.fewest_open_leads || strategy == Strategy.fewest_open_tasks) {
            before = loads.of(caller, kind, pool.stream().map(User::id).toList());
            for (User u : pool) {
                long n = before.byUser().get(u.id()).count();
                if (kind == UserLoads.Kind.OPEN_LEADS) {
                    n -= set.stream().filter(l -> Objects.equals(l.responsibleUserId(), u.id()) && !closed(l)).count();
                }
                load.put(u.id(), Math.max(0, n));
            }
        }

        Checked<LeadChange> c = new Checked<>();
        List<Assignment> assignments = new ArrayList<>();
        Map<Long, Integer> given = new LinkedHashMap<>();
        int turn = 0;
        for (int k = 0; k < set.size(); k++) {
            Lead lead = set.get(k);
            if (closed(lead)) {
                assignments.add(new Assignment(k, lead.id(), lead.responsibleUserId(), null, "closed ("
                        + (lead.statusId() == Pipeline.Stage.WON ? "won" : "lost") + ")", false));
                c.unchanged(k, "closed");
                continue;
            }
            User chosen;
            String why;
            switch (strategy) {
                case round_robin -> {
                    chosen = pool.get(turn % pool.size());
                    why = "round robin, user " + (turn % pool.size() + 1) + " of " + pool.size();
                    turn++;
                }
                case rules -> {
                    int match = -1;
                    for (int r = 0; r < a.rules().size() && match < 0; r++) {
                        if (matches(a.rules().get(r), lead)) {
                            match = r;
                        }
                    }
                    if (match < 0) {
                        assignments.add(new Assignment(k, lead.id(), lead.responsibleUserId(), null, "no rule"
                                + " matches", false));
                        c.unchanged(k, "no rule matches");
                        continue;
                    }
                    chosen = ruleUsers.get(match);
                    why = "rule " + (match + 1) + " (" + describe(a.rules().get(match)) + ")";
                }
                default -> {
                    chosen = pool.get(0);
                    for (User u : pool) {
                        if (load.get(u.id()) < load.get(chosen.id())) {
                            chosen = u;
                        }
                    }
                    UserLoads.Load was = before.byUser().get(chosen.id());
                    why = "fewest " + kind.words() + " (" + (was.atLeast() ? "at least " : "") + load.get(chosen
                            .id()) + ")";
                    load.merge(chosen.id(), 1L, Long::sum);
                }
            }
            given.merge(chosen.id(), 1, Integer::sum);
            if (Objects.equals(lead.responsibleUserId(), chosen.id())) {
                assignments.add(new Assignment(k, lead.id(), chosen.id(), chosen.name(), "already " + chosen.name()
                        + "'s; " + why, false));
                c.unchanged(k, "already " + chosen.name() + "'s");
                continue;
            }
            assignments.add(new Assignment(k, lead.id(), chosen.id(), chosen.name(), why, true));
            Map<String, Object> was = new LinkedHashMap<>();
            was.put("responsible_user_id", lead.responsibleUserId());
            c.records.add(k);
            c.items.add(new LeadChange(lead.id(), null, null, null, null, chosen.id(), null, null, null, null, was));
        }

        List<User> everyone = strategy == Strategy.rules ? ruleUsers.stream().filter(distinctById()).toList() : pool;
        UserLoads.Loads loadsBefore = before;
        List<Share> shares = everyone.stream().map(u -> new Share(u.id(), u.name(), given.getOrDefault(u.id(), 0),
                loadsBefore == null ? null : loadsBefore.byUser().get(u.id()) + " " + kind.words())).toList();
        List<KommoWrite> writes = c.items.isEmpty() ? List.of() : List.of(new UpdateLeads(c.items, c.records));
        List<String> consequences = new ArrayList<>();
        consequences.add(c.items.size() + " of " + set.size() + " leads get a new responsible user, in "
                + (c.items.size() + KommoWrite.BATCH - 1) / KommoWrite.BATCH + " Kommo request(s); " + c.unchanged
                        .size() + " stay as they are.");
        shares.forEach(s -> consequences.add(s.user() + " (" + s.userId() + ") gets " + s.leads() + " lead"
                + (s.leads() == 1 ? "" : "s") + (s.loadBefore() == null ? "" : "; " + s.loadBefore() + " before")
                + "."));
        if (before != null) {
            consequences.add("Loads counted from " + before.source() + ", without the leads being distributed.");
        }
        List<String> explained = assignments.stream().limit(LISTED).map(x -> "lead " + x.leadId() + (x.changed()
                ? " → " + x.user() + ": " : " unchanged: ") + x.why()).toList();
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("assignments", explained);
        if (assignments.size() > LISTED) {
            after.put("more", assignments.size() - LISTED);
        }
        String note = assignments.size() > LISTED ? "The first " + LISTED + " of " + assignments.size()
                + " assignments are listed; the audit trail has every one." : null;
        List<Assignment> listed = List.copyOf(assignments.subList(0, Math.min(LISTED, assignments.size())));
        String action = "distribute " + c.items.size() + " leads (" + strategy + ")";
        Proposal<Distribution> p = Proposal.of(action, writes).state(BulkSupport.state(writes, c)).after(after)
                .consequences(consequences).then(applied -> new Distribution(strategy.name(), set.size(),
                        applied.records().size(), c.unchanged.size(), applied.done().size(), shares, listed, note));
        return governance.apply(caller, c.items.size(), p);
    }

    /** The leads to distribute, in the order given (ids) or Kommo's (filter); unknown ids refuse the call. */
    private List<Lead> leads(Caller caller, DistributeArgs a, boolean withSource) {
        if (a.leadIds() != null) {
            Checked<Object> c = new Checked<>();
            Map<Long, Integer> seen = new LinkedHashMap<>();
            for (int i = 0; i < a.leadIds().size(); i++) {
                BulkSupport.duplicate(c, seen, "lead_ids", i, a.leadIds().get(i));
            }
            Map<Long, Lead> found = BulkSupport.byIds(List.copyOf(seen.keySet()), ids -> withSource ? parties
                    .leadsWithSource(caller, ids) : parties.leads(caller, ids), Lead::id);
            seen.forEach((id, i) -> {
                if (!found.containsKey(id)) {
                    c.problem(i, id, "there is no lead " + id + " (leads_search).");
                }
            });
            BulkSupport.refuseOrSkip("lead_ids", a.leadIds().size(), c, false);
            return seen.keySet().stream().map(found::get).toList();
        }
        LeadFilter f = a.filter();
        if (f.stageId() != null && f.pipelineId() == null) {
            throw new ToolException("filter.stage_id needs filter.pipeline_id.");
        }
        int limit = f.limit() == null ? KommoCrm.MAX_PAGE_SIZE : f.limit();
        List<Lead> out = new ArrayList<>();
        for (int page = 1; out.size() < limit; page++) {
            KommoCrm.Page<Lead> p = crm.searchLeads(caller, new LeadCriteria(null, f.pipelineId(), f.stageId(),
                    f.responsibleUserId(), page, KommoCrm.MAX_PAGE_SIZE));
            p.items().stream().limit(limit - out.size()).forEach(out::add);
            if (!p.hasMore()) {
                break;
            }
        }
        if (out.isEmpty()) {
            throw new ToolException("No leads match the filter. Nothing was changed.");
        }
        if (withSource) { // the sources, which lists do not carry
            Map<Long, Lead> read = BulkSupport.byIds(out.stream().map(Lead::id).toList(), ids -> parties
                    .leadsWithSource(caller, ids), Lead::id);
            return out.stream().map(l -> read.getOrDefault(l.id(), l)).toList();
        }
        return out;
    }

    private static boolean closed(Lead l) {
        return l.statusId() != null && (l.statusId() == Pipeline.Stage.WON || l.statusId() == Pipeline.Stage.LOST);
    }

    /** Whether a lead meets every condition a rule gives. */
    static boolean matches(Rule r, Lead l) {
        long price = l.price() == null ? 0 : l.price();
        return (r.pipelineId() == null || Objects.equals(r.pipelineId(), l.pipelineId()))
                && (r.stageId() == null || Objects.equals(r.stageId(), l.statusId()))
                && (r.sourceId() == null || Objects.equals(r.sourceId(), l.sourceId()))
                && (r.tag() == null || l.tags().stream().anyMatch(t -> Names.fold(t.name()).equals(Names.fold(r
                        .tag()))))
                && (r.minPrice() == null || price >= r.minPrice())
                && (r.maxPrice() == null || price <= r.maxPrice());
    }

    static String describe(Rule r) {
        List<String> parts = new ArrayList<>();
        if (r.pipelineId() != null) {
            parts.add("pipeline " + r.pipelineId());
        }
        if (r.stageId() != null) {
            parts.add("stage " + r.stageId());
        }
        if (r.sourceId() != null) {
            parts.add("source " + r.sourceId());
        }
        if (r.tag() != null) {
            parts.add("tag \"" + r.tag() + "\"");
        }
        if (r.minPrice() != null || r.maxPrice() != null) {
            parts.add("price " + (r.minPrice() == null ? "up to " + r.maxPrice() : r.maxPrice() == null ? "from "
                    + r.minPrice() : r.minPrice() + "-" + r.maxPrice()));
        }
        return parts.isEmpty() ? "any lead" : String.join(", ", parts);
    }

    private static java.util.function.Predicate<User> distinctById() {
        java.util.Set<Long> seen = new java.util.HashSet<>();
        return u -> seen.add(u.id());
    }
}
