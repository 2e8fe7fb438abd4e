package kiln.supervisor;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Decides when the machine is warm: files/s, CPU frequency and (where a sensor exists) CPU
 * temperature have stopped trending. The rule, applied to the readings of the last {@code window}:
 *
 * <ul>
 *   <li>the window is full (at least {@code window} of readings since the load reached its target);
 *   <li>for files/s and frequency: the least-squares trend across the window moves the value by
 *       at most {@code tolerance} (e.g. 5%) of its mean — noise around a level is fine, a climb or
 *       a sag is not;
 *   <li>for temperature: the trend across the window is at most 1 °C.
 * </ul>
 *
 * A series that is absent (NaN, e.g. no sensor) or stays at zero (stressor off) is not judged.
 * Once ready, it stays ready. Not thread-safe: fed by the sampler thread; {@link #ready} may be
 * read from anywhere.
 */
public final class Readiness {
    static final double TEMPERATURE_TOLERANCE_C = 1.0;

    private final long windowNanos;
    private final double tolerance;
    private final Deque<double[]> readings = new ArrayDeque<>();
    private volatile boolean ready;
    private volatile String waitingFor = "not enough readings yet";

    /**
     * @param windowNanos how far back the trend is judged
     * @param tolerance   largest allowed relative trend across the window, e.g. 0.05
     */
    public Readiness(long windowNanos, double tolerance) {
        this.windowNanos = windowNanos;
        this.tolerance = tolerance;
    }

    /** Forgets the readings, e.g. while the load still ramps up. */
    public void reset() {
        if (!ready) {
            readings.clear();
        }
    }

    /**
     * Adds a reading; NaN for what is unknown.
     *
     * @return whether the machine is (now) ready
     */
    public boolean observe(long nanos, double filesPerSecond, double frequencyHz, double temperatureC) {
        if (ready) {
            return true;
        }
        readings.addLast(new double[] {nanos, filesPerSecond, frequencyHz, temperatureC});
        while (readings.size() > 2 && nanos - readings.peekFirst()[0] > windowNanos) {
            readings.removeFirst();
        }
        if (nanos - readings.peekFirst()[0] < windowNanos * 9 / 10) {
            waitingFor = "collecting " + windowNanos / 1_000_000_000 + "s of readings";
            return false;
        }
        String[] names = {"files/s", "cpu frequency", "temperature"};
        for (int s = 1; s <= 3; s++) {
            double[] fit = trend(s);
            if (fit == null) {
                continue;
            }
            double change = Math.abs(fit[0] * (nanos - readings.peekFirst()[0]) / 1e9);
            double allowed = s == 3 ? TEMPERATURE_TOLERANCE_C : tolerance * Math.abs(fit[1]);
            if (change > allowed) {
                waitingFor = String.format("%s still trending (%.1f%s over the window)", names[s - 1],
                        s == 3 ? change : 100 * change / Math.abs(fit[1]), s == 3 ? " °C" : "%");
                return false;
            }
        }
        ready = true;
        waitingFor = "";
        return true;
    }

    /** {slope per second, mean} of series {@code s}, or null when it is not judged. */
    private double[] trend(int s) {
        int n = 0;
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        double t0 = readings.peekFirst()[0];
        boolean nonZero = false;
        for (double[] r : readings) {
            double y = r[s];
            if (Double.isNaN(y)) {
                return null;
            }
            nonZero |= y != 0;
            double x = (r[0] - t0) / 1e9;
            n++;
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
        }
        double den = n * sxx - sx * sx;
        if (!nonZero || n < 3 || den == 0) {
            return null;
        }
        return new double[] {(n * sxy - sx * sy) / den, sy / n};
    }

    public boolean ready() {
        return ready;
    }

    /** What readiness waits for, in words; empty once ready. */
    public String waitingFor() {
        return waitingFor;
    }
}
