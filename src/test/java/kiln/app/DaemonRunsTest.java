package kiln.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import kiln.config.Settings;
import kiln.config.SettingsLoader;
import kiln.http.HttpApi.Reply;
import kiln.sampler.Evidence;
import kiln.sampler.HardwareSampler;
import kiln.sampler.HostFacts;
import kiln.sampler.MemoryLimits;
import kiln.supervisor.Work;
import kiln.supervisor.WorkerProcess;
import kiln.util.Ticker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's state machine, driven as the control API drives it, with a shell standing in for
 * each worker JVM (its frames, its silence and its exit are real), host facts the test chooses and
 * a clock that moves only when the test moves it: runs end when the test says, not when a machine
 * gets round to it.
 */
@Timeout(60)
final class DaemonRunsTest {
    /** Says hello and one stats frame, then waits for stop (or the end of its stdin). */
    private static final String REPORTING = "printf 'kiln/1 hello pid=%d id=%s io=nio cpus=0\\n' $$ \"$ID\";"
            + " printf 'kiln/1 stats seq=1 files_created=5\\n';"
            + " while read l; do case \"$l\" in 'kiln/1 stop'*) printf 'kiln/1 bye files_left=0\\n'; exit 0;; esac; done";
    /** Never reports in: a JVM hung before its first frame. */
    private static final String SILENT = "while read l; do case \"$l\" in 'kiln/1 stop'*) exit 0;; esac; done";
    private static final Evidence NO_ERRORS = edacUncorrected(0);

    @TempDir
    Path dir;
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final AtomicReference<Evidence> evidence = new AtomicReference<>(NO_ERRORS);
    private final List<Process> processes = new CopyOnWriteArrayList<>();
    private final List<RunState> moves = new CopyOnWriteArrayList<>();
    private volatile String script = REPORTING;
    private volatile CountDownLatch preparing = new CountDownLatch(0);
    private Path data;
    private Work work;
    private KeptRuns kept;
    private HardwareSampler sampler;
    private DaemonRuns runs;

    private static Evidence edacUncorrected(long count) {
        return new Evidence(Map.of(Evidence.Source.EDAC_UNCORRECTED, Map.of("mc0", count)));
    }

    @BeforeEach
    void daemon() throws IOException {
        data = dir.resolve("data");
        Path conf = dir.resolve("kiln.conf");
        Files.writeString(conf, "kiln {\n workers { count = 1, pin = false }\n files { dir = \"" + data + "\", min-free = 1m, max-files = 100 }\n"
                + " cpu.enabled = false\n run.duration = 2s\n http.port = 0\n}\n");
        Settings base = new SettingsLoader().load(conf, Map.of());
        work = new Work();
        kept = KeptRuns.open(data, work);
        sampler = new HardwareSampler(data, Duration.ofSeconds(1)); // not started: the test owns the clock
        Machine machine = new Machine(new FixedHost(), Ticker.of(clock::get, n -> LockSupport.parkNanos(Math.min(n, 2_000_000L))),
                (s, ws, memory) -> {
                    await(preparing);
                    return id -> {
                        ProcessBuilder pb = new ProcessBuilder("sh", "-c", script);
                        pb.environment().put("ID", Integer.toString(id));
                        Process p = pb.start();
                        processes.add(p);
                        return WorkerProcess.of(p);
                    };
                });
        runs = new DaemonRuns(conf, base, machine, work, kept, sampler);
        runs.watch(moves::add);
    }

    @AfterEach
    void cleanUp() {
        preparing.countDown();
        runs.stopRun();
        runs.joinRun(Duration.ofSeconds(20));
        processes.forEach(Process::destroyForcibly);
        sampler.close();
        kept.close();
    }

    @Test
    void aRun_goesIdleStartingRunningStoppingIdle_andEndsAsTheLastRun() {
        Reply started = runs.start(Map.of(), Map.of());
        assertEquals(202, started.code(), started.body());
        assertEquals("{\"duration_seconds\":2,\"state\":\"starting\",\"workers\":1}\n", started.body());
        until(() -> runs.state() == RunState.RUNNING);
        assertEquals("running", runs.status(null).get("state"));
        assertTrue(!runs.status(null).containsKey("last_run"), "a run in progress is not the last run");

        clock.addAndGet(Duration.ofSeconds(3).toNanos()); // the 2 s are over
        until(() -> runs.state() == RunState.IDLE);
        assertEquals(List.of(RunState.STARTING, RunState.RUNNING, RunState.STOPPING, RunState.IDLE), moves);
        Map<String, Object> last = lastRun();
        assertEquals("duration reached", last.get("outcome"));
        assertTrue(last.get("id") instanceof String, "kept: " + last);
        assertEquals(null, work.current(), "the run's counters are folded into the daemon's");
        assertEquals(5, work.totals().files().created());
    }

    @Test
    void aSecondRun_isRefusedWhileOneGoes_andAStopWithoutARunToo() {
        assertEquals(409, runs.stop().code());
        assertEquals("{\"error\":\"no run in progress\"}\n", runs.stop().body());
        assertEquals(202, runs.start(Map.of(), Map.of()).code());
        Reply second = runs.start(Map.of(), Map.of());
        assertEquals(409, second.code());
        assertTrue(second.body().matches("\\{\"error\":\"a run is (starting|running); POST /api/v1/stop first\"}\\n"), second.body());
        until(() -> runs.state() == RunState.RUNNING);
        assertEquals("{\"error\":\"a run is running; POST /api/v1/stop first\"}\n", runs.start(Map.of(), Map.of()).body());
        assertEquals("{\"state\":\"stopping\"}\n", runs.stop().body());
        until(() -> runs.state() == RunState.IDLE);
        assertEquals("stopped on request", lastRun().get("outcome"));
        assertEquals(202, runs.start(Map.of(), Map.of()).code(), "idle again: a new run may start");
    }

