package kiln.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Map;
import kiln.link.FileStats;
import kiln.link.WorkerStats;
import kiln.sampler.HostFacts;
import kiln.supervisor.Work;
import kiln.supervisor.WorkerState;
import kiln.supervisor.WorkerView;
import org.junit.jupiter.api.Test;

/** Verdict meters: per core one work rate and one error count, per node the breakdowns; still read after garbage collections. */
final class VerdictMetersTest {
    @Test
    void perCore_oneOpsAndOneErrorSeries_perNode_byStressorAndMethod_andSurviveAGc() {
        WorkerStats stats = new WorkerStats(1, FileStats.NONE,
                new WorkerStats.Cpu(Map.of("int", 42L, "fma", 8L), 0, Map.of("int", 1L)), 0, Map.of(kiln.link.Stressor.CPU, 1L, kiln.link.Stressor.MEMORY, 2L), 0);
        WorkerStats totals = stats.plus(stats);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        VerdictMeters meters = new VerdictMeters(registry, new Work(), HostFacts.read(), List.of("cpu", "files", "memory"),
                new VerdictMeters.Snapshots() {
                    @Override
                    public WorkerStats totals() {
                        return totals;
                    }

                    @Override
                    public WorkerStats worker(int id) {
                        return stats;
                    }
                });
        List<WorkerView> views = List.of(new WorkerView(0, WorkerState.RUNNING, stats, 0, 0, 10L, 0, 0, "0"),
                new WorkerView(1, WorkerState.RUNNING, stats, 0, 0, 11L, 0, 0, "1"));
        meters.onWorkers(views);
        meters.onWorkers(views);
        System.gc();
        String text = registry.scrape();
        assertTrue(text.contains("kiln_core_cpu_ops_total{cpu=\"0\",worker=\"0\"} 50.0"), "every method, one series: " + text);
        assertTrue(text.contains("kiln_core_verify_errors_total{cpu=\"1\",worker=\"1\"} 3.0"), "every stressor, one series: " + text);
        assertTrue(text.contains("kiln_verify_errors_total{method=\"int\",stressor=\"cpu\"} 2.0"), text);
        assertTrue(text.contains("kiln_verify_errors_total{method=\"fma\",stressor=\"cpu\"} 0.0"),
                "every registered method has its series: " + text);
        assertTrue(text.contains("kiln_verify_errors_total{method=\"\",stressor=\"memory\"} 4.0"),
                "stressors without methods keep their series: " + text);
        assertEquals(2, text.lines().filter(l -> l.startsWith("kiln_core_cpu_ops_total{")).count(), text);
        assertEquals(2, text.lines().filter(l -> l.startsWith("kiln_core_verify_errors_total{")).count(), text);
        assertFalse(text.lines().anyMatch(l -> l.startsWith("kiln_verify_errors_total{") && l.contains("worker=")),
                "the breakdown is per node: " + text);
    }
}
