package kiln.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import kiln.util.Sizes;

/** Typed, range-checked reads of one config tree; every failure is a {@link SettingsException}. */
final class Reader {
    private final Config config;

    Reader(Config config) {
        this.config = config;
    }

    private String shown(String key) {
        ConfigValue value = config.getValue(key);
        return value.valueType() == ConfigValueType.STRING
                ? SettingsException.quoted(value.unwrapped())
                : value.render();
    }

    private SettingsException bad(String key, String rule) {
        return new SettingsException(key, shown(key), "expected " + rule);
    }

    /**
     * Typesafe Config reads a number with a fraction, or one too large for a long, as a double,
     * and its getLong and getBytes then truncate or clamp it without a word (50.5 became 50,
     * 99999999999999999999 became 8 EiB). Such a value is refused here with the key's rule.
     */
    private void requireWhole(String key, String rule) {
        Number n;
        try {
            n = config.getNumber(key);
        } catch (ConfigException.WrongType | ConfigException.BadValue e) {
            return; // not a bare number (a size with a unit, a word): the typed getter decides
        }
        if (n instanceof Double || n instanceof Float || n instanceof java.math.BigDecimal) {
            double d = n.doubleValue();
            if (d != Math.rint(d) || Math.abs(d) >= 0x1p63) {
                throw bad(key, rule);
            }
        }
    }

    boolean bool(String key) {
        try {
            return config.getBoolean(key);
        } catch (ConfigException.WrongType e) {
            throw bad(key, "true or false");
        }
    }

    long longIn(String key, long min, long max) {
        requireWhole(key, "a whole number from " + min + " to " + max);
        long v;
        try {
            v = config.getLong(key);
        } catch (ConfigException.WrongType e) {
            throw bad(key, "a whole number from " + min + " to " + max);
        }
        if (v < min || v > max) {
            throw bad(key, "a whole number from " + min + " to " + max);
        }
        return v;
    }

    int intIn(String key, int min, int max) {
        return (int) longIn(key, min, max);
    }

    /** A whole number in range, or the word {@code auto} (returned as 0). */
    int intOrAuto(String key, int min, int max) {
        ConfigValue value = config.getValue(key);
        if (value.valueType() == ConfigValueType.STRING && "auto".equals(value.unwrapped())) {
            return 0;
        }
        requireWhole(key, "auto or a whole number from " + min + " to " + max);
        try {
            long v = config.getLong(key);
            if (v >= min && v <= max) {
                return (int) v;
            }
        } catch (ConfigException.WrongType e) {
            // fall through to one message for both cases
        }
        throw bad(key, "auto or a whole number from " + min + " to " + max);
    }

    /**
     * The text of a size as written: a string, or a bare number as the file or body wrote it
     * ({@code 1e3} stays {@code 1e3}, not the double it parses to); null for any other type.
     */
    private String sizeText(String key) {
        ConfigValue raw = config.getValue(key);
        if (raw.valueType() == ConfigValueType.NUMBER && (raw.unwrapped() instanceof Double d)) {
            // written with a fraction or an exponent (1e3), or too large for a long: never a size in bytes
            throw Math.rint(d) == d && Math.abs(d) >= 0x1p63
                    ? new SettingsException(key, shown(key), "expected a size of at most 8 EiB")
                    : new SettingsException(key, String.valueOf(d), "expected " + Sizes.RULE);
        }
        return switch (raw.valueType()) {
            case STRING -> (String) raw.unwrapped();
            case NUMBER -> String.valueOf(raw.unwrapped());
            default -> null;
        };
    }

    /** A size by {@link Sizes#RULE} (nothing Typesafe Config's own units add, such as 1e for an exbibyte), in range. */
    long bytesIn(String key, long min, long max) {
        String range = max == Long.MAX_VALUE ? "a size of at least " + Sizes.format(min) + " and at most 8 EiB"
                : "a size from " + Sizes.format(min) + " to " + Sizes.format(max);
        String text = sizeText(key);
        BigInteger v = text == null ? null : Sizes.exact(text);
        if (v == null) {
            throw bad(key, Sizes.RULE);
        }
        if (v.compareTo(BigInteger.valueOf(min)) < 0 || v.compareTo(BigInteger.valueOf(max)) > 0) {
            throw bad(key, range);
        }
        return v.longValueExact();
    }

