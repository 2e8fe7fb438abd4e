package kiln.supervisor;

import kiln.util.Ticker;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

final class RunMonitorTest {
    private long now = 5_000_000_000L;

    @Test
    void ramp_raisesTheLoadLinearly_thenHoldsTheTarget() {
        WorkerPool pool = new WorkerPool(List.of(), id -> {
            throw new AssertionError("no workers here");
        }, Ticker.of(() -> now));
        Readiness readiness = new Readiness(TimeUnit.SECONDS.toNanos(5), 0.05);
        RunMonitor m = new RunMonitor(pool, readiness, 80, Duration.ofSeconds(10), "", Ticker.of(() -> now));
        assertEquals(0, m.initialLoad(), "workers start idle when ramping");
        m.begin();
        int[] expected = {0, 8, 16, 24, 32, 40, 48, 56, 64, 72, 80, 80, 80};
        for (int s = 0; s < expected.length; s++) {
            m.onSample(null);
            assertEquals(expected[s], m.load(), "load at " + s + " s");
            assertEquals(s < 10, m.ramping());
            now += TimeUnit.SECONDS.toNanos(1);
        }
        assertFalse(readiness.ready(), "readiness is judged only after the ramp");
        for (int s = 0; s < 6; s++) {
            m.onSample(null);
            now += TimeUnit.SECONDS.toNanos(1);
        }
        assertTrue(m.ready());
    }

    @Test
    void burnersOnly_subtractKilnsOwnOverheadFromTheLoad() {
        // one worker (a shell) whose counters stand still; the supervisor burns 20 ms per second
        String script = "printf 'kiln/1 stats seq=1 proc_cpu_ns=5000000 cpu_busy_ns=4000000\\n'; while read l; do :; done";
        WorkerPool pool = new WorkerPool(List.of(new kiln.link.WorkerSpec(0, "/nonexistent/w0", kiln.link.WorkerSpec.Files.OFF,
                new kiln.link.WorkerSpec.Cpu(true, 50, "int", 1), 0, kiln.link.WorkerSpec.Parent.current())),
                id -> WorkerProcess.of(new ProcessBuilder("sh", "-c", script).start()), Ticker.of(() -> now));
        java.util.concurrent.atomic.AtomicLong ownCpu = new java.util.concurrent.atomic.AtomicLong();
        try {
            pool.start();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> pool.workers().get(0).state().label().equals("running"));
            RunMonitor m = new RunMonitor(pool, new Readiness(TimeUnit.SECONDS.toNanos(30), 0.05), 50, Duration.ZERO, "",
                    true, ownCpu::get, Ticker.of(() -> now));
            m.begin();
            for (int s = 0; s < 30; s++) {
                m.onSample(null);
                now += TimeUnit.SECONDS.toNanos(1);
                ownCpu.addAndGet(TimeUnit.MILLISECONDS.toNanos(20));
            }
            assertEquals(2.0, m.overheadPercent(), 0.01, "20 ms/s over one worker's core");
            assertEquals(48.0, m.load(), 0.01, "the burners hold 48% so that kiln as a whole holds 50%");
        } finally {
            pool.kill();
            pool.stop(Duration.ofMillis(100));
        }
    }

    @Test
    void noRamp_startsAtTheTarget() {
        WorkerPool pool = new WorkerPool(List.of(), id -> null, Ticker.of(() -> now));
        RunMonitor m = new RunMonitor(pool, new Readiness(1, 0.05), 65, Duration.ZERO, "", Ticker.of(() -> now));
        assertEquals(65, m.initialLoad());
        assertEquals(65, m.load());
    }
}
