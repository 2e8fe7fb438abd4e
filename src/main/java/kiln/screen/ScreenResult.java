package kiln.screen;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import kiln.report.Verdict;
import kiln.supervisor.VerifyErrorLog;

/**
 * What one screen found, in the verdict model and with the error records of a run: a mismatch is a
 * {@code fail} naming its core, method and bits.
 *
 * @param cores      the cores screened, in order
 * @param startMillis when the workers were told to go, epoch ms
 * @param endMillis  when they were stopped, epoch ms
 * @param verdict    pass, fail, degraded or inconclusive, with every reason
 * @param errors     the wrong results in full, as a run's report records them
 * @param methodsRun the CPU methods that computed at least one checked result
 * @param cpuNanos   CPU time of the screen's worker JVMs, start-up and retests included: what the duty cap counts
 * @param complete   whether it ran its course; one stopped for a run or a busy host does not count as screened
 */
public record ScreenResult(List<Integer> cores, long startMillis, long endMillis, Verdict verdict,
                           List<VerifyErrorLog.Entry> errors, Set<String> methodsRun, long cpuNanos, boolean complete) {
    public ScreenResult {
        cores = List.copyOf(cores);
        errors = List.copyOf(errors);
        methodsRun = Set.copyOf(methodsRun);
    }

    /**
     * The wrong results as the per-core ledger keeps them (a CPU method's, on one core), recorded as
     * of run {@code screen-<end ms>}; marked injected when {@code fault} went into this screen.
     */
    public List<kiln.fleet.CoreFailure> coreFailures(kiln.config.Settings.Screen.Fault fault) {
        boolean injected = !fault.target().isEmpty() && cores.contains(fault.cpu());
        List<kiln.fleet.CoreFailure> out = new ArrayList<>();
        for (VerifyErrorLog.Entry e : errors) {
            kiln.fleet.CoreFailures.of(e, "screen-" + endMillis, injected).ifPresent(out::add);
        }
        return out;
    }

    /** As the status document and the kept state show it. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpus", cores);
        m.put("start", Instant.ofEpochMilli(startMillis).toString());
        m.put("end", Instant.ofEpochMilli(endMillis).toString());
        m.put("verdict", verdict.outcome().label());
        m.put("verdict_reasons", verdict.reasons());
        m.put("methods", new java.util.TreeSet<>(methodsRun));
        m.put("cpu_seconds", Math.round(cpuNanos / 1e6) / 1e3);
        List<Map<String, Object>> list = new ArrayList<>();
        for (VerifyErrorLog.Entry e : errors) {
            list.add(kiln.report.ErrorRecords.one(e));
        }
        m.put("errors", list);
        return m;
    }
}