    /**
     * A free-inode floor: a whole count such as {@code 10000}, or a percentage of the file system's
     * inodes such as {@code 5%} (at most {@code maxPercent}); 0 or 0% is no floor.
     */
    Settings.InodeFloor inodeFloor(String key, double maxPercent) {
        String rule = "a whole number of inodes such as 10000 or a percentage of the file system's inodes from 0% to "
                + (int) maxPercent + "% such as 5%";
        ConfigValue raw = config.getValue(key);
        if (raw.valueType() == ConfigValueType.STRING && ((String) raw.unwrapped()).strip().endsWith("%")) {
            String text = ((String) raw.unwrapped()).strip();
            String number = text.substring(0, text.length() - 1).strip();
            if (number.matches("[0-9]+(\\.[0-9]+)?")) {
                double pct = Double.parseDouble(number);
                if (pct <= maxPercent) {
                    return new Settings.InodeFloor(0, pct);
                }
            }
            throw bad(key, rule);
        }
        requireWhole(key, rule);
        long v;
        try {
            v = config.getLong(key);
        } catch (ConfigException.WrongType | ConfigException.BadValue e) {
            throw bad(key, rule);
        }
        if (v < 0) {
            throw bad(key, rule);
        }
        return new Settings.InodeFloor(v, 0);
    }

    /**
     * A size by {@link Sizes#RULE}, or a percentage of physical memory such as {@code 10%} or
     * {@code 12.5%} (from 0 to {@code maxPercent}); 0 either way is off.
     */
    Settings.Memory sizeOrPercent(String key, double maxPercent) {
        String rule = "a size such as 256m (k, m, g or t: powers of 1024) or a percentage of physical memory such as 10%";
        String text = sizeText(key);
        if (text != null && PERCENT.matcher(text.strip()).matches()) {
            String t = text.strip();
            double pct = Double.parseDouble(t.substring(0, t.length() - 1));
            if (pct > maxPercent) {
                throw bad(key, "a size such as 256m or a percentage of physical memory from 0% to " + (int) maxPercent + "%");
            }
            return new Settings.Memory(0, pct);
        }
        BigInteger v = text == null ? null : Sizes.exact(text);
        if (v == null) {
            throw bad(key, rule);
        }
        if (v.bitLength() > 63) {
            throw bad(key, "a size of at most 8 EiB or a percentage of physical memory such as 10%");
        }
        return new Settings.Memory(v.longValueExact(), 0);
    }

    /** A percentage as people write one: digits, an optional fraction, the sign; no exponent, no sign before it. */
    private static final Pattern PERCENT = Pattern.compile("\\d+(?:\\.\\d+)?\\s*%");

    /** A number with an optional fraction (a bare number, or a string of one), in range: {@code 0.5}. */
    double decimalIn(String key, double min, double max) {
        String rule = String.format(Locale.ROOT, "a number from %s to %s", plain(min), plain(max));
        ConfigValue raw = config.getValue(key);
        double v;
        try {
            v = raw.valueType() == ConfigValueType.NUMBER ? ((Number) raw.unwrapped()).doubleValue()
                    : raw.valueType() == ConfigValueType.STRING ? Double.parseDouble(((String) raw.unwrapped()).trim()) : Double.NaN;
        } catch (NumberFormatException e) {
            throw bad(key, rule);
        }
        if (!(v >= min && v <= max)) {
            throw bad(key, rule);
        }
        return v;
    }

    private static String plain(double d) {
        return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    /** A duration by {@link Durations}' rules: a bare number is seconds (not Typesafe's milliseconds). */
    Duration durationIn(String key, Duration min, Duration max) {
        ConfigValue raw = config.getValue(key);
        String text = raw.valueType() == ConfigValueType.STRING || raw.valueType() == ConfigValueType.NUMBER
                ? String.valueOf(raw.unwrapped()) : "";
        Duration v;
        try {
            v = Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw bad(key, Durations.RULE);
        }
        if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
            throw bad(key, "a duration from " + Durations.format(min) + " to " + Durations.format(max));
        }
        return v;
    }

    String string(String key) {
        try {
            return config.getString(key);
        } catch (ConfigException.WrongType e) {
            throw bad(key, "a string");
        }
    }

    String oneOf(String key, Set<String> allowed) {
        String v = string(key).toLowerCase(Locale.ROOT);
        if (!allowed.contains(v)) {
            // "" (none, the default) is a choice in the file, not a word to list between commas
            java.util.List<String> words = allowed.stream().filter(w -> !w.isEmpty()).toList();
            throw bad(key, "one of " + String.join(", ", words) + (allowed.contains("") ? " (\"\" for none)" : ""));
        }
        return v;
    }
}
