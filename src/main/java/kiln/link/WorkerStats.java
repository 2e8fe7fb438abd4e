package kiln.link;

import java.util.Map;
import java.util.TreeMap;

/**
 * Cumulative counters of one worker life, sent in {@code stats} frames, in one part per stressor.
 * Counters only grow within a life; the supervisor adds up lives. Gauges ({@link FileStats#inFlight},
 * {@link FileStats#kept}, {@link FileStats#paused}) are current values. Immutable.
 *
 * @param seq             frame number within this life
 * @param files           the file storm's counters
 * @param cpu             the CPU burners' counters
 * @param memoryBytes     bytes written plus bytes verified by the memory stressor
 * @param verifyErrors    wrong results by stressor
 * @param processCpuNanos CPU time of the whole worker process (all threads)
 * @param memoryPatterns  the memory stressor's counters per pattern, keyed {@code <pattern>.<counter>}: passes
 *                        (complete), bytes (moved), errors (wrong words), e.g. {@code own-address.bytes}
 */
public record WorkerStats(long seq, FileStats files, Cpu cpu, long memoryBytes, Map<Stressor, Long> verifyErrors,
                          long processCpuNanos, Map<String, Long> memoryPatterns) implements Message.FromWorker {

    static final String TYPE = "stats";

    public WorkerStats {
        java.util.Objects.requireNonNull(files, "files");
        java.util.Objects.requireNonNull(cpu, "cpu");
        verifyErrors = java.util.Collections.unmodifiableMap(Stressor.mapOf(verifyErrors));
        memoryPatterns = Map.copyOf(memoryPatterns);
    }

    /** Without per-pattern memory counters. */
    public WorkerStats(long seq, FileStats files, Cpu cpu, long memoryBytes, Map<Stressor, Long> verifyErrors, long processCpuNanos) {
        this(seq, files, cpu, memoryBytes, verifyErrors, processCpuNanos, Map.of());
    }

    /** Names of the memory patterns that have counters here, sorted. */
    public java.util.SortedSet<String> memoryPatternNames() {
        java.util.SortedSet<String> out = new java.util.TreeSet<>();
        memoryPatterns.keySet().forEach(k -> out.add(k.substring(0, k.lastIndexOf('.'))));
        return out;
    }

    /** One memory pattern's counter; 0 when it has none. */
    public long memoryPattern(String pattern, MemoryCounter counter) {
        return memoryPatterns.getOrDefault(counter.of(pattern), 0L);
    }

    /**
     * The CPU burners' part.
     *
     * @param ops       operations by method's word
     * @param busyNanos time the burners spent busy
     * @param verifyErrors wrong results by method's word (their sum is the cpu stressor's verification errors)
     */
    public record Cpu(Map<String, Long> ops, long busyNanos, Map<String, Long> verifyErrors) {
        /** Burners that have done nothing (or do not run). */
        public static final Cpu NONE = new Cpu(Map.of(), 0);

        public Cpu {
            ops = Map.copyOf(ops);
            verifyErrors = Map.copyOf(verifyErrors);
        }

        public Cpu(Map<String, Long> ops, long busyNanos) {
            this(ops, busyNanos, Map.of());
        }

        Cpu plus(Cpu next) {
            return new Cpu(sum(ops, next.ops), busyNanos + next.busyNanos, sum(verifyErrors, next.verifyErrors));
        }
    }

    /** Failed file operations, tampering refused not included. */
    public long ioErrors() {
        return files.ioErrors();
    }

    /** A worker that has done nothing yet. */
    public static WorkerStats zero() {
        return new WorkerStats(0, FileStats.NONE, Cpu.NONE, 0, Map.of(), 0);
    }

    /**
     * Counters of {@code this} plus those of a later life {@code next}; gauges and seq are
     * {@code next}'s. Used to keep exported totals growing across worker restarts.
     */
    public WorkerStats plus(WorkerStats next) {
        return new WorkerStats(next.seq, files.plus(next.files), cpu.plus(next.cpu), memoryBytes + next.memoryBytes,
                Stressor.sum(verifyErrors, next.verifyErrors), processCpuNanos + next.processCpuNanos, sum(memoryPatterns, next.memoryPatterns));
    }

    /**
     * The same, with a dead life's {@code swept} files (removed by the supervisor) counted as
     * deleted. Files beyond the {@code keptAtDeath} its last stats frame reported were created
     * after that frame: they are counted as created too, so created and deleted still balance.
     */
    public WorkerStats plusSwept(long swept, long keptAtDeath) {
        FileStats.Counts c = files.counts();
        FileStats more = files.toBuilder().counts(new FileStats.Counts(c.created() + Math.max(0, swept - keptAtDeath), c.deleted() + swept,
                c.bytes(), c.verified(), c.floorDeleted())).build();
        return new WorkerStats(seq, more, cpu, memoryBytes, verifyErrors, processCpuNanos, memoryPatterns);
    }

    /** Only the counters, with gauges zeroed: what an ended life leaves behind. */
    public WorkerStats countersOnly() {
        return new WorkerStats(seq, files.countersOnly(), cpu, memoryBytes, verifyErrors, processCpuNanos, memoryPatterns);
    }

    private static Map<String, Long> sum(Map<String, Long> a, Map<String, Long> b) {
        Map<String, Long> out = new TreeMap<>(a);
        b.forEach((k, v) -> out.merge(k, v, Long::sum));
        return out;
    }

    /** Sum of one map-valued counter over all keys. */
    public static long total(Map<?, Long> counters) {
        return counters.values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public Frame toFrame() {
        return StatsFrame.write(this);
    }

    /** @throws MalformedFrameException when a field is not a number, a counter is negative or a word names nothing known */
    static WorkerStats fromFrame(Frame f) throws MalformedFrameException {
        return StatsFrame.read(f);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WorkerStats s && s.toFrame().equals(toFrame());
    }

    @Override
    public int hashCode() {
        return toFrame().hashCode();
    }

    @Override
    public String toString() {
        return "WorkerStats" + toFrame().fields();
    }
}
