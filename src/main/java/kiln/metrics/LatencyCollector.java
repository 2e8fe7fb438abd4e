package kiln.metrics;

import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.function.Supplier;
import kiln.link.LatencyBuckets;
import kiln.link.WorkerStats;

/**
 * {@code kiln_file_create_seconds}: the workers count create latencies into fixed buckets and
 * send the counts; this exposes their sums as a classic Prometheus histogram, exactly (a
 * Micrometer timer could only re-record approximations of them).
 */
final class LatencyCollector implements Collector {
    static final String NAME = "kiln_file_create_seconds";
    private final Supplier<WorkerStats> totals;
    private final double[] bounds = LatencyBuckets.upperBoundsSeconds();

    LatencyCollector(Supplier<WorkerStats> totals) {
        this.totals = totals;
    }

    @Override
    public MetricSnapshot collect() {
        WorkerStats t = totals.get();
        long[] cumulative = new long[bounds.length];
        long running = 0;
        for (int i = 0; i < bounds.length; i++) {
            running += t.files().latencyCount(i);
            cumulative[i] = running;
        }
        // the model wants per-bucket counts, not cumulative ones
        long[] perBucket = new long[bounds.length];
        for (int i = 0; i < bounds.length; i++) {
            perBucket[i] = cumulative[i] - (i == 0 ? 0 : cumulative[i - 1]);
        }
        return HistogramSnapshot.builder()
                .name(NAME)
                .help("Time to create one file: open, write the payload, (fsync,) close")
                .unit(Unit.SECONDS)
                .dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                        .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, perBucket))
                        .sum(t.files().latencySumNanos() / 1e9)
                        .build())
                .build();
    }

    @Override
    public String getPrometheusName() {
        return NAME;
    }
}
