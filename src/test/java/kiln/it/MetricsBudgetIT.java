package kiln.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The series a fleet pays for: live runs with every stressor on, one worker and two, export what
 * docs/metrics.md says a node of W workers on C cpus exports, and a core costs at most 12 series
 * even with every per-cpu evidence source a machine can have and a daemon's ledger and screening.
 */
@Timeout(120)
final class MetricsBudgetIT {
    /** Series a machine has or lacks whatever kiln does: disks, a sensor, evidence sources, the daemon's problem gauge. */
    private static final Pattern MACHINES = Pattern.compile(
            "kiln_host_disk_.*|kiln_host_cpu_temperature_celsius|kiln_daemon_problem|kiln_(edac|machine_checks|thermal|cgroup|threshold|deferred|oom)_.*");
    /** The most per-cpu evidence series a machine can add: MCE and TRM interrupts, core and package throttling. */
    private static final int EVIDENCE_PER_CPU_AT_MOST = 4;
    /** What a daemon adds per cpu at most: the ledger's failures of a core that failed, the screening's last time. */
    private static final int DAEMON_PER_CPU_AT_MOST = 2;
    private static final int BUDGET_PER_CORE = 12;

    @TempDir
    Path tmp;

    /** Where a series multiplies. */
    enum Kind { PER_WORKER, HOST_PER_CPU, EVIDENCE_PER_CPU, OWN_NODE, MACHINE_NODE }

    static Kind kindOf(String series) {
        String family = series.replaceFirst("\\{.*", "");
        if (series.contains("worker=\"")) {
            return Kind.PER_WORKER;
        }
        if (series.contains("cpu=\"")) {
            return family.startsWith("kiln_host_") ? Kind.HOST_PER_CPU : Kind.EVIDENCE_PER_CPU;
        }
        return MACHINES.matcher(family).matches() ? Kind.MACHINE_NODE : Kind.OWN_NODE;
    }

    /** The kiln series of one scrape, by where they multiply. */
    record Count(int workers, int cpus, Map<Kind, Integer> byKind) {
        static Count of(int workers, Map<String, Double> scrape) {
            Map<Kind, Integer> byKind = new java.util.EnumMap<>(Kind.class);
            for (Kind kind : Kind.values()) {
                byKind.put(kind, 0);
            }
            scrape.keySet().stream().filter(s -> s.startsWith("kiln_")).forEach(s -> byKind.merge(kindOf(s), 1, Integer::sum));
            int cpus = (int) scrape.keySet().stream().filter(s -> s.startsWith("kiln_host_cpu_load_ratio{")).count();
            return new Count(workers, cpus, byKind);
        }

        int perWorker() {
            return byKind.get(Kind.PER_WORKER);
        }

        int hostPerCpu() {
            return byKind.get(Kind.HOST_PER_CPU);
        }

        int evidencePerCpu() {
            return byKind.get(Kind.EVIDENCE_PER_CPU);
        }

        int ownNode() {
            return byKind.get(Kind.OWN_NODE);
        }

        int node() {
            return ownNode() + byKind.get(Kind.MACHINE_NODE);
        }

        int total() {
            return byKind.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /** What docs/metrics.md states: series per worker, per cpu and kiln's own per node. */
    record Stated(int perWorker, int perCpu, int ownNode) {
        static Stated read() throws Exception {
            String doc = Files.readString(Path.of("docs/metrics.md"));
            Matcher formula = Pattern.compile("kiln series = node \\+ (\\d+)·W \\+ (\\d+)·C").matcher(doc);
            Matcher node = Pattern.compile("\\*\\*node\\*\\*: the rest, (\\d+) series of kiln's own").matcher(doc);
            assertTrue(formula.find() && node.find(), "docs/metrics.md states the formula and the node's own series");
            return new Stated(Integer.parseInt(formula.group(1)), Integer.parseInt(formula.group(2)), Integer.parseInt(node.group(1)));
        }
    }

    private KilnProcess startWith(int workers) throws Exception {
        return new KilnProcess("run", "--duration", "8s", "--workers", Integer.toString(workers),
                "--dir", tmp.resolve("d" + workers).toString(), "--metrics-port", "0", "--min-free", "64m", "--max-files", "500",
                "--memory", "16m", "--memory-patterns", "all", "--cpu-method", "all", "--cpu-load", "20");
    }

    private static Count countOf(KilnProcess k, int workers) throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> k.port() > 0 || !k.process.isAlive());
        // every worker has said its cpu (its per-core series exist) and the host has been sampled (its disks)
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).until(() -> {
            Map<String, Double> m = k.scrape();
            return m.keySet().stream().filter(s -> s.startsWith("kiln_core_cpu_ops_total{"))
                    .map(s -> s.replaceFirst(".*worker=\"(\\d+)\".*", "$1")).distinct().count() == workers
                    && m.getOrDefault("kiln_files_per_second", 0.0) > 0 && m.getOrDefault("kiln_memory_bytes_total", 0.0) > 0;
        });
        return Count.of(workers, k.scrape());
    }

    @Test
    void everyStressorOn_aCoreCostsAtMost12Series_andTheDocsFormulaHolds_forOneAndTwoWorkers() throws Exception {
        Stated stated = Stated.read();
        Count one;
        Count two;
        // side by side: a run's series do not depend on another run beside it, and the wait is paid once
        try (KilnProcess k1 = startWith(1); KilnProcess k2 = startWith(2)) {
            one = countOf(k1, 1);
            two = countOf(k2, 2);
            assertEquals(0, k1.waitFor(Duration.ofSeconds(60)), k1.output());
            assertEquals(0, k2.waitFor(Duration.ofSeconds(60)), k2.output());
        }
        // a core of a daemon running one worker per core, as measured, with every per-cpu evidence source a machine can have
        int perWorker = two.perWorker() - one.perWorker();
        int perCore = perWorker + two.hostPerCpu() / two.cpus() + EVIDENCE_PER_CPU_AT_MOST + DAEMON_PER_CPU_AT_MOST;
        assertTrue(perCore <= BUDGET_PER_CORE, "a core costs " + perCore + " series: " + one + ", " + two);
        // the yardstick: 16 workers on this machine, the node's share included
        int sixteen = two.total() + 14 * perWorker;
        assertTrue(sixteen <= 16 * BUDGET_PER_CORE, "16 workers here would export " + sixteen + " series: " + two);

        for (Count c : new Count[] {one, two}) {
            assertEquals(stated.perWorker() * c.workers(), c.perWorker(), "per worker, as docs/metrics.md says: " + c);
            assertTrue(c.hostPerCpu() == stated.perCpu() * c.cpus() || c.hostPerCpu() == (stated.perCpu() - 1) * c.cpus(),
                    "per cpu, as docs/metrics.md says (one fewer where no clock is reported): " + c);
            assertTrue(c.evidencePerCpu() <= EVIDENCE_PER_CPU_AT_MOST * c.cpus(), "evidence per cpu: " + c);
            assertEquals(stated.ownNode(), c.ownNode(), "kiln's own node series, as docs/metrics.md says: " + c);
        }
        assertEquals(one.node(), two.node(), "the node's share does not grow with workers");
        assertEquals(two.total() - one.total(), stated.perWorker(), "one more worker costs what the docs say");
    }
}
