package kiln.supervisor;

import java.util.ArrayList;
import java.util.List;

/**
 * Every verification error of a run, attributed: worker, the cpus it runs on, stressor, method,
 * expected and actual, where and when. The first {@link #KEPT} in full, then a count. Thread-safe.
 */
public final class VerifyErrorLog {
    /** Errors kept in full; past that only counted. */
    public static final int KEPT = 100;

    /**
     * One wrong result.
     *
     * @param cpus the worker's cpus as Linux lists them: one when pinned
     */
    public record Entry(int worker, String cpus, String stressor, String method, String expected, String actual, String where,
                        long atMillis, java.util.Map<String, String> detail) {
        /** @param detail what else the stressor said, by name, in order (memory: pass, offset, mask, reread) */
        public Entry {
            detail = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(detail));
        }

        public Entry(int worker, String cpus, String stressor, String method, String expected, String actual, String where,
                     long atMillis) {
            this(worker, cpus, stressor, method, expected, actual, where, atMillis, java.util.Map.of());
        }

        /** One line: {@code w1 cpu 1 cpu/float: expected 3ff0 got 3ff2}, then the details ({@code mask 0x4, reread stored}). */
        public String describe() {
            StringBuilder more = new StringBuilder();
            detail.forEach((k, v) -> {
                if (!k.equals("offset")) {
                    more.append(more.length() == 0 ? " (" : ", ").append(k).append(' ').append(v);
                }
            });
            return "w" + worker + " cpu " + cpus + " " + stressor + "/" + method + ": expected " + expected + " got " + actual
                    + (where.isEmpty() ? "" : " at " + where) + (more.length() == 0 ? "" : more.append(')'));
        }
    }

    private final List<Entry> kept = new ArrayList<>();
    private long reported;

    synchronized void add(Entry e) {
        reported++;
        if (kept.size() < KEPT) {
            kept.add(e);
        }
    }

    public synchronized List<Entry> entries() {
        return List.copyOf(kept);
    }

    /** Details received (the workers' counters may be higher: details past a worker's queue are dropped). */
    public synchronized long reported() {
        return reported;
    }
}
