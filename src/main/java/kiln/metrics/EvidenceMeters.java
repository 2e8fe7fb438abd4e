package kiln.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.function.Supplier;
import kiln.sampler.Evidence;

/**
 * The hardware evidence as counters, read during every scrape (a few small kernel files, at most
 * once per {@code maxAge}). Every source the reading consulted has
 * {@code kiln_evidence_available{source}}, 0 where this machine lacks it, so "no data" never reads
 * as "no errors"; each source's own {@link Evidence.Series} say which counters its places export.
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
        Evidence e = latest;
        for (Evidence.Source s : e.consulted()) {
            Gauge.builder("kiln.evidence.available", this, m -> m.now().available(s) ? 1 : 0).tag("source", s.label())
                    .description("1 when this machine has the evidence source (EDAC, /proc/interrupts rows, thermal_throttle, cgroup cpu.stat)")
                    .register(registry);
        }
        for (Evidence.Source s : e.consulted()) {
            for (Evidence.Series series : s.series()) {
                for (String place : e.sources().getOrDefault(s, Map.of()).keySet()) {
                    series.labels().apply(place).ifPresent(labels -> register(registry, s, series, place, labels));
                }
            }
        }
    }

    private void register(MeterRegistry registry, Evidence.Source s, Evidence.Series series, String place, Map<String, String> labels) {
        FunctionCounter.Builder<EvidenceMeters> b = FunctionCounter.builder(series.name(), this,
                m -> m.now().count(s, place) / series.divisor()).description(series.help());
        labels.forEach(b::tag);
        if (series.baseUnit() != null) {
            b.baseUnit(series.baseUnit());
        }
        b.register(registry);
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
