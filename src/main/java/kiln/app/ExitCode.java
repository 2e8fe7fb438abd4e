package kiln.app;

import java.util.List;
import java.util.function.Predicate;
import kiln.report.Verdict;

/**
 * How a run ends, as the process exit code: documented in README and {@code kiln --help}, and the
 * contract scripts and CI jobs rely on. The code of a {@code kiln run} comes from {@link #ROWS}, a
 * table of outcomes read top to bottom.
 */
public final class ExitCode {
    /** Done: verdict pass, every file removed (with until-ready: warm). */
    public static final int OK = 0;
    /** Verification errors were found: suspect hardware. */
    public static final int VERIFY_FAILED = 1;
    /** Bad usage or configuration: the message names the flag or key, the value and the rule. */
    public static final int USAGE = 2;
    /** The stress could not run. */
    public static final int CANNOT_RUN = 3;
    /** The machine works but did not hold up: a worker stalled (hung, stopped) or crash-looped while others ran. */
    public static final int DEGRADED = 4;
    /**
     * The run cannot vouch for the machine: a stressor did no work, it was cut short, tampered with,
     * file operations failed for no reason it can explain, or files it made are left.
     */
    public static final int INCONCLUSIVE = 5;

    private ExitCode() {
    }

    /** The code of a verdict: pass 0, fail 1, degraded 4, inconclusive 5. */
    public static int of(kiln.link.Outcome verdict) {
        return switch (verdict) {
            case PASS -> OK;
            case FAIL -> VERIFY_FAILED;
            case DEGRADED -> DEGRADED;
            case INCONCLUSIVE -> INCONCLUSIVE;
        };
    }

    /**
     * What the exit code of a run is decided from.
     *
     * @param verdict    the run's verdict; null when no worker started (there is none)
     * @param reportLost the report asked for could not be written at the end
     * @param untilReady the run was to end once the machine is warm
     */
    record Ending(Run.End end, kiln.link.Outcome verdict, boolean reportLost, boolean untilReady) {
    }

    /** How a run ended, as the user is told it (each has its line in {@code RunSession}) and its code. */
    enum Outcome {
        NOT_STARTED(CANNOT_RUN),
        FAILED(VERIFY_FAILED),
        REPORT_LOST(CANNOT_RUN),
        ALL_WORKERS_FAILED(CANNOT_RUN),
        INCONCLUSIVE(ExitCode.INCONCLUSIVE),
        DEGRADED(ExitCode.DEGRADED),
        NOT_WARM(CANNOT_RUN),
        PASSED(OK);

        final int code;

        Outcome(int code) {
            this.code = code;
        }
    }

    /** One row: when it holds, the outcome. */
    record Row(Outcome outcome, Predicate<Ending> when) {
    }

    /**
     * The first row that holds decides. A failure is said above all else, since suspect hardware
     * must never hide behind a lost report; the stress that could not run at all (no worker, every
     * worker crash-looped, not warm in time) and a lost report are exit 3; otherwise the verdict's.
     */
    static final List<Row> ROWS = List.of(
            new Row(Outcome.NOT_STARTED, e -> e.end() == Run.End.NOT_STARTED),
            new Row(Outcome.FAILED, e -> e.verdict() == kiln.link.Outcome.FAIL),
            new Row(Outcome.REPORT_LOST, Ending::reportLost),
            new Row(Outcome.ALL_WORKERS_FAILED, e -> e.end() == Run.End.ALL_FAILED),
            new Row(Outcome.INCONCLUSIVE, e -> e.verdict() == kiln.link.Outcome.INCONCLUSIVE),
            new Row(Outcome.DEGRADED, e -> e.verdict() == kiln.link.Outcome.DEGRADED),
            new Row(Outcome.NOT_WARM, e -> e.untilReady() && e.end() == Run.End.DURATION),
            new Row(Outcome.PASSED, e -> true));

    /** The outcome of a run that ended so. */
    static Outcome of(Ending ending) {
        return ROWS.stream().filter(r -> r.when().test(ending)).findFirst().orElseThrow().outcome();
    }
}
