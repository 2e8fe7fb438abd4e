package kiln.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import kiln.link.Stressor;
import kiln.sampler.Evidence;
import kiln.supervisor.VerifyErrorLog;

/**
 * The JSON report of a {@link Report}: field names and nesting are the report's schema
 * ({@link Report#SCHEMA_VERSION}), which dashboards and scripts read; rates are rounded,
 * a quantity that has no value is null.
 */
final class ReportJson {
    private ReportJson() {
    }

    /** The report's document: schema version, identity, then what the run did and the verdict. */
    static Map<String, Object> of(Report r) {
        Map<String, Object> head = new LinkedHashMap<>();
        head.put("schema_version", Report.SCHEMA_VERSION);
        head.putAll(r.findings().identity());
        head.putAll(body(r));
        return head;
    }

    private static Map<String, Object> body(Report r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kiln_version", kiln.util.Version.current());
        m.put("profile", r.settings().run().profile());
        m.put("duration_seconds", round(r.seconds(), 3));
        if (!r.findings().outcome().isEmpty()) {
            m.put("outcome", r.findings().outcome());
        }
        if (!r.findings().warnings().isEmpty()) {
            m.put("warnings", r.findings().warnings());
        }
        m.put("workers", Map.of("count", r.workers().size(), "restarts", r.restarts(), "failed", r.failedWorkers(), "stalls", r.stalls(),
                "hung_at_start", r.hungAtStart(), "unhealthy", r.unhealthyWorkers()));
        Map<String, Object> files = new LinkedHashMap<>();
        files.put("enabled", r.settings().files().enabled());
        files.put("io", r.fileIo() == null ? "none" : r.fileIo());
        files.put("tampered", r.tampered());
        files.put("created", r.totals().files().created());
        files.put("per_second", round(r.filesPerSecond(), 1));
        files.put("bytes_written", r.totals().files().bytes());
        files.put("deleted", r.totals().files().deleted());
        files.put("deleted_at_floor", r.totals().files().floorDeleted());
        files.put("verified", r.totals().files().verified());
        files.put("errors", r.totals().ioErrors());
        files.put("device_errors", r.deviceFaults());
        files.put("read_only_errors", r.readOnlyFailures());
        files.put("unexplained_errors", r.unexplainedErrors());
        Report.Cleanup left = r.findings().cleanup();
        files.put("left", left.files());
        if (!left.uncounted().isEmpty()) {
            files.put("left_uncounted", left.uncounted());
        }
        files.put("errors_by_op", new TreeMap<>(r.totals().files().errors()));
        files.put("verify_errors", r.verifyErrors(Stressor.FILES));
        files.put("size_bytes", r.settings().files().sizeBytes());
        files.put("fsync", r.settings().files().fsync());
        files.put("create_seconds_p50_le", nullIfNaN(r.latencyQuantile(0.5)));
        files.put("create_seconds_p99_le", nullIfNaN(r.latencyQuantile(0.99)));
        m.put("files", files);
        Map<String, Object> cpu = new LinkedHashMap<>();
        cpu.put("enabled", r.settings().cpu().enabled());
        cpu.put("method", r.settings().cpu().method());
        cpu.put("ops", r.cpuOps());
        cpu.put("ops_per_second", round(r.cpuOps() / r.seconds(), 1));
        cpu.put("ops_by_method", new TreeMap<>(r.totals().cpu().ops()));
        cpu.put("verify_errors", r.verifyErrors(Stressor.CPU));
        cpu.put("target_load", r.settings().cpu().enabled() ? r.settings().cpu().load() : 0);
        cpu.put("measured_load", nullIfNaN(round(r.measuredCpuLoad() * 100, 1)));
        m.put("cpu", cpu);
        Map<String, Object> memory = new LinkedHashMap<>();
        memory.put("enabled", r.memoryBytes() > 0);
        memory.put("size_bytes", r.memoryBytes());
        memory.put("bytes", r.totals().memoryBytes());
        memory.put("bytes_per_second", round(r.totals().memoryBytes() / r.seconds(), 0));
        memory.put("verify_errors", r.verifyErrors(Stressor.MEMORY));
        memory.put("patterns", memoryPatterns(r.totals()));
        m.put("memory", memory);
        Map<String, Object> verify = new TreeMap<>();
        for (Stressor s : Stressor.values()) {
            verify.put(s.label(), 0L);
        }
        verify.putAll(r.totals().verifyErrors());
        m.put("verify_errors", verify);
        m.put("ready", r.ready());
        Verdict v = r.judgement();
        m.put("verdict", v.outcome().label());
        m.put("verdict_reasons", v.reasons());
        m.put("errors", errorsMap(r));
        m.put("evidence", evidenceMap(r.findings()));
        return m;
    }

    /** Per memory pattern that ran, by its name: complete passes, bytes moved, wrong words found. */
    static Map<String, Object> memoryPatterns(kiln.link.WorkerStats totals) {
        Map<String, Object> out = new TreeMap<>();
        for (String name : totals.memoryPatternNames()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("passes", totals.memoryPattern(name, "passes"));
            one.put("bytes", totals.memoryPattern(name, "bytes"));
            one.put("errors", totals.memoryPattern(name, "errors"));
            out.put(name, one);
        }
        return out;
    }

    /** The first errors in full, then how many there were. */
    private static Map<String, Object> errorsMap(Report r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", r.verifyErrors());
        List<Map<String, Object>> list = new ArrayList<>();
        for (VerifyErrorLog.Entry e : r.findings().errors()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("worker", e.worker());
            one.put("cpu", e.cpus());
            one.put("stressor", e.stressor());
            one.put("method", e.method());
            one.put("expected", e.expected());
            one.put("actual", e.actual());
            if (!e.where().isEmpty()) {
                one.put("where", e.where());
            }
            // what else the stressor said (memory: pass, offset, mask, reread); whole numbers as numbers
            e.detail().forEach((k, v) -> one.putIfAbsent(k, v.matches("-?[0-9]{1,18}") ? (Object) Long.parseLong(v) : v));
            one.put("time", java.time.Instant.ofEpochMilli(e.atMillis()).toString());
            list.add(one);
        }
        m.put("first", list);
        m.put("not_shown", Math.max(0, r.verifyErrors() - list.size()));
        return m;
    }

    /** Per evidence source: before, after and what grew, by place; "unavailable" where this machine has none. */
    private static Map<String, Object> evidenceMap(Report.Findings findings) {
        Map<String, Object> m = new TreeMap<>();
        Evidence delta = findings.after().since(findings.before());
        for (Evidence.Source s : Evidence.Source.values()) {
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

    private static double round(double v, int digits) {
        if (Double.isNaN(v)) {
            return v;
        }
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
