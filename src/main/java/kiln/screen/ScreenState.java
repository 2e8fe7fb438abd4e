package kiln.screen;

import kiln.link.Outcome;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import kiln.report.Verdict;

/**
 * What screening remembers across restarts: when each core was last screened and how it ended,
 * which core is next, when each CPU method last ran in a complete screen, and the counters the
 * metrics export (screens by verdict, CPU time), so that none goes backwards after a restart.
 * Kept as JSON beside the run reports ({@link ScreenStore}). Not thread-safe: the screener's
 * lock guards it.
 */
final class ScreenState {
    static final int SCHEMA = 1;

    /** When screening began keeping this state, epoch ms: a core never screened counts from here. */
    final long sinceMillis;
    /** The cpus screened, by kernel number, ascending; the arrays below are indexed like it. */
    private final int[] cpus;
    private final long[] lastScreened;
    private final String[] lastVerdict;
    /** Index into {@link #cpus} of the next to screen. */
    private int nextCore;
    private final Map<String, Long> methodLast = new TreeMap<>();
    private final EnumMap<Outcome, Long> screens = new EnumMap<>(Outcome.class);
    private long cpuNanos;
    /** The last screen's result and the last failing one's, as the status shows them; null before any. */
    private Map<String, Object> last;
    private Map<String, Object> lastFailure;

    /** Cpus 0..cores-1. */
    ScreenState(int cores, long sinceMillis) {
        this(java.util.stream.IntStream.range(0, cores).boxed().toList(), sinceMillis);
    }

    ScreenState(List<Integer> cpus, long sinceMillis) {
        this.sinceMillis = sinceMillis;
        this.cpus = cpus.stream().mapToInt(Integer::intValue).sorted().toArray();
        this.lastScreened = new long[this.cpus.length];
        this.lastVerdict = new String[this.cpus.length];
        for (Outcome o : Outcome.values()) {
            screens.put(o, 0L);
        }
    }

    int cores() {
        return cpus.length;
    }

    /** The cpus screened, ascending. */
    List<Integer> cpus() {
        return Arrays.stream(cpus).boxed().toList();
    }

    /** Where {@code cpu} is in the arrays, negative when it is not screened. */
    private int index(int cpu) {
        return Arrays.binarySearch(cpus, cpu);
    }

    /** Epoch ms of the core's last complete screen, 0 when never (or not screened here). */
    long lastScreened(int cpu) {
        int i = index(cpu);
        return i < 0 ? 0 : lastScreened[i];
    }

    String lastVerdict(int cpu) {
        int i = index(cpu);
        return i < 0 ? null : lastVerdict[i];
    }

    /** The next cpu to screen. */
    int nextCore() {
        return cpus[nextCore];
    }

    /** The {@code n} cores after the last screened, wrapping: the rotation. */
    List<Integer> nextCores(int n) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < Math.min(n, cores()); i++) {
            out.add(cpus[(nextCore + i) % cores()]);
        }
        return out;
    }

    /**
     * A screen ended: its CPU time and its verdict count whatever happened; a failing one is the
     * cores' verdict; a complete one marks its cores screened and moves the rotation on.
     */
    void record(ScreenResult r) {
        cpuNanos += r.cpuNanos();
        screens.merge(r.verdict().outcome(), 1L, Long::sum);
        last = r.toMap();
        boolean failed = r.verdict().outcome() == Outcome.FAIL;
        if (failed) {
            lastFailure = last; // a wrong result stands even in a screen cut short
        }
        if (!r.complete() && !failed) {
            return;
        }
        for (int cpu : r.cores()) {
            if (index(cpu) >= 0) {
                lastVerdict[index(cpu)] = r.verdict().outcome().label();
            }
        }
        if (!r.complete()) {
            return;
        }
        for (int cpu : r.cores()) {
            if (index(cpu) >= 0) {
                lastScreened[index(cpu)] = r.endMillis();
            }
        }
        nextCore = (Math.max(0, index(r.cores().get(r.cores().size() - 1))) + 1) % cores();
        for (String m : r.methodsRun()) {
            methodLast.put(m, r.endMillis());
        }
    }

    Map<String, Long> methodLast() {
        return java.util.Collections.unmodifiableMap(methodLast);
    }

    long screens(Outcome o) {
        return screens.get(o);
    }

    long cpuNanos() {
        return cpuNanos;
    }

    Map<String, Object> last() {
        return last;
    }

    Map<String, Object> lastFailure() {
        return lastFailure;
    }

    /** The document kept on disk. */
    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", SCHEMA);
        m.put("since_ms", sinceMillis);
        m.put("next_core", nextCore());
        List<Object> cores = new ArrayList<>();
        for (int i = 0; i < cores(); i++) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("cpu", cpus[i]);
            c.put("last_ms", lastScreened[i]);
            c.put("verdict", lastVerdict[i] == null ? "" : lastVerdict[i]);
            cores.add(c);
        }
        m.put("cores", cores);
        m.put("methods_last_ms", new TreeMap<>(methodLast));
        Map<String, Object> counts = new LinkedHashMap<>();
        screens.forEach((o, n) -> counts.put(o.label(), n));
        m.put("screens", counts);
        m.put("cpu_ns", cpuNanos);
        if (last != null) {
            m.put("last", last);
        }
        if (lastFailure != null) {
            m.put("last_failure", lastFailure);
        }
        return m;
    }

    /** The state a kept document describes, fitted to cpus 0..cores-1. */
    static ScreenState fromMap(Map<String, Object> m, int cores) {
        return fromMap(m, java.util.stream.IntStream.range(0, cores).boxed().toList());
    }

    /**
     * The state a kept document describes, fitted to {@code cpus} (a cpu that left is forgotten, a
     * new one never screened; the rotation goes on at the next cpu kept, else at the first).
     */
    @SuppressWarnings("unchecked")
    static ScreenState fromMap(Map<String, Object> m, List<Integer> cpus) {
        if (!(m.get("schema") instanceof Number schema) || schema.intValue() != SCHEMA) {
            throw new IllegalArgumentException("schema " + m.get("schema") + ", expected " + SCHEMA);
        }
        ScreenState s = new ScreenState(cpus, number(m, "since_ms"));
        int next = s.index((int) number(m, "next_core"));
        s.nextCore = next >= 0 ? next : 0;
        for (Object o : (List<Object>) m.get("cores")) {
            Map<String, Object> c = (Map<String, Object>) o;
            int i = s.index((int) number(c, "cpu"));
            if (i >= 0) {
                s.lastScreened[i] = number(c, "last_ms");
                String v = (String) c.get("verdict");
                s.lastVerdict[i] = v == null || v.isEmpty() ? null : v;
            }
        }
        ((Map<String, Object>) m.get("methods_last_ms")).forEach((k, v) -> s.methodLast.put(k, ((Number) v).longValue()));
        Map<String, Object> counts = (Map<String, Object>) m.get("screens");
        for (Outcome o : Outcome.values()) {
            s.screens.put(o, counts.get(o.label()) instanceof Number n ? Math.max(0, n.longValue()) : 0L);
        }
        s.cpuNanos = Math.max(0, number(m, "cpu_ns"));
        s.last = (Map<String, Object>) m.get("last");
        s.lastFailure = (Map<String, Object>) m.get("last_failure");
        return s;
    }

    private static long number(Map<String, Object> m, String key) {
        if (m.get(key) instanceof Number n) {
            return n.longValue();
        }
        throw new IllegalArgumentException("no number " + key);
    }

    @Override
    public String toString() {
        return "ScreenState" + Arrays.toString(cpus) + Arrays.toString(lastScreened) + " next " + nextCore();
    }
}
