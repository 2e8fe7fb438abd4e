package kiln.metrics;

import kiln.link.Outcome;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import kiln.report.Verdict;
import kiln.screen.Screener;

/**
 * Screening as Prometheus sees it: per core only when each was last screened (one series a
 * core); per node the rest (each method's last screen, screens by verdict, their CPU time, the
 * window the alert compares with). Registered only when screening is on.
 */
public final class ScreenMeters {
    private ScreenMeters() {
    }

    /** Registers the screening meters of {@code s} (nothing when it is off); the registry holds {@code s} strongly. */
    public static void register(MeterRegistry registry, Screener s) {
        if (!s.enabled()) {
            return;
        }
        for (int cpu : s.cpus()) { // the cpus screened, by kernel number: under a cpuset they need not start at 0
            int c = cpu;
            Gauge.builder("kiln.core.last.screened.timestamp.seconds", s, x -> x.lastScreenedSeconds(c)).strongReference(true)
                    .tag("cpu", Integer.toString(cpu))
                    .description("When the core last passed through a complete screen, Unix time; 0 when never")
                    .register(registry);
        }
        for (kiln.link.CpuMethodInfo m : kiln.link.Catalog.cpuMethods()) {
            Gauge.builder("kiln.screen.method.last.screened.timestamp.seconds", s, x -> x.methodLastSeconds(m.word())).strongReference(true)
                    .tag("method", m.word())
                    .description("When a complete screen on this node last ran the CPU method, Unix time; 0 when never")
                    .register(registry);
        }
        for (Outcome o : Outcome.values()) {
            FunctionCounter.builder("kiln.screens", s, x -> x.screens(o)).tag("verdict", o.label())
                    .description("Screens that ended with the verdict (kept across restarts); a fail names its core in /api/v1/status")
                    .register(registry);
        }
        FunctionCounter.builder("kiln.screen.cpu", s, Screener::cpuSeconds).baseUnit("seconds")
                .description("CPU time of the screens' worker JVMs (kept across restarts): rate() over the cores is the duty used")
                .register(registry);
        Gauge.builder("kiln.screen.window.seconds", s, Screener::windowSeconds)
                .description("kiln.screen.window: every core is screened within this; KilnCoreNotScreened compares with it")
                .register(registry);
        Gauge.builder("kiln.screen.enabled.timestamp.seconds", s, Screener::sinceSeconds)
                .description("When this node began keeping its screening state, Unix time: a core never screened is late one window after")
                .register(registry);
        Gauge.builder("kiln.screen.active", s, x -> x.screening() ? 1 : 0)
                .description("1 while a screen runs").register(registry);
    }
}
