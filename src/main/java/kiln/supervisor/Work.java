package kiln.supervisor;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import kiln.link.WorkerStats;

/**
 * Everything kiln has done since it started, across runs: the current {@link Stress} (if any) and
 * the counters of runs that ended, per worker id. What metrics read, so that exported counters
 * never go backwards, neither across a worker's restarts nor across a daemon's runs. Thread-safe.
 */
public final class Work {
    private final Map<Integer, WorkerStats> ended = new TreeMap<>();
    private long endedRestarts;
    private long endedMalformed;
    private long endedStalls;
    private long endedStartHangs;
    private volatile Stress current;
    private volatile int workerIds;

    /** Makes {@code stress} the current run. */
    public synchronized void begin(Stress stress) {
        if (current != null) {
            throw new IllegalStateException("a run is in progress");
        }
        current = stress;
        workerIds = Math.max(workerIds, stress.pool().size());
    }

    /** Folds the current run's counters into the totals; call after it stopped. Idempotent. */
    public synchronized void end() {
        Stress s = current;
        if (s == null) {
            return;
        }
        List<WorkerView> views = s.pool().workers();
        for (WorkerView w : views) {
            ended.merge(w.id(), w.totals().countersOnly(), (a, b) -> a.plus(b).countersOnly());
        }
        endedRestarts += s.pool().restarts();
        endedMalformed += views.stream().mapToLong(WorkerView::malformedFrames).sum();
        endedStalls += views.stream().mapToLong(WorkerView::stalls).sum();
        endedStartHangs += views.stream().mapToLong(WorkerView::hungAtStart).sum();
        current = null;
    }

    /**
     * How the last run ended: its verdict and when.
     *
     * @param verdict its verdict
     */
    public record LastRun(kiln.link.Outcome verdict, java.time.Instant end) {
    }

    private volatile LastRun lastRun;

    /** Records the verdict of a run that ended (or of the last one before a restart). */
    public void lastRun(LastRun run) {
        lastRun = run;
    }

    /** The last run's verdict, or null when none ended (and none was remembered). */
    public LastRun lastRun() {
        return lastRun;
    }

    private volatile kiln.link.IoPath lastFileIo;

    /** The file path the workers of the current (or last) run use; null before any reported. */
    public kiln.link.IoPath fileIo() {
        Stress s = current;
        kiln.link.IoPath io = s == null ? null : s.pool().fileIo();
        if (io != null) {
            lastFileIo = io;
        }
        return lastFileIo;
    }

    /** The run in progress, or null. */
    public Stress current() {
        return current;
    }

    /** Highest number of workers any run had: worker ids are below it. */
    public int workerIds() {
        return workerIds;
    }

    /** Workers of the current run (empty when idle). */
    public List<WorkerView> workers() {
        Stress s = current;
        return s == null ? List.of() : s.pool().workers();
    }

    /** Counters of worker {@code id} over all runs, gauges of the current one. */
    public synchronized WorkerStats worker(int id) {
        WorkerStats base = ended.getOrDefault(id, WorkerStats.zero());
        Stress s = current;
        if (s == null || id >= s.pool().size()) {
            return base;
        }
        return base.plus(s.pool().worker(id));
    }

    /** Everything summed over workers and runs; gauges of the current run. */
    public synchronized WorkerStats totals() {
        WorkerStats base = WorkerStats.zero();
        for (WorkerStats w : ended.values()) {
            base = base.plus(w).countersOnly();
        }
        Stress s = current;
        return s == null ? base : base.plus(s.pool().totals());
    }

    public synchronized long restarts() {
        Stress s = current;
        return endedRestarts + (s == null ? 0 : s.pool().restarts());
    }

    /**
     * Times workers hung, over all runs: {@code atStart}, lives that never reported in within the
     * start wait; otherwise, running workers that went silent (stalled).
     */
    public synchronized long hangs(boolean atStart) {
        return (atStart ? endedStartHangs : endedStalls)
                + workers().stream().mapToLong(atStart ? WorkerView::hungAtStart : WorkerView::stalls).sum();
    }

    /** Link lines skipped as malformed, over all runs. */
    public synchronized long malformedFrames() {
        return endedMalformed + workers().stream().mapToLong(WorkerView::malformedFrames).sum();
    }

    public double filesPerSecond() {
        Stress s = current;
        return s == null ? 0 : s.monitor().filesPerSecond();
    }

    public boolean ready() {
        Stress s = current;
        return s != null && s.monitor().ready();
    }

    public String waitingFor() {
        Stress s = current;
        return s == null ? "no run in progress" : s.monitor().waitingFor();
    }

    public double load() {
        Stress s = current;
        return s == null ? 0 : s.monitor().load();
    }
}
