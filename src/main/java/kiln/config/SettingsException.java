package kiln.config;

/**
 * A configuration value that kiln cannot accept. It names the full key, the value found and the
 * rule it broke; the message reads {@code kiln.cpu.load = 150: expected a whole number from 0 to 100}.
 * For a whole file that cannot be read, the key is the file name and there is no value.
 */
public final class SettingsException extends RuntimeException {
    private final String key;
    private final String value;
    private final String rule;

    /**
     * @param key   the full key, such as {@code kiln.cpu.load}
     * @param value the value found, as written in the configuration (strings quoted); null when
     *              there is none to show (an unknown key, an unreadable file)
     * @param rule  what was expected, such as {@code expected a whole number from 0 to 100}
     */
    public SettingsException(String key, String value, String rule) {
        super(key + (value == null ? "" : " = " + value) + ": " + rule);
        this.key = key;
        this.value = value;
        this.rule = rule;
    }

    /** A value shown as the configuration writes a string: in double quotes. */
    static String quoted(Object value) {
        return "\"" + value + "\"";
    }

    /** The full key, such as {@code kiln.cpu.load}, or the file name for a parse error. */
    public String key() {
        return key;
    }

    /** The value found, as written (strings in quotes); null when there is none. */
    public String value() {
        return value;
    }

    /** The rule the value broke, such as {@code expected a whole number from 0 to 100}. */
    public String rule() {
        return rule;
    }

    /** The message with the key swapped for another name (a command-line flag, a JSON field). */
    public String messageFor(String name) {
        return name + getMessage().substring(key.length());
    }
}
