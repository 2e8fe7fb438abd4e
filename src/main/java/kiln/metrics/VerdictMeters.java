package kiln.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import kiln.report.Verdict;
import kiln.sampler.HostFacts;
import kiln.supervisor.Work;
import kiln.supervisor.WorkerView;

/**
 * The verdict as Prometheus sees it: whether a run is active, the last run's verdict as a state
 * set (the current one 1, the others 0) and when it ended, which machine this is, and the
 * verification errors by worker and cpu.
 */
final class VerdictMeters {
    private final MeterRegistry registry;
    private final Work work;
    private final Set<String> verifyMeters = new HashSet<>();
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
        for (Verdict.Outcome o : Verdict.Outcome.values()) {
            Gauge.builder("kiln.last.run.verdict", work, w -> w.lastRun() != null && w.lastRun().verdict().equals(o.label()) ? 1 : 0)
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
    }

    /** Registers the verification-error counter of each worker once it has said which cpus it runs on. */
    synchronized void onWorkers(List<WorkerView> views) {
        for (WorkerView v : views) {
            if (v.cpus().equals("?")) {
                continue;
            }
            for (kiln.link.CpuMethodInfo cm : kiln.link.Catalog.cpuMethods()) {
                String method = cm.word();
                String key = v.id() + "/" + v.cpus() + "/ops/" + method;
                if (verifyMeters.add(key)) {
                    int id = v.id();
                    FunctionCounter.builder("kiln.core.cpu.ops", this,
                                    m -> m.snapshots.worker(id).cpu().ops().getOrDefault(method, 0L))
                            .tags(Tags.of("method", method, "worker", Integer.toString(id), "cpu", v.cpus()))
                            .description("CPU burner operations of one worker on its cpu: rate() compares cores with their siblings")
                            .register(registry);
                }
            }
            for (String stressor : stressors) {
                // a CPU error is counted by its method; the other stressors have none ("")
                List<String> methods = stressor.equals(kiln.link.Stressor.CPU.label())
                        ? kiln.link.Catalog.cpuMethods().stream().map(kiln.link.CpuMethodInfo::word).toList() : List.of("");
                for (String method : methods) {
                    String key = v.id() + "/" + v.cpus() + "/" + stressor + "/" + method;
                    if (verifyMeters.add(key)) {
                        int id = v.id();
                        kiln.link.Stressor which = kiln.link.Stressor.parse(stressor).orElseThrow();
                        FunctionCounter.builder("kiln.verify.errors", this, m -> method.isEmpty()
                                        ? m.snapshots.worker(id).verifyErrors().getOrDefault(which, 0L)
                                        : m.snapshots.worker(id).cpu().verifyErrors().getOrDefault(method, 0L))
                                .tags(Tags.of("stressor", stressor, "method", method, "worker", Integer.toString(id), "cpu", v.cpus()))
                                .description("Wrong results found, by the worker, the cpu it runs on and the CPU method:"
                                        + " the burn-in verdict")
                                .register(registry);
                    }
                }
            }
        }
    }

    /** Per-worker counters as one scrape sees them. */
    interface Snapshots {
        kiln.link.WorkerStats worker(int id);
    }
}
