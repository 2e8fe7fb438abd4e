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
            assertEquals(Set.of(), missing, "used by the dashboard or alerts but not in /metrics");
            assertEquals(0, k.waitFor(Duration.ofSeconds(60)), k.output());
        }
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
