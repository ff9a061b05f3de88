import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import io.kommomcp.audit.AuditEntry;
import io.kommomcp.audit.ChainWriter;
import io.kommomcp.audit.EntryKind;
import io.kommomcp.audit.Outcome;

/**
 * Benchmark (not a test) of the streamed audit export's memory: seeds tenants with 10k, 50k and 200k entries, then
 * exports each tenant's whole trail as CSV from the running server and, half-way through the download (the client
 * stops reading, so the server is blocked mid-stream with whatever it holds), forces a full GC in the server and
 * reads its live heap. If the export collected the range, the live heap would grow with the range; if it streams,
 * it stays flat (within the noise of a GC'd heap, about 1 MB). Each figure is the median of 3 exports.
 * Usage: java -cp ... ExportBench BASE_URL JDBC_URL DB_USER SERVER_PID TOKEN_SCRIPT
 */
public class ExportBench {

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String url = args[1];
        String user = args[2];
        String pid = args[3];
        String tokenScript = args[4];
        String run = "xb" + UUID.randomUUID().toString().substring(0, 6);
        System.out.printf("audit export memory benchmark, server pid %s%n", pid);
        int firstN = 0;
        for (int n : new int[] {10_000, 50_000, 200_000}) {
            String tenant = run + "-" + n;
            long t0 = System.nanoTime();
            seed(url, user, tenant, n);
            System.out.printf("  seeded %,d entries for %s in %.1f s%n", n, tenant, (System.nanoTime() - t0) / 1e9);
            String token = token(tokenScript, tenant);
            List<Double> deltas = new ArrayList<>();
            long bytes = 0;
            double idle = 0;
            for (int round = 0; round < 3; round++) {
                idle = liveHeapMb(pid);
                long[] read = new long[1];
                double mid = export(base, token, n, pid, read);
                bytes = read[0];
                deltas.add(mid - idle);
            }
            Collections.sort(deltas);
            double median = deltas.get(1);
            if (firstN == 0) {
                firstN = n;
            }
            System.out.printf("  %,7d entries (%,d bytes of CSV, %.0fx the first): live heap idle %.1f MB,"
                    + " mid-export %+.1f MB (rounds %s)%n", n, bytes, (double) n / firstN, idle, median, fmt(deltas));
        }
    }

    /** Downloads the export, forces a GC in the server half-way through and returns its live heap then. */
    static double export(String base, String token, int n, String pid, long[] bytes) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/api/audit/export?format=csv&from="
                + java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(1) + "&to="
                + java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(2)))
                .header("Authorization", "Bearer " + token).build();
        HttpResponse<InputStream> r = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("export answered " + r.statusCode());
        }
        double mid = -1;
        long lines = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                bytes[0] += line.length() + 1;
                if (++lines == n / 2) {
                    Thread.sleep(300); // let the server block on the full socket
                    mid = liveHeapMb(pid);
                }
            }
        }
        if (lines != n + 1) {
            throw new IllegalStateException("expected " + n + " rows and a header, got " + lines + " lines");
        }
        return mid;
    }

    /** Heap in use in the server right after a full GC, in MB (jcmd GC.run, then jstat). */
    static double liveHeapMb(String pid) throws Exception {
        run("jcmd", pid, "GC.run");
        List<String> out = run("jstat", "-gc", pid);
        String[] head = out.get(0).trim().split("\\s+");
        String[] vals = out.get(1).trim().split("\\s+");
        double used = 0;
        for (int i = 0; i < head.length; i++) {
            if (List.of("S0U", "S1U", "EU", "OU").contains(head[i])) {
                used += Double.parseDouble(vals[i]);
            }
        }
        return used / 1024;
    }

    static void seed(String url, String user, String tenant, int n) throws Exception {
        try (Connection c = DriverManager.getConnection(url, user, "")) {
            c.setAutoCommit(false);
            for (int i = 0; i < n; i++) {
                ChainWriter.appendInTransaction(c, new AuditEntry(tenant, 0, Instant.now(), EntryKind.CALL,
                        null, tenant, "bench-user-" + (i % 50), "kommo.reader", "export-bench", "1", null,
                        i % 3 == 0 ? "leads_search" : "leads_get", "{\"lead_id\":" + i + ",\"text\":\"Northwind\"}",
                        Outcome.SUCCEEDED, 12, null, null, null, null, null,
                        "[{\"method\":\"GET\",\"path\":\"/api/v4/leads\",\"status\":200}]", 1, 0, 0, null, null));
                if (i % 1000 == 999) {
                    c.commit();
                }
            }
            c.commit();
        }
    }

    static String token(String script, String tenant) throws Exception {
        return run(script, "--tenant", tenant, "--roles", "audit.reader").get(0).trim();
    }

    static List<String> run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: "
                    + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        return lines;
    }

    static String fmt(List<Double> v) {
        StringBuilder b = new StringBuilder();
        for (double d : v) {
            b.append(b.length() == 0 ? "" : ", ").append(String.format("%.1f", d));
        }
        return b.toString();
    }
}
