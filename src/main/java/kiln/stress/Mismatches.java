package kiln.stress;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import kiln.link.Stressor;

/**
 * The details of wrong results a stressor found, for the supervisor to attribute: what was
 * computed, what was expected, when. Bounded: the counters stay exact, and past {@link #CAPACITY}
 * undelivered details the newest are dropped (the first ones are what an operator reads).
 * Thread-safe.
 */
public final class Mismatches {
    static final int CAPACITY = 32;

    /**
     * One wrong result.
     *
     * @param stressor which stressor found it
     * @param method   the CPU method, memory pattern, or "readback" for files
     * @param expected what the answer is, as text (hex for numbers)
     * @param actual   what was found
     * @param where    where it was found, when it says more than the cpu: a memory offset, a file
     * @param atMillis when, in epoch milliseconds
     * @param cpu      a CPU method's miscompare (seed, lane, mask, retest, replay); null for other stressors
     * @param detail   what else the stressor knows, by name, in order: for memory {@code pass},
     *                 {@code offset} (bytes, decimal), {@code mask} (0x hex), {@code reread}
     *                 ({@code stored} or {@code transient}); names are {@code [a-z0-9_]+}
     */
    public record Mismatch(Stressor stressor, String method, String expected, String actual, String where, long atMillis,
                           kiln.link.CpuMiscompare cpu, Map<String, String> detail) {
        public Mismatch {
            detail = detail == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(detail));
        }

        public Mismatch(Stressor stressor, String method, String expected, String actual, String where, long atMillis) {
            this(stressor, method, expected, actual, where, atMillis, null, Map.of());
        }
    }

    private final ArrayBlockingQueue<Mismatch> pending = new ArrayBlockingQueue<>(CAPACITY);

    public void add(Stressor stressor, String method, String expected, String actual, String where) {
        add(stressor, method, expected, actual, where, Map.of());
    }

    /** @param detail see {@link Mismatch#detail()} */
    public void add(Stressor stressor, String method, String expected, String actual, String where, Map<String, String> detail) {
        pending.offer(new Mismatch(stressor, method, expected, actual, where, System.currentTimeMillis(), null, detail));
    }

    /** A CPU method's wrong result, found at {@code atMillis} ({@code where}: the core's clock then), with its miscompare details. */
    public void addCpu(String method, String expected, String actual, String where, long atMillis, kiln.link.CpuMiscompare cpu) {
        pending.offer(new Mismatch(Stressor.CPU, method, expected, actual, where, atMillis, cpu, Map.of()));
    }

    /** Moves what is waiting, at most {@code max}, into {@code out}. */
    public void drainTo(List<Mismatch> out, int max) {
        pending.drainTo(out, max);
    }
}
