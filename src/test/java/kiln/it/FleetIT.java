package kiln.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet on one machine: three daemons on loopback, each with its own directory and one worker,
 * scraped by a real Prometheus with the repository's rules. One node has a core that fails
 * reproducibly: its configuration injects a sticky CPU fault ({@code cpu:sticky}) into every run,
 * so from the fault on every result of a method on that worker's cpu is wrong, its retests there
 * too, as a bad core's; its alerts fire, for it alone, {@code kiln check} says so there (with the
 * reproduction) and nowhere else, and its failure (the kept verdict, the core ledger, the check,
 * the alert) outlives a restart of its daemon.
 */
@Timeout(120)
final class FleetIT {
    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final String TOKEN = "fleet-it-token";
    private static final int NODES = 3;
    private static final int BAD = 1;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path tmp;

    private static int freePort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private Path config(int node, int port) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("node" + node));
        return Files.writeString(dir.resolve("kiln.conf"), "kiln.http.port = " + port + "\n"
                + "kiln.http.token = \"" + TOKEN + "\"\n"
                + "kiln.files.dir = \"" + dir.resolve("data") + "\"\n"
                + "kiln.files.min-free = 64m\nkiln.files.max-files = 500\nkiln.workers.count = 1\n"
                + (node == BAD ? "kiln.run.inject-fault = \"cpu:sticky\"\n" : ""));
    }

    private static KilnProcess daemon(Path config) throws Exception {
        KilnProcess k = new KilnProcess("daemon", "--config", config.toString());
        await().atMost(Duration.ofSeconds(40)).until(() -> k.port() > 0 || !k.process.isAlive());
        assertTrue(k.process.isAlive(), k.output());
        return k;
    }

    /** {@code kiln check} beside the node, as node-problem-detector runs it: its exit code and its one line. */
    private record Checked(int code, String line) {
    }

    private static Checked check(Path config) throws Exception {
        try (KilnProcess c = new KilnProcess(Map.of("KILN_TOKEN", TOKEN), "check", "--config", config.toString())) {
            int code = c.waitFor(Duration.ofSeconds(30));
            assertEquals(1, c.out.size(), c.output());
            assertTrue(c.out.get(0).getBytes(StandardCharsets.UTF_8).length <= 80, c.output());
            return new Checked(code, c.out.get(0));
        }
    }

    /** The failing cpu's retest as the check says it: a core that fails every time, 20 of 20 at its first failure. */
    private static final String REPRODUCED = "fail: cpu 0 failed [a-z0-9_-]+ 20/20 retests \\(injected\\).*";

    /** The ledger's rows (header left out), each split into its columns. */
    private List<String[]> ledger(int node) throws Exception {
        return Files.readAllLines(tmp.resolve("node" + node + "/data/.kiln-runs/core-ledger.tsv")).stream()
                .filter(l -> !l.startsWith("#")).map(l -> l.split("\t")).toList();
    }

    private static Config status(KilnProcess k) throws Exception {
        return ConfigFactory.parseString(k.get("/api/v1/status").body());
    }

    /** A Prometheus API answer (GET {@code path}), parsed. */
    private static Config ask(int port, String path) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build();
        return ConfigFactory.parseString(HTTP.send(req, HttpResponse.BodyHandlers.ofString()).body());
    }

    private static List<? extends Config> query(int port, String promql) throws Exception {
        return ask(port, "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).getConfigList("data.result");
    }

    /** Firing alerts as "name@instance". */
    private static Set<String> firing(int port) throws Exception {
        Set<String> out = new TreeSet<>();
        for (Config a : ask(port, "/api/v1/alerts").getConfigList("data.alerts")) {
            if (a.getString("state").equals("firing")) {
                out.add(a.getString("labels.alertname") + "@" + a.getString("labels.instance"));
            }
        }
        return out;
    }

    private static Instant activeAt(int port, String alert, String instance) throws Exception {
        for (Config a : ask(port, "/api/v1/alerts").getConfigList("data.alerts")) {
            if (a.getString("state").equals("firing") && a.getString("labels.alertname").equals(alert)
                    && a.getString("labels.instance").equals(instance)) {
                return Instant.parse(a.getString("activeAt"));
            }
        }
        return Instant.EPOCH;
    }

    @Test
    void oneBadNode_firesItsAlertsAlone_andStaysFailedAcrossARestart() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(PROMETHEUS), "prometheus not installed (Debian package prometheus)");
        int[] ports = new int[NODES];
        Path[] configs = new Path[NODES];
        List<KilnProcess> nodes = new ArrayList<>();
        Process prometheus = null;
        try {
            for (int i = 0; i < NODES; i++) {
                ports[i] = freePort();
                configs[i] = config(i, ports[i]);
                nodes.add(new KilnProcess("daemon", "--config", configs[i].toString()));
            }
            for (KilnProcess k : nodes) {
                await().atMost(Duration.ofSeconds(40)).until(() -> k.port() > 0 || !k.process.isAlive());
                assertTrue(k.process.isAlive(), k.output());
            }
            String bad = "127.0.0.1:" + ports[BAD];

            int promPort = freePort();
            StringBuilder targets = new StringBuilder();
            for (int p : ports) {
                targets.append(targets.length() == 0 ? "" : ", ").append("'127.0.0.1:").append(p).append('\'');
            }
            Path rules = Files.copy(Path.of("config/kiln-alerts.yml"), tmp.resolve("kiln-alerts.yml"));
            Path conf = Files.writeString(tmp.resolve("prometheus.yml"), "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                    + "rule_files: ['" + rules + "']\n"
                    + "scrape_configs:\n  - job_name: kiln\n    static_configs:\n      - targets: [" + targets + "]\n");
            prometheus = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + conf, "--storage.tsdb.path=" + tmp.resolve("tsdb"),
                    "--web.listen-address=127.0.0.1:" + promPort).redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("prometheus.log").toFile()).start();
            // every node scraped before the runs: increase() needs the counters' zero to see a wrong result counted
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> query(promPort, "count_over_time(kiln_run_active{job=\"kiln\"}[1m]) >= 2").size() == NODES);

            for (KilnProcess k : nodes) {
                HttpResponse<String> r = k.post("/api/v1/run", "{\"duration\": \"4s\", \"cpu-load\": 30}",
                        "Authorization", "Bearer " + TOKEN);
                assertEquals(202, r.statusCode(), r.body());
            }
            for (int i = 0; i < NODES; i++) {
                KilnProcess k = nodes.get(i);
                await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(250))
                        .until(() -> status(k).getString("state").equals("idle") && status(k).hasPath("last_run.verdict"));
                assertEquals(i == BAD ? "fail" : "pass", status(k).getString("last_run.verdict"), k.output());
            }

            Set<String> expected = Set.of("KilnRunFailed@" + bad, "KilnVerificationError@" + bad);
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() -> firing(promPort).containsAll(expected));
            assertEquals(expected, firing(promPort), "the bad node's alerts, and none for the others");
            for (int i = 0; i < NODES; i++) {
                Checked c = check(configs[i]);
                assertEquals(i == BAD ? 1 : 0, c.code(), "kiln check on node " + i + ": " + c.line());
                assertTrue(i != BAD || c.line().matches(REPRODUCED), "the bad core reproduced its failure on its cpu: " + c.line());
            }
            assertEquals(1.0, nodes.get(BAD).scrape().get("kiln_fault_injected{target=\"cpu\"}"), "marked injected");
            assertEquals(0.0, nodes.get(0).scrape().get("kiln_fault_injected{target=\"cpu\"}"));
            Config first = status(nodes.get(BAD)).getConfigList("last_run.errors.first").get(0);
            assertEquals("mercurial core", first.getString("retest.kind"), "fails on its cpu, not elsewhere: " + first.getString("retest.rate"));
            List<String[]> rows = ledger(BAD);
            assertEquals("20/20", rows.get(0)[6], "the ledger keeps the reproduction rate: " + String.join(" ", rows.get(0)));
            for (String[] row : rows) {
                assertEquals("0", row[2], String.join(" ", row));
                assertEquals("injected", row[7], String.join(" ", row));
                assertTrue(row[6].equals("-") || row[6].matches("(\\d+)/\\1"), "every retest on cpu 0 reproduced it: " + String.join(" ", row));
            }

            // the bad node's daemon restarts: its kept verdict says fail again, and its alert fires again from the new process
            KilnProcess old = nodes.get(BAD);
            old.signal(false);
            assertEquals(0, old.waitFor(Duration.ofSeconds(30)), old.output());
            Checked down = check(configs[BAD]);
            assertEquals(1, down.code(), "while its daemon is down, from the kept reports and the ledger: " + down.line());
            assertTrue(down.line().matches(REPRODUCED), down.line());
            Instant restarted = Instant.now();
            KilnProcess again = daemon(configs[BAD]);
            nodes.set(BAD, again);
            Map<String, Double> metrics = again.scrape();
            assertEquals(1.0, metrics.get("kiln_last_run_verdict{verdict=\"fail\"}"), "the verdict was kept on disk");
            assertEquals((double) rows.size(), metrics.get("kiln_core_failures_total{cpu=\"0\"}"), "the ledger too: " + metrics.keySet());
            assertEquals("fail", status(again).getString("last_run.verdict"));
            Checked restartedCheck = check(configs[BAD]);
            assertEquals(1, restartedCheck.code(), "from the restarted daemon: " + restartedCheck.line());
            assertTrue(restartedCheck.line().matches(REPRODUCED), restartedCheck.line());
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .until(() -> activeAt(promPort, "KilnRunFailed", bad).isAfter(restarted));
            assertTrue(firing(promPort).stream().allMatch(a -> a.endsWith("@" + bad)), "still the bad node's alone: " + firing(promPort));
        } finally {
            if (prometheus != null) {
                prometheus.destroy();
                if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
                    prometheus.destroyForcibly();
                }
            }
            for (KilnProcess k : nodes) {
                k.close();
            }
        }
    }
}
