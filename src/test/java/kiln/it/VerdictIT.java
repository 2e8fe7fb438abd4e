package kiln.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The burn-in verdict end to end: a deliberate fault must fail the run, visibly. */
@Timeout(120)
final class VerdictIT {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "memory", "files"})
    void injectedFault_failsTheRun_exit1_andShowsInMetrics(String stressor) throws Exception {
        Path data = tmp.resolve("data");
        Path report = tmp.resolve("report.json");
        try (KilnProcess k = new KilnProcess("run", "--duration", "7s", "--workers", "2", "--dir", data.toString(),
                "--metrics-port", "0", "--min-free", "64m", "--max-files", "2000", "--memory", "64m", "--cpu-load", "30",
                "--inject-fault", stressor, "--report", report.toString())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> k.port() > 0 || !k.process.isAlive());
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                    .until(() -> k.scrape().entrySet().stream().filter(e -> e.getKey().startsWith("kiln_verify_errors_total{")
                            && e.getKey().contains("stressor=\"" + stressor + "\"")).mapToDouble(Map.Entry::getValue).sum() >= 1);
            if (stressor.equals("cpu")) {
                Map<String, Double> m = k.scrape();
                assertEquals(1.0, m.get("kiln_core_verify_errors_total{cpu=\"0\",worker=\"0\"}"),
                        "the per-core metric names the worker and its cpu: " + m.keySet());
                assertEquals(1.0, m.entrySet().stream().filter(e -> e.getKey().startsWith("kiln_verify_errors_total{method=\"")
                                && !e.getKey().startsWith("kiln_verify_errors_total{method=\"\"")).mapToDouble(Map.Entry::getValue).sum(),
                        "the node's counter names the method: " + m.keySet());
            }
            assertEquals(1, k.waitFor(Duration.ofSeconds(60)), k.output());
            assertTrue(k.output().contains("verdict: FAIL"), k.output());
            assertTrue(k.output().contains("VERIFICATION ERROR"), "the error is logged: " + k.output());
            if (stressor.equals("cpu")) {
                assertTrue(k.output().contains("w0: CPU VERIFICATION ERROR on cpu 0: method "), "worker, core and method: " + k.output());
            }
        }
        Config r = ConfigFactory.parseFile(report.toFile());
        assertEquals("fail", r.getString("verdict"));
        assertEquals(1, r.getLong("verify_errors." + stressor));
        Config first = r.getConfigList("errors.first").get(0);
        assertEquals(stressor, first.getString("stressor"));
        assertEquals(0, first.getInt("worker"), "the fault goes to worker 0");
        assertEquals("0", first.getString("cpu"), "pinned: worker 0 runs on cpu 0");
        assertFalse(first.getString("method").isBlank());
        assertTrue(!first.getString("expected").equals(first.getString("actual")), first.toString());
        assertTrue(r.getStringList("verdict_reasons").get(0).startsWith("1 verification error: w0 cpu 0 " + stressor + "/"), r.root().render());
        for (String k : List.of("hostname", "start", "end", "kiln_version", "jvm", "kernel", "cpu_model", "microcode", "cores",
                "threads", "memory_bytes", "configuration.cpu.load", "schema_version")) {
            assertTrue(r.hasPath(k), "identity: " + k);
        }
        assertEquals(30, r.getInt("configuration.cpu.load"));
        assertFalse(Files.exists(data), "a failed run still cleans up");
    }

    @org.junit.jupiter.api.Test
    void untilReady_exits0OnceWarm_or3WhenNotWarmInTime() throws Exception {
        Path quick = Files.writeString(tmp.resolve("quick.conf"), "kiln.ready.window = 5s\n");
        long t0 = System.nanoTime();
        try (KilnProcess k = new KilnProcess("run", "--until-ready", "--duration", "90s", "--workers", "2", "--no-files",
                "--cpu-load", "50", "--metrics-port", "0", "--config", quick.toString())) {
            assertEquals(0, k.waitFor(Duration.ofSeconds(80)), k.output());
            assertTrue(k.output().contains("the machine is warm after"), k.output());
            assertTrue(k.output().contains("warm: yes"), k.output());
        }
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(60).toNanos(), "stopped when warm, not at --duration");
        try (KilnProcess k = new KilnProcess("run", "--until-ready", "--duration", "3s", "--workers", "1", "--no-files",
                "--cpu-load", "20", "--metrics-port", "0")) {
            assertEquals(3, k.waitFor(Duration.ofSeconds(60)), k.output());
            assertTrue(k.err.contains("kiln: the machine was not warm after 3s (--duration is the longest --until-ready waits):"
                            + " collecting 30s of readings"), // and what readiness still waited for
                    k.output());
        }
    }

    @org.junit.jupiter.api.Test
    void aWorkerStoppedForSeconds_isStalled_andTheRunIsDegradedNotPassed() throws Exception {
        try (KilnProcess k = new KilnProcess("run", "--duration", "14s", "--workers", "2", "--no-files", "--cpu-load", "30",
                "--metrics-port", "0")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> k.port() > 0 || !k.process.isAlive());
            long w0 = ConfigFactory.parseString(k.get("/api/v1/status").body()).getConfigList("workers").get(0).getLong("pid");
            ProcessHandle worker = ProcessHandle.of(w0).orElseThrow();
            assertEquals(0, new ProcessBuilder("kill", "-STOP", Long.toString(w0)).start().waitFor());
            try {
                await().atMost(Duration.ofSeconds(15)).until(() -> k.scrape().getOrDefault("kiln_workers{state=\"stalled\"}", 0.0) == 1.0);
            } finally {
                new ProcessBuilder("kill", "-CONT", Long.toString(w0)).start().waitFor();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> k.scrape().getOrDefault("kiln_workers{state=\"running\"}", 0.0) == 2.0);
            assertTrue(worker.isAlive(), "resumed within the kill limit: the same process goes on");
            assertEquals(1.0, k.scrape().get("kiln_worker_hangs_total{when=\"running\"}"), "Prometheus is told during the run");
            assertEquals(0.0, k.scrape().get("kiln_worker_hangs_total{when=\"start\"}"));
            Config status = ConfigFactory.parseString(k.get("/api/v1/status").body());
            assertEquals(1, status.getConfigList("workers").get(0).getLong("stalls"), "the status names the worker");
            assertEquals("degraded", status.getString("verdict_so_far"), "a run already degraded is not said to pass so far");
            assertEquals(List.of("w0 stalled once"), status.getStringList("verdict_reasons_so_far"));
            assertEquals(4, k.waitFor(Duration.ofSeconds(60)), k.output());
            assertTrue(k.output().contains("verdict: DEGRADED (w0 stalled once)"), k.output());
            assertTrue(k.output().contains("STALLED: no stats from worker " + w0), k.output());
        }
    }

    @org.junit.jupiter.api.Test
    void aWorkerThatHangsBeforeItsFirstReport_isKilledAfterTheStartWait_restarted_andTheRunIsDegraded() throws Exception {
        try (KilnProcess k = new KilnProcess("run", "--duration", "6s", "--workers", "2", "--no-files", "--cpu-load", "20",
                "--metrics-port", "0")) {
            // stopped as soon as it is exec'd: a worker JVM takes far longer than this poll to send its first frame
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            List<Long> pids = k.workerPids();
            while (pids.isEmpty() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
                pids = k.workerPids();
            }
            long hung = pids.get(0);
            assertEquals(0, new ProcessBuilder("kill", "-STOP", Long.toString(hung)).start().waitFor());
            ProcessHandle handle = ProcessHandle.of(hung).orElseThrow();
            await().atMost(Duration.ofSeconds(40)).until(() -> !handle.isAlive());
            await().atMost(Duration.ofSeconds(10)).until(() -> k.port() > 0 || !k.process.isAlive());
            assertEquals(1.0, k.scrape().get("kiln_worker_hangs_total{when=\"start\"}"), "Prometheus is told during the run");
            assertEquals(1, ConfigFactory.parseString(k.get("/api/v1/status").body()).getConfigList("workers").stream()
                    .mapToLong(w -> w.getLong("hung_at_start")).sum(), "the status names the worker");
            assertEquals(4, k.waitFor(Duration.ofSeconds(60)), k.output());
            assertTrue(k.output().contains("has not reported in 20 s after its launch (hung, or starved of CPU or memory): killing it"),
                    k.output());
            assertTrue(k.output().matches("(?s).*verdict: DEGRADED \\(w[01] hung at start once \\(never reported in: killed and restarted\\)\\).*"),
                    k.output());
            assertTrue(k.output().matches("(?s).*waiting for w[01] to report in \\(the run starts when every worker has, or after 20s\\).*"),
                    "kiln says whom it waits for: " + k.output());
            assertTrue(k.output().contains("2 workers (1 restart, 0 failed)"), k.output());
            assertTrue(k.workerPids().isEmpty(), "no worker left behind");
        }
    }

    @org.junit.jupiter.api.Test
    void aCoreThatDisagreesOnTheCrossCoreWork_failsTheRun_named() throws Exception {
        Path report = tmp.resolve("cross.json");
        try (KilnProcess k = new KilnProcess("run", "--duration", "8s", "--workers", "2", "--no-files", "--cpu-load", "40",
                "--metrics-port", "0", "--inject-fault", "cross-core", "--report", report.toString())) {
            assertEquals(1, k.waitFor(Duration.ofSeconds(60)), k.output());
            assertTrue(k.output().contains("CROSS-CORE MISMATCH: cpu 0 (w0) computed batch "), k.output());
            assertTrue(k.output().contains("verdict: FAIL (cpu 0 (w0) computed a different result from its siblings on the same inputs)"),
                    k.output());
        }
        Config r = ConfigFactory.parseFile(report.toFile());
        assertEquals("fail", r.getString("verdict"));
        assertEquals(List.of("cpu 0 (w0) computed a different result from its siblings on the same inputs"),
                r.getStringList("verdict_reasons"), "only the faulty core: the other agreed with the referee");
        assertEquals(0, r.getLong("errors.count"), "not a known-answer error: the cross-core check found it");
    }

    @org.junit.jupiter.api.Test
    void filesThatNeverGotAboveTheFloor_makeTheRunInconclusive_exit5() throws Exception {
        long free = Files.getFileStore(tmp).getUsableSpace();
        String floor = (free / (1L << 20) + 1024) + "m"; // more than the file system has: creation stays paused
        try (KilnProcess k = new KilnProcess("run", "--duration", "4s", "--workers", "1", "--cpu-load", "10",
                "--dir", tmp.resolve("data").toString(), "--min-free", floor, "--metrics-port", "0")) {
            assertEquals(5, k.waitFor(Duration.ofSeconds(60)), k.output());
            assertTrue(k.output().contains("verdict: INCONCLUSIVE (files: no file created (paused below the free-space floor"),
                    k.output());
        }
    }
}
