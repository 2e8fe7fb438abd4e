package kiln.app;

import java.util.ArrayList;
import java.util.List;
import kiln.link.WorkerStats;
import kiln.supervisor.WorkerState;
import kiln.supervisor.WorkerView;

/**
 * Cores measurably slower than their siblings: each worker runs the same CPU methods in the same
 * rotation at the same load on its own core, so over a whole run their operation counts should
 * match. A worker more than {@code percent} below the median of the others is named. Only workers
 * that ran the whole run (never restarted, stalled or failed) are compared, and only when at least
 * three did: with two, neither is the odd one out.
 */
final class SlowCores {
    static final int MIN_WORKERS = 3;

    private SlowCores() {
    }

    static List<String> find(List<WorkerView> workers, int percent) {
        List<WorkerView> whole = new ArrayList<>();
        for (WorkerView w : workers) {
            if (w.restarts() == 0 && w.stalls() == 0 && w.state() != WorkerState.FAILED && ops(w) > 0) {
                whole.add(w);
            }
        }
        List<String> slow = new ArrayList<>();
        if (whole.size() < MIN_WORKERS) {
            return slow;
        }
        for (WorkerView w : whole) {
            List<Long> others = new ArrayList<>();
            for (WorkerView o : whole) {
                if (o != w) {
                    others.add(ops(o));
                }
            }
            others.sort(null);
            int n = others.size();
            double median = n % 2 == 1 ? others.get(n / 2) : (others.get(n / 2 - 1) + others.get(n / 2)) / 2.0;
            double below = 100 * (1 - ops(w) / median);
            if (below > percent) {
                slow.add(String.format(java.util.Locale.ROOT, "cpu %s (w%d): %.0f%% fewer cpu operations than its siblings' median",
                        w.cpus(), w.id(), below));
            }
        }
        return slow;
    }

    private static long ops(WorkerView w) {
        return WorkerStats.total(w.totals().cpu().ops());
    }
}
