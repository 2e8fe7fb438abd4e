package kiln.app;

import java.util.Locale;

/** Where the daemon's run stands; {@link #label()} is its name in the status document and replies. */
enum RunState {
    IDLE, STARTING, RUNNING, STOPPING;

    private final String label = name().toLowerCase(Locale.ROOT);

    String label() {
        return label;
    }
}
