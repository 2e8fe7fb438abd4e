package kiln.util;

import java.util.Locale;

/** Byte sizes for people and for the config file's syntax; parsing lives with the settings. */
public final class Sizes {
    private Sizes() {
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
