package kiln.util;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * A cpu list as Linux writes it ({@code 3}, {@code 0-3,8-11}; {@code taskset -c}, {@code cpuset.cpus},
 * {@code /sys/devices/system/cpu/online}) as the cpu numbers it names, for JSON that says numbers as
 * numbers. Stateless.
 */
public final class CpuList {
    /** More than any machine has: a list naming more is not a cpu list. */
    private static final int MAX_CPUS = 1 << 16;

    private CpuList() {
    }

    /** The cpus {@code text} names, ascending as written; empty when it is not a cpu list ("?", "", "x"). */
    public static List<Integer> parse(String text) {
        List<Integer> out = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return List.of();
        }
        for (String part : text.trim().split(",")) {
            String[] range = part.trim().split("-", -1);
            try {
                int from = Integer.parseInt(range[0].trim());
                int to = range.length == 2 ? Integer.parseInt(range[1].trim()) : from;
                if (range.length > 2 || from < 0 || to < from || out.size() + (to - from) >= MAX_CPUS) {
                    return List.of();
                }
                for (int c = from; c <= to; c++) {
                    out.add(c);
                }
            } catch (NumberFormatException e) {
                return List.of();
            }
        }
        return List.copyOf(out);
    }

    /** The one cpu {@code text} names; empty when it names several or none. */
    public static OptionalInt single(String text) {
        List<Integer> cpus = parse(text);
        return cpus.size() == 1 ? OptionalInt.of(cpus.get(0)) : OptionalInt.empty();
    }
}
