package kiln.screen;

import kiln.link.Outcome;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import kiln.report.Verdict;
import kiln.util.Ticker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The screener's loop with a fake screen, and its state on real files across restarts. */
@Timeout(30)
final class ScreenerTest {
    @TempDir
    Path dir;

    private static ScreenResult passed(List<Integer> cores) {
        long now = System.currentTimeMillis();
        return new ScreenResult(cores, now - 50, now, new Verdict(Outcome.PASS, List.of()), List.of(), Set.of("fma", "aes"),
                TimeUnit.MILLISECONDS.toNanos(40), true);
    }

    private Screener screener(ScreenRunner runner) {
        var s = ScreenScheduleTest.settings(1, Duration.ofHours(1), 100, 100);
        Screener sc = new Screener(s, 3, runner, ScreenStore.open(dir), Ticker.SYSTEM);
        sc.onSample(new kiln.sampler.HostSample(new kiln.sampler.HostSample.Cpu(0.01, List.of(), List.of(), Double.NaN),
                kiln.sampler.HostSample.LoadAverage.UNKNOWN, null, List.of(), null));
        return sc;
    }

    private static void await(java.util.function.BooleanSupplier what, String message) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!what.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, message);
            Thread.sleep(20);
        }
    }

    /** A screener with a passing fake screen runs until {@code cpu} is screened, and keeps its state. */
    private void screenUntil(int cpu) throws Exception {
        try (Screener first = screener((cores, stop) -> passed(cores))) {
            first.start();
            await(() -> first.lastScreenedSeconds(cpu) > 0, "cpu " + cpu + " screened");
        }
    }

    @Test
    void state_survivesARestartOnRealFiles() throws Exception {
        screenUntil(2);
        Path kept = dir.resolve(".kiln-runs").resolve(ScreenStore.FILE);
        assertEquals("r--------", PosixFilePermissions.toString(Files.getPosixFilePermissions(kept)), "as private as a kept report");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(kept.getParent())));
        try (Screener second = screener((cores, stop) -> {
            throw new AssertionError("not started");
        })) {
            for (int cpu = 0; cpu < 3; cpu++) {
                assertTrue(second.lastScreenedSeconds(cpu) > 0, "cpu " + cpu + " remembered as screened");
            }
            assertEquals(3, second.screens(Outcome.PASS), "the counters carry on");
            assertTrue(second.methodLastSeconds("fma") > 0);
            assertEquals(0, second.methodLastSeconds("crc32c"), "a method no screen ran");
            Map<String, Object> status = second.status();
            assertEquals(List.of(0), status.get("next_cpus"), "the rotation goes on where it was: after cpu 2, cpu 0");
            assertNull(status.get("problem"));
        }
    }

    @Test
    void corruptState_startsOverAndSaysSo() throws Exception {
        screenUntil(0);
        Path kept = dir.resolve(".kiln-runs").resolve(ScreenStore.FILE);
        kept.toFile().setWritable(true);
        Files.writeString(kept, "{\"schema\": 1, \"cores\": [");
        try (Screener second = screener((cores, stop) -> passed(cores))) {
            assertEquals(0, second.lastScreenedSeconds(0), "nothing trusted in part");
            String problem = (String) second.status().get("problem");
            assertNotNull(problem);
            assertTrue(problem.contains(ScreenStore.FILE + " not a screening state kiln wrote") && problem.endsWith(
                    "screening starts over, every core unscreened"), problem);
            second.start();
            await(() -> second.lastScreenedSeconds(0) > 0, "screening starts over");
            await(() -> second.status().get("problem") == null, "a state kept again clears the problem");
        }
    }

    @Test
    void link_whereTheStateShouldBe_isNotFollowed() throws Exception {
        Path target = dir.resolveSibling(dir.getFileName() + "-elsewhere.json");
        Files.writeString(target, "{\"schema\": 1, \"since_ms\": 1, \"next_core\": 2, \"cores\": [{\"cpu\": 0, \"last_ms\": 99,"
                + " \"verdict\": \"pass\"}], \"methods_last_ms\": {}, \"screens\": {}, \"cpu_ns\": 0}");
        try {
            try (ScreenStore made = ScreenStore.open(dir)) {
                // makes the private directory
            }
            Files.createSymbolicLink(dir.resolve(".kiln-runs").resolve(ScreenStore.FILE), target);
            try (Screener s = screener((cores, stop) -> passed(cores))) {
                assertEquals(0, s.lastScreenedSeconds(0), "the link's target is not read");
                assertEquals(List.of(0), s.status().get("next_cpus"));
            }
        } finally {
            Files.deleteIfExists(target);
        }
    }

    @Test
    void pauseForRun_stopsTheScreenInProgressAndHoldsTheNext() throws Exception {
        CountDownLatch inScreen = new CountDownLatch(1);
        AtomicReference<String> stoppedBecause = new AtomicReference<>();
        try (Screener s = screener((cores, stop) -> {
            inScreen.countDown();
            String why;
            while ((why = stop.get()) == null) {
                Thread.sleep(10);
            }
            stoppedBecause.set(why);
            long now = System.currentTimeMillis();
            return new ScreenResult(cores, now, now, new Verdict(Outcome.INCONCLUSIVE, List.of("cut short")), List.of(),
                    Set.of(), 1000, false);
        })) {
            s.start();
            assertTrue(inScreen.await(10, TimeUnit.SECONDS));
            s.pauseForRun();
            assertEquals("a run started", stoppedBecause.get(), "the screen was stopped before pauseForRun returned");
            assertEquals("waiting", s.status().get("state"));
            Thread.sleep(300);
            assertEquals("a run is in progress", s.status().get("waiting"));
            assertEquals(0, s.lastScreenedSeconds(0), "a screen cut short does not count");
            assertEquals(1, s.screens(Outcome.INCONCLUSIVE));
        }
    }

    @Test
    void aScreenThatThrows_backsOffInsteadOfRetryingAtOnce() throws Exception {
        backsOff((cores, stop) -> {
            throw new IllegalStateException("taskset: failed to set pid's affinity");
        });
    }

    @Test
    void aScreenWhoseWorkersDied_backsOffToo() throws Exception {
        // its JVMs' starts were charged (0.7 s each): the duty's gap alone would be a fraction of a second on a large host
        backsOff((cores, stop) -> {
            long now = System.currentTimeMillis();
            return new ScreenResult(cores, now, now, new Verdict(Outcome.INCONCLUSIVE, List.of("no screen worker started")),
                    List.of(), Set.of(), Screener.WORKER_START_CPU.toNanos(), false);
        });
    }

    /** A screen that cannot run, on a fake clock: tried once, not again until the back-off has passed. */
    private void backsOff(ScreenRunner broken) throws Exception {
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong(1_000_000_000L);
        Ticker ticker = Ticker.of(clock::get, n -> Thread.onSpinWait());
        java.util.concurrent.atomic.AtomicInteger tries = new java.util.concurrent.atomic.AtomicInteger();
        var settings = ScreenScheduleTest.settings(1, Duration.ofHours(1), 100, 100);
        try (Screener s = new Screener(settings, 3, (cores, stop) -> {
            tries.incrementAndGet();
            return broken.screen(cores, stop);
        }, ScreenStore.open(dir), ticker)) {
            s.onSample(new kiln.sampler.HostSample(new kiln.sampler.HostSample.Cpu(0.01, List.of(), List.of(), Double.NaN),
                    kiln.sampler.HostSample.LoadAverage.UNKNOWN, null, List.of(), null));
            s.start();
            await(() -> tries.get() == 1 && "waiting".equals(s.status().get("state")), "the first screen failed");
            clock.addAndGet(TimeUnit.SECONDS.toNanos(1)); // past the duty's gap for the starts charged (0.23 s here)
            Thread.sleep(1500); // more than the loop's idle wait: a retry at once would have come by now
            assertEquals(1, tries.get(), "the core is still due, but a failed screen is not retried in a loop");
            assertTrue(String.valueOf(s.status().get("waiting")).startsWith("the last screen could not run"),
                    String.valueOf(s.status().get("waiting")));
            clock.addAndGet(ScreenSchedule.MIN_BACKOFF.toNanos() + TimeUnit.HOURS.toNanos(1));
            await(() -> tries.get() == 2, "retried once the back-off passed");
        }
    }

    @Test
    void aScreenThatWillNotStop_refusesTheRun_andTheSecondSignalKillsIt() throws Exception {
        CountDownLatch inScreen = new CountDownLatch(1);
        CountDownLatch killed = new CountDownLatch(1);
        ScreenRunner deaf = new ScreenRunner() {
            @Override
            public ScreenResult screen(List<Integer> cores, java.util.function.Supplier<String> stop) throws InterruptedException {
                inScreen.countDown();
                killed.await(); // ignores stop: only a kill ends it
                long now = System.currentTimeMillis();
                return new ScreenResult(cores, now, now, new Verdict(Outcome.INCONCLUSIVE, List.of("killed")), List.of(), Set.of(), 1, false);
            }

            @Override
            public void kill() {
                killed.countDown();
            }
        };
        try (Screener s = screener(deaf)) {
            s.pauseWaitMillis = 300;
            s.start();
            assertTrue(inScreen.await(10, TimeUnit.SECONDS));
            String refused = s.pauseForRun();
            assertNotNull(refused, "a run beside a screen that did not stop would share its cores");
            assertTrue(refused.startsWith("the screen of cpu [0] has not stopped within"), refused);
            s.resume();
            s.kill();
            await(() -> !s.screening(), "killed, the screen ended");
            assertNull(s.pauseForRun(), "with no screen in progress the run may start");
        }
    }

    @Test
    void aStateThatCannotBeKept_isADaemonProblem_untilASaveSucceeds() throws Exception {
        Path blocker = dir.resolve(".kiln-runs").resolve(".tmp-" + ScreenStore.FILE);
        AtomicReference<Boolean> block = new AtomicReference<>(true);
        CountDownLatch unblocked = new CountDownLatch(1);
        try (Screener s = screener((cores, stop) -> {
            if (!block.get()) {
                unblocked.await(); // the next screen ends once the way is clear again
            } else {
                try {
                    Files.createDirectories(blocker.resolve("x")); // the temporary name taken by a directory: the write fails
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            return passed(cores);
        })) {
            s.start();
            await(() -> s.problem() != null, "the failed write is a problem");
            assertTrue(s.problem().startsWith("cannot keep the screening state in "), s.problem());
            assertEquals(s.problem(), s.status().get("problem"));
            block.set(false);
            Thread.sleep(100); // let a save already under way fail on the directory too
            Files.delete(blocker.resolve("x"));
            Files.delete(blocker);
            unblocked.countDown();
            await(() -> s.problem() == null, "a later save clears it");
        }
    }

    @Test
    void aSaveAfterClose_keepsNothingAndThrowsNothing() throws Exception {
        ScreenStore store = ScreenStore.open(dir);
        store.close();
        store.save(new ScreenState(2, System.currentTimeMillis()).toMap());
        assertNull(store.problem());
        assertTrue(Files.notExists(dir.resolve(".kiln-runs").resolve(ScreenStore.FILE)));
    }
}
