package kiln.app;

/**
 * How a run ends, as the process exit code: documented in README and {@code kiln --help}, and the
 * contract scripts and CI jobs rely on.
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
    public static int of(kiln.report.Verdict.Outcome verdict) {
        return switch (verdict) {
            case PASS -> OK;
            case FAIL -> VERIFY_FAILED;
            case DEGRADED -> DEGRADED;
            case INCONCLUSIVE -> INCONCLUSIVE;
        };
    }
}
