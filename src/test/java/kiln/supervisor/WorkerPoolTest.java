package kiln.supervisor;

import kiln.util.Ticker;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import kiln.link.WorkerSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The pool against real processes that behave badly: a shell stands in for the worker JVM, so
 * crashes, garbage on stdout and deaths are real, and the clock of backoff is a fake we move.
 */
@Timeout(60)
final class WorkerPoolTest {
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final List<Process> started = new CopyOnWriteArrayList<>();
    private WorkerPool pool;

    private static WorkerSpec spec(int id) {
        return new WorkerSpec(id, "/nonexistent/kiln-test/w" + id, WorkerSpec.Files.OFF, WorkerSpec.Cpu.OFF, 0,
                WorkerSpec.Parent.current());
    }

    private WorkerLauncher shell(String script) {
        return id -> {
            Process p = new ProcessBuilder("sh", "-c", script).start();
            started.add(p);
            return WorkerProcess.of(p);
        };
    }

    @AfterEach
    void cleanUp() {
        started.forEach(Process::destroyForcibly); // first: a write blocked on a full pipe fails once its reader is gone
        if (pool != null) {
            pool.kill();
            pool.stop(Duration.ofMillis(100));
        }
    }

    @Test
    void crashLoopingWorker_isRestartedWithBackoff_thenMarkedFailed_andTheOthersGoOn() {
        List<WorkerSpec> specs = List.of(spec(0), spec(1));
        // reports every 20 ms of real time: never silent for long on the fake clock, which runs 10x faster
        String healthy = "i=1; while :; do printf 'kiln/1 stats seq=%d files_created=7\\n' $i; i=$((i+1)); sleep 0.02; done";
        String crashing = "echo 'java.lang.OutOfMemoryError: pretend' >&2; exit 7";
        pool = new WorkerPool(specs, id -> shell(id == 0 ? crashing : healthy).launch(id), Ticker.of(clock::get));
        pool.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (!pool.workers().get(0).state().label().equals("failed") && System.nanoTime() < deadline) {
            clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(500)); // fake time runs 10x faster than the poll
            sleep(50);
        }
        WorkerView crashed = pool.workers().get(0);
        assertEquals("failed", crashed.state().label(), "5 deaths within a minute: given up on");
        assertEquals(RestartPolicy.CRASH_LOOP_DEATHS - 1, crashed.restarts(), "restarted after each death but the last");
        assertEquals("running", pool.workers().get(1).state().label(), "the healthy worker goes on");
        assertEquals(7, pool.workers().get(1).totals().files().created());
        assertEquals(RestartPolicy.CRASH_LOOP_DEATHS + 1, started.size(), "five lives of the crashing worker, one of the healthy");
    }

    @Test
    void silentWorker_isStalled_thenKilledAndRestarted_andReportingAgainClearsIt() {
        // one frame, then silence (as a worker under SIGSTOP): alive, but no longer reporting
        String silent = "printf 'kiln/1 stats seq=1 files_created=3\\n'; while read line; do :; done";
        pool = new WorkerPool(List.of(spec(0)), shell(silent), Ticker.of(clock::get));
        pool.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> pool.workers().get(0).state() == WorkerState.RUNNING);
        clock.addAndGet(StallWatch.STALL_NANOS / 2);
        sleep(300);
        assertEquals(WorkerState.RUNNING, pool.workers().get(0).state(), "half the stall time: still running");
        clock.addAndGet(StallWatch.STALL_NANOS);
        await().atMost(Duration.ofSeconds(10)).until(() -> pool.workers().get(0).state() == WorkerState.STALLED);
        assertEquals(1, pool.workers().get(0).stalls());
        Long firstPid = pool.workers().get(0).pid();
        clock.addAndGet(StallWatch.STALL_KILL_NANOS);
        // killed, noticed as a death, restarted after the back-off, and it reports again
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!(pool.workers().get(0).state() == WorkerState.RUNNING && !firstPid.equals(pool.workers().get(0).pid()))
                && System.nanoTime() < deadline) {
            clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(200));
            sleep(50);
        }
        WorkerView w = pool.workers().get(0);
        assertEquals(WorkerState.RUNNING, w.state(), "a new life reports");
        assertTrue(!firstPid.equals(w.pid()), "the stalled process was replaced");
        assertEquals(1, w.restarts());
        assertEquals(1, w.stalls(), "the stall stays counted: the run is not clean");
        assertEquals(6, w.totals().files().created(), "counters carry over the lives");
    }

    @Test
    void workerThatNeverReportsIn_isKilledOnceTheStartWaitIsOver_restarted_andCounted() throws Exception {
        // w1's first life says nothing at all (a JVM hung before its first frame); its second life reports
        String healthy = "i=1; while :; do printf 'kiln/1 stats seq=%d files_created=2\\n' $i; i=$((i+1)); sleep 0.02; done";
        String hung = "while read line; do :; done";
        java.util.concurrent.atomic.AtomicInteger w1Lives = new java.util.concurrent.atomic.AtomicInteger();
        pool = new WorkerPool(List.of(spec(0), spec(1)),
                id -> shell(id == 1 && w1Lives.getAndIncrement() == 0 ? hung : healthy).launch(id), Ticker.of(clock::get));
        pool.start();
        java.util.concurrent.CompletableFuture<Boolean> wait = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return pool.awaitStarted(Duration.ofSeconds(20), () -> false);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> pool.workers().get(0).state() == WorkerState.RUNNING);
        Long hungPid = pool.workers().get(1).pid();
        clock.addAndGet(TimeUnit.SECONDS.toNanos(15));
        sleep(400);
        assertEquals(WorkerState.STARTING, pool.workers().get(1).state(), "within the start wait: left to start");
        assertEquals(0, pool.workers().get(1).hungAtStart());
        assertTrue(!wait.isDone(), "the wait goes on while a worker may still report in");
        clock.addAndGet(TimeUnit.SECONDS.toNanos(6));
        assertTrue(wait.get(10, TimeUnit.SECONDS), "w0 runs: the run goes on without w1");
        await().atMost(Duration.ofSeconds(10)).until(() -> pool.workers().get(1).hungAtStart() == 1);
        // killed, noticed as a death, restarted after the back-off: the new life reports in
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (pool.workers().get(1).state() != WorkerState.RUNNING && System.nanoTime() < deadline) {
            clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(200));
            sleep(50);
        }
        WorkerView w1 = pool.workers().get(1);
        assertEquals(WorkerState.RUNNING, w1.state(), "the second life reports in");
        assertTrue(!hungPid.equals(w1.pid()), "the hung process was replaced");
        assertTrue(started.stream().filter(Process::isAlive).count() == 2, "the hung process is gone, not left behind");
        assertEquals(1, w1.restarts());
        assertEquals(1, w1.hungAtStart(), "counted once, and it stays counted: the run is not clean");
        assertEquals(0, w1.stalls(), "a hang at start is not a stall while running");
    }

    @Test
    void garbageOnStdout_isSkipped_andTheValidFramesCount() throws Exception {
        String script = "head -c 200000 /dev/urandom; printf '\\n'; "
                + "printf 'kiln/1 stats seq=1 files_created=5 cpu_ops.int=9 verify.cpu=0\\n'; "
                + "head -c 50000 /dev/urandom | tr -d '\\n'; printf '\\n'; "
                + "printf 'kiln/1 stats seq=2 files_created=x\\n'; "
                + "printf 'kiln/1 stats seq=3 files_created=6 cpu_ops.int=10\\n'; "
                + "while read line; do :; done";
        pool = new WorkerPool(List.of(spec(0)), shell(script), Ticker.of(clock::get));
        pool.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> pool.workers().get(0).totals().files().created() == 6);
        WorkerView w = pool.workers().get(0);
        assertEquals("running", w.state().label());
        assertEquals(10, w.totals().cpu().ops().get("int"));
        assertTrue(w.malformedFrames() >= 2, "random bytes counted as malformed: " + w.malformedFrames());
    }

    @Test
    void deadWorker_countersKeepGrowingAcrossLives() {
        // each life reports 5 files then dies; totals must add up over lives
        String script = "printf 'kiln/1 stats seq=1 files_created=5 file_bytes=5120\\n'; sleep 0.2; exit 1";
        pool = new WorkerPool(List.of(spec(0)), shell(script), Ticker.of(clock::get));
        pool.start();
        List<Long> seen = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (pool.workers().get(0).restarts() < 3 && System.nanoTime() < deadline) {
            seen.add(pool.workers().get(0).totals().files().created());
            clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(300));
            sleep(30);
        }
        for (int i = 1; i < seen.size(); i++) {
            assertTrue(seen.get(i) >= seen.get(i - 1), "never backwards: " + seen);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> pool.workers().get(0).totals().files().created() >= 15);
        assertEquals(pool.workers().get(0).totals().files().created() * 1024, pool.workers().get(0).totals().files().bytes());
    }

    @Test
    void stop_escalatesToKill_forAWorkerThatIgnoresStop() {
        String stubborn = "trap '' TERM; printf 'kiln/1 stats seq=1\\n'; while true; do sleep 1; done";
        pool = new WorkerPool(List.of(spec(0)), shell(stubborn), Ticker.SYSTEM);
        pool.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> pool.workers().get(0).state().label().equals("running"));
        long t0 = System.nanoTime();
        pool.stop(Duration.ofMillis(500));
        assertTrue(started.stream().noneMatch(Process::isAlive), "SIGKILL ended it");
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(8), "polite, then TERM, then KILL, each with a deadline");
    }

    @Test
    void workerThatReadsNoCommands_blocksNeitherTheCallerNorTheStatsNorTheStop() throws Exception {
        // reports once, then never reads its stdin: once the pipe's 64 KiB are full, a write to it blocks
        pool = new WorkerPool(List.of(spec(0)), shell("printf 'kiln/1 stats seq=1 files_created=4\\n'; exec sleep 600"), Ticker.SYSTEM);
        pool.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> pool.workers().get(0).state() == WorkerState.RUNNING);
        java.util.concurrent.ExecutorService caller = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            // 20,000 load commands of 20-odd bytes each: several times what the pipe holds
            java.util.concurrent.Future<?> flood = caller.submit(() -> {
                for (int i = 0; i < 20_000; i++) {
                    pool.broadcast(new kiln.link.Message.Load(50));
                }
            });
            flood.get(10, TimeUnit.SECONDS); // a TimeoutException here: the caller was left writing to the full pipe
            // what a scrape of /metrics or /api/v1/status reads, while the pipe is still full
            WorkerView w = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(2), () -> pool.workers().get(0),
                    "the worker's state is read without waiting on its pipe");
            assertEquals(WorkerState.RUNNING, w.state());
            assertEquals(4, org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(2),
                    () -> pool.totals().files().created()));
            assertTrue(pool.sendTo(0, new kiln.link.Message.Load(40)), "still running: a command is taken, and waits");
            long t0 = System.nanoTime();
            pool.stop(Duration.ofMillis(500));
            assertTrue(started.stream().noneMatch(Process::isAlive), "stop, then TERM ended it");
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(8), "the stop did not wait on the full pipe");
        } finally {
            caller.shutdownNow();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void theWaitForWorkersToReportIn_endsWhenAStopIsAskedFor() throws Exception {
        // a worker still getting a large memory buffer says nothing for a long time
        pool = new WorkerPool(List.of(spec(0)), shell("sleep 30"), Ticker.SYSTEM);
        pool.start();
        long asked = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
        long t0 = System.nanoTime();
        boolean any = pool.awaitStarted(Duration.ofSeconds(50), () -> System.nanoTime() > asked);
        long waitedMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(!any, "none had reported in");
        assertTrue(waitedMs < 20_000, "the stop ended the wait, not the 50 s timeout: " + waitedMs + " ms");
    }
}
