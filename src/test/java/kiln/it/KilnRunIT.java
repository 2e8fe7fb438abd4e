package kiln.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** kiln as a user runs it: the packaged jar, real worker JVMs, real files, real HTTP, real OSHI. */
@Timeout(120)
final class KilnRunIT {
    @TempDir
    Path tmp;

    /**
     * {@code promtool check metrics} prints nothing for a clean exposition (it lints names, units,
     * help and types). .ci/run installs promtool; without it this check is skipped, not passed.
     */
    private static void assertPromtoolAccepts(String exposition) throws IOException, InterruptedException {
        Process promtool;
        try {
            promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        } catch (IOException e) {
            org.junit.jupiter.api.Assumptions.abort("promtool not installed (Debian package prometheus): " + e.getMessage());
            return;
        }
        try (var in = promtool.getOutputStream()) {
            in.write(exposition.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        String said = new String(promtool.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(promtool.waitFor(20, java.util.concurrent.TimeUnit.SECONDS), "promtool ends");
        assertEquals("", said, "promtool check metrics on a live scrape");
        assertEquals(0, promtool.exitValue(), said);
    }

    private static double sum(Map<String, Double> samples, String prefix) {
        return samples.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToDouble(Map.Entry::getValue).sum();
    }

    private static List<ProcessHandle> workersOf(Path dir) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains("kiln.worker.WorkerMain")).orElse(false))
                .filter(p -> p.info().commandLine().map(c -> c.contains(dir.toString())).orElse(false)
                        || p.info().arguments().isEmpty())
                .toList();
    }

