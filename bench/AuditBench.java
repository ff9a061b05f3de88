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

import io.kommomcp.audit.AuditEntry;
import io.kommomcp.audit.ChainVerifier;
import io.kommomcp.audit.ChainWriter;
import io.kommomcp.audit.EntryKind;
import io.kommomcp.audit.Outcome;

/**
 * Benchmark (not a test) of the audit chain, with the server's own writer and verifier code over JDBC against the
 * real database: chained appends per second on one tenant's chain with 1, 4 and 16 concurrent writers (they
 * serialise on the chain head), on 16 tenants' chains at once (they do not), and verification entries per second.
 * Each figure is the median of 3 rounds; ratios are against the single-writer baseline of the same run.
 * Usage: java -cp ... AuditBench JDBC_URL USER [entries-per-round]
 */
public class AuditBench {

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String user = args[1];
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 4000;
        String run = "bench-" + UUID.randomUUID().toString().substring(0, 6);
        System.out.printf("audit chain benchmark, %d appends per round, 3 rounds, %d cores%n", n,
                Runtime.getRuntime().availableProcessors());
        double base = 0;
        for (int[] shape : new int[][] {{1, 1}, {4, 1}, {16, 1}, {16, 16}}) {
            List<Double> rates = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                String prefix = run + "-" + shape[0] + "x" + shape[1] + "-" + round;
                rates.add(appends(url, user, prefix, shape[0], shape[1], n));
            }
            Collections.sort(rates);
            double median = rates.get(1);
            if (base == 0) {
                base = median;
            }
            System.out.printf("  %2d writers on %2d chain(s): median %7.0f appends/s (rounds %s), ratio %.2f%n",
                    shape[0], shape[1], median, fmt(rates), median / base);
        }
        List<Double> verify = new ArrayList<>();
        String chain = run + "-1x1-0-0"; // the single-writer round: n entries on one chain
        for (int round = 0; round < 3; round++) {
            try (Connection c = DriverManager.getConnection(url, user, "")) {
                c.setAutoCommit(false);
                long t0 = System.nanoTime();
                ChainVerifier.Result r = ChainVerifier.verify(c, chain, null, null);
                double secs = (System.nanoTime() - t0) / 1e9;
                if (!r.valid()) {
                    throw new IllegalStateException(r.problem());
                }
                verify.add(r.entriesChecked() / secs);
                c.commit();
            }
        }
        Collections.sort(verify);
        System.out.printf("  verification: median %.0f entries/s (rounds %s)%n", verify.get(1), fmt(verify));
    }

    static double appends(String url, String user, String prefix, int writers, int chains, int n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<?>> fs = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int w = 0; w < writers; w++) {
            String chain = prefix + "-" + (w % chains);
            int share = n / writers;
            fs.add(pool.submit(() -> {
                try (Connection c = DriverManager.getConnection(url, user, "")) {
                    for (int i = 0; i < share; i++) {
                        ChainWriter.append(c, new AuditEntry(chain, 0, Instant.now(), EntryKind.CALL, null, chain,
                                "bench", "kommo.reader", "bench", "1", null, "leads_get", "{\"lead_id\":" + i + "}",
                                Outcome.SUCCEEDED, 12, null, null, null, null, null,
                                "[{\"method\":\"GET\",\"path\":\"/api/v4/leads/1\",\"status\":200}]", 1, 0, 0, null,
                                null));
                    }
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

    static String fmt(List<Double> xs) {
        return String.join(", ", xs.stream().map(x -> String.format("%.0f", x)).toList());
    }
}
