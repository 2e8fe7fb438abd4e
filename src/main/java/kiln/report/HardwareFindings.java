package kiln.report;

import java.util.ArrayList;
import java.util.List;
import kiln.config.Settings;
import kiln.sampler.Evidence;
import kiln.sampler.Evidence.Kind;
import kiln.sampler.Evidence.Source;

/**
 * What the hardware counters gained during a run say to the verdict, by what each source is
 * ({@link Kind}) and in its own words ({@link Source#finding}), never by its name.
 *
 * @param fail         faults, and corrected errors past {@code kiln.verdict.max-corrected-errors}
 * @param inconclusive work the kernel took from the run
 * @param degraded     corrected errors within tolerance, throttling past {@code kiln.verdict.max-throttle-events}
 */
record HardwareFindings(List<String> fail, List<String> inconclusive, List<String> degraded) {

    static HardwareFindings of(Evidence e, Settings.Verdict rules) {
        List<String> fail = new ArrayList<>();
        List<String> inconclusive = new ArrayList<>();
        List<String> degraded = new ArrayList<>();
        for (Source s : of(e, Kind.FAULT)) {
            grew(e, s).ifPresent(n -> fail.add(s.finding(n, e.nonZero(s))));
        }
        for (Source s : of(e, Kind.CORRECTED)) {
            grew(e, s).ifPresent(n -> {
                String what = s.finding(n, e.nonZero(s));
                if (n > rules.maxCorrectedErrors()) {
                    fail.add(what + ", more than kiln.verdict.max-corrected-errors = " + rules.maxCorrectedErrors());
                } else {
                    degraded.add(what);
                }
            });
        }
        for (Source s : of(e, Kind.LOST_WORK)) {
            grew(e, s).ifPresent(n -> inconclusive.add(s.finding(n, e.nonZero(s))));
        }
        throttling(e, rules, degraded);
        return new HardwareFindings(fail, inconclusive, degraded);
    }

    /**
     * Throttle counters and thermal alarms count the same events: the largest count stands, named by
     * the throttle counters' places, or the alarms' where no throttle counter names one.
     */
    private static void throttling(Evidence e, Settings.Verdict rules, List<String> degraded) {
        List<Source> counters = of(e, Kind.THROTTLING);
        List<Source> alarms = of(e, Kind.THERMAL_ALARM);
        long most = 0;
        for (Source s : counters) {
            most = Math.max(most, e.total(s).orElse(0L));
        }
        for (Source s : alarms) {
            most = Math.max(most, e.total(s).orElse(0L));
        }
        if (most <= rules.maxThrottleEvents()) {
            return;
        }
        for (List<Source> named : List.of(counters, alarms)) {
            for (Source s : named) {
                if (!e.nonZero(s).isEmpty()) {
                    degraded.add(s.finding(most, e.nonZero(s)));
                    return;
                }
            }
        }
    }

    /** The available sources of that kind, in registration order. */
    private static List<Source> of(Evidence e, Kind kind) {
        return e.consulted().stream().filter(s -> s.kind() == kind && e.available(s)).toList();
    }

    private static java.util.Optional<Long> grew(Evidence e, Source s) {
        return e.total(s).filter(n -> n > 0);
    }
}
