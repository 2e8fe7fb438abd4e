package kiln.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code kiln run} with {@code --dir} on a tmpfs, inside a memory cgroup with a small limit
 * (root only; skipped otherwise, saying so): the files' pages are charged to the cgroup, so the
 * budget cuts {@code max-files} to fit and says so, and no worker, nor the supervisor, is killed
 * by the OOM killer. A child cgroup of this process's own is made for each test (v1 where the
 * memory controller is bound there, v2 where it is), and removed after with the tmpfs.
 */
@Timeout(180)
final class MemoryCgroupIT {
    private static final long LIMIT = 600L << 20;

    @TempDir
    Path tmp;
    private Path tmpfs;
    private Path cgroup;

    static int sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        return p.waitFor(20, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    /** This process's memory cgroup directory: v1's memory hierarchy, else the v2 one if it has the memory controller. */
    static Optional<Path> ownMemoryCgroup(boolean v2) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
            String[] f = line.split(":", 3);
            if (!v2 && List.of(f[1].split(",")).contains("memory")) {
                Path dir = Path.of("/sys/fs/cgroup/memory" + f[2]);
                return Files.isDirectory(dir) ? Optional.of(dir) : Optional.empty();
            }
            if (v2 && f[0].equals("0")) {
                for (Path top : List.of(Path.of("/sys/fs/cgroup/unified"), Path.of("/sys/fs/cgroup"))) {
                    Path dir = Path.of(top + f[2]);
                    Path controllers = dir.resolve("cgroup.controllers");
                    if (Files.exists(controllers) && List.of(Files.readString(controllers).strip().split(" ")).contains("memory")) {
                        return Optional.of(dir);
                    }
                }
            }
        }
        return Optional.empty();
    }

    @BeforeEach
    void mountTmpfs() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "a memory cgroup and a tmpfs need root: skipped");
        tmpfs = Files.createDirectories(tmp.resolve("mem"));
        assumeTrue(sh("mount", "-t", "tmpfs", "-o", "size=2g", "kiln-mem-test", tmpfs.toString()) == 0, "cannot mount a tmpfs: skipped");
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (tmpfs != null) {
            sh("umount", "-l", tmpfs.toString());
        }
        if (cgroup != null) {
            // the run has exited, but a worker orphaned by an OOM-killed supervisor may still be
            // removing its files (up to a stop's 8 s): whatever is left in the cgroup is ended first
            for (String pid : Files.readString(cgroup.resolve("cgroup.procs")).split("\\s+")) {
                if (!pid.isEmpty()) {
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
            for (int i = 0; i < 100 && Files.exists(cgroup); i++) {
                try {
                    Files.delete(cgroup);
                } catch (IOException e) {
                    Thread.sleep(100);
                }
            }
        }
    }

    private Path makeCgroup(Path parent, boolean v2) throws IOException {
        Path dir = parent.resolve("kiln-it-" + ProcessHandle.current().pid());
        Files.createDirectory(dir);
        cgroup = dir;
        Files.writeString(dir.resolve(v2 ? "memory.max" : "memory.limit_in_bytes"), Long.toString(LIMIT));
        if (v2) {
            Files.writeString(dir.resolve("memory.swap.max"), "0");
        } else if (Files.exists(dir.resolve("memory.memsw.limit_in_bytes"))) {
            Files.writeString(dir.resolve("memory.memsw.limit_in_bytes"), Long.toString(LIMIT));
        }
        return dir;
    }

    /** The OOM kills the kernel counted in the cgroup: v1's memory.oom_control, v2's memory.events. */
    private static long oomKills(Path dir, boolean v2) throws IOException {
        try (Stream<String> lines = Files.lines(dir.resolve(v2 ? "memory.events" : "memory.oom_control"))) {
            return lines.filter(l -> l.startsWith("oom_kill ")).mapToLong(l -> Long.parseLong(l.substring(9).strip())).findFirst().orElse(0);
        }
    }

    private void runInCgroup(boolean v2) throws Exception {
        Optional<Path> own = ownMemoryCgroup(v2);
        assumeTrue(own.isPresent(), "no memory controller in cgroup " + (v2 ? "v2" : "v1") + " here: skipped (MemoryLimitsTest covers it"
                + " with files shaped like the kernel's)");
        Path cg = makeCgroup(own.get(), v2);
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "echo $$ > \"$0\" && exec \"$@\"", cg.resolve("cgroup.procs").toString(),
                KilnProcess.launcher().toString(), "run", "--duration", "15s", "--workers", "2", "--no-cpu", "--max-files", "200000",
                "--dir", tmpfs.resolve("data").toString(), "--metrics-port", "0", "--report", tmp.resolve("report.json").toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("out.txt").toFile());
        pb.environment().putAll(KilnProcess.environment());
        Process p = pb.start();
        p.getOutputStream().close();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "kiln exited");
        String out = Files.readString(tmp.resolve("out.txt"));
        assertEquals(0, oomKills(cg, v2), "nothing in the cgroup was killed by the OOM killer\n" + out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("kiln: --max-files 200000 cut to "), "the budget says what it cut\n" + out);
        assertTrue(out.contains("the files live in memory (tmpfs at " + tmpfs + ")"), "and why\n" + out);
        assertTrue(out.contains("2 workers (0 restarts, 0 failed)"), out);
        assertTrue(out.contains("verdict: PASS"), out);
        var evidence = com.typesafe.config.ConfigFactory.parseFile(tmp.resolve("report.json").toFile()).getConfig("evidence");
        assertTrue(evidence.hasPath("oom_kills.delta_by_place.cgroup"), "the cgroup's OOM kills were read, before and after: " + evidence.root()
                .render(com.typesafe.config.ConfigRenderOptions.concise()));
        try (Stream<Path> left = Files.list(tmpfs)) {
            assertFalse(left.findAny().isPresent(), "every file and directory kiln made is gone");
        }
    }

    /**
     * Something else in kiln's cgroup takes the memory kiln budgeted for (a writer filling a tmpfs):
     * the kernel kills a worker, and the run must not pass.
     */
    @Test
    void aWorkerOomKilledDuringTheRun_isNotAPass() throws Exception {
        Optional<Path> own = ownMemoryCgroup(false);
        assumeTrue(own.isPresent(), "no cgroup v1 memory controller here: skipped (OomVerdictTest covers the verdict)");
        Path cg = makeCgroup(own.get(), false);
        Path procs = cg.resolve("cgroup.procs");
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", "echo $$ > \"$0\" && exec \"$@\"", procs.toString(),
                KilnProcess.launcher().toString(), "run", "--duration", "20s", "--workers", "1", "--no-files", "--cpu-load", "10",
                "--memory", "90%", "--metrics-port", "0")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("out.txt").toFile());
        pb.environment().putAll(KilnProcess.environment());
        Process kiln = pb.start();
        kiln.getOutputStream().close();
        Path out = tmp.resolve("out.txt");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(out).contains("memory ") || !Files.readString(out).contains("started")) {
            assertTrue(kiln.isAlive() && System.nanoTime() < deadline, "the worker started\n" + Files.readString(out));
            Thread.sleep(100);
        }
        long worker = kiln.toHandle().descendants()
                .filter(h -> h.info().commandLine().map(c -> c.contains("kiln.worker.WorkerMain")).orElse(false))
                .findFirst().orElseThrow().pid();
        assertEquals("1000", Files.readString(Path.of("/proc", Long.toString(worker), "oom_score_adj")).strip(),
                "the OOM killer takes a worker first, never the supervisor that reports it");
        Thread.sleep(3000); // its buffer allocated and touched
        // a writer in the same cgroup: the tmpfs pages are charged to the cgroup and cannot be reclaimed (no swap is
        // charged either), and are not the writer's own memory, so the OOM killer takes the largest process: the worker
        Process fill = new ProcessBuilder("sh", "-c", "echo $$ > \"$0\" && exec dd if=/dev/zero of=\"$1\" bs=1M count=300",
                procs.toString(), tmpfs.resolve("fill").toString()).redirectErrorStream(true).start();
        fill.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        fill.waitFor(60, TimeUnit.SECONDS);
        Files.delete(tmpfs.resolve("fill")); // the memory comes back: the worker is restarted and runs on, as in the field
        assertTrue(kiln.waitFor(120, TimeUnit.SECONDS), "kiln exited");
        String text = Files.readString(out);
        assertTrue(oomKills(cg, false) > 0, "the kernel OOM-killed something in the cgroup\n" + text);
        assertTrue(kiln.exitValue() != 0, "not a pass: exit " + kiln.exitValue() + "\n" + text);
        assertFalse(text.contains("verdict: PASS"), text);
        if (kiln.exitValue() != 137) {
            // the summary wraps its reasons under their column: joined again, the reason reads whole
            assertTrue(text.replaceAll("\\n {3,}", " ").contains("killed by the kernel's OOM killer during the run"), text);
        }
        // else the kernel took the supervisor as well, before the killed worker's memory was uncharged
        // (seen here 4-94 ms after the worker, though the worker asks to go first): kiln cannot
        // lower its own score without CAP_SYS_RESOURCE, which this sandbox's root lacks; the run
        // still ends not passed
    }

    @Test
    void tmpfsInsideAV1MemoryCgroup_theBudgetCutsMaxFiles_andNothingIsOomKilled() throws Exception {
        runInCgroup(false);
    }

    @Test
    void tmpfsInsideAV2MemoryCgroup_theBudgetCutsMaxFiles_andNothingIsOomKilled() throws Exception {
        runInCgroup(true);
    }
}
