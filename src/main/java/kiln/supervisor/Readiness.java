package kiln.supervisor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * Decides when the machine is warm: the work rates are steady and the CPU's frequency and
 * temperature (where the machine reports them) have stopped moving. The rule, applied to the
 * readings of the last {@code window} (one a second or so):
 *
 * <ul>
 *   <li>the window is full (at least 90% of {@code window} of readings since the load reached its
 *       target);
 *   <li>for each work rate — files/s, CPU ops/s, memory bytes/s — that the run has: its
 *       coefficient of variation (standard deviation over mean) across the window is at most
 *       {@link #cvLimit} ({@code 2 × tolerance}: 10% by default), <em>and</em> its least-squares
 *       trend moves it by at most {@code tolerance} of its mean across the window. The first says
 *       the rate holds a level (files/s swinging between 38 and 816 is not warm, whatever its
 *       trend); the second that the level is not still climbing or sagging;
 *   <li>CPU frequency: its trend moves it by at most {@code tolerance} across the window;
 *   <li>CPU temperature: its trend moves it by at most 1 °C across the window.
 * </ul>
 *
 * A series that is absent (NaN: no frequency reading, no sensor) or stays at zero (stressor off)
 * is not judged, and not named in {@link #judged}. Once ready, it stays ready. Not thread-safe: fed
 * by the sampler thread; {@link #ready}, {@link #waitingFor} and {@link #judged} may be read from
 * anywhere.
 */
public final class Readiness {
    static final double TEMPERATURE_TOLERANCE_C = 1.0;

    /** What one reading holds; NaN for what is unknown. */
    public record Reading(double filesPerSecond, double cpuOpsPerSecond, double memoryBytesPerSecond, double frequencyHz,
                          double temperatureC) {
        double get(Series s) {
            return switch (s) {
                case FILES -> filesPerSecond;
                case CPU_OPS -> cpuOpsPerSecond;
                case MEMORY -> memoryBytesPerSecond;
                case FREQUENCY -> frequencyHz;
                case TEMPERATURE -> temperatureC;
            };
        }
    }

    /** The signals judged, in the words the messages use; the rates first. */
    enum Series {
        FILES("files/s", true), CPU_OPS("cpu ops/s", true), MEMORY("memory rate", true),
        FREQUENCY("cpu frequency", false), TEMPERATURE("cpu temperature", false);

        final String word;
        /** A work rate: judged on its variation and its trend; else on its trend only. */
        final boolean rate;

        Series(String word, boolean rate) {
            this.word = word;
            this.rate = rate;
        }
    }

    private record Timed(long nanos, Reading reading) {
    }

    private final long windowNanos;
    private final double tolerance;
    /** What the CPU series measures, in the messages' words: ops/s, or the burners' busy time (see {@link #cpuMeasuredAs}). */
    private volatile String cpuWord = Series.CPU_OPS.word;
    private final Deque<Timed> readings = new ArrayDeque<>();
    private volatile boolean ready;
    private volatile String waitingFor = "not enough readings yet";
    private volatile String judged = "";

    /**
     * Names what the CPU series holds from now on, when it is not ops/s: the burners' busy time
     * when they rotate through methods whose ops differ by orders of magnitude in cost (a second of
     * {@code factorial} is a few hundred ops, of {@code int} millions), so that ops/s follows the
     * rotation and never holds a level however warm the machine is.
     */
    public void cpuMeasuredAs(String word) {
        cpuWord = word;
    }

    private String word(Series s) {
        return s == Series.CPU_OPS ? cpuWord : s.word;
    }

    /**
     * @param windowNanos how far back the rates are judged
     * @param tolerance   largest allowed relative trend across the window, e.g. 0.05; the largest
     *                    coefficient of variation of a rate is twice this
     */
    public Readiness(long windowNanos, double tolerance) {
        this.windowNanos = windowNanos;
        this.tolerance = tolerance;
    }

    /** Largest coefficient of variation a work rate may have across the window. */
    public double cvLimit() {
        return 2 * tolerance;
    }

    /** Forgets the readings, e.g. while the load still ramps up. */
    public void reset() {
        if (!ready) {
            readings.clear();
        }
    }

    /** Adds a reading of the files rate, frequency and temperature only (no CPU or memory rate). */
    public boolean observe(long nanos, double filesPerSecond, double frequencyHz, double temperatureC) {
        return observe(nanos, new Reading(filesPerSecond, Double.NaN, Double.NaN, frequencyHz, temperatureC));
    }

    /**
     * Adds a reading.
     *
     * @return whether the machine is (now) ready
     */
    public boolean observe(long nanos, Reading reading) {
        if (ready) {
            return true;
        }
        readings.addLast(new Timed(nanos, reading));
        while (readings.size() > 2 && nanos - readings.peekFirst().nanos() > windowNanos) {
            readings.removeFirst();
        }
        long span = nanos - readings.peekFirst().nanos();
        if (span < windowNanos * 9 / 10) {
            waitingFor = "collecting " + windowNanos / 1_000_000_000 + "s of readings";
            return false;
        }
        List<String> steady = new ArrayList<>();
        for (Series s : Series.values()) {
            Stats st = stats(s);
            if (st == null) {
                continue;
            }
            double change = Math.abs(st.slopePerSecond * span / 1e9);
            if (s == Series.TEMPERATURE) {
                if (change > TEMPERATURE_TOLERANCE_C) {
                    waitingFor = String.format(Locale.ROOT, "%s still trending (%.1f °C over the window, at most %.0f °C)", word(s),
                            change, TEMPERATURE_TOLERANCE_C);
                    return false;
                }
                steady.add(word(s) + " flat");
                continue;
            }
            double mean = Math.abs(st.mean);
            if (s.rate && st.cv > cvLimit()) {
                waitingFor = String.format(Locale.ROOT, "%s unsteady (varies %.0f%% around its mean over the window, at most %.0f%%)",
                        word(s), 100 * st.cv, 100 * cvLimit());
                return false;
            }
            if (change > tolerance * mean) {
                waitingFor = String.format(Locale.ROOT, "%s still trending (%.1f%% over the window, at most %.0f%%)", word(s),
                        100 * change / mean, 100 * tolerance);
                return false;
            }
            steady.add(s.rate ? String.format(Locale.ROOT, "%s steady (±%.1f%%)", word(s), 100 * st.cv) : word(s) + " flat");
        }
        judged = steady.isEmpty() ? "no rate to judge (every stressor idle), the window went by"
                : String.join(", ", steady) + " over " + windowNanos / 1_000_000_000 + "s";
        ready = true;
        waitingFor = "";
        return true;
    }

    /** Mean, coefficient of variation and least-squares slope of one series. */
    private record Stats(double mean, double cv, double slopePerSecond) {
    }

    /** The stats of series {@code s} over the window, or null when it is not judged (absent or all zero). */
    private Stats stats(Series s) {
        int n = 0;
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        double syy = 0;
        long t0 = readings.peekFirst().nanos();
        boolean nonZero = false;
        for (Timed r : readings) {
            double y = r.reading().get(s);
            if (Double.isNaN(y)) {
                return null;
            }
            nonZero |= y != 0;
            double x = (r.nanos() - t0) / 1e9;
            n++;
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
            syy += y * y;
        }
        double den = n * sxx - sx * sx;
        if (!nonZero || n < 3 || den == 0) {
            return null;
        }
        double mean = sy / n;
        double variance = Math.max(0, syy / n - mean * mean);
        double cv = mean == 0 ? Double.POSITIVE_INFINITY : Math.sqrt(variance) / Math.abs(mean);
        return new Stats(mean, cv, (n * sxy - sx * sy) / den);
    }

    public boolean ready() {
        return ready;
    }

    /** What readiness waits for, in words; empty once ready. */
    public String waitingFor() {
        return waitingFor;
    }

    /**
     * Once ready, what was found steady, naming only the signals the machine has ("files/s steady
     * (±3.1%), cpu ops/s steady (±0.4%), cpu frequency flat over 30s"); empty before.
     */
    public String judged() {
        return judged;
    }
}
