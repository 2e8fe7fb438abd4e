package kiln.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kiln.config.Settings;
import kiln.config.SettingsLoader;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/** The files operators deploy: they parse, reference files that exist, and their kiln configs are valid. */
final class OpsFilesTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();

    @SuppressWarnings("unchecked")
    private static <T> T yaml(Path p) throws IOException {
        return (T) new Yaml(new LoaderOptions()).load(Files.readString(p));
    }

    private static List<Object> yamlAll(Path p) throws IOException {
        List<Object> docs = new ArrayList<>();
        new Yaml(new LoaderOptions()).loadAll(Files.readString(p)).forEach(docs::add);
        return docs;
    }

    @Test
    @SuppressWarnings("unchecked")
    void compose_definesTheThreeServices_andEveryMountedFileExists() throws IOException {
        Path compose = ROOT.resolve("docker/compose.yaml");
        Map<String, Object> doc = yaml(compose);
        Map<String, Object> services = (Map<String, Object>) doc.get("services");
        assertEquals(Set.of("kiln", "prometheus", "grafana"), services.keySet());
        Map<String, Object> build = (Map<String, Object>) ((Map<String, Object>) services.get("kiln")).get("build");
        Path context = compose.getParent().resolve((String) build.get("context")).normalize();
        assertTrue(Files.isRegularFile(context.resolve((String) build.get("dockerfile"))), "the Dockerfile the build names");
        int mounts = 0;
        for (Object s : services.values()) {
            for (Object v : (List<Object>) ((Map<String, Object>) s).getOrDefault("volumes", List.of())) {
                String source = ((String) v).split(":")[0];
                if (source.startsWith(".")) {
                    assertTrue(Files.exists(compose.getParent().resolve(source)), "mounted from the repo: " + source);
                    mounts++;
                }
            }
        }
        assertEquals(4, mounts, "prometheus config, alert rules, grafana provisioning and dashboards are mounted");
        assertTrue(Files.isRegularFile(ROOT.resolve("docker/grafana/provisioning/datasources/prometheus.yaml")));
        assertTrue(Files.isRegularFile(ROOT.resolve("docker/grafana/dashboards/kiln.json")));
    }

    @Test
    void dockerfile_isMultiStage_nonRoot_andCopiesFilesThatExist() throws IOException {
        List<String> instructions = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String line : Files.readAllLines(ROOT.resolve("docker/Dockerfile"))) {
            if (line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            cur.append(line.strip());
            if (line.endsWith("\\")) {
                cur.setLength(cur.length() - 1);
                cur.append(' ');
            } else {
                instructions.add(cur.toString());
                cur.setLength(0);
            }
        }
        Set<String> known = Set.of("FROM", "RUN", "COPY", "WORKDIR", "USER", "VOLUME", "EXPOSE", "ENTRYPOINT", "CMD",
                "HEALTHCHECK", "ENV", "ARG", "LABEL");
        long froms = 0;
        String user = null;
        for (String ins : instructions) {
            String op = ins.split("\\s+")[0];
            assertTrue(known.contains(op), "known instruction: " + ins);
            froms += op.equals("FROM") ? 1 : 0;
            if (op.equals("USER")) {
                user = ins.split("\\s+")[1];
            }
            if (op.equals("COPY") && !ins.contains("--from=")) {
                String[] parts = ins.split("\\s+");
                for (int i = 1; i < parts.length - 1; i++) {
                    if (parts[i].startsWith("--")) {
                        continue; // --chmod=755 and other flags
                    }
                    assertTrue(Files.exists(ROOT.resolve(parts[i])), "COPY source exists in the build context: " + parts[i]);
                }
            }
        }
        assertEquals(2, froms, "a Maven build stage and a JRE stage");
        assertEquals("kiln", user, "runs as the non-root user it creates");
        assertTrue(instructions.stream().anyMatch(i -> i.startsWith("VOLUME")), "a volume for the file target");
    }

    @Test
    void containerAndClusterConfigs_areValidKilnConfigurations() throws IOException {
        SettingsLoader loader = new SettingsLoader(2);
        Settings docker = loader.load(ROOT.resolve("docker/kiln.conf"), Map.of());
        assertEquals("0.0.0.0", docker.http().host());
        assertEquals(Path.of("/var/lib/kiln/data"), docker.files().dir());

        List<Object> docs = yamlAll(ROOT.resolve("docker/k8s/kiln-daemonset.yaml"));
        assertEquals(List.of("ConfigMap", "DaemonSet", "Service"), docs.stream().map(d -> ((Map<?, ?>) d).get("kind")).toList());
        String conf = (String) ((Map<?, ?>) ((Map<?, ?>) docs.get(0)).get("data")).get("kiln.conf");
        Path tmp = Files.createTempFile("kiln-k8s", ".conf");
        try {
            Files.writeString(tmp, conf);
            Settings k8s = loader.load(tmp, Map.of());
            assertEquals("burnin", k8s.run().profile());
            assertTrue(k8s.files().verify(), "the burnin profile turns verification on");
        } finally {
            Files.delete(tmp);
        }
        String daemonSet = Files.readString(ROOT.resolve("docker/k8s/kiln-daemonset.yaml"));
        assertTrue(daemonSet.contains("prometheus.io/scrape: \"true\""), "scrape annotations");
    }

    @Test
    void systemdUnit_runsTheDaemonHardened_andNeverLeavesWorkers() throws IOException {
        String unit = Files.readString(ROOT.resolve("systemd/kiln.service"));
        for (String line : List.of("DynamicUser=yes", "StateDirectory=kiln", "NoNewPrivileges=yes", "ProtectSystem=strict",
                "ProtectHome=yes", "PrivateTmp=yes", "Restart=on-failure", "KillMode=control-group", "OOMScoreAdjust=-500")) {
            assertTrue(unit.contains("\n" + line + "\n"), line);
        }
        Matcher exec = Pattern.compile("\nExecStart=(.*)\n").matcher(unit);
        assertTrue(exec.find());
        assertEquals("/opt/kiln/bin/kiln daemon --config /etc/kiln/kiln.conf", exec.group(1), "through the launcher");
        assertTrue(unit.contains("\nCacheDirectory=kiln\nCacheDirectoryMode=0700\nEnvironment=KILN_CACHE_DIR=%C/kiln\n"),
                "the supervisor's class-data archive, in a directory only the service's user can write");
        Matcher stop = Pattern.compile("\nTimeoutStopSec=(\\d+)s\n").matcher(unit);
        assertTrue(stop.find() && Integer.parseInt(stop.group(1)) > 10, "time to clean up before SIGKILL");
    }

    @Test
    @SuppressWarnings("unchecked")
    void prometheusAndAlertFiles_parse_andEveryAlertHasASummary() throws IOException {
        Map<String, Object> prom = yaml(ROOT.resolve("config/prometheus.yml"));
        assertEquals(List.of("kiln-alerts.yml"), prom.get("rule_files"));
        Map<String, Object> rules = yaml(ROOT.resolve("config/kiln-alerts.yml"));
        Set<String> names = new java.util.TreeSet<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) rules.get("groups")) {
            for (Map<String, Object> r : (List<Map<String, Object>>) group.get("rules")) {
                if (r.get("alert") == null) {
                    assertTrue(r.get("record").toString().startsWith("kiln:"), "recording rules are named level:metric:operation");
                    continue;
                }
                names.add((String) r.get("alert"));
                assertFalse(((Map<String, Object>) r.get("annotations")).get("summary").toString().isBlank());
                assertFalse(r.get("expr").toString().contains("job="), "no rule is tied to a job name: " + r.get("alert"));
            }
        }
        assertTrue(names.containsAll(Set.of("KilnVerificationError", "KilnWorkerCrashLoop", "KilnFreeSpaceAtFloor", "KilnCpuTooHot",
                "KilnRunFailed", "KilnNodeBelowFleet", "KilnCoreBelowSiblings", "KilnCannotRun", "KilnDown")), names.toString());
        Map<String, Object> tests = yaml(ROOT.resolve("config/kiln-alerts.test.yml"));
        Set<String> tested = new java.util.TreeSet<>();
        for (Map<String, Object> t : (List<Map<String, Object>>) tests.get("tests")) {
            for (Map<String, Object> a : (List<Map<String, Object>>) t.get("alert_rule_test")) {
                if (!((List<?>) a.get("exp_alerts")).isEmpty()) {
                    tested.add((String) a.get("alertname"));
                }
            }
        }
        assertEquals(names, tested, "every alert has a promtool test in which it fires (.ci/run runs them)");
    }

    @Test
    @SuppressWarnings("unchecked")
    void dashboard_importsIntoAnyGrafana() throws IOException {
        String text = Files.readString(ROOT.resolve("docker/grafana/dashboards/kiln.json"));
        Map<String, Object> d = yaml(ROOT.resolve("docker/grafana/dashboards/kiln.json")); // JSON is YAML
        assertFalse(((List<?>) d.get("__inputs")).isEmpty(), "__inputs for grafana.com-style import");
        List<String> variables = new java.util.ArrayList<>();
        for (Map<String, Object> v : (List<Map<String, Object>>) ((Map<String, Object>) d.get("templating")).get("list")) {
            variables.add((String) v.get("name"));
        }
        assertEquals(List.of("datasource", "job", "instance"), variables);
        java.util.regex.Matcher uid = java.util.regex.Pattern.compile("\"datasource\"\\s*:\\s*\\{[^}]*\"uid\"\\s*:\\s*\"([^\"]*)\"").matcher(text);
        while (uid.find()) {
            assertEquals("${datasource}", uid.group(1), "no hard-coded data source uid");
        }
        for (Map<String, Object> panel : (List<Map<String, Object>>) d.get("panels")) {
            for (Map<String, Object> t : (List<Map<String, Object>>) panel.getOrDefault("targets", List.of())) {
                String expr = (String) t.get("expr");
                assertFalse(expr.matches("(?s).*rate\\([^)]*\\[1m\\].*"), "a fixed [1m] rate returns nothing at a 60 s scrape: " + expr);
                if (expr.contains("instance=~")) {
                    assertTrue(expr.contains("job=~\"$job\""), "scoped by job too: " + expr);
                }
            }
        }
        Map<String, Object> verdict = ((List<Map<String, Object>>) d.get("panels")).get(0);
        assertTrue(((List<Map<String, Object>>) verdict.get("targets")).get(0).get("expr").toString().contains("kiln_last_run_verdict"),
                "the verdict panel reads the run's verdict, not 'no errors counted'");
    }

    /** The unit a panel shows one query in: its override by query, else the panel's default. */
    @SuppressWarnings("unchecked")
    private static String unitOf(Map<String, Object> panel, String refId) {
        Map<String, Object> fc = (Map<String, Object>) panel.get("fieldConfig");
        for (Map<String, Object> o : (List<Map<String, Object>>) fc.getOrDefault("overrides", List.of())) {
            Map<String, Object> m = (Map<String, Object>) o.get("matcher");
            if ("byFrameRefID".equals(m.get("id")) && refId.equals(m.get("options"))) {
                for (Map<String, Object> prop : (List<Map<String, Object>>) o.get("properties")) {
                    if ("unit".equals(prop.get("id"))) {
                        return (String) prop.get("value");
                    }
                }
            }
        }
        return (String) ((Map<String, Object>) fc.get("defaults")).get("unit");
    }

    @Test
    @SuppressWarnings("unchecked")
    void dashboard_showsEachQueryInItsUnit() throws IOException {
        Map<String, Object> d = yaml(ROOT.resolve("docker/grafana/dashboards/kiln.json"));
        int checked = 0;
        for (Map<String, Object> panel : (List<Map<String, Object>>) d.get("panels")) {
            for (Map<String, Object> t : (List<Map<String, Object>>) panel.getOrDefault("targets", List.of())) {
                String expr = (String) t.get("expr");
                String unit = unitOf(panel, (String) t.get("refId"));
                String where = panel.get("title") + ": " + expr;
                assertFalse(expr.contains("\"total\""), "no cpu=\"total\" sample any more: " + where);
                if (expr.matches("(?s).*rate\\(kiln_\\w*bytes_total.*")) {
                    assertEquals("Bps", unit, "a rate of bytes is bytes per second: " + where);
                    checked++;
                } else if (expr.matches("(?s).*rate\\(kiln_\\w*_total.*") && !expr.contains("histogram_quantile")) {
                    assertTrue(Set.of("ops", "none", "short").contains(unit), "a rate of events: " + where);
                    checked++;
                } else if (expr.matches("(?s)^\\w*\\(?kiln_\\w*_ratio\\{.*")) {
                    assertEquals("percentunit", unit, "a 0-1 ratio shows as a percentage: " + where);
                    checked++;
                } else if (expr.contains("_bytes{")) {
                    assertEquals("bytes", unit, where);
                    checked++;
                } else if (expr.contains("_seconds_bucket{")) {
                    assertEquals("s", unit, where);
                    checked++;
                } else if (expr.contains("_per_second{")) {
                    assertEquals("ops", unit, "a rate, not a count: " + where);
                    checked++;
                } else if (expr.contains("_hertz{") || expr.contains("_celsius{")) {
                    assertEquals(expr.contains("_hertz{") ? "hertz" : "celsius", unit, where);
                    checked++;
                }
                if (expr.contains("increase(")) {
                    assertEquals(0, ((Number) ((Map<String, Object>) ((Map<String, Object>) panel.get("fieldConfig")).get("defaults"))
                            .get("decimals")).intValue(), "counts of events are whole numbers: " + where);
                }
            }
        }
        assertTrue(checked >= 18, "the unit rules matched the dashboard's queries: " + checked);
    }

    @Test
    @SuppressWarnings("unchecked")
    void dashboard_thresholdsMeanSomething() throws IOException {
        Map<String, Object> d = yaml(ROOT.resolve("docker/grafana/dashboards/kiln.json"));
        Map<String, Map<String, Object>> byTitle = new java.util.HashMap<>();
        for (Map<String, Object> panel : (List<Map<String, Object>>) d.get("panels")) {
            byTitle.put((String) panel.get("title"), (Map<String, Object>) ((Map<String, Object>) panel.get("fieldConfig")).get("defaults"));
        }
        // the temperature line sits where KilnCpuTooHot fires
        Matcher limit = Pattern.compile("kiln_host_cpu_temperature_celsius > (\\d+)").matcher(Files.readString(ROOT.resolve("config/kiln-alerts.yml")));
        assertTrue(limit.find(), "KilnCpuTooHot's limit");
        Map<String, Object> temperature = byTitle.get("CPU temperature");
        List<Map<String, Object>> steps = (List<Map<String, Object>>) ((Map<String, Object>) temperature.get("thresholds")).get("steps");
        assertEquals(Integer.parseInt(limit.group(1)), ((Number) steps.get(steps.size() - 1).get("value")).intValue());
        assertEquals("red", steps.get(steps.size() - 1).get("color"));
        assertTrue(((Map<String, Object>) ((Map<String, Object>) temperature.get("custom")).get("thresholdsStyle")).get("mode").toString().contains("line"),
                "drawn as a line");
        assertTrue(temperature.get("noValue").toString().contains("no CPU temperature sensor"), "not a bare 'No data'");
        // no worker running is red, one or more green
        List<Map<String, Object>> running = (List<Map<String, Object>>) ((Map<String, Object>) byTitle.get("Workers running").get("thresholds")).get("steps");
        assertEquals("red", running.get(0).get("color"));
        assertEquals(1, ((Number) running.get(1).get("value")).intValue());
        assertEquals("green", running.get(1).get("color"));
    }
}
