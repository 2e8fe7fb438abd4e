package kiln.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.function.Supplier;
import kiln.sampler.Evidence;
import kiln.sampler.Evidence.Source;

/**
 * The hardware evidence as counters, read during every scrape (a few small kernel files, at most
 * once per {@code maxAge}). A source this machine lacks has no series, and
 * {@code kiln_evidence_available{source}} says 0 for it, so "no data" never reads as "no errors".
 */
final class EvidenceMeters {
    private final Supplier<Evidence> reader;
    private final long maxAgeNanos;
    private volatile Evidence latest;
    private volatile long readAt;

    EvidenceMeters(MeterRegistry registry, Supplier<Evidence> reader, long maxAgeNanos) {
        this.reader = reader;
        this.maxAgeNanos = maxAgeNanos;
        this.latest = reader.get();
        this.readAt = System.nanoTime();
        for (Source s : Source.values()) {
            Gauge.builder("kiln.evidence.available", this, m -> m.now().available(s) ? 1 : 0).tag("source", s.label())
                    .description("1 when this machine has the evidence source (EDAC, /proc/interrupts rows, thermal_throttle, cgroup cpu.stat)")
                    .register(registry);
        }
        Evidence e = latest;
        perPlace(registry, e, Source.EDAC_CORRECTED, "kiln.edac.corrected.errors", "controller", "Corrected memory errors (EDAC ce_count)");
        perPlace(registry, e, Source.EDAC_UNCORRECTED, "kiln.edac.uncorrected.errors", "controller", "Uncorrected memory errors (EDAC ue_count)");
        perPlace(registry, e, Source.MACHINE_CHECKS, "kiln.machine.checks", "cpu", "Machine check exceptions (/proc/interrupts MCE)");
        perPlace(registry, e, Source.THERMAL_EVENTS, "kiln.thermal.events", "cpu", "Thermal event interrupts (/proc/interrupts TRM)");
        perPlace(registry, e, Source.THROTTLE, "kiln.thermal.throttle.events", "cpu", "Thermal throttle events (thermal_throttle)");
        if (e.available(Source.CGROUP_CPU_THROTTLED)) {
            FunctionCounter.builder("kiln.cgroup.cpu.throttled.periods", this,
                            m -> m.now().sources().getOrDefault(Source.CGROUP_CPU_THROTTLED, Map.of()).getOrDefault("nr_throttled", 0L))
                    .description("Periods the cgroup's CPU quota throttled kiln (not the hardware)").register(registry);
            FunctionCounter.builder("kiln.cgroup.cpu.throttled", this,
                            m -> m.now().sources().getOrDefault(Source.CGROUP_CPU_THROTTLED, Map.of()).getOrDefault("throttled_usec", 0L) / 1e6)
                    .baseUnit("seconds").description("Time the cgroup's CPU quota held kiln back (not the hardware)").register(registry);
        }
    }

    private void perPlace(MeterRegistry registry, Evidence e, Source s, String name, String label, String help) {
        for (String place : e.sources().getOrDefault(s, Map.of()).keySet()) {
            String[] parts = place.split("/");
            if (s != Source.THROTTLE && parts.length > 1) {
                continue; // per-DIMM detail stays in reports; the controller's count is the series
            }
            String value = parts[0].replaceFirst("^(cpu|mc)", "");
            FunctionCounter.Builder<EvidenceMeters> b = FunctionCounter.builder(name, this,
                    m -> m.now().sources().getOrDefault(s, Map.of()).getOrDefault(place, 0L)).tag(label, value).description(help);
            if (s == Source.THROTTLE) {
                b.tag("scope", parts[1]);
            }
            b.register(registry);
        }
    }

    private Evidence now() {
        long t = System.nanoTime();
        if (t - readAt > maxAgeNanos) {
            latest = reader.get();
            readAt = t;
        }
        return latest;
    }
}
