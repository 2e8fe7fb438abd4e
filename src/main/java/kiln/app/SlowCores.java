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
 * three did: with two, neither is the odd one out. Nor when the workers oversubscribe the cores
 * ({@link #oversubscription}).
 */
final class SlowCores {
    static final int MIN_WORKERS = 3;

    private SlowCores() {
    }

    /** As {@link #find(List, int, double)}, with the cores this process may use now. */
    static List<String> find(List<WorkerView> workers, int percent) {
        return find(workers, percent, usableCores(kiln.sampler.CpuQuota.cores(), Runtime.getRuntime().availableProcessors()));
    }

    /**
     * @param usableCores the cores the run may use ({@link #usableCores}): with more workers than
     *                    that, nothing is compared
     */
    static List<String> find(List<WorkerView> workers, int percent, double usableCores) {
        if (workers.size() > usableCores) {
            return List.of(); // said at start (oversubscribed): the counts are the scheduler's shares, not the cores' speeds
        }
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

    /** The cores a run may use: the processors this process may run on, or the cgroup's CPU quota if that is less. */
    static double usableCores(java.util.Optional<Double> quotaCores, int processors) {
        return Math.min(processors, quotaCores.orElse((double) processors));
    }

    /**
     * More CPU-burning workers than the cores they may use share those cores: each one's operation
     * count is then what the scheduler gave it (worker i is pinned to cpu i mod cores, so some
     * cores carry more workers than others), not what its core can do, and comparing them would
     * blame a core for the oversubscription. Said at start, kept with the run's warnings; the
     * slow-core rule then compares nothing, and the verdict is not degraded for it.
     *
     * @return the warning, when {@code s} oversubscribes {@code usableCores}
     */
    static java.util.Optional<String> oversubscription(kiln.config.Settings s, java.util.Optional<Double> quotaCores, int processors) {
        double usable = usableCores(quotaCores, processors);
        int workers = s.workers().count();
        if (!s.cpu().enabled() || workers <= usable) {
            return java.util.Optional.empty();
        }
        String cores = quotaCores.isPresent() && quotaCores.get() <= processors
                ? String.format(java.util.Locale.ROOT, "the cgroup's CPU quota of %.2f cores", quotaCores.get())
                : processors + (processors == 1 ? " core" : " cores") + " this run may use";
        return java.util.Optional.of(String.format(java.util.Locale.ROOT, "%d workers oversubscribe %s (%.1f to a core): they share"
                + " them, so their CPU rates show the sharing, not the cores' speed; no core is compared with its siblings (no"
                + " slow-core finding)", workers, cores, workers / usable));
    }

    private static long ops(WorkerView w) {
        return WorkerStats.total(w.totals().cpu().ops());
    }
}
