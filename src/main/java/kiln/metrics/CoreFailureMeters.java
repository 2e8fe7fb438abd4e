package kiln.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code kiln_core_failures_total{cpu}}: the wrong results each core gave, as the per-core ledger
 * holds them. Read from the ledger, so the count starts where the last daemon left it and a core
 * keeps its rank across restarts; a core has a series from its first failure on. Thread-safe.
 */
public final class CoreFailureMeters {
    private final MeterRegistry registry;
    /** Held: function meters keep only a weak reference to their state object. */
    private final Supplier<Map<String, Long>> failuresByCpu;
    private final Set<String> registered = new HashSet<>();

    /** @param failuresByCpu the ledger's failures per cpu number, read at every scrape */
    public CoreFailureMeters(MeterRegistry registry, Supplier<Map<String, Long>> failuresByCpu) {
        this.registry = registry;
        this.failuresByCpu = failuresByCpu;
        refresh();
    }

    /** Registers the series of cores that failed since the last call; call after each record. */
    public synchronized void refresh() {
        for (String cpu : failuresByCpu.get().keySet()) {
            if (registered.add(cpu)) {
                FunctionCounter.builder("kiln.core.failures", this, m -> m.failuresByCpu.get().getOrDefault(cpu, 0L))
                        .tag("cpu", cpu)
                        .description("Wrong results this core gave, from the per-core ledger: survives restarts; ranks cores across a fleet")
                        .register(registry);
            }
        }
    }
}
