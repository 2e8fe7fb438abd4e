package kiln.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The node-problem-detector config shipped in docker/k8s/node-problem-detector holds what NPD's
 * custom plugin monitor requires (its {@code Validate}: plugin "custom", a default condition for
 * every permanent rule, no rule timeout above the global one; durations Go can parse, the output
 * length kiln check keeps to), invokes {@code kiln check} with arguments kiln accepts at the path
 * kiln's image installs it, and fits the kiln DaemonSet it is patched into.
 */
final class NodeProblemDetectorConfigTest {
    private static final Path DIR = Path.of("docker/k8s/node-problem-detector");
    /** A Go time.ParseDuration string, as NPD reads its timeouts and intervals. */
    private static final Pattern GO_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

    @SuppressWarnings("unchecked")
    private static <T> T parse(String text) {
        return (T) new Yaml(new LoaderOptions()).load(text); // JSON is YAML
    }

    private static Duration go(String text) {
        Matcher m = GO_DURATION.matcher(text);
        Duration d = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            double v = Double.parseDouble(m.group(1));
            long nanos = (long) (v * switch (m.group(2)) {
                case "ns" -> 1L;
                case "us", "µs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            });
            d = d.plusNanos(nanos);
            end = m.end();
        }
        assertTrue(end == text.length() && end > 0, "a Go duration: " + text);
        return d;
    }

    @Test
    @SuppressWarnings("unchecked")
    void theMonitor_isWhatNpdRequires_andInvokesKilnCheck() throws Exception {
        Map<String, Object> m = parse(Files.readString(DIR.resolve("kiln-check-monitor.json")));
        assertTrue(Set.of("plugin", "pluginConfig", "source", "conditions", "rules", "metricsReporting").containsAll(m.keySet()),
                "only NPD's fields (a typo would be ignored silently): " + m.keySet());
        assertEquals("custom", m.get("plugin"));
        assertTrue(m.get("source") instanceof String s && !s.isBlank());
        Map<String, Object> pc = (Map<String, Object>) m.get("pluginConfig");
        assertTrue(Set.of("invoke_interval", "timeout", "max_output_length", "concurrency", "enable_message_change_based_condition_update",
                "skip_initial_status").containsAll(pc.keySet()), pc.keySet().toString());
        Duration global = go((String) pc.get("timeout"));
        assertTrue(go((String) pc.get("invoke_interval")).compareTo(global) >= 0, "one check at a time");
        assertEquals(kiln.fleet.Check.WIDTH, pc.get("max_output_length"), "what kiln check keeps its line to");
        List<Map<String, Object>> conditions = (List<Map<String, Object>>) m.get("conditions");
        for (Map<String, Object> c : conditions) {
            for (String k : List.of("type", "reason", "message")) {
                assertTrue(c.get(k) instanceof String s && !s.isBlank(), "condition " + k + ": " + c);
            }
        }
        List<Map<String, Object>> rules = (List<Map<String, Object>>) m.get("rules");
        Set<String> types = new java.util.HashSet<>();
        for (Map<String, Object> r : rules) {
            assertTrue(Set.of("type", "condition", "reason", "path", "args", "timeout", "invoke_interval").containsAll(r.keySet()), r.toString());
            String type = (String) r.get("type");
            types.add(type);
            assertTrue(type.equals("permanent") || type.equals("temporary"), type);
            assertTrue(r.get("reason") instanceof String s && s.matches("[A-Z][A-Za-z]+"), "a CamelCase reason: " + r);
            if (type.equals("permanent")) {
                assertTrue(conditions.stream().anyMatch(c -> c.get("type").equals(r.get("condition"))),
                        "NPD: a permanent problem needs a preset default condition: " + r);
            }
            assertTrue(go((String) r.get("timeout")).compareTo(global) <= 0, "NPD: no rule timeout above the global one: " + r);
            assertEquals("/opt/kiln/bin/kiln", r.get("path"), "where kiln's image installs the launcher");
            assertTrue(Files.readString(Path.of("docker/Dockerfile")).contains("src/main/sh/kiln /opt/kiln/bin/kiln"));
            List<String> args = (List<String>) r.get("args");
            assertEquals("check", args.get(0));
            // kiln's own command line takes them (a flag renamed would fail here, not on a node)
            new picocli.CommandLine(new kiln.cli.Main()).parseArgs(args.toArray(String[]::new));
            assertEquals(type.equals("temporary"), args.contains("--degraded"), "events for degraded, the condition for the rest");
        }
        assertEquals(Set.of("permanent", "temporary"), types);
        assertTrue(conditions.stream().anyMatch(c -> c.get("type").equals("KilnBurnInFailed")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theConfigMap_holdsTheSameMonitor_andTheSidecarFitsTheKilnDaemonSet() throws Exception {
        List<Object> docs = new java.util.ArrayList<>();
        new Yaml(new LoaderOptions()).loadAll(Files.readString(DIR.resolve("kiln-npd.yaml"))).forEach(docs::add);
        Map<String, Object> cm = (Map<String, Object>) docs.get(0);
        assertEquals("ConfigMap", cm.get("kind"));
        String embedded = ((Map<String, String>) cm.get("data")).get("kiln-check-monitor.json");
        assertEquals(parse(Files.readString(DIR.resolve("kiln-check-monitor.json"))), (Object) parse(embedded),
                "the ConfigMap carries kiln-check-monitor.json unchanged");
        assertEquals(List.of("ConfigMap", "ServiceAccount", "ClusterRoleBinding"),
                docs.stream().map(d -> ((Map<String, Object>) d).get("kind")).toList());

        Map<String, Object> patch = parse(Files.readString(DIR.resolve("kiln-npd-sidecar.yaml")));
        Map<String, Object> pod = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) patch.get("spec")).get("template")).get("spec");
        assertEquals("kiln-npd", pod.get("serviceAccountName"));
        Map<String, Object> npd = ((List<Map<String, Object>>) pod.get("containers")).get(0);
        List<String> command = (List<String>) npd.get("command");
        assertTrue(command.contains("--config.custom-plugin-monitor=/etc/npd/kiln-check-monitor.json"), command.toString());
        List<Map<String, Object>> mounts = (List<Map<String, Object>>) npd.get("volumeMounts");
        Map<String, String> mountedAt = new java.util.HashMap<>();
        mounts.forEach(v -> mountedAt.put((String) v.get("name"), (String) v.get("mountPath")));
        assertEquals("/etc/npd", mountedAt.get("npd-config"));
        assertEquals("/etc/kiln", mountedAt.get("config"), "kiln check --config /etc/kiln/kiln.conf");
        // the volumes it borrows from the kiln pod, mounted where the kiln container has them
        String daemonSet = Files.readString(Path.of("docker/k8s/kiln-daemonset.yaml"));
        for (String borrowed : List.of("config", "data", "tmp")) {
            assertTrue(daemonSet.contains("- name: " + borrowed + "\n              mountPath: " + mountedAt.get(borrowed)),
                    borrowed + " at " + mountedAt.get(borrowed) + " as in the kiln container");
        }
        assertTrue(daemonSet.contains("args: [\"daemon\", \"--config\", \"/etc/kiln/kiln.conf\""), "the daemon reads the same file");
    }
}
