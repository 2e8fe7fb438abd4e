package kiln.report;

import java.time.Duration;
import kiln.sampler.Evidence;
import kiln.supervisor.VerifyErrorLog;
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
              double measuredCpuLoad, long restarts, long memoryBytes, boolean ready, String fileIo, Findings findings) {

    /**
     * What the verdict rests on besides the counters.
     *
     * @param errors      verification errors in detail (the first {@link VerifyErrorLog#KEPT})
     * @param before      hardware evidence when the workers were started
     * @param after       hardware evidence when they were stopped
     * @param disagreeing cores whose cross-core results disagreed with the majority
     * @param slowCores   cores measurably slower than their siblings
     * @param identity    what machine, kernel, JVM and kiln this was, and when
     */
    public record Findings(List<VerifyErrorLog.Entry> errors, Evidence before, Evidence after, List<String> disagreeing,
                           List<String> slowCores, Map<String, Object> identity) {
        public Findings {
            errors = List.copyOf(errors);
            disagreeing = List.copyOf(disagreeing);
            slowCores = List.copyOf(slowCores);
            identity = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(identity));
        }

        /** Nothing beyond the counters: no details, no evidence. */
        public static Findings none() {
            return new Findings(List.of(), new Evidence(Map.of()), new Evidence(Map.of()), List.of(), List.of(), Map.of());
        }
    }

    /** What {@code stress} did; call after it stopped. */
    public static Report of(Stress stress, Duration elapsed, double measuredCpuLoad, Findings findings) {
        return new Report(stress.settings(), stress.pool().workers(), stress.pool().totals(), elapsed, measuredCpuLoad,
                stress.pool().restarts(), stress.memoryPerWorker() * stress.pool().size(), stress.monitor().ready(),
                stress.pool().fileIo(), findings);
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
        return totals.files().errors().getOrDefault(WorkerStats.TAMPER, 0L);
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

    /** The verdict and its reasons: see {@link Verdict}. */
    public Verdict judgement() {
        return Verdict.decide(new Verdict.Inputs(verifyErrors(), attributedErrors(), idleStressors(), tampered(), unhealthyWorkers(),
                findings.after().since(findings.before()), findings.disagreeing(), findings.slowCores()), settings.verdict());
    }

    /** pass, fail, degraded or inconclusive. */
    public String verdict() {
        return judgement().outcome().label();
    }

    /** The first wrong results, one line each; a stressor whose details did not arrive is named with its count. */
    List<String> attributedErrors() {
        List<String> out = new java.util.ArrayList<>();
        for (VerifyErrorLog.Entry e : findings.errors()) {
            out.add(e.describe());
        }
        if (out.isEmpty()) {
            totals.verifyErrors().forEach((stressor, n) -> {
                if (n > 0) {
                    out.add(n + " in " + stressor);
                }
            });
        }
        return out;
    }

    /** Enabled stressors that did no work: a run that tested nothing there cannot pass it. */
    List<String> idleStressors() {
        List<String> out = new java.util.ArrayList<>();
        if (elapsed.isZero()) {
            return List.of("no worker started: nothing was tested");
        }
        if (settings.files().enabled() && totals.files().created() == 0) {
            out.add("files: no file created (paused below the free-space floor, or every create failed)");
        }
        if (settings.cpu().enabled() && cpuOps() == 0) {
            out.add("cpu: no operation computed");
        }
        if (settings.memory().enabled() && totals.memoryBytes() == 0) {
            out.add("memory: nothing written and read back");
        }
        return out;
    }

    public double filesPerSecond() {
        return totals.files().created() / seconds();
    }

    public long cpuOps() {
        return WorkerStats.total(totals.cpu().ops());
    }

    /** Upper bound of the latency bucket that holds quantile {@code q}, in seconds; NaN without data. */
    public double latencyQuantile(double q) {
        long n = 0;
        for (int i = 0; i < LatencyBuckets.COUNT; i++) {
            n += totals.files().latencyCount(i);
        }
        if (n == 0) {
            return Double.NaN;
        }
        double[] bounds = LatencyBuckets.upperBoundsSeconds();
        long seen = 0;
        for (int i = 0; i < bounds.length; i++) {
            seen += totals.files().latencyCount(i);
            if (seen >= q * n) {
                return bounds[i];
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> head = new java.util.LinkedHashMap<>();
        head.put("schema_version", SCHEMA_VERSION);
        head.putAll(findings.identity());
        Map<String, Object> body = body();
        head.putAll(body);
        return head;
    }

    /** Version of the report's JSON shape; bumped when a field changes meaning or goes away. */
    public static final int SCHEMA_VERSION = 2;

    private Map<String, Object> body() {
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
        files.put("created", totals.files().created());
        files.put("per_second", round(filesPerSecond(), 1));
        files.put("bytes_written", totals.files().bytes());
        files.put("deleted", totals.files().deleted());
        files.put("verified", totals.files().verified());
        files.put("errors", totals.ioErrors());
        files.put("errors_by_op", new TreeMap<>(totals.files().errors()));
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
        cpu.put("ops_by_method", new TreeMap<>(totals.cpu().ops()));
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
        Verdict v = judgement();
        m.put("verdict", v.outcome().label());
        m.put("verdict_reasons", v.reasons());
        m.put("errors", errorsMap());
        m.put("evidence", evidenceMap());
        return m;
    }

    /** The first errors in full, then how many there were. */
    private Map<String, Object> errorsMap() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("count", verifyErrors());
        List<Map<String, Object>> list = new java.util.ArrayList<>();
        for (VerifyErrorLog.Entry e : findings.errors()) {
            Map<String, Object> one = new java.util.LinkedHashMap<>();
            one.put("worker", e.worker());
            one.put("cpu", e.cpus());
            one.put("stressor", e.stressor());
            one.put("method", e.method());
            one.put("expected", e.expected());
            one.put("actual", e.actual());
            if (!e.where().isEmpty()) {
                one.put("where", e.where());
            }
            one.put("time", java.time.Instant.ofEpochMilli(e.atMillis()).toString());
            list.add(one);
        }
        m.put("first", list);
        m.put("not_shown", Math.max(0, verifyErrors() - list.size()));
        return m;
    }

    /** Per evidence source: before, after and what grew, by place; "unavailable" where this machine has none. */
    private Map<String, Object> evidenceMap() {
        Map<String, Object> m = new TreeMap<>();
        Evidence delta = findings.after().since(findings.before());
        for (Evidence.Source s : Evidence.Source.values()) {
            if (!findings.before().available(s) || !findings.after().available(s)) {
                m.put(s.label(), "unavailable");
                continue;
            }
            Map<String, Object> one = new java.util.LinkedHashMap<>();
            one.put("before", findings.before().total(s).orElse(0L));
            one.put("after", findings.after().total(s).orElse(0L));
            one.put("delta", delta.total(s).orElse(0L));
            one.put("delta_by_place", delta.sources().get(s));
            m.put(s.label(), one);
        }
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
