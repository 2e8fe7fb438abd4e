package kiln.sampler;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Interrupts the CPUs counted in {@code /proc/interrupts}, per cpu: machine checks (MCE), thermal
 * events (TRM), threshold (THR) and deferred-error (DFR) APIC interrupts. The file is a header of
 * CPU columns, then rows such as {@code MCE:  0  0   Machine check exceptions}. Places: {@code cpu3}.
 * A row the architecture or the hypervisor does not give is unavailable.
 */
public final class Interrupts implements EvidenceReader {
    /** Machine check exceptions: the CPU or memory reported a hardware error. */
    public static final Evidence.Source MACHINE_CHECKS = new PlainSource("machine_checks", "machine check exceptions (/proc/interrupts MCE)",
            Evidence.Kind.FAULT, "machine check exceptions",
            List.of(Evidence.Series.perPlace("kiln.machine.checks", "Machine check exceptions (/proc/interrupts MCE)", "cpu", "cpu")));
    /** Thermal event interrupts: a CPU crossed a thermal threshold. */
    public static final Evidence.Source THERMAL_EVENTS = new PlainSource("thermal_events", "thermal event interrupts (/proc/interrupts TRM)",
            Evidence.Kind.THERMAL_ALARM, "thermal throttle events",
            List.of(Evidence.Series.perPlace("kiln.thermal.events", "Thermal event interrupts (/proc/interrupts TRM)", "cpu", "cpu")));
    /** Threshold APIC interrupts (corrected machine-check errors past a threshold). */
    public static final Evidence.Source THRESHOLD_EVENTS = new PlainSource("threshold_events",
            "threshold APIC interrupts (/proc/interrupts THR)", Evidence.Kind.CONTEXT, "threshold APIC interrupts", List.of());
    /** Deferred error APIC interrupts (AMD). */
    public static final Evidence.Source DEFERRED_ERRORS = new PlainSource("deferred_errors",
            "deferred error interrupts (/proc/interrupts DFR)", Evidence.Kind.CONTEXT, "deferred error interrupts", List.of());

    /** The row each source is read from. */
    private static final Map<String, Evidence.Source> ROWS = rows();

    Interrupts() {
    }

    private static Map<String, Evidence.Source> rows() {
        Map<String, Evidence.Source> m = new LinkedHashMap<>();
        m.put("MCE", MACHINE_CHECKS);
        m.put("TRM", THERMAL_EVENTS);
        m.put("THR", THRESHOLD_EVENTS);
        m.put("DFR", DEFERRED_ERRORS);
        return m;
    }

    @Override
    public List<Evidence.Source> sources() {
        return List.copyOf(ROWS.values());
    }

    @Override
    public Map<Evidence.Source, Map<String, Long>> read(Path root) {
        List<String> lines = KernelFiles.lines(root.resolve("proc/interrupts"));
        Map<Evidence.Source, Map<String, Long>> m = new LinkedHashMap<>();
        if (lines.isEmpty()) {
            return m;
        }
        List<String> cpus = new ArrayList<>();
        for (String col : lines.get(0).trim().split("\\s+")) {
            if (col.startsWith("CPU")) {
                cpus.add("cpu" + col.substring(3));
            }
        }
        for (String line : lines.subList(1, lines.size())) {
            String t = line.trim();
            int colon = t.indexOf(':');
            Evidence.Source s = colon < 0 ? null : ROWS.get(t.substring(0, colon));
            if (s == null) {
                continue;
            }
            String[] f = t.substring(colon + 1).trim().split("\\s+");
            Map<String, Long> perCpu = new TreeMap<>();
            for (int i = 0; i < cpus.size() && i < f.length; i++) {
                try {
                    perCpu.put(cpus.get(i), Long.parseLong(f[i]));
                } catch (NumberFormatException e) {
                    break; // the description began: fewer counts than cpus
                }
            }
            if (!perCpu.isEmpty()) {
                m.put(s, perCpu);
            }
        }
        return m;
    }
}
