package io.kommomcp.kommo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.kommomcp.core.Caller;
import io.kommomcp.kommo.KommoCrm.LeadCriteria;
import io.kommomcp.kommo.KommoCrm.Page;
import io.kommomcp.kommo.wire.Lead;
import io.kommomcp.kommo.wire.Pipeline;
import io.kommomcp.kommo.wire.Task;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/**
 * How much each user has on their plate: open leads (not won, not lost) or open tasks. From the tenant's mirror when
 * it is on and current (one query, no Kommo request); else counted in Kommo, page by page, within
 * {@code kommo.bulk.load-count-pages} pages of 250 for all users together, beyond which a count is a lower bound.
 */
@ApplicationScoped
public class UserLoads {

    /** What is counted. */
    public enum Kind {
        OPEN_LEADS("leads", "open leads"), OPEN_TASKS("tasks", "open tasks");

        private final String entity;
        private final String words;

        Kind(String entity, String words) {
            this.entity = entity;
            this.words = words;
        }

        public String words() {
            return words;
        }
    }

    /** A user's count; at least that many when the budget ran out first. */
    public record Load(long count, boolean atLeast) {

        @Override
        public String toString() {
            return (atLeast ? "at least " : "") + count;
        }
    }

    /** Every user's load, and where the counts come from ("the mirror as of ..." or "Kommo"). */
    public record Loads(Map<Long, Load> byUser, String source) {
    }

    @Inject
    KommoCrm crm;

    @Inject
    KommoTasks tasks;

    @Inject
    Instance<MirrorReads> mirror;

    @Inject
    @ConfigProperty(name = "kommo.bulk.load-count-pages", defaultValue = "20")
    int budgetPages = 20;

    public Loads of(Caller caller, Kind kind, List<Long> users) {
        if (mirror != null && mirror.isResolvable()) {
            Optional<MirrorReads.Counted> counted = mirror.get().openByUser(caller.tenantId(), kind.entity, users);
            if (counted.isPresent()) {
                Map<Long, Load> out = new LinkedHashMap<>();
                users.forEach(u -> out.put(u, new Load(counted.get().byUser().getOrDefault(u, 0L), false)));
                return new Loads(out, "the mirror as of " + counted.get().asOf());
            }
        }
        int pagesEach = Math.max(1, budgetPages / Math.max(1, users.size()));
        Map<Long, Load> out = new LinkedHashMap<>();
        for (long u : users) {
            long n = 0;
            boolean more = true;
            for (int page = 1; page <= pagesEach && more; page++) {
                if (kind == Kind.OPEN_LEADS) {
                    Page<Lead> p = crm.searchLeads(caller, new LeadCriteria(null, null, null, u, page,
                            KommoCrm.MAX_PAGE_SIZE));
                    n += p.items().stream().filter(l -> l.statusId() == null || (l.statusId() != Pipeline.Stage.WON
                            && l.statusId() != Pipeline.Stage.LOST)).count();
                    more = p.hasMore();
                } else {
                    Page<Task> p = tasks.list(caller, new KommoTasks.Criteria(null, null, u, false, null, page,
                            KommoCrm.MAX_PAGE_SIZE));
                    n += p.items().size();
                    more = p.hasMore();
                }
            }
            out.put(u, new Load(n, more));
        }
        return new Loads(out, "Kommo");
    }
}
