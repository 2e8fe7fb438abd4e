package kiln.app;

/**
 * A run that cannot start or go on: {@code kiln run} exits 3 with the message, the daemon refuses
 * the request (400) with it. Checked, so that every step that can refuse says so in its signature.
 */
final class CannotRun extends Exception {
    private static final long serialVersionUID = 1L;
    /** The configuration key the message is about, for the daemon to name as its client did; null when none. */
    private final String key;

    CannotRun(String message) {
        this(message, null);
    }

    CannotRun(String message, String key) {
        super(message);
        this.key = key;
    }

    /** The full key the refusal is about ({@code kiln.run.report}), or null. */
    String key() {
        return key;
    }
}
