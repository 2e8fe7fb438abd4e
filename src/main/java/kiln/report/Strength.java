package kiln.report;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import kiln.supervisor.WorkerView;

/**
 * How much a pass is worth: per CPU method, the core-seconds it was tested without a failure and
 * the upper bound that puts on a fault's rate at 95% confidence. No failure in T core-seconds:
 * the rate is below 3/T (the rule of three; the exact Poisson bound is -ln(0.05)/T = 2.996/T, so 3
 * errs on the safe side). A method that failed gets no bound: its failures say more. Stateless.
 */
public final class Strength {
    /** The confidence of the bound. */
    public static final double CONFIDENCE = 0.95;
    /** Events a fault of rate 3/T would show in T with probability 95%: the rule of three. */
    static final double RULE_OF_THREE = 3.0;

    private Strength() {
    }

    /**
     * The upper bound on a fault's rate, per core-second, when {@code coreSeconds} of testing showed
     * no failure; NaN when nothing was tested (no time, no bound).
     */
    public static double bound(double coreSeconds) {
        return coreSeconds > 0 ? RULE_OF_THREE / coreSeconds : Double.NaN;
    }

    /**
     * Core-seconds each CPU method was run, summed over workers. A worker's burners rotate the
     * methods by equal numbers of duty periods, so its busy time is shared equally among the
     * methods it ran; and it is counted at most once per cpu it may run on for the run's time,
     * so that burner threads sharing a core never count as more testing than the core had.
     */
    static Map<String, Double> coreSeconds(List<WorkerView> workers, Duration elapsed) {
        Map<String, Double> out = new TreeMap<>();
        for (WorkerView w : workers) {
            List<String> ran = w.totals().cpu().ops().entrySet().stream().filter(e -> e.getValue() > 0).map(Map.Entry::getKey).toList();
            if (ran.isEmpty()) {
                continue;
            }
            double busy = Math.min(w.totals().cpu().busyNanos() / 1e9, elapsed.toNanos() / 1e9 * cpuCount(w.cpus()));
            for (String method : ran) {
                out.merge(method, busy / ran.size(), Double::sum);
            }
        }
        return out;
    }

    /** How many cpus a Linux cpu list names ("3" 1, "0-3,6" 5); 1 when it cannot be read. */
    static int cpuCount(String list) {
        int n = 0;
        try {
            for (String part : list.split(",")) {
                String[] r = part.split("-");
                n += r.length == 1 ? 1 : Integer.parseInt(r[1].strip()) - Integer.parseInt(r[0].strip()) + 1;
            }
        } catch (NumberFormatException e) {
            return 1;
        }
        return Math.max(1, n);
    }

    /** The report's {@code cpu.strength}: the rule, then per method its core-seconds, failures and bound. */
    static Map<String, Object> of(Report r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("confidence", CONFIDENCE);
        m.put("rule", "no failure in T core-seconds: a fault's rate is below 3/T (the rule of three)");
        Map<String, Object> methods = new LinkedHashMap<>();
        Map<String, Long> failed = r.totals().cpu().verifyErrors();
        coreSeconds(r.workers(), r.elapsed()).forEach((method, t) -> {
            Map<String, Object> one = new LinkedHashMap<>();
            long failures = failed.getOrDefault(method, 0L);
            one.put("core_seconds", Math.round(t * 10) / 10.0);
            one.put("failures", failures);
            double bound = failures == 0 ? bound(t) : Double.NaN;
            one.put("fault_rate_below_per_core_second", Double.isNaN(bound) ? null : bound);
            one.put("fault_rate_below_per_core_hour", Double.isNaN(bound) ? null : bound * 3600);
            if (failures > 0) {
                one.put("note", failures + (failures == 1 ? " failure" : " failures") + ": no bound, the method failed");
            }
            methods.put(method, one);
        });
        m.put("methods", methods);
        return m;
    }

    /** The HTML report's table of {@code cpu.strength}: per method its core-hours, failures and bound; nothing when no method ran. */
    static void html(StringBuilder h, Map<String, Object> report) {
        if (!(report.get("cpu") instanceof Map<?, ?> cpu) || !(cpu.get("strength") instanceof Map<?, ?> st)
                || !(st.get("methods") instanceof Map<?, ?> methods) || methods.isEmpty()) {
            return;
        }
        h.append("<h3>How much testing a pass rests on</h3>\n<p class=\"note\">No failure in T core-seconds: a fault's rate is below 3/T,"
                + " at 95% confidence (the rule of three).</p>\n<table id=\"strength\"><tr><th>method</th><th>core-hours tested</th>"
                + "<th>failures</th><th>fault rate below, per core-hour</th></tr>\n");
        for (Map.Entry<?, ?> e : methods.entrySet()) {
            Map<?, ?> one = (Map<?, ?>) e.getValue();
            double hours = one.get("core_seconds") instanceof Number n ? n.doubleValue() / 3600 : 0;
            String bound = one.get("fault_rate_below_per_core_hour") instanceof Number b ? String.format(java.util.Locale.ROOT, "%.3g", b.doubleValue())
                    : "none: it failed";
            h.append(String.format(java.util.Locale.ROOT, "<tr><td>%s</td><td>%.3f</td><td>%s</td><td>%s</td></tr>%n",
                    HtmlReport.esc(String.valueOf(e.getKey())), hours, HtmlReport.esc(String.valueOf(one.get("failures"))), HtmlReport.esc(bound)));
        }
        h.append("</table>\n");
    }
}
