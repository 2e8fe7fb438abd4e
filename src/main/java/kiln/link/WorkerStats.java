package kiln.link;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Cumulative counters of one worker life, sent in {@code stats} frames, in one part per stressor.
 * Counters only grow within a life; the supervisor adds up lives. Gauges ({@link Files#inFlight},
 * {@link Files#kept}, {@link Files#paused}) are current values. Immutable.
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
public record WorkerStats(long seq, Files files, Cpu cpu, long memoryBytes, Map<Stressor, Long> verifyErrors,
                          long processCpuNanos, Map<String, Long> memoryPatterns) implements Message.FromWorker {

    static final String TYPE = "stats";

    public WorkerStats {
        java.util.Objects.requireNonNull(files, "files");
        java.util.Objects.requireNonNull(cpu, "cpu");
        verifyErrors = java.util.Collections.unmodifiableMap(Stressor.mapOf(verifyErrors));
        memoryPatterns = Map.copyOf(memoryPatterns);
    }

    /** Without per-pattern memory counters. */
    public WorkerStats(long seq, Files files, Cpu cpu, long memoryBytes, Map<Stressor, Long> verifyErrors, long processCpuNanos) {
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
     * The file storm's part, in named parts: what it did, what failed, what it holds now, how long
     * creations took. The shortcuts ({@link #created()}…) read the parts.
     *
     * @param counts  cumulative counts of files
     * @param errors  failed file operations, and why where the errno says
     * @param now     gauges: what the storm holds at this frame
     * @param latency create latencies
     */
    public record Files(Counts counts, FileErrors errors, Now now, Latency latency) {
        /** A storm that has done nothing (or does not run). */
        public static final Files NONE = builder().build();

        public Files {
            java.util.Objects.requireNonNull(counts, "counts");
            java.util.Objects.requireNonNull(errors, "errors");
            java.util.Objects.requireNonNull(now, "now");
            java.util.Objects.requireNonNull(latency, "latency");
        }

        /**
         * @param created      files created
         * @param deleted      files removed by churn or cleanup
         * @param bytes        payload bytes written
         * @param verified     files read back and checked
         * @param floorDeleted of {@code deleted}, those removed to make room at the free-space floor
         */
        public record Counts(long created, long deleted, long bytes, long verified, long floorDeleted) {
            Counts plus(Counts o) {
                return new Counts(created + o.created, deleted + o.deleted, bytes + o.bytes, verified + o.verified,
                        floorDeleted + o.floorDeleted);
            }
        }

        /**
         * @param inFlight creations holding a permit
         * @param kept     files on disk
         * @param paused   creation paused by the free-space floor
         */
        public record Now(long inFlight, long kept, boolean paused) {
            /** Nothing held: what an ended life leaves. */
            public static final Now IDLE = new Now(0, 0, false);
        }

        /**
         * @param counts   create latencies per {@link LatencyBuckets} bucket (not cumulative over buckets)
         * @param sumNanos sum of all create latencies
         */
        public record Latency(long[] counts, long sumNanos) {
            public Latency {
                if (counts.length != LatencyBuckets.COUNT) {
                    throw new IllegalArgumentException("expected " + LatencyBuckets.COUNT + " latency buckets");
                }
                counts = counts.clone();
            }

            @Override
            public long[] counts() {
                return counts.clone();
            }

            Latency plus(Latency o) {
                long[] lat = new long[LatencyBuckets.COUNT];
                for (int i = 0; i < lat.length; i++) {
                    lat[i] = counts[i] + o.counts[i];
                }
                return new Latency(lat, sumNanos + o.sumNanos);
            }

            @Override
            public boolean equals(Object o) {
                return o instanceof Latency l && Arrays.equals(counts, l.counts) && sumNanos == l.sumNanos;
            }

            @Override
            public int hashCode() {
                return 31 * Arrays.hashCode(counts) + Long.hashCode(sumNanos);
            }

            @Override
            public String toString() {
                return "Latency[counts=" + Arrays.toString(counts) + ", sumNanos=" + sumNanos + "]";
            }
        }

        /** Part by part, every part empty unless set; for the storm, the pool's sums and tests. */
        public static Builder builder() {
            return new Builder();
        }

        /** A builder holding these parts. */
        public Builder toBuilder() {
            Builder b = new Builder();
            b.counts = counts;
            b.errors = errors;
            b.now = now;
            b.latency = latency;
            return b;
        }

        public long created() {
            return counts.created;
        }

        public long deleted() {
            return counts.deleted;
        }

        public long bytes() {
            return counts.bytes;
        }

        public long verified() {
            return counts.verified;
        }

        public long floorDeleted() {
            return counts.floorDeleted;
        }

        public long inFlight() {
            return now.inFlight;
        }

        public long kept() {
            return now.kept;
        }

        public boolean paused() {
            return now.paused;
        }

        /** Failed file operations, tampering refused not included. */
        public long ioErrors() {
            return errors.io();
        }

        /** Of {@link #ioErrors}, those answered ENOSPC or EDQUOT: the file system full (bytes or inodes) or a quota, not a fault. */
        public long fullErrors() {
            return errors.get(FileErrorCause.FULL);
        }

        /** See {@link FileErrors#unexplained()}. */
        public long unexplainedErrors() {
            return errors.unexplained();
        }

        public long latencySumNanos() {
            return latency.sumNanos;
        }

        /** Latency count of one bucket, without copying. */
        public long latencyCount(int bucket) {
            return latency.counts[bucket];
        }

        Files plus(Files next) {
            return new Files(counts.plus(next.counts), errors.plus(next.errors), next.now, latency.plus(next.latency));
        }

        Files countersOnly() {
            return new Files(counts, errors, Now.IDLE, latency);
        }

        /** Sets the parts of a {@link Files} by name. Not thread-safe. */
        public static final class Builder {
            private Counts counts = new Counts(0, 0, 0, 0, 0);
            private FileErrors errors = FileErrors.NONE;
            private Now now = Now.IDLE;
            private Latency latency = new Latency(new long[LatencyBuckets.COUNT], 0);

            private Builder() {
            }

            /** Files created, and {@code bytes} of payload written. */
            public Builder created(long created, long bytes) {
                counts = new Counts(created, counts.deleted, bytes, counts.verified, counts.floorDeleted);
                return this;
            }

            /** Files removed, {@code floorDeleted} of them to make room at the free-space floor. */
            public Builder deleted(long deleted, long floorDeleted) {
                counts = new Counts(counts.created, deleted, counts.bytes, counts.verified, floorDeleted);
                return this;
            }

            public Builder verified(long verified) {
                counts = new Counts(counts.created, counts.deleted, counts.bytes, verified, counts.floorDeleted);
                return this;
            }

            public Builder counts(Counts counts) {
                this.counts = counts;
                return this;
            }

            public Builder errors(FileErrors errors) {
                this.errors = errors;
                return this;
            }

            /** {@code n} more failures of {@code op}. */
            public Builder error(FileOp op, long n) {
                errors = errors.plus(op, n);
                return this;
            }

            public Builder now(long inFlight, long kept, boolean paused) {
                now = new Now(inFlight, kept, paused);
                return this;
            }

            public Builder latency(long[] counts, long sumNanos) {
                latency = new Latency(counts, sumNanos);
                return this;
            }

            public Files build() {
                return new Files(counts, errors, now, latency);
            }
        }
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
        return new WorkerStats(0, Files.NONE, Cpu.NONE, 0, Map.of(), 0);
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
        Files.Counts c = files.counts();
        Files more = files.toBuilder().counts(new Files.Counts(c.created() + Math.max(0, swept - keptAtDeath), c.deleted() + swept,
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
