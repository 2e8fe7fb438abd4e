package kiln.supervisor;

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
        }, () -> now);
        Readiness readiness = new Readiness(TimeUnit.SECONDS.toNanos(5), 0.05);
        RunMonitor m = new RunMonitor(pool, readiness, 80, Duration.ofSeconds(10), "", () -> now);
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
    void noRamp_startsAtTheTarget() {
        WorkerPool pool = new WorkerPool(List.of(), id -> null, () -> now);
        RunMonitor m = new RunMonitor(pool, new Readiness(1, 0.05), 65, Duration.ZERO, "", () -> now);
        assertEquals(65, m.initialLoad());
        assertEquals(65, m.load());
    }
}
