package kiln.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every metric the Grafana dashboard and the alert rules use exists in a live kiln's /metrics. */
@Timeout(120)
final class DashboardMetricsIT {
    /** Shown only where the hardware reports them. */
    private static final Set<String> SENSOR_DEPENDENT = Set.of("kiln_host_cpu_temperature_celsius", "kiln_host_cpu_frequency_hertz");
    private static final Map<String, String> EVIDENCE = Map.of("kiln_machine_checks_total", "machine_checks",
            "kiln_edac_corrected_errors_total", "edac_corrected", "kiln_edac_uncorrected_errors_total", "edac_uncorrected",
            "kiln_thermal_throttle_events_total", "thermal_throttle");
    private static final Set<String> DAEMON_ONLY = Set.of("kiln_daemon_problem");
    /** Exposed by a daemon that screens (kiln.screen.enabled); ScreeningIT checks it does. */
    private static final Set<String> SCREENING_ONLY = Set.of("kiln_core_last_screened_timestamp_seconds", "kiln_screen_window_seconds",
            "kiln_screens_total");
    private static final Pattern METRIC = Pattern.compile("\\b((?:kiln|jvm|process)_[a-z0-9_]+)");

    @TempDir
    Path tmp;

    private static Set<String> namesIn(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    @Test
    void dashboardAndAlerts_useOnlyMetricsKilnExposes() throws Exception {
        Set<String> used = new TreeSet<>();
        var dashboard = ConfigFactory.parseFile(Path.of("docker/grafana/dashboards/kiln.json").toFile());
        for (var panel : dashboard.getConfigList("panels")) {
            for (var target : panel.getConfigList("targets")) {
                used.addAll(namesIn(target.getString("expr")));
            }
        }
        for (var variable : dashboard.getConfigList("templating.list")) {
            used.addAll(namesIn(variable.getString("query")));
        }
        Set<String> fromDashboard = new TreeSet<>(used);
        for (String line : Files.readAllLines(Path.of("config/kiln-alerts.yml"))) {
            if (line.strip().startsWith("expr:") || line.strip().startsWith("or ")) {
                used.addAll(namesIn(line));
            }
        }
        assertTrue(fromDashboard.size() >= 15, "the dashboard covers kiln broadly: " + fromDashboard);

        try (KilnProcess k = new KilnProcess("run", "--duration", "6s", "--workers", "2", "--dir", tmp.resolve("d").toString(),
                "--metrics-port", "0", "--min-free", "64m", "--max-files", "2000", "--memory", "32m")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> k.port() > 0 || !k.process.isAlive());
            await().atMost(Duration.ofSeconds(20)).until(() -> k.scrape().getOrDefault("kiln_files_per_second", 0.0) > 0);
            Set<String> exposed = new TreeSet<>();
            for (String sample : k.scrape().keySet()) {
                String name = sample.replaceFirst("\\{.*", "");
                exposed.add(name);
                exposed.add(name.replaceFirst("_(bucket|count|sum)$", ""));
            }
            Set<String> missing = new TreeSet<>();
            for (String name : used) {
                if (!exposed.contains(name) && !exposed.contains(name.replaceFirst("_bucket$", ""))) {
                    missing.add(name);
                }
            }
            missing.removeIf(n -> SENSOR_DEPENDENT.contains(n) && !sensorPresent(n));
            Map<String, Double> scrape = k.scrape();
            // evidence counters exist only where the machine has the source; the availability gauge says so
            missing.removeIf(n -> EVIDENCE.containsKey(n)
                    && scrape.get("kiln_evidence_available{source=\"" + EVIDENCE.get(n) + "\"}") == 0.0);
            missing.removeAll(DAEMON_ONLY); // DaemonIT checks the daemon exposes them
            missing.removeAll(SCREENING_ONLY);
            assertEquals(Set.of(), missing, "used by the dashboard or alerts but not in /metrics");
            assertEquals(0, k.waitFor(Duration.ofSeconds(60)), k.output());
        }
    }

    /** Labels Prometheus adds to every series it scrapes. */
    private static final Set<String> TARGET_LABELS = Set.of("job", "instance");
    private static final Pattern AGGREGATION = Pattern.compile("^\\s*(?:sum|max|min|avg|count)\\s*(?:by\\s*\\(([^)]*)\\))?\\s*\\(");
    private static final Pattern QUANTILE = Pattern.compile("^\\s*histogram_quantile\\s*\\(\\s*[0-9.]+\\s*,\\s*(.*)\\)\\s*$");
    private static final Pattern LEGEND_LABEL = Pattern.compile("\\{\\{\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*\\}\\}");

