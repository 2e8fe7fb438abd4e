package kiln.config;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;

/** Durations in the config file's syntax: {@code 500ms}, {@code 8s}, {@code 10m}, {@code 2h}. */
public final class Durations {
    private Durations() {
    }

    /**
     * Parses a duration exactly as the config file would, but insists on a unit.
     *
     * @throws IllegalArgumentException naming the rule when {@code text} is not a duration
     */
    public static Duration parse(String text) {
        String rule = "expected a duration with a unit such as 500ms, 8s, 10m or 2h, found \"" + text + "\"";
        if (text.isBlank() || text.strip().chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException(rule);
        }
        try {
            Duration d = ConfigFactory.parseMap(Map.of("v", text)).getDuration("v");
            if (d.isNegative()) {
                throw new IllegalArgumentException(rule);
            }
            return d;
        } catch (ConfigException e) {
            throw new IllegalArgumentException(rule);
        }
    }

    /** Compact form for messages and the console: 1h02m, 4m05s, 8s, 250ms. */
    public static String format(Duration d) {
        long s = d.toSeconds();
        if (s == 0) {
            return d.toMillis() + "ms";
        }
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format("%dm%02ds", s / 60, s % 60);
        }
        return String.format("%dh%02dm", s / 3600, (s % 3600) / 60);
    }
}
