package kiln.config;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;

/**
 * Durations as people type them: a bare number of seconds ({@code 60}, as stress-ng's
 * {@code --timeout 60}), a number with a unit ({@code 500ms}, {@code 8s}, {@code 10m},
 * {@code 2h}, {@code 1d}), several of those run together ({@code 1m30s}, {@code 1h15m}), or
 * Typesafe Config's long forms ({@code 10 minutes}). The same rules for flags, the config file
 * and the API.
 */
public final class Durations {
    /** The rule, as error messages state it. */
    public static final String RULE = "a duration such as 60 (seconds), 500ms, 8s, 1m30s or 2h";
    private static final java.util.regex.Pattern PART = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)");
    private static final java.util.regex.Pattern COMPOUND = java.util.regex.Pattern.compile("(?:\\d+(?:\\.\\d+)?(?:ms|s|m|h|d))+");

    /** Typesafe Config's forms with a word for the unit: {@code 10 minutes}, {@code 2 hours}. */
    private static final java.util.regex.Pattern LONG_FORM = java.util.regex.Pattern.compile("\\d+(?:\\.\\d+)?\\s*[a-zA-Z]+");

    private Durations() {
    }

    /**
     * Parses a duration.
     *
     * @throws IllegalArgumentException naming the rule when {@code text} is not a duration
     */
    public static Duration parse(String text) {
        String t = text.strip();
        String rule = "expected " + RULE + ", found \"" + text + "\"";
        if (t.isEmpty()) {
            throw new IllegalArgumentException(rule);
        }
        try {
            if (t.chars().allMatch(Character::isDigit)) {
                return Duration.ofSeconds(Long.parseLong(t));
            }
            if (COMPOUND.matcher(t).matches()) {
                java.math.BigDecimal nanos = java.math.BigDecimal.ZERO;
                java.util.regex.Matcher m = PART.matcher(t);
                while (m.find()) {
                    nanos = nanos.add(new java.math.BigDecimal(m.group(1)).multiply(java.math.BigDecimal.valueOf(unitNanos(m.group(2)))));
                }
                return Duration.ofNanos(nanos.longValueExact());
            }
            if (!LONG_FORM.matcher(t).matches()) {
                throw new IllegalArgumentException(rule);
            }
            Duration d = ConfigFactory.parseMap(Map.of("v", t)).getDuration("v");
            if (d.isNegative()) {
                throw new IllegalArgumentException(rule);
            }
            return d;
        } catch (ConfigException | ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException(rule);
        }
    }

    private static long unitNanos(String unit) {
        return switch (unit) {
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> 86_400_000_000_000L;
        };
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
