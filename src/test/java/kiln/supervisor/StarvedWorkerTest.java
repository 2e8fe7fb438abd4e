package kiln.supervisor;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import kiln.link.WorkerSpec;
import kiln.util.Ticker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A silent worker told starved from stopped or hung, on real processes: a busy loop pinned to
 * cpu 0 is starved by a SCHED_FIFO busy loop pinned to the same cpu (for at most a few seconds:
 * {@code timeout} ends it, and the kernel's RT throttling leaves the cpu 5% for everyone else),
 * stopped by SIGSTOP, or asleep.
 */
@Timeout(60)
final class StarvedWorkerTest {
    private static final String BUSY = "while :; do :; done";
    private final List<Process> started = new ArrayList<>();
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private WorkerPool pool;

    @AfterEach
    void cleanUp() throws InterruptedException {
        if (pool != null) {
            pool.kill();
            pool.stop(Duration.ofMillis(100));
        }
        for (Process p : started) {
            end(p);
        }
    }

    private Process start(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        started.add(p);
        return p;
    }

    /**
     * A SCHED_FIFO busy loop on cpu 0 that ends by itself within 6 s whatever becomes of the test:
     * the loop watches the clock, and {@code timeout}, one priority above it and on any cpu, ends
     * it too. {@link #end} ends it at once.
     */
    private Process competitor() throws IOException {
        return start("chrt", "-f", "11", "timeout", "6", "chrt", "-f", "10", "taskset", "-c", "0", "sh", "-c",
                "end=$(($(date +%s) + 6)); while [ $(date +%s) -lt $end ]; do :; done");
    }

    /** Ends a process and everything it started, children first (SIGKILL of timeout alone leaves its child running). */
    private static void end(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
    }

    private static void assumeRealTimeAllowed() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")) && Files.exists(Path.of("/proc/self/schedstat")), "schedstat in /proc");
        Process p = new ProcessBuilder("chrt", "-f", "10", "true").redirectErrorStream(true).start();
        assumeTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "may use SCHED_FIFO (root): chrt -f 10 true");
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "a second cpu for everything else while cpu 0 is held");
    }

    private static Scheduling.Snapshot read(Process p) {
        return Scheduling.read(Path.of("/proc"), p.pid());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void classify_runnableButStarved_stopped_andAsleep_onRealProcesses() throws Exception {
        assumeRealTimeAllowed();
        Process busy = start("taskset", "-c", "0", "sh", "-c", BUSY);
        Process asleep = start("sleep", "60");
        await().atMost(Duration.ofSeconds(5)).until(() -> read(busy) != null && read(asleep) != null);

        Scheduling.Snapshot before = read(busy);
        Scheduling.Snapshot sleepBefore = read(asleep);
        Process fifo = competitor();
        sleep(1500);
        Scheduling.Snapshot after = read(busy);
        end(fifo);
        assertEquals(Scheduling.Cause.STARVED, Scheduling.classify(before, after), "waited for cpu 0: " + before + " -> " + after);
        assertEquals(Scheduling.Cause.HUNG, Scheduling.classify(sleepBefore, read(asleep)), "asleep: not waiting for a cpu");

        new ProcessBuilder("kill", "-STOP", Long.toString(busy.pid())).start().waitFor(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> read(busy).stopped());
        Scheduling.Snapshot stopped = read(busy);
        sleep(300);
        assertEquals(Scheduling.Cause.STOPPED, Scheduling.classify(stopped, read(busy)), "SIGSTOP");
    }

    @Test
    void state_isReadAfterACommandWithSpacesAndParentheses() {
        assertEquals('R', Scheduling.state("42 (a b) (c)) R 1 42 42 0"));
        assertEquals('t', Scheduling.state("7 (java) t 1 7 7 0"));
    }

    private static WorkerSpec spec() {
        return new WorkerSpec(0, "/nonexistent/kiln-test/w0", WorkerSpec.Files.OFF, WorkerSpec.Cpu.OFF, 0, WorkerSpec.Parent.current());
    }

    /** A worker that reports once, then spins on cpu 0 without reporting: silent, and runnable. */
    private WorkerLauncher spinningOnCpu0() {
        return id -> {
            Process p = new ProcessBuilder("taskset", "-c", "0", "sh", "-c", "printf 'kiln/1 stats seq=1 files_created=3\\n'; " + BUSY).start();
            started.add(p);
            return WorkerProcess.of(p);
        };
    }

    /** Moves the fake clock past half the stall time, lets the pool read the worker, then past the stall time. */
    private void silence(long realMillisBetween) {
        clock.addAndGet(WorkerSlot.STALL_NANOS / 2 + 1);
        sleep(realMillisBetween);
        clock.addAndGet(WorkerSlot.STALL_NANOS);
        await().atMost(Duration.ofSeconds(10)).until(() -> pool.workers().get(0).state() == WorkerState.STALLED);
    }

    @Test
    void workerStarvedByTheHost_isNotAStall_butAStoppedOneIs() throws Exception {
        assumeRealTimeAllowed();
        pool = new WorkerPool(List.of(spec()), spinningOnCpu0(), Ticker.of(clock::get));
        pool.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> pool.workers().get(0).state() == WorkerState.RUNNING);
        Process fifo = competitor();
        silence(800);
        assertEquals(0, pool.workers().get(0).stalls(), "starved by a competing SCHED_FIFO loop on its cpu: not the machine's fault");
        long worker = started.get(started.size() - 2).pid();
        clock.addAndGet(WorkerSlot.STALL_KILL_NANOS);
        sleep(300); // ticks past the kill time while the competitor still holds its cpu
        assertEquals(worker, pool.workers().get(0).pid(), "not killed while starved: killing it would give it no cpu");
        end(fifo);
        // given its cpu back and still silent, it is hung after all: killed, and counted as a stall
        await().atMost(Duration.ofSeconds(10)).until(() -> pool.workers().get(0).stalls() == 1);
        pool.kill();
        pool.stop(Duration.ofMillis(100));

        clock.set(1_000_000_000L);
        pool = new WorkerPool(List.of(spec()), spinningOnCpu0(), Ticker.of(clock::get));
        pool.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> pool.workers().get(0).state() == WorkerState.RUNNING);
        long pid = pool.workers().get(0).pid();
        new ProcessBuilder("kill", "-STOP", Long.toString(pid)).start().waitFor(10, TimeUnit.SECONDS);
        silence(300);
        assertEquals(1, pool.workers().get(0).stalls(), "stopped with SIGSTOP: a stall, held against the run");
    }
}
