package kiln.metrics;

import kiln.link.Outcome;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import kiln.link.WorkerStats;
import kiln.report.Verdict;
import kiln.sampler.HostFacts;
import kiln.supervisor.Work;
import kiln.supervisor.WorkerView;

/**
 * The verdict as Prometheus sees it: whether a run is active, the last run's verdict as a state
 * set (the current one 1, the others 0) and when it ended, which machine this is, and the
 * verification errors: per node by stressor and method, per core in one series.
 */
final class VerdictMeters {
    private final MeterRegistry registry;
    private final Work work;
    /** "worker/cpus" of the workers whose per-core series exist. */
    private final Set<String> coreMeters = new HashSet<>();
    private final List<String> stressors;
    /**
     * Held here: Micrometer keeps only a weak reference to a function meter's state object, so a
     * state that nothing else holds (a lambda) is collected and the series reads 0 or NaN.
     */
    private final Snapshots snapshots;

    VerdictMeters(MeterRegistry registry, Work work, HostFacts host, List<String> stressors, Snapshots snapshots) {
        this.snapshots = snapshots;
        this.registry = registry;
        this.work = work;
        this.stressors = stressors;
        Gauge.builder("kiln.run.active", work, w -> w.current() == null ? 0 : 1)
                .description("1 while a run is stressing the machine").register(registry);
        for (Outcome o : Outcome.values()) {
            Gauge.builder("kiln.last.run.verdict", work, w -> w.lastRun() != null && w.lastRun().verdict() == o ? 1 : 0)
                    .tag("verdict", o.label())
                    .description("The last finished run's verdict: 1 for the one it was, 0 for the others (all 0 before any run)")
                    .register(registry);
        }
        Gauge.builder("kiln.last.run.end.timestamp.seconds", work,
                        w -> w.lastRun() == null ? Double.NaN : w.lastRun().end().toEpochMilli() / 1000.0)
                .description("When the last run ended, Unix time").register(registry);
        Gauge.builder("kiln.host.info", () -> 1)
                .tags("cpu_model", host.cpuModel(), "microcode", host.microcode(), "kernel", host.kernel())
                .description("Always 1; labels say which CPU, microcode and kernel this node has").register(registry);
        registerNodeErrors();
    }

    /**
     * The wrong results per node, by stressor and CPU method ({@code ""} for the stressors without
     * methods): the breakdown a node needs, without multiplying it by the node's cores.
     */
    private void registerNodeErrors() {
        for (String stressor : stressors) {
            // a CPU error is counted by its method; the other stressors have none ("")
            List<String> methods = stressor.equals(kiln.link.Stressor.CPU.label())
                    ? kiln.link.Catalog.cpuMethods().stream().map(kiln.link.CpuMethodInfo::word).toList() : List.of("");
            kiln.link.Stressor which = kiln.link.Stressor.parse(stressor).orElseThrow();
            for (String method : methods) {
                FunctionCounter.builder("kiln.verify.errors", this, m -> method.isEmpty()
                                ? m.snapshots.totals().verifyErrors().getOrDefault(which, 0L)
                                : m.snapshots.totals().cpu().verifyErrors().getOrDefault(method, 0L))
                        .tags(Tags.of("stressor", stressor, "method", method))
                        .description("Wrong results found on this node, by stressor and CPU method: the burn-in verdict."
                                + " kiln_core_verify_errors_total says which core")
                        .register(registry);
            }
        }
    }

    /**
     * Registers each worker's per-core series once it has said which cpus it runs on: only what a
     * fleet ranks cores by, its work rate and its wrong results (the breakdowns stay per node, the
     * details in the report and /api/v1/status).
     */
    synchronized void onWorkers(List<WorkerView> views) {
        for (WorkerView v : views) {
            if (v.cpus().equals("?") || !coreMeters.add(v.id() + "/" + v.cpus())) {
                continue;
            }
            int id = v.id();
            Tags core = Tags.of("worker", Integer.toString(id), "cpu", v.cpus());
            FunctionCounter.builder("kiln.core.cpu.ops", this, m -> WorkerStats.total(m.snapshots.worker(id).cpu().ops()))
                    .tags(core).description("CPU burner operations of one worker on its cpu, every method: rate() compares cores"
                            + " with their siblings")
                    .register(registry);
            FunctionCounter.builder("kiln.core.verify.errors", this, m -> WorkerStats.total(m.snapshots.worker(id).verifyErrors()))
                    .tags(core).description("Wrong results found by one worker on its cpu, every stressor: which core failed")
                    .register(registry);
        }
    }

    /** The counters as one scrape sees them: the node's totals and each worker's. */
    interface Snapshots {
        WorkerStats totals();

        WorkerStats worker(int id);
    }
}
