package kiln.supervisor;

import java.util.ArrayList;
import java.util.List;
import kiln.link.CpuMiscompare;

/**
 * Every verification error of a run, attributed: worker, the cpus it runs on, stressor, method,
 * expected and actual, where and when, and for a CPU method the seed, lane, mask, retest and
 * replay command. The first {@link #KEPT} in full, then a count. Thread-safe.
 */
public final class VerifyErrorLog {
    /** Errors kept in full; past that only counted. */
    public static final int KEPT = 100;

    /**
     * One wrong result.
     *
     * @param cpus the worker's cpus as Linux lists them: one when pinned
     * @param cpu  a CPU method's miscompare details; null for other stressors
     */
    public record Entry(int worker, String cpus, kiln.link.Stressor stressor, String method, String expected, String actual, String where,
                        long atMillis, CpuMiscompare cpu, java.util.Map<String, String> detail) {
        /** @param detail what else the stressor said, by name, in order (memory: pass, offset, mask, reread) */
        public Entry {
            detail = detail == null ? java.util.Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(detail));
        }

        public Entry(int worker, String cpus, kiln.link.Stressor stressor, String method, String expected, String actual, String where,
                     long atMillis) {
            this(worker, cpus, stressor, method, expected, actual, where, atMillis, null, java.util.Map.of());
        }

        public Entry(int worker, String cpus, kiln.link.Stressor stressor, String method, String expected, String actual, String where,
                     long atMillis, CpuMiscompare cpu) {
            this(worker, cpus, stressor, method, expected, actual, where, atMillis, cpu, java.util.Map.of());
        }

        public Entry(int worker, String cpus, kiln.link.Stressor stressor, String method, String expected, String actual, String where,
                     long atMillis, java.util.Map<String, String> detail) {
            this(worker, cpus, stressor, method, expected, actual, where, atMillis, null, detail);
        }

        /**
         * One line: {@code w1 cpu 1 cpu/float: expected 3ff0 got 3ff2}, then for a CPU method the
         * element, lane, mask, what the retest makes of it and the replay command, and for others
         * their details ({@code mask 0x4, reread stored}).
         */
        public String describe() {
            String line = "w" + worker + " cpu " + cpus + " " + stressor.label() + "/" + method + ": expected " + expected + " got " + actual
                    + (where.isEmpty() ? "" : " at " + where);
            if (cpu != null) {
                return line + " (seed " + Long.toHexString(cpu.seed()) + ", element " + cpu.element() + " lane " + cpu.lane()
                        + ", mask " + Long.toHexString(cpu.mask()) + "); " + cpu.kind() + ": " + cpu.rate() + "; replay: " + cpu.replay();
            }
            StringBuilder more = new StringBuilder();
            detail.forEach((k, v) -> {
                if (!k.equals("offset")) {
                    more.append(more.length() == 0 ? " (" : ", ").append(k).append(' ').append(v);
                }
            });
            return line + (more.length() == 0 ? "" : more.append(')'));
        }
    }

    private final List<Entry> kept = new ArrayList<>();
    private long reported;
    /** The CPU's temperature at the last sample, °C; NaN where no sensor answers. */
    private volatile double temperatureC = Double.NaN;

    /** The CPU temperature the sampler read last (NaN: none): a CPU mismatch records it beside the core's clock. */
    public void temperature(double celsius) {
        temperatureC = celsius;
    }

    synchronized void add(Entry e) {
        double t = temperatureC;
        if (e.cpu() != null && !Double.isNaN(t)) { // silent corruption rises with temperature: the record says how hot
            String hot = String.format(java.util.Locale.ROOT, "%.0f °C", t);
            e = new Entry(e.worker(), e.cpus(), e.stressor(), e.method(), e.expected(), e.actual(),
                    e.where().isEmpty() ? hot : e.where() + ", " + hot, e.atMillis(), e.cpu(), e.detail());
        }
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