    /**
     * The labels a query's series carry: an aggregation's {@code by} list (none without one), a
     * quantile's less {@code le}, otherwise its metric's labels (from a live scrape) and the target's.
     */
    static Set<String> labelsOf(String expr, Map<String, Set<String>> labelsByMetric) {
        Matcher q = QUANTILE.matcher(expr);
        if (q.find()) {
            Set<String> inner = labelsOf(q.group(1), labelsByMetric);
            inner.remove("le");
            return inner;
        }
        Matcher agg = AGGREGATION.matcher(expr);
        if (agg.find()) {
            Set<String> by = new TreeSet<>();
            if (agg.group(1) != null) {
                for (String l : agg.group(1).split(",")) {
                    by.add(l.strip());
                }
            }
            return by;
        }
        Set<String> out = new TreeSet<>(TARGET_LABELS);
        for (String metric : namesIn(expr)) {
            out.addAll(labelsByMetric.getOrDefault(metric.replaceFirst("_bucket$", ""), Set.of()));
        }
        return out;
    }

    @Test
    void everyLegend_namesOnlyLabelsItsSeriesHave_inALiveScrape() throws Exception {
        var dashboard = ConfigFactory.parseFile(Path.of("docker/grafana/dashboards/kiln.json").toFile());
        Map<String, Set<String>> labelsByMetric = new java.util.HashMap<>();
        Map<String, java.util.List<Set<String>>> answered = new java.util.HashMap<>(); // query → its series' labels, from Prometheus
        try (KilnProcess k = new KilnProcess("run", "--duration", "60s", "--workers", "1", "--dir", tmp.resolve("d").toString(),
                "--metrics-port", "0", "--min-free", "64m", "--max-files", "500", "--cpu-load", "20")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> k.port() > 0 || !k.process.isAlive());
            await().atMost(Duration.ofSeconds(20)).until(() -> k.scrape().getOrDefault("kiln_files_per_second", 0.0) > 0);
            Pattern label = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");
            for (String sample : k.scrape().keySet()) {
                String name = sample.replaceFirst("\\{.*", "");
                Set<String> labels = new TreeSet<>();
                Matcher m = label.matcher(sample.contains("{") ? sample.substring(sample.indexOf('{')) : "");
                while (m.find()) {
                    labels.add(m.group(1));
                }
                labelsByMetric.computeIfAbsent(name.replaceFirst("_(bucket|count|sum)$", ""), n -> new TreeSet<>()).addAll(labels);
                labelsByMetric.computeIfAbsent(name, n -> new TreeSet<>()).addAll(labels);
            }
            askPrometheus(k.port(), dashboard, answered);
            k.process.destroy();
            assertEquals(5, k.waitFor(Duration.ofSeconds(60)), "stopped early: " + k.output());
        }
        assertTrue(labelsByMetric.getOrDefault("kiln_host_disk_write_bytes_total", Set.of()).contains("device"),
                "the disk metrics name their device: " + labelsByMetric.get("kiln_host_disk_write_bytes_total"));
        java.util.List<String> wrong = new java.util.ArrayList<>();
        int legends = 0;
        for (var panel : dashboard.getConfigList("panels")) {
            for (var target : panel.getConfigList("targets")) {
                if (!target.hasPath("legendFormat")) {
                    continue;
                }
                java.util.List<Set<String>> series = answered.getOrDefault(target.getString("expr"), java.util.List.of());
                // Prometheus's own answer where the query returned series; else the labels its metric has in the scrape
                Set<String> has = series.isEmpty() ? labelsOf(target.getString("expr"), labelsByMetric) : series.stream()
                        .reduce((a, b) -> { Set<String> both = new TreeSet<>(a); both.retainAll(b); return both; }).orElseThrow();
                Matcher m = LEGEND_LABEL.matcher(target.getString("legendFormat"));
                while (m.find()) {
                    legends++;
                    if (!has.contains(m.group(1))) {
                        wrong.add(panel.getString("title") + ": legend " + target.getString("legendFormat") + " names " + m.group(1)
                                + ", its series have " + has);
                    }
                }
            }
        }
        assertTrue(legends >= 10, "legends with labels were checked: " + legends);
        assertEquals(java.util.List.of(), wrong);
    }

    /**
     * The verdict panel's query, evaluated by Prometheus's own engine (promtool test rules): a
     * scraped kiln before its first run shows "no run yet", not Grafana's "No data"; after a run,
     * its verdict; a kiln not scraped at all, nothing.
     */
    /**
     * Runs a real Prometheus scraping kiln once a second and asks it every dashboard query (the
     * dashboard's variables set to match all); each query's series' label sets go into {@code answered}.
     * Nothing is asked where Prometheus is not installed (the labels then come from the scrape alone).
     */
    private void askPrometheus(int kilnPort, com.typesafe.config.Config dashboard, Map<String, java.util.List<Set<String>>> answered)
            throws Exception {
        Path binary = Path.of("/usr/bin/prometheus");
        if (!Files.isExecutable(binary)) {
            return;
        }
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Path conf = Files.writeString(tmp.resolve("prometheus.yml"), "global:\n  scrape_interval: 1s\n"
                + "scrape_configs:\n  - job_name: kiln\n    static_configs:\n      - targets: ['127.0.0.1:" + kilnPort + "']\n");
        Process prometheus = new ProcessBuilder(binary.toString(), "--config.file=" + conf, "--storage.tsdb.path=" + tmp.resolve("tsdb"),
                "--web.listen-address=127.0.0.1:" + port).redirectErrorStream(true).redirectOutput(tmp.resolve("prometheus.log").toFile())
                .start();
        try {
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.util.function.Function<String, com.typesafe.config.Config> query = q -> {
                try {
                    var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/api/v1/query?query="
                            + java.net.URLEncoder.encode(q, java.nio.charset.StandardCharsets.UTF_8))).build();
                    return ConfigFactory.parseString(http.send(req, java.net.http.HttpResponse.BodyHandlers.ofString()).body());
                } catch (java.io.IOException e) {
                    return ConfigFactory.empty();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            };
            // a few scrapes in: rate() over 10s needs two samples
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
                var r = query.apply("count_over_time(up{job=\"kiln\"}[1m]) >= 4 and up{job=\"kiln\"} == 1");
                return r.hasPath("data.result") && !r.getConfigList("data.result").isEmpty();
            });
            for (var panel : dashboard.getConfigList("panels")) {
                for (var target : panel.getConfigList("targets")) {
                    String expr = target.getString("expr");
                    var r = query.apply(expr.replace("$job", ".*").replace("$instance", ".*").replace("$__rate_interval", "10s"));
                    assertEquals("success", r.getString("status"), expr + ": " + r.root().render());
                    java.util.List<Set<String>> labels = new java.util.ArrayList<>();
                    for (var one : r.getConfigList("data.result")) {
                        labels.add(new TreeSet<>(one.getConfig("metric").root().keySet()));
                    }
                    answered.put(expr, labels);
                }
            }
            assertTrue(answered.values().stream().filter(l -> !l.isEmpty()).count() >= 15,
                    "Prometheus answered most of the dashboard's queries: " + answered);
        } finally {
            prometheus.destroy();
            if (!prometheus.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                prometheus.destroyForcibly();
            }
        }
    }

    @Test
    void theVerdictPanel_saysNoRunYet_ratherThanNoData() throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(promtool), "promtool not installed (Debian package prometheus)");
        var dashboard = ConfigFactory.parseFile(Path.of("docker/grafana/dashboards/kiln.json").toFile());
        var verdict = dashboard.getConfigList("panels").stream().filter(p -> p.getString("title").equals("Verdict of the last run"))
                .findFirst().orElseThrow();
        var target = verdict.getConfigList("targets").get(0);
        assertEquals("{{verdict}}", target.getString("legendFormat"));
        assertEquals("name", verdict.getString("options.textMode"), "the panel shows the series' name: its verdict label");
        String expr = target.getString("expr").replace("$job", ".*").replace("$instance", ".*").replace("'", "''");
        StringBuilder series = new StringBuilder();
        for (String v : new String[] {"pass", "fail", "degraded", "inconclusive"}) {
            series.append("      - series: 'kiln_last_run_verdict{job=\"kiln\",instance=\"a:9464\",verdict=\"").append(v)
                    .append("\"}'\n        values: '").append(v.equals("fail") ? "0 0 1 1" : "0 0 0 0").append("'\n");
        }
        String test = "evaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n" + series
                + "    promql_expr_test:\n"
                + "      - expr: '" + expr + "'\n        eval_time: 1m\n        exp_samples:\n"
                + "          - labels: '{verdict=\"no run yet\"}'\n            value: 4\n"
                + "      - expr: '" + expr + "'\n        eval_time: 3m\n        exp_samples:\n"
                + "          - labels: '{verdict=\"fail\"}'\n            value: 1\n"
                + "      - expr: '" + expr + "'\n        eval_time: 20m\n        exp_samples: []\n";
        Path file = Files.writeString(tmp.resolve("verdict-panel-test.yml"), test);
        Process p = new ProcessBuilder(promtool.toString(), "test", "rules", file.toString()).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), test + "\n" + said);
    }

    /** Whether this machine reports what a sensor-dependent metric shows. */
    private static boolean sensorPresent(String metric) throws RuntimeException {
        try (KilnProcess s = new KilnProcess("sensors", "--json")) {
            s.waitFor(Duration.ofSeconds(60));
            var inv = ConfigFactory.parseString(String.join("\n", s.out));
            return metric.contains("temperature") ? inv.hasPath("sensors.cpu_temperature_celsius")
                    : inv.hasPath("cpu.current_frequency_hz");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
