package it.io.kommomcp;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A second Liberty server with the same application, configuration and database as the one Arquillian runs, on
 * other ports: two instances of kommo-mcp behind one database, as in a cluster. Made by copying the prepared server
 * directory; started and stopped with Liberty's own {@code server} command.
 */
final class SecondServer implements AutoCloseable {

    private static final Set<String> NOT_COPIED = Set.of("logs", "workarea", "tranlog", "temp", "expanded");

    final String name;
    final int httpPort;
    final ItServer http;
    private final Path wlp;

    private SecondServer(Path wlp, String name, int httpPort) {
        this.wlp = wlp;
        this.name = name;
        this.httpPort = httpPort;
        this.http = new ItServer("http://localhost:" + httpPort);
    }

    /** Copies the test server to {@code name}, moves its ports by {@code portOffset}, starts it and waits for it. */
    static SecondServer start(String name, int portOffset) throws Exception {
        return start(name, portOffset, java.util.Map.of());
    }

    /** {@link #start(String, int)} with Liberty {@code variables} (settings) of its own, e.g. kommo.mcp.sessions. */
    static SecondServer start(String name, int portOffset, java.util.Map<String, String> variables)
            throws Exception {
        Path wlp = Path.of("target/liberty/wlp").toAbsolutePath();
        Path source = wlp.resolve("usr/servers/kommo-mcp");
        Path target = wlp.resolve("usr/servers/" + name);
        deleteTree(target);
        try (Stream<Path> files = Files.walk(source)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path rel = source.relativize(p);
                if (rel.getNameCount() > 0 && (NOT_COPIED.contains(rel.getName(0).toString())
                        || rel.toString().startsWith("apps/expanded"))) {
                    continue;
                }
                Path to = target.resolve(rel.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        int httpPort = Integer.getInteger("http.port", 9080) + portOffset;
        Path vars = target.resolve("configDropins/overrides/liberty-plugin-variable-config.xml");
        String xml = Files.readString(vars, StandardCharsets.UTF_8)
                .replaceAll("name=\"http.port\" value=\"\\d+\"", "name=\"http.port\" value=\"" + httpPort + "\"")
                .replaceAll("name=\"https.port\" value=\"(\\d+)\"", "name=\"https.port\" value=\""
                        + (Integer.getInteger("http.port", 9080) + 363 + portOffset) + "\"");
        for (java.util.Map.Entry<String, String> v : variables.entrySet()) {
            xml = xml.replace("</server>", "    <variable name=\"" + v.getKey() + "\" value=\"" + v.getValue()
                    + "\"/>\n</server>");
        }
        Files.writeString(vars, xml, StandardCharsets.UTF_8);
        // this instance exports no metrics: the receiver in the tests listens for the first one only
        Path bootstrap = target.resolve("bootstrap.properties");
        if (Files.exists(bootstrap)) {
            Files.writeString(bootstrap, Files.readString(bootstrap).replace("otel.sdk.disabled=false",
                    "otel.sdk.disabled=true"));
        }
        SecondServer s = new SecondServer(wlp, name, httpPort);
        s.command("start");
        s.awaitReady(Duration.ofSeconds(180));
        return s;
    }

    private void awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = McpHttp.HTTP.send(HttpRequest.newBuilder(
                        URI.create(http.base + "/health/ready")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("second server " + name + " not ready in " + timeout + ": " + last);
    }

    private void command(String verb) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(wlp.resolve("bin/server").toString(), verb, name))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("server " + verb + " " + name + " did not finish");
        }
    }

    @Override
    public void close() throws Exception {
        command("stop");
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
