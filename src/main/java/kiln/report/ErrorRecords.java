package kiln.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import kiln.supervisor.VerifyErrorLog;

/**
 * The report's record of each verification error, shaped as OpenDCDiag's miscompare records: who
 * and where (worker, cpu, stressor, method), expected, actual, what else the stressor said, and
 * for a CPU method its seed, lane, mask, retest per cpu and the command that replays it. Stateless.
 */
final class ErrorRecords {
    private ErrorRecords() {
    }

    /** The first errors in full, then how many there were. */
    static Map<String, Object> of(Report r) {
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
            if (e.cpu() != null) {
                putCpuMiscompare(one, e.cpu());
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

    /** A CPU method's miscompare as the report gives it: seed, element, lane, mask, retest per cpu, replay. */
    static void putCpuMiscompare(Map<String, Object> one, kiln.link.CpuMiscompare c) {
        one.put("seed", Long.toHexString(c.seed()));
        one.put("element", c.element());
        one.put("lane", c.lane());
        one.put("mask", c.maskHex());
        one.put("differing", c.differing());
        Map<String, Object> retest = new LinkedHashMap<>();
        retest.put("runs", c.retest().stream().mapToInt(kiln.link.CpuMiscompare.Trial::runs).sum());
        retest.put("failed", c.retest().stream().mapToInt(kiln.link.CpuMiscompare.Trial::failed).sum());
        retest.put("kind", c.kind());
        retest.put("rate", c.rate());
        List<Map<String, Object>> perCpu = new ArrayList<>();
        for (kiln.link.CpuMiscompare.Trial t : c.retest()) {
            Map<String, Object> one1 = new LinkedHashMap<>();
            one1.put("cpu", t.cpu());
            one1.put("runs", t.runs());
            one1.put("failed", t.failed());
            perCpu.add(one1);
        }
        retest.put("per_cpu", perCpu);
        one.put("retest", retest);
        one.put("replay", c.replay());
    }
}
