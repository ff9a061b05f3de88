package io.kommomcp.audit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.postgresql.ds.PGSimpleDataSource;

/**
 * Benchmark (not a test): audit appends per second from 16 concurrent callers, each waiting for its own entry to be
 * committed, written the way the server wrote them before issue 11 (one transaction and one WAL flush per entry,
 * {@link ChainWriter#append}) and the way it writes them now ({@link AuditWriter}: group commit, one statement per
 * chain when the head is known). One tenant's chain, then 16 chains. Median of 3 rounds; ratio against the
 * per-entry figure of the same run. Usage: java -cp ... io.kommomcp.audit.GroupCommitBench JDBC_URL USER [n]
 */
public class GroupCommitBench {

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String user = args[1];
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 4000;
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setUrl(url);
        pg.setUser(user);
        AuditWriter writer = new AuditWriter();
        writer.ds = pooled(pg, 16); // as the server's pool: connections are reused, not opened per append
        writer.maxGroup = 256;
        writer.timeoutSeconds = 30;
        String run = "gbench-" + UUID.randomUUID().toString().substring(0, 6);
        System.out.printf("audit appends, 16 concurrent callers, %d per round, 3 rounds%n", n);
        for (int chains : new int[] {1, 16}) {
            List<Double> single = new ArrayList<>();
            List<Double> grouped = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                ThreadLocal<Connection> own = ThreadLocal.withInitial(() -> { // each caller its pooled connection
                    try {
                        return DriverManager.getConnection(url, user, "");
                    } catch (java.sql.SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
                single.add(rate(n, chains, run + "-s" + chains + "-" + round, draft -> ChainWriter.append(own.get(),
                        draft)));
                grouped.add(rate(n, chains, run + "-g" + chains + "-" + round, writer::append));
            }
            Collections.sort(single);
            Collections.sort(grouped);
            System.out.printf("  %2d chain(s): one transaction per entry %6.0f appends/s, group commit %6.0f appends/s,"
                    + " ratio %.2f%n", chains, single.get(1), grouped.get(1), grouped.get(1) / single.get(1));
        }
    }

    /** A minimal connection pool over {@code ds} (close returns the connection), standing in for Liberty's. */
    static javax.sql.DataSource pooled(javax.sql.DataSource ds, int size) throws java.sql.SQLException {
        java.util.concurrent.BlockingQueue<Connection> idle = new java.util.concurrent.LinkedBlockingQueue<>();
        for (int i = 0; i < size; i++) {
            idle.add(ds.getConnection());
        }
        return (javax.sql.DataSource) java.lang.reflect.Proxy.newProxyInstance(GroupCommitBench.class.getClassLoader(),
                new Class<?>[] {javax.sql.DataSource.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("getConnection")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    Connection real = idle.take();
                    return java.lang.reflect.Proxy.newProxyInstance(GroupCommitBench.class.getClassLoader(),
                            new Class<?>[] {Connection.class}, (p, m, a) -> {
                                if (m.getName().equals("close")) {
                                    idle.add(real);
                                    return null;
                                }
                                try {
                                    return m.invoke(real, a);
                                } catch (java.lang.reflect.InvocationTargetException e) {
                                    throw e.getCause();
                                }
                            });
                });
    }

    interface Append {
        void append(AuditEntry draft) throws Exception;
    }

    static double rate(int n, int chains, String prefix, Append append) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<?>> fs = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int w = 0; w < 16; w++) {
            String chain = prefix + "-" + (w % chains);
            fs.add(pool.submit(() -> {
                for (int i = 0; i < n / 16; i++) {
                    append.append(new AuditEntry(chain, 0, Instant.now(), EntryKind.CALL, null, chain, "bench",
                            "kommo.reader", "bench", "1", null, "leads_get", "{\"lead_id\":" + i + "}",
                            Outcome.SUCCEEDED, 12, null, null, null, null, null,
                            "[{\"method\":\"GET\",\"path\":\"/api/v4/leads/1\",\"status\":200}]", 1, 0, 0, null, null));
                }
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        pool.shutdown();
        return n / ((System.nanoTime() - t0) / 1e9);
    }
}
