package kiln.report;

import java.time.Duration;
import kiln.sampler.Evidence;
import kiln.supervisor.VerifyErrorLog;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import kiln.config.Settings;
import kiln.link.LatencyBuckets;
import kiln.link.Stressor;
import kiln.link.FileStats;
import kiln.link.WorkerStats;
import kiln.supervisor.Stress;
import kiln.supervisor.WorkerView;

/**
 * What a run did, for the summary and the JSON report. Immutable.
 *
 * @param settings what the run was asked to do
 * @param workers  each worker at the end
 * @param totals   the workers' counters, summed
 * @param elapsed  how long the stressors ran
 * @param measured what the supervisor measured besides the counters
 * @param findings what the verdict rests on besides the counters
 */
public record Report(Settings settings, List<WorkerView> workers, WorkerStats totals, Duration elapsed, Measured measured,
                     Findings findings) {

    /**
     * What the supervisor measured besides the workers' counters.
     *
     * @param cpuLoad     the CPU load the burners held, 0–1 (NaN when unknown)
     * @param restarts    worker restarts, all workers together
     * @param memoryBytes total off-heap bytes the memory stressor held (0 when off)
     * @param ready       whether the machine was judged warm by the end
     * @param fileIo      the file path the workers took, or null when none said
     */
    public record Measured(double cpuLoad, long restarts, long memoryBytes, boolean ready, kiln.link.IoPath fileIo) {
        /** Nothing measured: no load known, no restart, no memory, not warm, no file path. */
        public static final Measured NONE = new Measured(Double.NaN, 0, 0, false, null);
    }

    /** The parts of a report by name, for tests: every part empty unless set. */
    public static ReportBuilder builder(Settings settings) {
        return new ReportBuilder(settings);
    }

    /** A builder holding this report's parts. */
    public ReportBuilder toBuilder() {
        return builder(settings).workers(workers).totals(totals).elapsed(elapsed).measured(measured).findings(findings);
    }

    /**
     * What the verdict rests on besides the counters.
     *
     * @param errors      verification errors in detail (the first {@link VerifyErrorLog#KEPT})
     * @param before      hardware evidence when the workers were started
     * @param after       hardware evidence when they were stopped
     * @param disagreeing cores whose cross-core results disagreed with the majority
     * @param slowCores   cores measurably slower than their siblings
     * @param identity    what machine, kernel, JVM and kiln this was, and when
     * @param outcome     how the run ended, in words ("duration reached", "stopped on request")
     * @param cutShort    whether it ended before the time it was given, by a stop (a signal, the API)
     * @param warnings    what was said at start would not go as asked (memory cut, a ramp longer than the run)
     * @param cleanup     what the run left in its directory after its workers stopped
     */
    public record Findings(List<VerifyErrorLog.Entry> errors, Evidence before, Evidence after, List<String> disagreeing,
                           List<String> slowCores, Map<String, Object> identity, String outcome, boolean cutShort,
                           List<String> warnings, Cleanup cleanup) {
        public Findings {
            outcome = outcome == null ? "" : outcome;
            cleanup = cleanup == null ? Cleanup.CLEAN : cleanup;
            warnings = List.copyOf(warnings);
            errors = List.copyOf(errors);
            disagreeing = List.copyOf(disagreeing);
            slowCores = List.copyOf(slowCores);
            identity = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(identity));
        }

        /** Findings of a run that was told nothing at start. */
        public Findings(List<VerifyErrorLog.Entry> errors, Evidence before, Evidence after, List<String> disagreeing,
                        List<String> slowCores, Map<String, Object> identity, String outcome, boolean cutShort) {
            this(errors, before, after, disagreeing, slowCores, identity, outcome, cutShort, List.of(), Cleanup.CLEAN);
        }

        /** Findings of a run that left nothing behind. */
        public Findings(List<VerifyErrorLog.Entry> errors, Evidence before, Evidence after, List<String> disagreeing,
                        List<String> slowCores, Map<String, Object> identity, String outcome, boolean cutShort, List<String> warnings) {
            this(errors, before, after, disagreeing, slowCores, identity, outcome, cutShort, warnings, Cleanup.CLEAN);
        }

        /** The same findings, with what the run left behind. */
        public Findings with(Cleanup left) {
            return new Findings(errors, before, after, disagreeing, slowCores, identity, outcome, cutShort, warnings, left);
        }

        /** Nothing beyond the counters: no details, no evidence. */
        public static Findings none() {
            return new Findings(List.of(), new Evidence(Map.of()), new Evidence(Map.of()), List.of(), List.of(), Map.of(), "", false);
        }
    }

    /** What {@code stress} did; call after it stopped. */
    public static Report of(Stress stress, Duration elapsed, double measuredCpuLoad, Findings findings) {
        return new Report(stress.settings(), stress.pool().workers(), stress.pool().totals(), elapsed,
                new Measured(measuredCpuLoad, stress.pool().restarts(), stress.memoryPerWorker() * stress.pool().size(),
                        stress.monitor().ready(), stress.pool().fileIo()), findings);
    }

    public double seconds() {
        return Math.max(1e-3, elapsed.toNanos() / 1e9);
    }

    public long verifyErrors() {
        return WorkerStats.total(totals.verifyErrors());
    }

    public long verifyErrors(Stressor stressor) {
        return totals.verifyErrors().getOrDefault(stressor, 0L);
    }

    public long failedWorkers() {
        return workers.stream().filter(w -> w.state() == kiln.supervisor.WorkerState.FAILED).count();
    }

    /** Links or foreign entries found where kiln expected its own: refused, and the run cannot be called clean. */
    public long tampered() {
        return totals.files().errors().get(kiln.link.FileOp.TAMPER);
    }

    /** File operations that failed with an error pointing at the disk or file-system corruption (EIO, EUCLEAN, EBADMSG). */
    public long deviceFaults() {
        return totals.files().errors().get(kiln.link.FileErrorCause.DEVICE);
    }

    /** File operations answered EROFS: the file system went read-only during the run. */
    public long readOnlyFailures() {
        return totals.files().errors().get(kiln.link.FileErrorCause.READ_ONLY);
    }

    /** File operations that failed for no reason the run can explain: see {@link FileStats#unexplainedErrors}. */
    public long unexplainedErrors() {
        return totals.files().unexplainedErrors();
    }

    /** Times workers went silent while running. */
    public long stalls() {
        return workers.stream().mapToLong(WorkerView::stalls).sum();
    }

    /** Worker lives that never reported in within the start wait. */
    public long hungAtStart() {
        return workers.stream().mapToLong(WorkerView::hungAtStart).sum();
    }

    /**
     * Workers that did not hold up: "w1 stalled twice", "w2 hung at start once (…)", "w3 failed". A core that stops answering
     * or crash-loops during burn-in is what burn-in exists to see.
     */
    public List<String> unhealthyWorkers() {
        return WorkerHealth.unhealthy(workers);
    }

    /** Workers the host starved of CPU, which the verdict does not hold against the machine: see {@link WorkerHealth#starved}. */
    public List<String> starvedWorkers() {
        return WorkerHealth.starved(workers);
    }

    /** The verdict and its reasons: see {@link Verdict}. */
    public Verdict judgement() {
        Verdict.Inputs in = Verdict.Inputs.builder().verifyErrors(verifyErrors(), attributedErrors()).disagreeing(findings.disagreeing())
                .idleStressors(idleStressors()).tampered(tampered()).unhealthyWorkers(unhealthyWorkers()).slowCores(findings.slowCores())
                .evidence(findings.after().since(findings.before()))
                .files(new Verdict.FileFaults(deviceFaults(), readOnlyFailures(), totals.files().unexplainedErrors(),
                        findings.cleanup().reason())).build();
        return Verdict.decide(findings.cutShort() ? in.endedEarly(shortBy()) : in, settings.verdict());
    }

    /** How a run that was cut short ended: "stopped on request after 1m05s of 4h00m". */
    public String shortBy() {
        return findings.outcome() + " after " + kiln.config.Durations.format(elapsed) + " of "
                + kiln.config.Durations.format(settings.run().duration());
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
                    out.add(n + " in " + stressor.label());
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
        for (StressorRows.Row row : StressorRows.ALL) {
            if (row.on().test(settings) && !row.worked().test(this)) {
                out.add(row.key().label() + ": " + row.idle());
            }
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

    /** The JSON report's document: see {@link ReportJson}. */
    public Map<String, Object> toMap() {
        return ReportJson.of(this);
    }

    /** The JSON report as text: keys in the report's order, numbers plain ({@link JsonText}). */
    public String toJson() {
        return JsonText.pretty(toMap());
    }

    /** Whether a fault was injected on purpose (--inject-fault): a fail then shows kiln's checks work, not bad hardware. */
    public boolean faultInjected() {
        return settings.run().injectFault() != null && !settings.run().injectFault().isEmpty();
    }

    /** Version of the report's JSON shape; bumped when a field changes meaning or goes away. */
    public static final int SCHEMA_VERSION = 3;

    /**
     * Writes this report to {@code path}: one HTML page when the name ends in .html or .htm,
     * JSON otherwise; parent directories are made, and a link at the path is replaced, not followed
     * ({@link ReportFile}).
     */
    public void writeTo(java.nio.file.Path path, kiln.supervisor.History history) throws ReportFile.Unwritable {
        String name = path.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        boolean html = name.endsWith(".html") || name.endsWith(".htm");
        ReportFile.write(path, html ? HtmlReport.render(this, history) : toJson() + "\n");
    }
}
