package kiln.util;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte sizes, the one definition for flags, the config file and the API: read as {@code 1k},
 * {@code 64m}, {@code 5g} (k, m, g, t: powers of 1024), written back the same way, and shown to
 * people as {@code 1.5 GiB}. Thread-safe: holds no state.
 */
public final class Sizes {
    /** The rule a size follows, for error messages ("expected " + RULE). */
    public static final String RULE = "a size such as 1k, 64m or 5g (a whole number of bytes, or one with k, m, g or t:"
            + " powers of 1024)";

    /**
     * A number of bytes, or a number (a fraction allowed, as in 1.5g) with one of the documented
     * units. Nothing else: Typesafe Config's own reading took {@code 1e} for an exbibyte, {@code 1p}
     * for a pebibyte and {@code 1kB} for 1000 bytes, so a typo asked for all the memory there is.
     */
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kKmMgGtT]?)");

    private Sizes() {
    }

    /**
     * The exact number of bytes {@code text} stands for (larger than a long, if that is what was
     * written), or null when it is not a size by {@link #RULE}: another unit, a sign, an exponent,
     * a fraction of a byte.
     */
    public static BigInteger exact(String text) {
        Matcher m = SIZE.matcher(text.strip());
        if (!m.matches()) {
            return null;
        }
        int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        if (shift == 0 && m.group(1).contains(".")) {
            return null; // a fraction of a byte
        }
        BigDecimal bytes = new BigDecimal(m.group(1)).multiply(new BigDecimal(BigInteger.ONE.shiftLeft(shift)));
        try {
            return bytes.toBigIntegerExact();
        } catch (ArithmeticException e) {
            return null; // 0.3k is 307.2 bytes
        }
    }

    /**
     * Parses a size by {@link #RULE}.
     *
     * @throws IllegalArgumentException "expected …, found …" when {@code text} is not a size or is
     *                                  more than a long holds (8 EiB)
     */
    public static long parse(String text) {
        BigInteger v = exact(text);
        if (v == null) {
            throw new IllegalArgumentException("expected " + RULE + ", found \"" + text + "\"");
        }
        if (v.bitLength() > 63) {
            throw new IllegalArgumentException("expected a size of at most 8 EiB, found \"" + text + "\"");
        }
        return v.longValueExact();
    }

    /** Shortest exact form: 1024 → 1k, 5368709120 → 5g, 1000 → 1000. */
    public static String format(long bytes) {
        String[] units = {"", "k", "m", "g", "t"};
        long v = bytes;
        int u = 0;
        while (u < units.length - 1 && v != 0 && v % 1024 == 0) {
            v /= 1024;
            u++;
        }
        return v + units[u];
    }

    /** Human form for people, one decimal: 1.5 GiB. */
    public static String human(double bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int u = 0;
        while (u < units.length - 1 && Math.abs(bytes) >= 1024) {
            bytes /= 1024;
            u++;
        }
        return u == 0 ? String.format(Locale.ROOT, "%.0f %s", bytes, units[u])
                : String.format(Locale.ROOT, "%.1f %s", bytes, units[u]);
    }
}
