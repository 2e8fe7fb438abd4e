package kiln.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

final class ReadinessTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    /** Feeds one reading a second for {@code seconds}; returns the second it became ready, or -1. */
    private static int feed(Readiness r, int seconds, IntToDoubleFunction files, IntToDoubleFunction freq, IntToDoubleFunction temp) {
        for (int t = 0; t < seconds; t++) {
            if (r.observe(t * SECOND, files.applyAsDouble(t), freq.applyAsDouble(t), temp.applyAsDouble(t))) {
                return t;
            }
        }
        return -1;
    }

    @Test
    void steadyButNoisySeries_becomeReadyOnceTheWindowIsFull() {
        Random rnd = new Random(1);
        Readiness r = new Readiness(30 * SECOND, 0.05);
        int at = feed(r, 120, t -> 40_000 * (1 + 0.08 * (rnd.nextDouble() - 0.5)), t -> 2.4e9, t -> 61 + rnd.nextDouble() * 0.5);
        assertTrue(at >= 27 && at <= 30, "ready when 30 s of flat readings are in, at " + at);
        assertTrue(r.ready());
        assertEquals("", r.waitingFor());
    }

    @Test
    void climbingFilesRate_isNotReadyUntilItLevelsOff() {
        Readiness r = new Readiness(30 * SECOND, 0.05);
        // climbs 1%/s for 60 s, then flat
        int at = feed(r, 200, t -> 10_000 * (1 + 0.01 * Math.min(t, 60)), t -> Double.NaN, t -> Double.NaN);
        assertTrue(at >= 80 && at <= 95, "ready about a window after the climb ends, at " + at);
    }

    @Test
    void risingTemperature_holdsReadinessBack() {
        Readiness r = new Readiness(30 * SECOND, 0.05);
        assertEquals(-1, feed(r, 60, t -> 5000, t -> 3e9, t -> 40 + t * 0.2), "6 °C over the window is a trend");
        assertTrue(r.waitingFor().startsWith("cpu temperature still trending"), r.waitingFor());
    }

    @Test
    void saggingFrequency_holdsReadinessBack() {
        Readiness r = new Readiness(30 * SECOND, 0.05);
        assertEquals(-1, feed(r, 60, t -> 5000, t -> 3.5e9 - t * 1e7, t -> Double.NaN), "throttling is not steady state");
        assertTrue(r.waitingFor().startsWith("cpu frequency still trending"), r.waitingFor());
    }

    @Test
    void absentOrIdleSeries_areNotJudged() {
        Readiness r = new Readiness(10 * SECOND, 0.05);
        int at = feed(r, 30, t -> 0, t -> Double.NaN, t -> Double.NaN);
        assertTrue(at >= 9 && at <= 10, "nothing to judge: ready once the window is full, at " + at);
    }

    @Test
    void reset_restartsTheWindow_andReadyStaysReady() {
        Readiness r = new Readiness(10 * SECOND, 0.05);
        for (int t = 0; t < 8; t++) {
            r.observe(t * SECOND, 100, Double.NaN, Double.NaN);
        }
        r.reset();
        assertFalse(r.observe(9 * SECOND, 100, Double.NaN, Double.NaN));
        for (int t = 10; t <= 19; t++) {
            r.observe(t * SECOND, 100, Double.NaN, Double.NaN);
        }
        assertTrue(r.ready());
        r.reset();
        assertTrue(r.observe(30 * SECOND, 1, Double.NaN, Double.NaN), "once warm, always warm");
    }

    /**
     * files/s as recorded on a VM disk while "warm" was declared: 1-s readings of the 5-s rate
     * swinging between 38 and 816 with no trend. That is not a steady machine.
     */
    @Test
    void swingingFilesRate_withoutTrend_isNotReady() {
        double[] recorded = {816, 640, 102, 38, 410, 790, 655, 120, 41, 388, 801, 700, 95, 52, 430, 760, 610, 140, 60, 402,
                812, 690, 88, 44, 415, 780, 630, 110, 50, 395};
        Readiness r = new Readiness(30 * SECOND, 0.05);
        assertEquals(-1, feed(r, 120, t -> recorded[t % recorded.length], t -> Double.NaN, t -> Double.NaN));
        assertTrue(r.waitingFor().startsWith("files/s unsteady"), r.waitingFor());
        assertTrue(r.waitingFor().contains("at most 10%"), "names the measure: " + r.waitingFor());
    }

    @Test
    void unsteadyCpuOrMemoryRate_holdsReadinessBack_andTheMessageNamesOnlyWhatExists() {
        Random rnd = new Random(2);
        Readiness r = new Readiness(20 * SECOND, 0.05);
        for (int t = 0; t < 60; t++) {
            double mem = t % 2 == 0 ? 2e9 : 0.5e9; // memory stressor stuttering
            assertFalse(r.observe(t * SECOND, new Readiness.Reading(5000 * (1 + 0.02 * rnd.nextDouble()), 1e6, mem, Double.NaN, Double.NaN)));
        }
        assertTrue(r.waitingFor().startsWith("memory rate unsteady"), r.waitingFor());

        Readiness steady = new Readiness(20 * SECOND, 0.05);
        boolean ready = false;
        for (int t = 0; t < 60 && !ready; t++) {
            ready = steady.observe(t * SECOND, new Readiness.Reading(5000 * (1 + 0.02 * rnd.nextDouble()), 1e6 * (1 + 0.01 * rnd.nextDouble()),
                    0, Double.NaN, Double.NaN));
        }
        assertTrue(ready);
        String judged = steady.judged();
        assertTrue(judged.startsWith("files/s steady (±") && judged.contains("cpu ops/s steady") && judged.endsWith("over 20s"), judged);
        assertFalse(judged.contains("temperature") || judged.contains("frequency") || judged.contains("memory"),
                "no sensor, no frequency reading, memory stressor off: not named: " + judged);
    }

    @Test
    void rotatingMethods_areJudgedByTheBurnersBusyTime_andSaidSo() {
        // --cpu-method all: a second each of methods whose ops differ a thousandfold in cost; the
        // ops/s of a 5 s window follow the rotation, the burners' busy time holds the load asked
        Readiness byOps = new Readiness(20 * SECOND, 0.05);
        double[] opsOfMethod = {4e6, 3e3, 2e5, 5e2, 8e5, 1e5, 6e4, 9e3, 2e6, 4e4};
        for (int t = 0; t < 60; t++) {
            double ops = 0;
            for (int k = 0; k < 5; k++) {
                ops += opsOfMethod[(t + k) % opsOfMethod.length] / 5;
            }
            assertFalse(byOps.observe(t * SECOND, new Readiness.Reading(0, ops, 0, Double.NaN, Double.NaN)),
                    "ops/s of a rotation never hold a level: " + byOps.waitingFor());
        }
        Readiness byBusy = new Readiness(20 * SECOND, 0.05);
        byBusy.cpuMeasuredAs("cpu busy");
        boolean ready = false;
        for (int t = 0; t < 60 && !ready; t++) {
            ready = byBusy.observe(t * SECOND, new Readiness.Reading(0, 1e9 * (1 + 0.01 * Math.sin(t)), 0, Double.NaN, Double.NaN));
        }
        assertTrue(ready, byBusy.waitingFor());
        assertTrue(byBusy.judged().startsWith("cpu busy steady (±"), byBusy.judged());
    }
}
