package kiln.app;

import static kiln.app.ShellMachine.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import kiln.link.Outcome;
import kiln.config.Settings;
import kiln.config.SettingsLoader;
import kiln.http.HttpApi.Reply;
import kiln.sampler.HardwareSampler;
import kiln.supervisor.Work;
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
    @TempDir
    Path dir;
    private final ShellMachine host = new ShellMachine();
    private final List<RunState> moves = new CopyOnWriteArrayList<>();
    private Path data;
    private Work work;
    private KeptRuns kept;
    private HardwareSampler sampler;
    private DaemonRuns runs;

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
        runs = new DaemonRuns(conf, base, host.machine(), work, kept, sampler);
        runs.watch(moves::add);
    }

    @AfterEach
    void cleanUp() {
        host.prepared();
        runs.stopRun();
        runs.joinRun(Duration.ofSeconds(20));
        host.close();
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

        host.advance(Duration.ofSeconds(3));
        until(() -> runs.state() == RunState.IDLE);
        assertEquals(List.of(RunState.STARTING, RunState.RUNNING, RunState.STOPPING, RunState.IDLE), moves);
        Map<String, Object> last = lastRun();
        assertEquals("duration reached", last.get("outcome"));
        assertEquals("pass", last.get("verdict"), "the worker did its work, the host counted no error");
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
        host.workers(ShellMachine.SILENT);
        assertEquals(202, runs.start(Map.of(), Map.of()).code());
        until(() -> !host.processes.isEmpty());
        assertEquals(202, runs.stop().code());
        until(() -> runs.state() == RunState.IDLE);
        assertEquals(List.of(RunState.STARTING, RunState.STOPPING, RunState.IDLE), moves);
        assertEquals("stopped on request", lastRun().get("outcome"));
        assertEquals("inconclusive", lastRun().get("verdict"), "cut short");
    }

    @Test
    void aStopWhileTheRunIsPrepared_isToldToTheRunOnceItIsMade() throws Exception {
        host.holdPreparation();
        CompletableFuture<Reply> start = CompletableFuture.supplyAsync(() -> runs.start(Map.of(), Map.of()));
        until(() -> runs.state() == RunState.STARTING);
        assertEquals("{\"state\":\"stopping\"}\n", runs.stop().body(), "no run made yet: the reply says what will happen");
        assertEquals(RunState.STOPPING, runs.state());
        host.prepared();
        assertEquals(202, start.get(20, TimeUnit.SECONDS).code());
        until(() -> runs.state() == RunState.IDLE);
        assertEquals(List.of(RunState.STARTING, RunState.STOPPING, RunState.IDLE), moves);
        assertEquals("stopped on request", lastRun().get("outcome"));
    }

    @Test
    void aRunWithNoWorkerStarted_endsSoAndIsKept() {
        host.workers(ShellMachine.SILENT);
        assertEquals(202, runs.start(Map.of(), Map.of()).code());
        until(() -> !host.processes.isEmpty());
        // the wait for the workers counts from a moment this thread cannot see: moved until it is over
        host.advanceUntil(Run.START_TIMEOUT.dividedBy(4), () -> runs.state() != RunState.STARTING);
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
        host.uncorrectedErrors(1); // the memory controller counts an uncorrected error during the run
        host.advance(Duration.ofSeconds(3));
        until(() -> runs.state() == RunState.IDLE);
        assertEquals("fail", lastRun().get("verdict"));
        assertEquals(Outcome.FAIL, work.lastRun().verdict());

        Work restarted = new Work();
        try (KeptRuns again = KeptRuns.open(data, restarted)) {
            assertEquals(Outcome.FAIL, restarted.lastRun().verdict(), "a node that failed stays failed");
            assertEquals("fail", again.last().get("verdict"), "the status shows it again: " + again.last());
        }
    }

    @Test
    void aRefusedStart_goesBackToIdle_namingTheRequestsWord() {
        Reply r = runs.start(Map.of("kiln.workers.count", "none"), Map.of("kiln.workers.count", "workers"));
        assertEquals(400, r.code());
        assertTrue(r.body().startsWith("{\"error\":\"workers"), r.body());
        assertEquals(List.of(RunState.STARTING, RunState.IDLE), moves);
        assertTrue(host.processes.isEmpty(), "no worker was started");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> lastRun() {
        Object last = runs.status(null).get("last_run");
        assertTrue(last instanceof Map, "a last run: " + runs.status(null));
        return (Map<String, Object>) last;
    }
}
