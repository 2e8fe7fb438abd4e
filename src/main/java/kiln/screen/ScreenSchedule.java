package kiln.screen;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import kiln.config.Durations;
import kiln.config.Settings;
import kiln.util.Ticker;

/**
 * When the next screen may start and which cores it takes: the rotation, the duty cap, the spread
 * over the window, the host's load and runs. Pure decisions on a {@link Ticker}; the caller runs
 * the screens. Not thread-safe: the screener's lock guards it with the state.
 *
 * <p>The duty cap: a screen that used {@code c} seconds of CPU is followed by a gap such that
 * {@code c} is at most {@code duty} of the machine's CPU time from its start to the next one
 * ({@code c / (duty × cores)} of wall time). Cores never screened, or that would be late if the
 * rotation waited its even spacing ({@code window / rounds}), are screened as soon as the cap
 * allows; the others wait for that spacing, so screens spread over the window instead of
 * bunching at its start.
 */
final class ScreenSchedule {
    /** Whether a screen starts now, on which cores, or why not. */
    record Decision(List<Integer> cores, String waiting) {
        static Decision wait(String why) {
            return new Decision(List.of(), why);
        }

        boolean go() {
            return !cores.isEmpty();
        }
    }

    private final Settings.Screen settings;
    private final int logicalCores;
    private final Ticker ticker;
    private final long originNanos;
    private final long originMillis;
    private final long paceNanos;
    /** No screen starts before this (ticker nanos). */
    private long notBefore;
    private String gapReason = "";

    /**
     * @param nowMillis the wall clock at this ticker's present: kept times are epoch ms, the rest ticker nanos
     */
    ScreenSchedule(Settings.Screen settings, int logicalCores, Ticker ticker, long nowMillis) {
        this.settings = settings;
        this.logicalCores = logicalCores;
        this.ticker = ticker;
        this.originNanos = ticker.nanoTime();
        this.originMillis = nowMillis;
        this.notBefore = originNanos;
        this.paceNanos = settings.window().toNanos() / rounds(logicalCores, settings.coresAtOnce());
    }

    /** Screens needed to cover every core once. */
    static int rounds(int cores, int atOnce) {
        return (cores + atOnce - 1) / atOnce;
    }

    long nanoTime() {
        return ticker.nanoTime();
    }

    /** The wall clock now, epoch ms, from the ticker. */
    long nowMillis() {
        return toMillis(ticker.nanoTime());
    }

    long toMillis(long nanos) {
        return originMillis + Math.floorDiv(nanos - originNanos, 1_000_000L);
    }

    /**
     * @param busyPercent the machine's CPU busy share now (all cores), NaN before the first reading
     * @param runActive   a run holds the machine
     */
    Decision decide(ScreenState state, double busyPercent, boolean runActive) {
        long now = ticker.nanoTime();
        if (runActive) {
            return Decision.wait("a run is in progress");
        }
        if (now < notBefore) {
            return Decision.wait(gapReason + ": the next screen in " + Durations.format(Duration.ofNanos(notBefore - now).withNanos(0)
                    .plusSeconds(1)));
        }
        if (Double.isNaN(busyPercent)) {
            return Decision.wait("no reading of the host's CPU yet");
        }
        if (busyPercent > settings.limits().maxLoadPercent()) {
            return Decision.wait(String.format(Locale.ROOT, "the host is busy: %.0f%% of its CPU, above kiln.screen.max-load = %d%%",
                    busyPercent, settings.limits().maxLoadPercent()));
        }
        return new Decision(state.nextCores(settings.coresAtOnce()), "");
    }

    /**
     * A screen ended (recorded in {@code state} already): the next waits out the duty cap, and the
     * even spacing unless its cores are due.
     */
    void ended(ScreenState state, long startNanos, long endNanos, long cpuNanos) {
        long dutyGap = (long) (cpuNanos / (settings.limits().dutyPercent() / 100.0 * logicalCores)) - (endNanos - startNanos);
        notBefore = endNanos + Math.max(0, dutyGap);
        gapReason = String.format(Locale.ROOT, "kiln.screen.duty = %s%% of the machine", plain(settings.limits().dutyPercent()));
        if (!due(state, state.nextCores(settings.coresAtOnce()), startNanos + paceNanos) && startNanos + paceNanos > notBefore) {
            notBefore = startNanos + paceNanos;
            gapReason = "screens spread over kiln.screen.window = " + Durations.format(settings.window());
        }
    }

    /** Whether any of {@code cores} was never screened, or would be late (past the window) if its screen waited until {@code at}. */
    private boolean due(ScreenState state, List<Integer> cores, long at) {
        long atMillis = toMillis(at);
        for (int cpu : cores) {
            long last = state.lastScreened(cpu);
            if (last == 0 || atMillis - last > settings.window().toMillis()) {
                return true;
            }
        }
        return false;
    }

    /**
     * A screen failed before it could test anything (it threw, or no worker started): the next
     * waits at least the spacing the duty cap imposes after one full screen, and never less than
     * {@link #MIN_BACKOFF}, so a screen that cannot start does not retry (and log, and sync its
     * state) in a loop.
     */
    void backOff(long endNanos, int methods, Duration workerStartCpu) {
        long gap = Math.max(MIN_BACKOFF.toNanos(), (long) (screenCpuSeconds(settings, methods, workerStartCpu) * 1e9
                / (settings.limits().dutyPercent() / 100.0 * logicalCores)));
        if (endNanos + gap > notBefore) {
            notBefore = endNanos + gap;
            gapReason = "the last screen could not run";
        }
    }

    static final Duration MIN_BACKOFF = Duration.ofMinutes(1);

    private static double screenCpuSeconds(Settings.Screen s, int methods, Duration workerStartCpu) {
        return s.coresAtOnce() * (methods * s.burst().perMethod().toNanos() + workerStartCpu.toNanos()) / 1e9;
    }

    /** When the next screen may start, epoch ms. */
    long notBeforeMillis() {
        return toMillis(notBefore);
    }

    /**
     * Said at start when the duty cap cannot cover every core within the window: a screen of
     * {@code methods} bursts and a worker start on each of {@code coresAtOnce} cores, spaced by the
     * cap, takes longer than the window to go round.
     */
    static Optional<String> tooSlow(Settings.Screen s, int logicalCores, int methods, Duration workerStartCpu) {
        double screenCpu = screenCpuSeconds(s, methods, workerStartCpu);
        double perScreen = screenCpu / (s.limits().dutyPercent() / 100.0 * logicalCores);
        double round = rounds(logicalCores, s.coresAtOnce()) * perScreen;
        if (round <= s.window().toSeconds()) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "screening cannot cover every core within kiln.screen.window = %s: at"
                        + " kiln.screen.duty = %s%% a screen of %.0f CPU seconds is one every %s, %s for all %d cores;"
                        + " raise the duty or the window, or shorten kiln.screen.burst",
                Durations.format(s.window()), plain(s.limits().dutyPercent()), screenCpu,
                Durations.format(Duration.ofSeconds((long) perScreen)), Durations.format(Duration.ofSeconds((long) round)), logicalCores));
    }

    /** A number as a person writes it: 1, 0.5, 0.01. */
    static String plain(double d) {
        return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
}
