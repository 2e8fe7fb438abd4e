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
        return u == 0 ? String.format("%.0f %s", bytes, units[u]) : String.format("%.1f %s", bytes, units[u]);
    }
}
