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
 * Group commit for the audit trail, per chain, leader and followers: every caller queues its entry on its chain's
 * queue; whoever finds no write of that chain in progress becomes the leader and appends everything queued for the
 * chain so far in one statement (one round trip and one WAL flush for the lot), while the others wait. Entries of one
 * chain are written one after the other anyway (the head lock); different chains, tenants, go to the database in
 * parallel, where PostgreSQL shares WAL flushes between concurrent commits itself. Each caller returns only once
 * its own entry is committed, so an intent is still durable before Kommo is called and an outcome before the answer
 * leaves. No thread of its own: the callers' threads do the work, so it also runs while the application starts. If
 * a group fails, its entries are retried one by one, so a bad entry fails only its own caller. Chains stay single
 * chains: {@link ChainWriter#appendAll} moves the head only from the head it read, exactly as a single append does,
 * also against writers on other servers.
 */
@ApplicationScoped
public class AuditWriter {

    private static final Logger LOG = Logger.getLogger(AuditWriter.class.getName());

    /** A non-transactional pool of its own: each group commits on its own, outside any JTA transaction. */
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

    /** One chain's queue, and whether a leader is writing it (guarded by the instance's monitor). */
    private static final class ChainQueue {
        final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
        /** The head as this writer last wrote it (one leader at a time), tried before the head is read. */
        final Map<String, ChainWriter.Head> head = new ConcurrentHashMap<>(1);
        boolean writing;
    }

    private final Map<String, ChainQueue> chains = new ConcurrentHashMap<>();

    /** Appends {@code draft} to its chain and returns it as stored, once committed. */
    public AuditEntry append(AuditEntry draft) {
        ChainQueue chain = chains.computeIfAbsent(draft.chainKey(), k -> new ChainQueue());
        Pending mine = new Pending(draft, new CompletableFuture<>());
        chain.queue.add(mine);
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        try {
            while (!mine.stored().isDone()) {
                synchronized (chain) {
                    while (chain.writing && !mine.stored().isDone()) {
                        long left = (deadline - System.nanoTime()) / 1_000_000L;
                        if (left <= 0 && chain.queue.remove(mine)) { // never started: it will not be written
                            throw new IllegalStateException("the audit trail did not accept the entry within "
                                    + timeoutSeconds + " s");
                        }
                        chain.wait(Math.max(1, Math.min(left, 100)));
                    }
                    if (mine.stored().isDone()) {
                        break;
                    }
                    chain.writing = true;
                }
                try {
                    lead(chain);
                } finally {
                    synchronized (chain) {
                        chain.writing = false;
                        chain.notifyAll();
                    }
                }
            }
            return mine.stored().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("audit write failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            chain.queue.remove(mine);
            throw new IllegalStateException("interrupted while writing the audit trail", e);
        }
    }

    /** Writes what is queued on the chain (at most one group), as its leader. */
    private void lead(ChainQueue chain) {
        List<Pending> group = new ArrayList<>();
        Pending p;
        while (group.size() < maxGroup && (p = chain.queue.poll()) != null) {
            group.add(p);
        }
        if (!group.isEmpty()) {
            write(chain, group);
        }
    }

    private void write(ChainQueue chain, List<Pending> group) {
        try {
            List<AuditEntry> stored = commit(chain, group.stream().map(Pending::draft).toList());
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
                write(chain, List.of(p));
            }
        }
    }

    /**
     * One group of one chain, committed: one statement in auto-commit mode when this writer knows the chain's head,
     * else a short transaction that reads and locks it first.
     */
    private List<AuditEntry> commit(ChainQueue chain, List<AuditEntry> drafts) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(true);
            return ChainWriter.appendAll(c, drafts, chain.head);
        }
    }
}
