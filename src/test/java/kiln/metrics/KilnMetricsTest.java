package kiln.metrics;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import kiln.sampler.HardwareSampler;
import kiln.supervisor.Work;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The names dashboards and alerts rely on, with base units and _total on counters, from a real registry and a real sampler. */
final class KilnMetricsTest {
    @TempDir
    Path tmp;

    @Test
    void scrape_hasTheDocumentedFamilies_withBaseUnits() {
        try (HardwareSampler sampler = new HardwareSampler(tmp, Duration.ofSeconds(1))) {
            KilnMetrics m = new KilnMetrics(new Work(), sampler, "9.9.9");
            String text = m.scrape(null);
            for (String line : new String[] {
                "# TYPE kiln_files_created_total counter",
                "# TYPE kiln_file_errors_total counter",
                "kiln_file_errors_total{op=\"tamper\"} 0.0",
                "kiln_file_errors_total{op=\"create\"} 0.0",
                "kiln_run_active 0.0",
                "kiln_last_run_verdict{verdict=\"pass\"} 0.0",
                "kiln_last_run_verdict{verdict=\"fail\"} 0.0",
                "kiln_last_run_end_timestamp_seconds NaN",
                "# TYPE kiln_host_info gauge",
                "kiln_evidence_available{source=\"edac_corrected\"}",
                "kiln_evidence_available{source=\"cgroup_cpu_throttled\"}",
                "kiln_files_io_info{path=\"native\"}",
                "kiln_files_io_info{path=\"nio\"}",
                "kiln_workers{state=\"running\"} 0.0",
                "kiln_workers{state=\"failed\"} 0.0",
                "kiln_build_info{version=\"9.9.9\"} 1",
                "# TYPE kiln_memory_bytes_total counter",
                "# TYPE kiln_files_per_second gauge",
                "# TYPE kiln_worker_restarts_total counter",
                "kiln_worker_hangs_total{when=\"running\"} 0.0",
                "kiln_worker_hangs_total{when=\"start\"} 0.0",
            }) {
                assertTrue(text.contains(line), "missing: " + line + "\n" + text.lines().filter(l -> l.contains("build")).toList());
            }
            System.gc(); // meters read through weakly held state objects must still answer
            String afterGc = m.scrape(null);
            assertTrue(afterGc.lines().filter(l -> l.startsWith("kiln_evidence_available")).noneMatch(l -> l.endsWith("NaN")), afterGc);
            Work w = new Work();
            KilnMetrics after = new KilnMetrics(w, sampler, "9.9.9");
            w.lastRun(new Work.LastRun(kiln.link.Outcome.DEGRADED, java.time.Instant.ofEpochSecond(1_800_000_000L)));
            String later = after.scrape(null);
            assertTrue(later.contains("kiln_last_run_verdict{verdict=\"degraded\"} 1.0"), later);
            assertTrue(later.contains("kiln_last_run_verdict{verdict=\"pass\"} 0.0"), "a state set: one 1, the others 0");
            assertTrue(later.contains("kiln_last_run_end_timestamp_seconds 1.8E9"), later);
            assertTrue(m.scrape("application/openmetrics-text; version=1.0.0").endsWith("# EOF\n"), "OpenMetrics ends with EOF");
        }
    }

    /**
     * A worker that says its cpus after the last host sample is named by the very next scrape: the
     * per-cpu counters do not wait for the sampler (which this test never starts, so only the
     * scrape can have registered them). Shells stand in for the worker JVMs.
     */
    @Test
    void workerThatSaidItsCpus_hasItsPerCpuMeters_inTheNextScrape_withoutASample() throws Exception {
        String worker = "printf 'kiln/1 hello pid=%d id=0 io=none cpus=1\\n' $$; "
                + "printf 'kiln/1 stats seq=1 cpu_ops.int=3\\n'; while read line; do :; done";
        java.util.List<Process> started = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (HardwareSampler sampler = new HardwareSampler(tmp, Duration.ofSeconds(1));
             kiln.supervisor.Stress stress = ServedFamilies.oneShellWorker(tmp, worker, started)) {
            Work work = new Work();
            KilnMetrics m = new KilnMetrics(work, sampler, "9.9.9");
            assertFalse(m.scrape(null).contains("kiln_core_verify_errors_total{"), "no worker yet, no per-core counter");
            work.begin(stress);
            stress.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> stress.pool().workers().get(0).totals().cpu().ops().containsKey("int"));
            String text = m.scrape(null);
            assertTrue(text.contains("kiln_core_verify_errors_total{cpu=\"1\",worker=\"0\"} 0.0"), text);
            assertTrue(text.contains("kiln_core_cpu_ops_total{cpu=\"1\",worker=\"0\"} 3.0"), text);
            stress.pool().kill();
        } finally {
            started.forEach(Process::destroyForcibly);
        }
    }
}
