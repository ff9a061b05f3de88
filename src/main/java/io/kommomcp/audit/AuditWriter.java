package io.kommomcp.audit;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Group commit for the audit trail, leader and followers: every caller queues its entry; whoever finds no write in
 * progress becomes the leader and appends everything queued so far in one transaction (one WAL flush for the lot),
 * while the others wait. Each caller returns only once its own entry is committed, so an intent is still durable
 * before Kommo is called and an outcome before the answer leaves. No thread of its own: the callers' threads do the
 * work, so it also runs while the application starts. If a group fails, its entries are retried one by one, so a bad
 * entry fails only its own caller. Chains stay single chains: {@link ChainWriter#appendAll} holds each chain's head
 * lock while appending, exactly as a single append does, also against writers on other servers.
 */
@ApplicationScoped
public class AuditWriter {

    private static final Logger LOG = Logger.getLogger(AuditWriter.class.getName());

    /** A non-transactional pool of its own: the leader commits its group itself, outside any JTA transaction. */
    @Resource(lookup = "jdbc/kommo-audit")
    DataSource ds;

    @Inject
    @ConfigProperty(name = "kommo.audit.group-max-entries", defaultValue = "256")
    int maxGroup;

    @Inject
    @ConfigProperty(name = "kommo.audit.write-timeout-seconds", defaultValue = "30")
    int timeoutSeconds;

    private record Pending(AuditEntry draft, CompletableFuture<AuditEntry> stored) {
    }

    private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
    /**
     * The head of each chain as this writer last wrote it (used by one leader at a time): appends try it first and
     * fall back to reading the head when another writer moved it.
     */
    private final Map<String, ChainWriter.Head> heads = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    /** Whether a leader is writing a group (guarded by {@link #lock}). */
    private boolean writing;

    /** Appends {@code draft} to its chain and returns it as stored, once committed. */
    public AuditEntry append(AuditEntry draft) {
        Pending mine = new Pending(draft, new CompletableFuture<>());
        queue.add(mine);
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        try {
            while (!mine.stored().isDone()) {
                synchronized (lock) {
                    while (writing && !mine.stored().isDone()) {
                        long left = (deadline - System.nanoTime()) / 1_000_000L;
                        if (left <= 0 && queue.remove(mine)) { // never started: it will not be written
                            throw new IllegalStateException("the audit trail did not accept the entry within "
                                    + timeoutSeconds + " s");
                        }
                        lock.wait(Math.max(1, Math.min(left, 100)));
                    }
                    if (mine.stored().isDone()) {
                        break;
                    }
                    writing = true;
                }
                try {
                    lead();
                } finally {
                    synchronized (lock) {
                        writing = false;
                        lock.notifyAll();
                    }
                }
            }
            return mine.stored().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("audit write failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            queue.remove(mine);
            throw new IllegalStateException("interrupted while writing the audit trail", e);
        }
    }

    /** Writes what is queued (at most one group), as the leader. */
    private void lead() {
        List<Pending> group = new ArrayList<>();
        Pending p;
        while (group.size() < maxGroup && (p = queue.poll()) != null) {
            group.add(p);
        }
        if (!group.isEmpty()) {
            write(group);
        }
    }

    private void write(List<Pending> group) {
        try {
            List<AuditEntry> stored = commit(group.stream().map(Pending::draft).toList());
            for (int i = 0; i < group.size(); i++) {
                group.get(i).stored().complete(stored.get(i));
            }
        } catch (SQLException | RuntimeException e) {
            if (group.size() == 1) {
                group.get(0).stored().completeExceptionally(e);
                return;
            }
            LOG.log(Level.WARNING, "audit group of " + group.size() + " failed; writing its entries one by one", e);
            for (Pending p : group) {
                write(List.of(p));
            }
        }
    }

    /**
     * One group in one transaction. A group on a single chain (the usual case) is one statement in auto-commit mode
     * when this writer knows the chain's head: one round trip and one WAL flush.
     */
    private List<AuditEntry> commit(List<AuditEntry> drafts) throws SQLException {
        boolean oneChain = drafts.stream().map(AuditEntry::chainKey).distinct().count() == 1;
        try (Connection c = ds.getConnection()) {
            if (oneChain) {
                c.setAutoCommit(true);
                return ChainWriter.appendAll(c, drafts, heads);
            }
            c.setAutoCommit(false);
            try {
                List<AuditEntry> stored = ChainWriter.appendAll(c, drafts, heads);
                c.commit();
                return stored;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                heads.clear(); // what was written in this transaction did not happen
                throw e;
            }
        }
    }
}
