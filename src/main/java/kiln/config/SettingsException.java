package kiln.config;

/**
 * A configuration value that kiln cannot accept. The message names the full key, the value
 * found and the rule it broke, e.g. {@code kiln.cpu.load = 150: expected a whole number from 0 to 100}.
 */
public final class SettingsException extends RuntimeException {
    private final String key;

    public SettingsException(String key, String message) {
        super(key + message);
        this.key = key;
    }

    /** The full key, such as {@code kiln.cpu.load}, or the file name for a parse error. */
    public String key() {
        return key;
    }

    /** The message with the key swapped for another name (a command-line flag, a JSON field). */
    public String messageFor(String name) {
        return name + getMessage().substring(key.length());
    }
}
