package kiln.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import kiln.link.Stressor;
import kiln.sampler.Evidence;

/**
 * The JSON report of a {@link Report}: field names and nesting are the report's schema
 * ({@link Report#SCHEMA_VERSION}), which dashboards and scripts read; rates are rounded,
 * a quantity that has no value is null.
 */
public final class ReportJson {
    private ReportJson() {
    }

    /** The report's document: schema version, identity, then what the run did and the verdict. */
    static Map<String, Object> of(Report r) {
        Map<String, Object> head = new LinkedHashMap<>();
        head.put("schema_version", Report.SCHEMA_VERSION);
        Map<String, Object> identity = new LinkedHashMap<>(r.findings().identity());
        Object configuration = identity.remove("configuration");
        head.putAll(identity);
        head.putAll(body(r));
        if (configuration != null) {
            head.put("configuration", configuration); // the raw settings, last: "tested" says them in words
        }
        return head;
    }

    private static Map<String, Object> body(Report r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kiln_version", kiln.util.Version.current());
        m.put("profile", r.settings().run().profile());
        m.put("duration_seconds", round(r.seconds(), 3));
        String fault = r.settings().run().injectFault();
        if (fault != null && !fault.isEmpty()) {
            Map<String, Object> injected = new LinkedHashMap<>();
            injected.put("target", fault);
            injected.put("note", Tested.injectedNote(fault));
            m.put("injected_fault", injected);
        } else {
            m.put("injected_fault", null);
        }
        m.put("tested", Tested.of(r));
        Tested.RestsOn on = Tested.RestsOn.of(r.findings());
        Map<String, Object> restsOn = new LinkedHashMap<>();
        restsOn.put("evidence_read", on.read());
        restsOn.put("evidence_absent", on.absent());
        restsOn.put("caveat", on.caveat(r.verdict()));
        m.put("verdict_rests_on", restsOn);
        if (!r.findings().outcome().isEmpty()) {
            m.put("outcome", r.findings().outcome());
        }
        if (!r.findings().warnings().isEmpty()) {
            m.put("warnings", r.findings().warnings());
        }
        m.put("workers", Map.of("count", r.workers().size(), "restarts", r.measured().restarts(), "failed", r.failedWorkers(), "stalls", r.stalls(),
                "hung_at_start", r.hungAtStart(), "unhealthy", r.unhealthyWorkers(),
                "starved", r.starvedWorkers()));
        Map<String, Object> files = new LinkedHashMap<>();
        files.put("enabled", r.settings().files().enabled());
        files.put("io", r.measured().fileIo() == null ? "none" : r.measured().fileIo().word());
        files.put("tampered", r.tampered());
        files.put("created", r.totals().files().created());
        files.put("per_second", round(r.filesPerSecond(), 1));
        files.put("rate_bounded_by", Tested.fileRateBounds(r));
        files.put("bytes_written", r.totals().files().bytes());
        files.put("deleted", r.totals().files().deleted());
        files.put("deleted_at_floor", r.totals().files().floorDeleted());
        files.put("verified", r.totals().files().verified());
        files.put("errors", r.totals().ioErrors());
        files.put("device_errors", r.deviceFaults());
        files.put("read_only_errors", r.readOnlyFailures());
        files.put("unexplained_errors", r.unexplainedErrors());
        Cleanup left = r.findings().cleanup();
        files.put("left", left.files());
        if (!left.uncounted().isEmpty()) {
            files.put("left_uncounted", left.uncounted());
        }
        files.put("errors_by_op", r.totals().files().errors().byWord());
        files.put("verify_errors", r.verifyErrors(Stressor.FILES));
        files.put("size_bytes", r.settings().files().sizeBytes());
        files.put("fsync", r.settings().files().fsync());
        files.put("create_seconds_p50_le", nullIfNaN(r.latencyQuantile(0.5)));
        files.put("create_seconds_p99_le", nullIfNaN(r.latencyQuantile(0.99)));
        files.put("create_latency_seconds", latency(r));
        m.put("files", files);
        Map<String, Object> cpu = new LinkedHashMap<>();
        cpu.put("enabled", r.settings().cpu().enabled());
        cpu.put("method", r.settings().cpu().method());
        cpu.put("ops", r.cpuOps());
        cpu.put("ops_per_second", round(r.cpuOps() / r.seconds(), 1));
        cpu.put("ops_by_method", new TreeMap<>(r.totals().cpu().ops()));
        cpu.put("methods", cpuMethods(r.totals().cpu().ops(), r.seconds()));
        cpu.put("verify_errors", r.verifyErrors(Stressor.CPU));
        cpu.put("strength", Strength.of(r));
        cpu.put("target_load", r.settings().cpu().enabled() ? r.settings().cpu().load() : 0);
        cpu.put("measured_load", nullIfNaN(round(r.measured().cpuLoad() * 100, 1)));
        m.put("cpu", cpu);
        Map<String, Object> memory = new LinkedHashMap<>();
        memory.put("enabled", r.measured().memoryBytes() > 0);
        memory.put("size_bytes", r.measured().memoryBytes());
        memory.put("bytes", r.totals().memoryBytes());
        memory.put("bytes_per_second", round(r.totals().memoryBytes() / r.seconds(), 0));
        memory.put("verify_errors", r.verifyErrors(Stressor.MEMORY));
        memory.put("patterns", memoryPatterns(r.totals()));
        m.put("memory", memory);
        Map<String, Object> verify = new TreeMap<>();
        for (Stressor s : Stressor.values()) {
            verify.put(s.label(), 0L);
        }
        verify.putAll(Stressor.byLabel(r.totals().verifyErrors()));
        m.put("verify_errors", verify);
        m.put("ready", r.measured().ready());
        Verdict v = r.judgement();
        m.put("verdict", v.outcome().label());
        m.put("verdict_reasons", v.reasons());
        m.put("errors", ErrorRecords.of(r));
        m.put("evidence", evidenceMap(r.findings()));
        m.put("per_worker", perWorker(r));
        return m;
    }

