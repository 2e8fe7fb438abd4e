package kiln.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import kiln.link.CpuMiscompare;
import kiln.supervisor.VerifyErrorLog;
import kiln.util.CpuList;

/**
 * The report's verification errors as JSON records, in the shape of OpenDCDiag's miscompare:
 * worker, cpu, stressor, method, expected, actual, where, a CPU method's seed, lane, mask and
 * retest, a memory pattern's details, and when. Numbers are JSON numbers: {@code "cpu": 3}, never
 * {@code "3"}; values that are bit patterns (expected, actual, mask, seed) stay hexadecimal text.
 */
public final class ErrorRecords {
    private ErrorRecords() {
    }

    /** The first errors in full, then how many there were. */
    static Map<String, Object> of(Report r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", r.verifyErrors());
        List<Map<String, Object>> list = new ArrayList<>();
        for (VerifyErrorLog.Entry e : r.findings().errors()) {
            list.add(one(e));
        }
        m.put("first", list);
        m.put("not_shown", Math.max(0, r.verifyErrors() - list.size()));
        return m;
    }

    /** One error record, as a run's report and a screen's result give it. */
    public static Map<String, Object> one(VerifyErrorLog.Entry e) {
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("worker", e.worker());
        putCpus(one, e.cpus());
        one.put("stressor", e.stressor().label());
        one.put("method", e.method());
        one.put("expected", e.expected());
        one.put("actual", e.actual());
        if (!e.where().isEmpty()) {
            one.put("where", e.where());
        }
        if (e.cpu() != null) {
            putCpuMiscompare(one, e.cpu());
        }
        // what else the stressor said (memory: pass, offset, mask, reread); whole numbers as numbers
        e.detail().forEach((k, v) -> one.putIfAbsent(k, v.matches("-?[0-9]{1,18}") ? (Object) Long.parseLong(v) : v));
        one.put("time", java.time.Instant.ofEpochMilli(e.atMillis()).toString());
        return one;
    }

    /**
     * {@code cpu}: the one cpu, a number, or null where the worker could run on several (not pinned)
     * or they are unknown; {@code cpus}: every cpu it could run on, as numbers ({@code []} when unknown).
     */
    static void putCpus(Map<String, Object> one, String linuxList) {
        List<Integer> cpus = CpuList.parse(linuxList);
        one.put("cpu", cpus.size() == 1 ? cpus.get(0) : null);
        one.put("cpus", cpus);
    }

    /** A CPU method's miscompare as the report gives it: seed, element, lane, mask, retest per cpu, replay. */
    static void putCpuMiscompare(Map<String, Object> one, CpuMiscompare c) {
        one.put("seed", Long.toHexString(c.seed()));
        one.put("element", c.element());
        one.put("lane", c.lane());
        one.put("mask", c.maskHex());
        one.put("differing", c.differing());
        Map<String, Object> retest = new LinkedHashMap<>();
        retest.put("runs", c.retest().stream().mapToInt(CpuMiscompare.Trial::runs).sum());
        retest.put("failed", c.retest().stream().mapToInt(CpuMiscompare.Trial::failed).sum());
        retest.put("kind", c.kind());
        retest.put("rate", c.rate());
        List<Map<String, Object>> perCpu = new ArrayList<>();
        for (CpuMiscompare.Trial t : c.retest()) {
            Map<String, Object> trial = new LinkedHashMap<>();
            putCpus(trial, t.cpu());
            trial.put("runs", t.runs());
            trial.put("failed", t.failed());
            perCpu.add(trial);
        }
        retest.put("per_cpu", perCpu);
        one.put("retest", retest);
        one.put("replay", c.replay());
    }
}
