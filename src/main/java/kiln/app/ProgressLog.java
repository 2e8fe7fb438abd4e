package kiln.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import kiln.config.Durations;
import kiln.link.WorkerStats;
import kiln.supervisor.Stress;
import kiln.supervisor.WorkerState;
import kiln.supervisor.WorkerView;
import kiln.util.Sizes;
import kiln.util.Ticker;

/**
 * The daemon's progress line while a run goes, so that its log (journald) shows more than the start
 * and the end: elapsed and planned time, the rates, the workers, the errors and what the verdict
 * would hold against the machine so far. Once every {@link #EVERY} (and never faster): a burn-in of
 * days logs 1,440 lines a day, readable in {@code journalctl -u kiln} and far below journald's rate
 * limit; the second by second lives in the metrics. Not thread-safe: called on the run's thread.
 */
final class ProgressLog {
    /** How often the line is logged. */
    static final Duration EVERY = Duration.ofMinutes(1);

    private final Ticker ticker;
    private final Consumer<String> log;
    private long last;

    ProgressLog(Ticker ticker, Consumer<String> log) {
        this.ticker = ticker;
        this.log = log;
        this.last = ticker.nanoTime();
    }

    /** Logs the line {@code line} makes if {@link #EVERY} has gone by since the last one (or the start). */
    void tick(java.util.function.Supplier<String> line) {
        long now = ticker.nanoTime();
        if (now - last >= EVERY.toNanos()) {
            last = now;
            log.accept(line.get());
        }
    }

    /**
     * What a run has done so far, read at one moment.
     *
     * @param cpuOpsPerSecond over the last 5 s
     * @param memoryPerSecond bytes written plus verified per second, over the last 5 s
     * @param notWarmYet      for an until-ready run not warm yet, what readiness waits for; else empty
     */
    record Snapshot(Duration elapsed, Duration planned, double filesPerSecond, double cpuOpsPerSecond, double memoryPerSecond,
                    List<WorkerView> workers, WorkerStats totals, boolean ready, String notWarmYet) {
        static Snapshot of(Stress stress, Duration elapsed) {
            var m = stress.monitor();
            boolean ready = m.ready();
            return new Snapshot(elapsed, stress.settings().run().duration(), m.filesPerSecond(), m.cpuOpsPerSecond(),
                    m.memoryBytesPerSecond(), stress.pool().workers(), stress.pool().totals(), ready,
                    stress.settings().run().untilReady() && !ready ? m.waitingFor() : "");
        }
    }

    static String line(Snapshot s) {
        long running = s.workers().stream().filter(w -> w.state() == WorkerState.RUNNING).count();
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "run %s of %s: %,.0f files/s, %,.0f cpu ops/s",
                Durations.format(s.elapsed()), Durations.format(s.planned()), s.filesPerSecond(), s.cpuOpsPerSecond()));
        if (s.totals().memoryBytes() > 0) {
            sb.append(", memory ").append(Sizes.human(s.memoryPerSecond())).append("/s");
        }
        long verify = WorkerStats.total(s.totals().verifyErrors());
        sb.append(String.format(Locale.ROOT, "; workers %d/%d running; errors %,d io, %,d verify", running, s.workers().size(),
                s.totals().ioErrors(), verify));
        if (s.ready()) {
            sb.append("; warm");
        } else if (!s.notWarmYet().isEmpty()) {
            sb.append("; not warm yet: ").append(s.notWarmYet());
        }
        sb.append("; so far: ").append(soFar(s.workers(), verify));
        return sb.toString();
    }

    /** What the verdict would hold against the machine now, worst first; the full verdict comes at the end. */
    static String soFar(List<WorkerView> workers, long verifyErrors) {
        List<String> against = new ArrayList<>();
        if (verifyErrors > 0) {
            against.add("FAIL (" + verifyErrors + (verifyErrors == 1 ? " verification error)" : " verification errors)"));
        }
        long failed = workers.stream().filter(w -> w.state() == WorkerState.FAILED).count();
        long stalled = workers.stream().filter(w -> w.stalls() > 0 || w.hungAtStart() > 0).count();
        if (failed + stalled > 0) {
            against.add(String.format(Locale.ROOT, "DEGRADED (%d worker%s failed, %d stalled)", failed, failed == 1 ? "" : "s", stalled));
        }
        return against.isEmpty() ? "nothing against the machine" : String.join(", ", against);
    }
}