    /**
     * Per CPU method that ran, in registration order: ops, ops per second, and flops or bytes per
     * second where that is the honest measure. A method this supervisor does not know (a newer
     * worker's) gives its ops alone.
     */
    static Map<String, Object> cpuMethods(Map<String, Long> ops, double seconds) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Long> left = new TreeMap<>(ops);
        for (kiln.link.CpuMethodInfo cm : kiln.link.Catalog.cpuMethods()) {
            Long n = left.remove(cm.word());
            if (n == null) {
                continue;
            }
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("ops", n);
            one.put("ops_per_second", round(n / seconds, 1));
            switch (cm.measure()) {
                case FLOPS -> one.put("flops_per_second", round((double) n * cm.perOp() / seconds, 0));
                case BYTES -> one.put("bytes_per_second", round((double) n * cm.perOp() / seconds, 0));
                case OPS -> { }
            }
            out.put(cm.word(), one);
        }
        left.forEach((word, n) -> {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("ops", n);
            one.put("ops_per_second", round(n / seconds, 1));
            out.put(word, one);
        });
        return out;
    }

    /**
     * File-create latency as fio gives it: count, mean (exact), min and max, percentiles. Min, max
     * and percentiles are the bounds of the histogram bucket that holds them (min at least, the
     * others at most), said in {@code resolution}.
     */
    private static Map<String, Object> latency(Report r) {
        Buckets v = new Buckets(r);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", v.count);
        m.put("mean", v.count == 0 ? null : round(r.totals().files().latencySumNanos() / 1e9 / v.count, 9));
        m.put("min", v.count == 0 ? null : v.minAtLeast);
        m.put("max", v.count == 0 ? null : nullIfNaN(v.maxAtMost));
        Map<String, Object> p = new LinkedHashMap<>();
        for (double q : new double[] {50, 90, 95, 99, 99.9}) {
            p.put(JsonText.number(q), nullIfNaN(r.latencyQuantile(q / 100)));
        }
        m.put("percentiles", p);
        m.put("resolution", "histogram buckets: min is the lower bound of the first bucket used, max and percentiles upper bounds");
        return m;
    }

    /** Bounds of the first and last latency buckets that hold a count. */
    private static final class Buckets {
        long count;
        double minAtLeast;
        double maxAtMost = Double.NaN;

        Buckets(Report r) {
            double[] bounds = kiln.link.LatencyBuckets.upperBoundsSeconds();
            int first = -1;
            int last = -1;
            for (int i = 0; i < bounds.length; i++) {
                long n = r.totals().files().latencyCount(i);
                count += n;
                if (n > 0) {
                    first = first < 0 ? i : first;
                    last = i;
                }
            }
            minAtLeast = first <= 0 ? 0 : bounds[first - 1];
            maxAtMost = last < 0 ? Double.NaN : bounds[last];
        }
    }

    /** Per worker (and so per core when pinned): its cpus, state, work per method, files, errors, restarts. */
    private static List<Map<String, Object>> perWorker(Report r) {
        List<Map<String, Object>> out = new ArrayList<>();
        Map<?, ?> clocks = r.findings().identity().get("cpu_frequency_at_end_hz") instanceof Map<?, ?> m ? m : Map.of();
        for (kiln.supervisor.WorkerView w : r.workers()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("worker", w.id());
            one.put("cpus", w.cpus());
            one.put("state", w.state().name().toLowerCase(java.util.Locale.ROOT));
            Object clock = clocks.get(w.cpus()); // a pinned worker's one cpu
            one.put("frequency_hz_at_end", clock instanceof Number ? clock : null);
            one.put("cpu_ops_by_method", opsInOrder(w.totals().cpu().ops()));
            one.put("files_created", w.totals().files().created());
            one.put("memory_bytes", w.totals().memoryBytes());
            one.put("verify_errors", kiln.link.WorkerStats.total(w.totals().verifyErrors()));
            one.put("io_errors", w.totals().ioErrors());
            one.put("restarts", w.restarts());
            one.put("stalls", w.stalls());
            out.add(one);
        }
        return out;
    }

    /** Operations per CPU method in registration order; a method this build does not list still shows, after them. */
    static Map<String, Long> opsInOrder(Map<String, Long> byMethod) {
        Map<String, Long> ops = new LinkedHashMap<>();
        for (kiln.link.CpuMethodInfo method : kiln.link.Catalog.cpuMethods()) {
            Long n = byMethod.get(method.word());
            if (n != null) {
                ops.put(method.word(), n);
            }
        }
        byMethod.forEach(ops::putIfAbsent);
        return ops;
    }

    /** Per memory pattern that ran, by its name: complete passes, bytes moved, wrong words found. */
    static Map<String, Object> memoryPatterns(kiln.link.WorkerStats totals) {
        Map<String, Object> out = new TreeMap<>();
        for (String name : totals.memoryPatternNames()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("passes", totals.memoryPattern(name, kiln.link.MemoryCounter.PASSES));
            one.put("bytes", totals.memoryPattern(name, kiln.link.MemoryCounter.BYTES));
            one.put("errors", totals.memoryPattern(name, kiln.link.MemoryCounter.ERRORS));
            out.put(name, one);
        }
        return out;
    }

    /** Per evidence source: before, after and what grew, by place; "unavailable" where this machine has none. */
    private static Map<String, Object> evidenceMap(Report.Findings findings) {
        Map<String, Object> m = new TreeMap<>();
        Evidence delta = findings.after().since(findings.before());
        for (Evidence.Source s : findings.after().consulted()) {
            if (!findings.before().available(s) || !findings.after().available(s)) {
                m.put(s.label(), "unavailable");
                continue;
            }
            Map<String, Object> one = new LinkedHashMap<>();
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

    static double round(double v, int digits) {
        if (Double.isNaN(v)) {
            return v;
        }
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
