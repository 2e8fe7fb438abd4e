package kiln.app;

import java.util.Locale;

/**
 * Where the daemon's run stands; {@link #label()} is its name in the status document and replies.
 * The moves between them are a table ({@link #leadsTo}): a run starts from idle only; a start is
 * refused (back to idle), comes up (running) or ends before it came up (stopping); a running run
 * only stops; a stopping one only ends (idle).
 */
enum RunState {
    IDLE, STARTING, RUNNING, STOPPING;

    private final String label = name().toLowerCase(Locale.ROOT);

    String label() {
        return label;
    }

    /** Whether the daemon may move from this state to {@code next}. */
    boolean leadsTo(RunState next) {
        return switch (this) {
            case IDLE -> next == STARTING;
            case STARTING -> next == IDLE || next == RUNNING || next == STOPPING;
            case RUNNING -> next == STOPPING;
            case STOPPING -> next == IDLE;
        };
    }

    /**
     * The move to {@code next}.
     *
     * @throws IllegalStateException when the table has no such move: a bug, never a request's fault
     */
    RunState moveTo(RunState next) {
        if (!leadsTo(next)) {
            throw new IllegalStateException("the daemon's run cannot go from " + label + " to " + next.label);
        }
        return next;
    }
}
