package kiln.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Map;
import kiln.link.WorkerStats;
import kiln.sampler.HostFacts;
import kiln.supervisor.Work;
import kiln.supervisor.WorkerState;
import kiln.supervisor.WorkerView;
import org.junit.jupiter.api.Test;

/** Per-worker verdict meters: named by the worker and its cpu, and still read after garbage collections. */
final class VerdictMetersTest {
    @Test
    void verifyErrorsAndCoreOps_carryWorkerAndCpu_andSurviveAGc() {
        WorkerStats stats = new WorkerStats(1, WorkerStats.Files.NONE, new WorkerStats.Cpu(Map.of("int", 42L), 0, Map.of("int", 1L)), 0,
                Map.of(kiln.link.Stressor.CPU, 1L), 0);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        VerdictMeters meters = new VerdictMeters(registry, new Work(), HostFacts.read(), List.of("cpu", "files", "memory"), id -> stats);
        List<WorkerView> views = List.of(new WorkerView(0, WorkerState.RUNNING, stats, 0, 0, 10L, 0, 0, "0"),
                new WorkerView(1, WorkerState.RUNNING, stats, 0, 0, 11L, 0, 0, "1"));
        meters.onWorkers(views);
        System.gc();
        String text = registry.scrape();
        assertTrue(text.contains("kiln_verify_errors_total{cpu=\"1\",method=\"int\",stressor=\"cpu\",worker=\"1\"} 1.0"), text);
        assertTrue(text.contains("kiln_verify_errors_total{cpu=\"1\",method=\"fma\",stressor=\"cpu\",worker=\"1\"} 0.0"),
                "every registered method has its series: " + text);
        assertTrue(text.contains("kiln_verify_errors_total{cpu=\"1\",method=\"\",stressor=\"files\",worker=\"1\"} 0.0"),
                "stressors without methods keep their series: " + text);
        assertTrue(text.contains("kiln_core_cpu_ops_total{cpu=\"0\",method=\"int\",worker=\"0\"} 42.0"), text);
    }
}
