package kiln.report;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import kiln.config.Settings;
import kiln.link.LatencyBuckets;
import kiln.link.Stressor;
import kiln.link.WorkerStats;
import kiln.supervisor.Stress;
import kiln.supervisor.WorkerView;

/**
 * What a run did, for the summary and the JSON report. Immutable.
 *
 * @param memoryBytes total off-heap bytes the memory stressor held (0 when off)
 * @param ready       whether the machine was judged warm by the end
 */
public record Report(Settings settings, List<WorkerView> workers, WorkerStats totals, Duration elapsed,
              double measuredCpuLoad, long restarts, long memoryBytes, boolean ready, String fileIo) {

    /** What {@code stress} did; call after it stopped. */
    public static Report of(Stress stress, Duration elapsed, double measuredCpuLoad) {
        return new Report(stress.settings(), stress.pool().workers(), stress.pool().totals(), elapsed, measuredCpuLoad,
                stress.pool().restarts(), stress.memoryPerWorker() * stress.pool().size(), stress.monitor().ready(),
                stress.pool().fileIo());
    }

    public double seconds() {
        return Math.max(1e-3, elapsed.toNanos() / 1e9);
    }

    public long verifyErrors() {
        return WorkerStats.total(totals.verifyErrors());
    }

    public long verifyErrors(Stressor stressor) {
        return totals.verifyErrors().getOrDefault(stressor.label(), 0L);
    }

    public long failedWorkers() {
        return workers.stream().filter(w -> w.state() == kiln.supervisor.WorkerState.FAILED).count();
    }

    /** Links or foreign entries found where kiln expected its own: refused, and the run cannot be called clean. */
    public long tampered() {
        return totals.errors().getOrDefault(WorkerStats.TAMPER, 0L);
    }

    /** Times workers went silent while running. */
    public long stalls() {
        return workers.stream().mapToLong(WorkerView::stalls).sum();
    }

    /**
     * Workers that did not hold up: "w1 stalled 2 times", "w3 failed". A core that stops answering
     * or crash-loops during burn-in is what burn-in exists to see.
     */
    public java.util.List<String> unhealthyWorkers() {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (WorkerView w : workers) {
            if (w.state() == kiln.supervisor.WorkerState.FAILED) {
                out.add("w" + w.id() + " failed (crash loop)");
            } else if (w.stalls() > 0) {
                out.add("w" + w.id() + " stalled " + (w.stalls() == 1 ? "once" : w.stalls() + " times"));
            }
        }
        return out;
    }

    /** fail: wrong results; inconclusive: tampered with; degraded: a worker stalled or failed; else pass. */
    public String verdict() {
        if (verifyErrors() > 0) {
            return "fail";
        }
        if (tampered() > 0) {
            return "inconclusive";
        }
        return unhealthyWorkers().isEmpty() ? "pass" : "degraded";
    }

    public double filesPerSecond() {
        return totals.filesCreated() / seconds();
    }

    public long cpuOps() {
        return WorkerStats.total(totals.cpuOps());
    }

    /** Upper bound of the latency bucket that holds quantile {@code q}, in seconds; NaN without data. */
    public double latencyQuantile(double q) {
        long n = 0;
        for (int i = 0; i < LatencyBuckets.COUNT; i++) {
            n += totals.latencyCount(i);
        }
        if (n == 0) {
            return Double.NaN;
        }
        double[] bounds = LatencyBuckets.upperBoundsSeconds();
        long seen = 0;
        for (int i = 0; i < bounds.length; i++) {
            seen += totals.latencyCount(i);
            if (seen >= q * n) {
                return bounds[i];
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kiln_version", kiln.util.Version.current());
        m.put("profile", settings.run().profile());
        m.put("duration_seconds", round(seconds(), 3));
        m.put("workers", Map.of("count", workers.size(), "restarts", restarts, "failed", failedWorkers(), "stalls", stalls(),
                "unhealthy", unhealthyWorkers()));
        Map<String, Object> files = new LinkedHashMap<>();
        files.put("enabled", settings.files().enabled());
        files.put("io", fileIo == null ? "none" : fileIo);
        files.put("tampered", tampered());
        files.put("created", totals.filesCreated());
        files.put("per_second", round(filesPerSecond(), 1));
        files.put("bytes_written", totals.fileBytes());
        files.put("deleted", totals.filesDeleted());
        files.put("verified", totals.filesVerified());
        files.put("errors", totals.ioErrors());
        files.put("errors_by_op", new TreeMap<>(totals.errors()));
        files.put("verify_errors", verifyErrors(Stressor.FILES));
        files.put("size_bytes", settings.files().sizeBytes());
        files.put("fsync", settings.files().fsync());
        files.put("create_seconds_p50_le", nullIfNaN(latencyQuantile(0.5)));
        files.put("create_seconds_p99_le", nullIfNaN(latencyQuantile(0.99)));
        m.put("files", files);
        Map<String, Object> cpu = new LinkedHashMap<>();
        cpu.put("enabled", settings.cpu().enabled());
        cpu.put("method", settings.cpu().method());
        cpu.put("ops", cpuOps());
        cpu.put("ops_per_second", round(cpuOps() / seconds(), 1));
        cpu.put("ops_by_method", new TreeMap<>(totals.cpuOps()));
        cpu.put("verify_errors", verifyErrors(Stressor.CPU));
        cpu.put("target_load", settings.cpu().enabled() ? settings.cpu().load() : 0);
        cpu.put("measured_load", nullIfNaN(round(measuredCpuLoad * 100, 1)));
        m.put("cpu", cpu);
        Map<String, Object> memory = new LinkedHashMap<>();
        memory.put("enabled", memoryBytes > 0);
        memory.put("size_bytes", memoryBytes);
        memory.put("bytes", totals.memoryBytes());
        memory.put("bytes_per_second", round(totals.memoryBytes() / seconds(), 0));
        memory.put("verify_errors", verifyErrors(Stressor.MEMORY));
        m.put("memory", memory);
        Map<String, Object> verify = new TreeMap<>();
        for (Stressor s : Stressor.values()) {
            verify.put(s.label(), 0L);
        }
        verify.putAll(totals.verifyErrors());
        m.put("verify_errors", verify);
        m.put("ready", ready);
        m.put("verdict", verdict());
        return m;
    }

    private static Object nullIfNaN(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? null : v;
    }

    private static double round(double v, int digits) {
        if (Double.isNaN(v)) {
            return v;
        }
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    /**
     * Writes this report to {@code path}: one HTML page when the name ends in .html or .htm,
     * JSON otherwise; parent directories are made.
     */
    public void writeTo(java.nio.file.Path path, kiln.supervisor.History history) throws java.io.IOException {
        if (path.getParent() != null) {
            java.nio.file.Files.createDirectories(path.getParent());
        }
        String name = path.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        boolean html = name.endsWith(".html") || name.endsWith(".htm");
        java.nio.file.Files.writeString(path, html ? HtmlReport.render(toMap(), history) : kiln.http.Json.pretty(toMap()) + "\n");
    }
}
