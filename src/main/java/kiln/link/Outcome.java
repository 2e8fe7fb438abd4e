package kiln.link;

import java.util.Locale;

/**
 * A verdict: what a run, a screen or the daemon's last run says of the machine. Here, beside the
 * other words the supervisor's packages share, so that the daemon's state can hold it typed.
 */
public enum Outcome {
    /** Everything enabled did real work; no error, no new hardware error, no throttling past tolerance. */
    PASS,
    /** Wrong results or hardware errors: the machine corrupts data. */
    FAIL,
    /** It works but is not healthy: throttling, corrected errors within tolerance, a slow or stalled core. */
    DEGRADED,
    /** The run cannot vouch for the machine: a stressor did no work, the run was cut short, or it was tampered with. */
    INCONCLUSIVE;

    private final String label = name().toLowerCase(Locale.ROOT);

    /** Its word in reports, metrics and the API. */
    public String label() {
        return label;
    }
}