    @Test
    void aStopWhileTheWorkersStart_endsTheRunWithoutItEverRunning() {
        script = SILENT;
        assertEquals(202, runs.start(Map.of(), Map.of()).code());
        until(() -> !processes.isEmpty());
        assertEquals(202, runs.stop().code());
        until(() -> runs.state() == RunState.IDLE);
        assertEquals(List.of(RunState.STARTING, RunState.STOPPING, RunState.IDLE), moves);
        assertEquals("stopped on request", lastRun().get("outcome"));
        assertEquals("inconclusive", lastRun().get("verdict"), "cut short");
    }

    @Test
    void aStopWhileTheRunIsPrepared_isToldToTheRunOnceItIsMade() throws Exception {
        preparing = new CountDownLatch(1);
        CompletableFuture<Reply> start = CompletableFuture.supplyAsync(() -> runs.start(Map.of(), Map.of()));
        until(() -> runs.state() == RunState.STARTING);
        assertEquals("{\"state\":\"stopping\"}\n", runs.stop().body(), "no run made yet: the reply says what will happen");
        assertEquals(RunState.STOPPING, runs.state());
        preparing.countDown();
        assertEquals(202, start.get(20, TimeUnit.SECONDS).code());
        until(() -> runs.state() == RunState.IDLE);
        assertEquals(List.of(RunState.STARTING, RunState.STOPPING, RunState.IDLE), moves);
        assertEquals("stopped on request", lastRun().get("outcome"));
    }

    @Test
    void aRunWithNoWorkerStarted_endsSoAndIsKept() {
        script = SILENT;
        assertEquals(202, runs.start(Map.of(), Map.of()).code());
        until(() -> !processes.isEmpty());
        long step = Run.START_TIMEOUT.toNanos() / 4;
        for (int i = 0; i < 400 && runs.state() == RunState.STARTING; i++) {
            clock.addAndGet(step); // the wait for the workers counts from a moment this thread cannot see: move until it is over
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        until(() -> runs.state() == RunState.IDLE);
        assertEquals(List.of(RunState.STARTING, RunState.STOPPING, RunState.IDLE), moves);
        Map<String, Object> last = lastRun();
        assertEquals("no worker started", last.get("outcome"));
        assertTrue(last.get("id") instanceof String, "kept: " + last);
    }

    @Test
    void aFailingRunsVerdict_isTheLastVerdict_andStaysSoAcrossARestart() {
        assertEquals(202, runs.start(Map.of(), Map.of()).code());
        until(() -> runs.state() == RunState.RUNNING);
        evidence.set(edacUncorrected(1)); // the memory controller counts an uncorrected error during the run
        clock.addAndGet(Duration.ofSeconds(3).toNanos());
        until(() -> runs.state() == RunState.IDLE);
        assertEquals("fail", lastRun().get("verdict"));
        assertEquals("fail", work.lastRun().verdict());

        Work restarted = new Work();
        try (KeptRuns again = KeptRuns.open(data, restarted)) {
            assertEquals("fail", restarted.lastRun().verdict(), "a node that failed stays failed");
            assertEquals("fail", again.last().get("verdict"), "the status shows it again: " + again.last());
        }
    }

    @Test
    void aRefusedStart_goesBackToIdle_namingTheRequestsWord() {
        Reply r = runs.start(Map.of("kiln.workers.count", "none"), Map.of("kiln.workers.count", "workers"));
        assertEquals(400, r.code());
        assertTrue(r.body().startsWith("{\"error\":\"workers"), r.body());
        assertEquals(List.of(RunState.STARTING, RunState.IDLE), moves);
        assertTrue(processes.isEmpty(), "no worker was started");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> lastRun() {
        Object last = runs.status(null).get("last_run");
        assertTrue(last instanceof Map, "a last run: " + runs.status(null));
        return (Map<String, Object>) last;
    }

    private static void until(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not within 30 s");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A host of two cores, 8 GiB free, on ext4, whose clock is the test's and whose EDAC counts the test sets. */
    private final class FixedHost implements Host {
        @Override
        public Optional<Double> cpuQuotaCores() {
            return Optional.empty();
        }

        @Override
        public int processors() {
            return 2;
        }

        @Override
        public MemoryLimits memoryLimits() {
            return new MemoryLimits(16L << 30, 8L << 30, -1, -1);
        }

        @Override
        public long pageSize() {
            return 4096;
        }

        @Override
        public String fileSystemType(Path dir) {
            return "ext4";
        }

        @Override
        public Evidence evidence() {
            return evidence.get();
        }

        @Override
        public Optional<Double> maxCpuHz() {
            return Optional.empty();
        }

        @Override
        public HostFacts facts() {
            return new HostFacts("test-host", "6.1.0", "Test CPU", "0x1", 2, 2, 16L << 30);
        }

        @Override
        public Map<String, Object> hardware() {
            return Map.of();
        }

        @Override
        public Map<String, Long> coreClocksHz() {
            return Map.of();
        }

        @Override
        public Instant now() {
            return Instant.parse("2026-01-01T00:00:00Z").plusNanos(clock.get());
        }
    }
}
