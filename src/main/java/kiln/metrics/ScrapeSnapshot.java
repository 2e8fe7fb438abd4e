package kiln.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import kiln.link.WorkerStats;
import kiln.supervisor.Work;
import kiln.supervisor.WorkerView;
import kiln.util.Ticker;

/**
 * What one scrape reads: the totals, every worker's counters and the worker views, taken once
 * and reused by every meter for {@link #MAX_AGE_NANOS} (a scrape reads ~20 meters; each used to
 * sum every worker's lives again). Thread-safe.
 */
final class ScrapeSnapshot implements VerdictMeters.Snapshots {
    static final long MAX_AGE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private record Taken(long nanos, WorkerStats totals, List<WorkerStats> workers, List<WorkerView> views) {
    }

    private final Work work;
    private final Ticker ticker;
    private volatile Taken taken;

    ScrapeSnapshot(Work work, Ticker ticker) {
        this.work = work;
        this.ticker = ticker;
    }

    private Taken now() {
        long now = ticker.nanoTime();
        Taken t = taken;
        if (t == null || now - t.nanos() > MAX_AGE_NANOS) {
            List<WorkerStats> perWorker = new ArrayList<>();
            for (int id = 0; id < work.workerIds(); id++) {
                perWorker.add(work.worker(id));
            }
            t = new Taken(now, work.totals(), perWorker, work.workers());
            taken = t;
        }
        return t;
    }

    @Override
    public WorkerStats totals() {
        return now().totals();
    }

    @Override
    public WorkerStats worker(int id) {
        List<WorkerStats> all = now().workers();
        return id < all.size() ? all.get(id) : work.worker(id);
    }

    List<WorkerView> views() {
        return now().views();
    }
}
