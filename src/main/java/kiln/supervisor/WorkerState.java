package kiln.supervisor;

import java.util.Locale;

/** Where a worker position stands; {@link #label()} is its name in metrics and JSON. */
public enum WorkerState {
    /** a life was launched and has not reported in yet */
    STARTING,
    /** reporting stats */
    RUNNING,
    /** alive but silent: no stats frame for longer than a few reporting periods (stopped, hung, starved) */
    STALLED,
    /** died; waiting to be restarted */
    BACKOFF,
    /** died too often: given up on for this run */
    FAILED,
    /** told to stop, removing its files */
    STOPPING,
    /** stopped, or not started */
    STOPPED;

    private final String label = name().toLowerCase(Locale.ROOT);

    /** The lower-case name used in {@code kiln_workers{state}} and the status document. */
    public String label() {
        return label;
    }
}