    @Test
    void run_endToEnd_metricsWhileRunning_reportAndCleanDirectory() throws Exception {
        Path data = tmp.resolve("data");
        Path report = tmp.resolve("out/report.json");
        try (KilnProcess k = new KilnProcess("run", "--duration", "8s", "--workers", "2", "--dir", data.toString(),
                "--metrics-port", "0", "--report", report.toString(), "--min-free", "64m", "--max-files", "5000",
                "--cpu-load", "50")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> k.port() > 0 || !k.process.isAlive());
            assertTrue(k.port() > 0, k.output());
            // both stressors have reported in: the burners' first counts can come a frame after the files'
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
                Map<String, Double> s = k.scrape();
                return s.getOrDefault("kiln_files_created_total{worker=\"1\"}", 0.0) > 0
                        && s.getOrDefault("kiln_files_created_total{worker=\"0\"}", 0.0) > 0 && sum(s, "kiln_cpu_ops_total") > 0;
            });
            Map<String, Double> m = k.scrape();
            assertEquals(2.0, m.get("kiln_workers{state=\"running\"}"), "two worker JVMs run");
            assertTrue(m.containsKey("kiln_host_cpu_load_ratio{cpu=\"0\"}"), "per-core load: " + m.keySet());
            assertTrue(m.containsKey("kiln_host_cpu_load_ratio{cpu=\"1\"}"));
            assertTrue(m.containsKey("kiln_host_cpus_load_ratio"), "all cpus together, in a metric of their own");
            assertFalse(m.keySet().stream().anyMatch(s -> s.contains("cpu=\"total\"")), "no total mixed into a per-cpu metric");
            assertEquals(0.5, m.get("kiln_cpu_target_load_ratio"), "--cpu-load 50 is 0.5");
            assertTrue(m.get("kiln_host_memory_total_bytes") > 0);
            assertTrue(m.containsKey("kiln_host_load1"));
            assertTrue(sum(m, "kiln_file_write_bytes_total") > 0);
            assertTrue(sum(m, "kiln_file_create_seconds_count") > 0, "latency histogram");
            assertTrue(m.containsKey("kiln_file_create_seconds_bucket{le=\"+Inf\"}"));
            assertTrue(sum(m, "kiln_cpu_ops_total") > 0, "burners run");
            assertEquals(0.0, sum(m, "kiln_verify_errors_total"));
            assertTrue(m.keySet().stream().anyMatch(key -> key.startsWith("kiln_verify_errors_total{") && key.contains("stressor=\"cpu\"")),
                    "verify errors by stressor: " + m.keySet());
            assertTrue(m.keySet().stream().anyMatch(key -> key.startsWith("kiln_core_verify_errors_total{") && key.contains("worker=\"1\"")
                    && key.contains("cpu=")), "verify errors by worker and cpu: " + m.keySet());
            assertTrue(m.containsKey("kiln_worker_restarts_total"));
            assertTrue(m.containsKey("kiln_file_ops_in_flight"), "per node: " + m.keySet());
            assertTrue(m.containsKey("kiln_build_info{version=\"" + KilnProcess.version() + "\"}"), m.keySet().toString());
            assertTrue(m.keySet().stream().anyMatch(s -> s.startsWith("kiln_host_fs_free_bytes{mountpoint=")));
            assertFalse(m.keySet().stream().anyMatch(s -> s.startsWith("kiln_host_disk_") && !s.contains("{device=")), "disks by device");
            assertFalse(m.keySet().stream().anyMatch(s -> s.matches("kiln_host_disk_.*device=\"(z?ram|loop)\\d+\".*")), "no loop or zram");
            for (String standard : new String[] {"process_resident_memory_bytes", "process_open_fds", "process_max_fds",
                    "process_cpu_seconds_total", "process_start_time_seconds"}) {
                assertTrue(m.get(standard) > 0, "the standard process metric " + standard);
            }
            String exposition = k.get("/metrics").body();
            assertTrue(m.keySet().stream().anyMatch(s -> s.startsWith("jvm_memory_used_bytes")), "supervisor JVM metrics");
            await().atMost(Duration.ofSeconds(10)).until(() -> k.scrape().getOrDefault("kiln_files_per_second", 0.0) > 0);
            assertEquals("ok\n", k.get("/healthz").body());
            Config status = ConfigFactory.parseString(k.get("/api/v1/status").body());
            assertEquals("running", status.getString("state"));
            assertEquals(2, status.getConfigList("workers").size());
            // once every stressor has done some work, a healthy run passes so far
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    ConfigFactory.parseString(k.get("/api/v1/status").body()).getString("verdict_so_far").equals("pass"));

            assertEquals(0, k.waitFor(Duration.ofSeconds(60)), k.output());
            assertTrue(k.output().contains("verdict: PASS"), k.output());
            assertTrue(k.err.stream().anyMatch(l -> l.matches("w0\\| \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO w0: started .*")),
                    "a worker's log line, stamped once, by the supervisor as it relays it: " + k.output());
            // one writer per cpu a worker has to itself: pinned (the default, where taskset is), or 2 workers sharing the cpus
            boolean pinned = new kiln.supervisor.JvmWorkerLauncher(48L << 20, 0, true).pinning();
            int writers = pinned ? 1 : (Runtime.getRuntime().availableProcessors() + 1) / 2;
            assertTrue(k.err.stream().anyMatch(l -> l.contains("INFO w0: started (pid ") && l.contains(
                    " (" + writers + (writers == 1 ? " writer)" : " writers)"))), writers + " writers: " + k.output());
            Config r = ConfigFactory.parseFile(report.toFile());
            assertEquals("pass", r.getString("verdict"));
            assertEquals(2, r.getInt("workers.count"));
            assertEquals(0, r.getInt("workers.restarts"));
            assertTrue(r.getLong("files.created") > 0);
            assertEquals(r.getLong("files.created"), r.getLong("files.deleted"), "every file created was deleted");
            assertEquals(r.getLong("files.created") * 1024, r.getLong("files.bytes_written"));
            assertTrue(r.getDouble("files.per_second") > 0);
            assertEquals(0, r.getLong("files.errors"));
            assertTrue(r.getLong("cpu.ops") > 0);
            assertEquals(50, r.getInt("cpu.target_load"));
            assertTrue(r.getDouble("cpu.measured_load") > 0);
            assertTrue(r.getDouble("duration_seconds") >= 8);
            assertEquals(0, r.getLong("verify_errors.cpu"));
            assertFalse(Files.exists(data), "the directory kiln created is gone, with every file in it");
            assertTrue(workersOf(data).isEmpty(), "no worker JVM is left");
            assertPromtoolAccepts(exposition); // last: without promtool only this check is skipped
        }
    }

    @Test
    void run_inExistingDirectory_leavesForeignFilesAndTheDirectory() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("mine"));
        Path foreign = Files.writeString(data.resolve("keep.txt"), "mine");
        try (KilnProcess k = new KilnProcess("run", "--duration", "3s", "--workers", "1", "--no-cpu", "--dir",
                data.toString(), "--metrics-port", "0", "--min-free", "64m")) {
            assertEquals(0, k.waitFor(Duration.ofSeconds(60)), k.output());
        }
        assertEquals("mine", Files.readString(foreign));
        try (var s = Files.list(data)) {
            assertEquals(List.of(data.resolve(".kiln-cds"), foreign), s.sorted().toList(),
                    "only the foreign file is left, and kiln's class-data cache (kept on purpose, see README)");
        }
    }

    @Test
    void run_killedWorker_isRestartedAndCountersKeepGrowing() throws Exception {
        Path data = tmp.resolve("data");
        try (KilnProcess k = new KilnProcess("run", "--duration", "12s", "--workers", "2", "--no-cpu", "--dir",
                data.toString(), "--metrics-port", "0", "--min-free", "64m", "--max-files", "2000")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> k.port() > 0 || !k.process.isAlive());
            String created0 = "kiln_files_created_total{worker=\"0\"}";
            await().atMost(Duration.ofSeconds(20)).until(() -> k.scrape().getOrDefault(created0, 0.0) > 1000);
            Config status = ConfigFactory.parseString(k.get("/api/v1/status").body());
            long pid = status.getConfigList("workers").get(0).getLong("pid");
            double before = k.scrape().get(created0);
            assertTrue(ProcessHandle.of(pid).orElseThrow().destroyForcibly(), "kill -9 worker 0");
            double last = before;
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            boolean restarted = false;
            while (System.nanoTime() < deadline && !(restarted && last > before + 1000)) {
                Map<String, Double> m = k.scrape();
                double now = m.get(created0);
                assertTrue(now >= last, "created never goes backwards: " + last + " then " + now);
                last = now;
                restarted = m.get("kiln_worker_restarts_total") >= 1;
                Thread.sleep(100);
            }
            assertTrue(restarted, "restart counted");
            assertTrue(last > before + 1000, "the new life adds to what the old one did");
            assertEquals(0, k.waitFor(Duration.ofSeconds(60)), k.output());
            assertTrue(k.output().contains("restarting in"), k.output());
            assertTrue(k.output().contains("removed") && k.output().contains("left by a worker that did not clean up"), k.output());
            java.util.regex.Matcher files = java.util.regex.Pattern.compile("files\\s+([0-9,]+) files .*? ([0-9,]+) deleted").matcher(k.output());
            assertTrue(files.find(), k.output());
            assertEquals(files.group(1), files.group(2), "the swept files of the killed life count as deleted: " + k.output());
        }
        assertFalse(Files.exists(data), "files of the killed life were swept too");
    }

    @Test
    void run_badFlagValue_exits2NamingTheFlag() throws Exception {
        try (KilnProcess k = new KilnProcess("run", "--cpu-load", "150", "--dir", tmp.resolve("x").toString())) {
            assertEquals(2, k.waitFor(Duration.ofSeconds(30)));
            assertEquals(List.of("kiln: --cpu-load = 150: expected a whole number from 0 to 100"), k.err);
        }
        try (KilnProcess k = new KilnProcess("run", "--duration", "soon")) {
            assertEquals(2, k.waitFor(Duration.ofSeconds(30)));
            assertTrue(k.err.get(0).startsWith("kiln: --duration = soon: expected a duration such as 60 (seconds)"), k.err.toString());
            assertEquals(2, k.err.size(), "one line and a pointer to --help, not the whole usage: " + k.err);
        }
        assertFalse(Files.exists(tmp.resolve("x")), "nothing was created");
    }

    @Test
    void run_dirThatIsAFile_exits3WithThePath() throws Exception {
        Path file = Files.writeString(tmp.resolve("plain-file"), "x");
        try (KilnProcess k = new KilnProcess("run", "--duration", "2s", "--dir", file.toString(), "--metrics-port", "0")) {
            assertEquals(3, k.waitFor(Duration.ofSeconds(30)));
            assertTrue(k.err.contains("kiln: cannot use " + file + ": it exists and is not a directory"), k.output());
        }
    }

    @Test
    void aReportThatCannotBeWritten_isToldBeforeTheStress_notAfterIt() throws Exception {
        Path data = tmp.resolve("never");
        try (KilnProcess k = new KilnProcess("run", "--duration", "1h", "--dir", data.toString(), "--metrics-port", "0", "--report",
                "/proc/kiln-nope/run.json")) {
            assertEquals(3, k.waitFor(Duration.ofSeconds(30)), k.output());
            assertTrue(k.err.get(0).startsWith("kiln: cannot write the report /proc/kiln-nope/run.json: cannot make /proc/kiln-nope: "),
                    k.output());
            assertFalse(k.output().contains("started (pid"), "no worker was started: " + k.output());
        }
        assertFalse(Files.exists(data), "nothing was created");
        // writable at start, not at the end: the summary stands, and the exit code says the report is missing
        Path out = tmp.resolve("out");
        try (KilnProcess k = new KilnProcess("run", "--duration", "3s", "--workers", "1", "--no-files", "--cpu-load", "20",
                "--metrics-port", "0", "--report", out.resolve("run.json").toString())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> k.port() > 0 || !k.process.isAlive());
            Files.delete(out);
            Files.writeString(out, "a file where the report's directory was");
            assertEquals(3, k.waitFor(Duration.ofSeconds(60)), k.output());
            assertTrue(k.output().contains("verdict: PASS"), k.output());
            assertTrue(k.err.contains("kiln: cannot write the report " + out.resolve("run.json") + ": cannot make " + out
                    + ": a file stands there"), k.output());
            assertTrue(k.err.contains("kiln: the verdict was pass, but the report asked for is missing"), k.output());
        }
    }

    @Test
    void whatWasSaidAtStart_isInTheReportItKeeps() throws Exception {
        Path out = tmp.resolve("told/run.json");
        try (KilnProcess k = new KilnProcess("run", "--duration", "2s", "--ramp", "4s", "--workers", "1", "--no-files", "--cpu-load", "20",
                "--metrics-port", "0", "--report", out.toString())) {
            assertEquals(0, k.waitFor(Duration.ofSeconds(60)), k.output());
            String said = "the CPU ramp (4s) is longer than the run (2s): the load reaches 10% of its 20% target by the end";
            assertTrue(k.err.contains("kiln: " + said), "printed at start, as ever: " + k.output());
            assertEquals(List.of(said), ConfigFactory.parseFile(out.toFile()).getStringList("warnings"),
                    "the report kept for later says it too: whoever reads it hours on never saw the terminal");
        }
    }

    @Test
    void version_andHelp() throws Exception {
        try (KilnProcess k = new KilnProcess("--version")) {
            assertEquals(0, k.waitFor(Duration.ofSeconds(30)));
            assertTrue(k.out.get(0).equals("kiln " + KilnProcess.version()), k.output());
        }
        try (KilnProcess k = new KilnProcess("run", "--help")) {
            assertEquals(0, k.waitFor(Duration.ofSeconds(30)));
            String help = String.join("\n", k.out);
            for (String flag : List.of("--duration", "--workers", "--cpu-load", "--no-cpu", "--no-files", "--dir",
                    "--file-size", "--max-files", "--min-free", "--metrics-port", "--report", "--config")) {
                assertTrue(help.contains(flag), flag + " in help");
            }
        }
    }

    /** Ctrl-C, and a terminal that hangs up (an ssh session dropped): both reach kiln's whole process group. */
    @org.junit.jupiter.params.ParameterizedTest(name = "SIG{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"INT", "HUP"})
    void aSignalToTheProcessGroup_stopsThroughTheSupervisor_andEveryFileIsCountedAsDeleted(String signal) throws Exception {
        Path data = tmp.resolve("pg");
        // setsid: kiln leads its own process group, as a shell's foreground job does; Ctrl-C signals all of it
        // with SIGINT and SIGHUP at their defaults: a build in the background (nohup mvn verify &) ignores both, and its children would
        List<String> cmd = new java.util.ArrayList<>(KilnProcess.defaultSignals());
        cmd.addAll(List.of("setsid", KilnProcess.launcher().toString(), "run", "--duration", "60s",
                "--workers", "2", "--no-cpu", "--dir", data.toString(), "--min-free", "64m", "--max-files", "3000",
                "--metrics-port", "0"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(KilnProcess.environment());
        Process p = pb.start();
        try {
            java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
            List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread drain = new Thread(() -> out.lines().forEach(lines::add));
            drain.setDaemon(true);
            drain.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> lines.stream().anyMatch(l -> l.contains("metrics at http")));
            Thread.sleep(2000); // files are being created and churned
            List<Long> workers = p.descendants().filter(h -> h.info().commandLine().orElse("").contains("kiln.worker.WorkerMain"))
                    .map(ProcessHandle::pid).toList();
            assertEquals(2, workers.size(), "two workers: " + workers);
            assertEquals(0, new ProcessBuilder("kill", "-" + signal, "--", "-" + p.pid()).start().waitFor());
            assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), String.join("\n", lines));
            drain.join(5000);
            String all = String.join("\n", lines);
            assertEquals(5, p.exitValue(), "cut short, so inconclusive: " + all);
            assertTrue(all.contains("signal received: stopping early"), all);
            await().atMost(Duration.ofSeconds(5)).until(() -> workers.stream().noneMatch(w -> ProcessHandle.of(w).isPresent()));
            assertFalse(all.contains("files left by a worker that did not clean up"), "the workers cleaned up themselves: " + all);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("files\\s+([0-9,]+) files .*? ([0-9,]+) deleted").matcher(all);
            assertTrue(m.find(), all);
            assertEquals(m.group(1), m.group(2), "every file created was deleted, and counted: " + all);
            assertFalse(Files.exists(data), "nothing left");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void theDefaultPortTaken_fallsBackToAFreeOne_butAChosenPortTaken_exits3() throws Exception {
        java.net.ServerSocket holder = null;
        try {
            try {
                holder = new java.net.ServerSocket(9477, 1, java.net.InetAddress.getByName("127.0.0.1"));
            } catch (java.net.BindException taken) {
                // something here holds it already: the same situation
            }
            try (KilnProcess k = new KilnProcess("run", "-t", "3", "--workers", "1", "--no-files", "--cpu-load", "10")) {
                assertEquals(0, k.waitFor(Duration.ofSeconds(60)), k.output());
                assertTrue(k.err.stream().anyMatch(l -> l.startsWith("kiln: the default metrics port 9477 is taken")), k.output());
                assertTrue(k.port() > 0 && k.port() != 9477, "served on the free port it printed: " + k.output());
            }
            try (KilnProcess k = new KilnProcess("run", "-t", "3", "--workers", "1", "--no-files", "--metrics-port", "9477")) {
                assertEquals(3, k.waitFor(Duration.ofSeconds(60)), k.output());
                assertTrue(k.err.stream().anyMatch(l -> l.startsWith("kiln: cannot listen on 127.0.0.1:9477")), k.output());
            }
        } finally {
            if (holder != null) {
                holder.close();
            }
        }
    }
}
