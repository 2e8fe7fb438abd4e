package kiln.config;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.util.Map;

/** Byte sizes in the config file's syntax: {@code 1k}, {@code 64m}, {@code 5g} (powers of 1024). */
public final class Sizes {
    private Sizes() {
    }

    /**
     * Parses a size exactly as the config file would.
     *
     * @throws IllegalArgumentException naming the rule when {@code text} is not a size
     */
    public static long parse(String text) {
        String t = text.strip();
        // a bare number too large for a long is read as a double and clamped: refuse it instead
        if (t.matches("\\d+") && (t.length() > 19 || (t.length() == 19 && t.compareTo("9223372036854775807") > 0))) {
            throw new IllegalArgumentException("expected a size of at most 8 EiB, found \"" + text + "\"");
        }
        try {
            long v = ConfigFactory.parseMap(Map.of("v", text)).getBytes("v");
            if (v < 0) {
                throw new IllegalArgumentException("a size cannot be negative: " + text);
            }
            return v;
        } catch (ConfigException e) {
            throw new IllegalArgumentException("expected a size such as 1k, 64m or 5g, found \"" + text + "\"");
        }
    }
}
