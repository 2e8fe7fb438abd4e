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
 * @param verifyErrors    wrong results by stressor: cpu, files, memory
 * @param processCpuNanos CPU time of the whole worker process (all threads)
 * @param memoryPatterns  the memory stressor's counters per pattern, keyed {@code <pattern>.<counter>}: passes
 *                        (complete), bytes (moved), errors (wrong words), e.g. {@code own-address.bytes}
 */
public record WorkerStats(long seq, Files files, Cpu cpu, long memoryBytes, Map<String, Long> verifyErrors,
                          long processCpuNanos, Map<String, Long> memoryPatterns) implements Message.FromWorker {

    static final String TYPE = "stats";

    /** Key of {@link Files#errors} that counts tampering refused (links planted where kiln's entries go), not I/O errors. */
    public static final String TAMPER = "tamper";
    /**
     * Key of {@link Files#errors} that counts, again, the failed operations whose error points at
     * the device or the file system's own corruption (EIO, EUCLEAN, EBADMSG): already counted
     * under their op, so not added to the I/O errors.
     */
    public static final String DEVICE = "device";
    /** Key of {@link Files#errors} that counts, again, the failed operations answered EROFS: the file system went read-only. */
    public static final String READ_ONLY = "read_only";
    /**
     * Key of {@link Files#errors} that counts, again, the failed operations answered ENOSPC or
     * EDQUOT: pressure (the file system's bytes or inodes ran out, or a quota), explained, not a fault.
     */
    public static final String FULL = "full";

    public WorkerStats {
        java.util.Objects.requireNonNull(files, "files");
        java.util.Objects.requireNonNull(cpu, "cpu");
        verifyErrors = Map.copyOf(verifyErrors);
        memoryPatterns = Map.copyOf(memoryPatterns);
    }

    /** Without per-pattern memory counters. */
    public WorkerStats(long seq, Files files, Cpu cpu, long memoryBytes, Map<String, Long> verifyErrors, long processCpuNanos) {
        this(seq, files, cpu, memoryBytes, verifyErrors, processCpuNanos, Map.of());
    }

    /** Names of the memory patterns that have counters here, sorted. */
    public java.util.SortedSet<String> memoryPatternNames() {
        java.util.SortedSet<String> out = new java.util.TreeSet<>();
        memoryPatterns.keySet().forEach(k -> out.add(k.substring(0, k.lastIndexOf('.'))));
        return out;
    }

    /** One memory pattern's counter: {@code passes}, {@code bytes} or {@code errors}; 0 when it has none. */
    public long memoryPattern(String pattern, String counter) {
        return memoryPatterns.getOrDefault(pattern + "." + counter, 0L);
    }

    /**
     * The file storm's part.
     *
     * @param created         files created
     * @param deleted         files removed by churn or cleanup
     * @param bytes           payload bytes written
     * @param verified        files read back and checked
     * @param errors          failed file operations by op: create, write, delete, verify (and {@link #TAMPER})
     * @param inFlight        creations holding a permit now
     * @param kept            files on disk now
     * @param paused          creation paused by the free-space floor
     * @param latencyCounts   create latencies per {@link LatencyBuckets} bucket (not cumulative over buckets)
     * @param latencySumNanos sum of all create latencies
     * @param floorDeleted    of {@code deleted}, those removed to make room at the free-space floor
     */
    public record Files(long created, long deleted, long bytes, long verified, Map<String, Long> errors,
                        long inFlight, long kept, boolean paused, long[] latencyCounts, long latencySumNanos, long floorDeleted) {
        /** A storm that has done nothing (or does not run). */
        public static final Files NONE = new Files(0, 0, 0, 0, Map.of(), 0, 0, false, new long[LatencyBuckets.COUNT], 0);

        /** A storm that never reached the free-space floor. */
        public Files(long created, long deleted, long bytes, long verified, Map<String, Long> errors,
                     long inFlight, long kept, boolean paused, long[] latencyCounts, long latencySumNanos) {
            this(created, deleted, bytes, verified, errors, inFlight, kept, paused, latencyCounts, latencySumNanos, 0);
        }

        public Files {
            if (latencyCounts.length != LatencyBuckets.COUNT) {
                throw new IllegalArgumentException("expected " + LatencyBuckets.COUNT + " latency buckets");
            }
            latencyCounts = latencyCounts.clone();
            errors = Map.copyOf(errors);
        }

        /** Only counts, no latencies or gauges (a worker that refused its directory reports just its tampering). */
        public static Files counts(long created, long deleted, long bytes, Map<String, Long> errors) {
            return new Files(created, deleted, bytes, 0, errors, 0, 0, false, new long[LatencyBuckets.COUNT], 0);
        }

        /**
         * Failed file operations, tampering refused not included (nor the second counts of {@link #DEVICE}, {@link #READ_ONLY},
         * {@link #FULL}).
         */
        public long ioErrors() {
            return total(errors) - errors.getOrDefault(TAMPER, 0L) - errors.getOrDefault(DEVICE, 0L) - errors.getOrDefault(READ_ONLY, 0L)
                    - errors.getOrDefault(FULL, 0L);
        }

        /** Of {@link #ioErrors}, those answered ENOSPC or EDQUOT: the file system full (bytes or inodes) or a quota, not a fault. */
        public long fullErrors() {
            return errors.getOrDefault(FULL, 0L);
        }

        /**
         * Failed file operations the run cannot put down to the disk failing ({@link #DEVICE}), the
         * file system going read-only ({@link #READ_ONLY}) or filling up ({@link #FULL}): an
         * errno kiln has no rule for, or one the JDK did not tell.
         */
        public long unexplainedErrors() {
            return Math.max(0, ioErrors() - errors.getOrDefault(DEVICE, 0L) - errors.getOrDefault(READ_ONLY, 0L) - fullErrors());
        }

        @Override
        public long[] latencyCounts() {
            return latencyCounts.clone();
        }

        /** Latency count of one bucket, without copying. */
        public long latencyCount(int bucket) {
            return latencyCounts[bucket];
        }

        Files plus(Files next) {
            long[] lat = new long[LatencyBuckets.COUNT];
            for (int i = 0; i < lat.length; i++) {
                lat[i] = latencyCounts[i] + next.latencyCounts[i];
            }
            return new Files(created + next.created, deleted + next.deleted, bytes + next.bytes, verified + next.verified,
                    sum(errors, next.errors), next.inFlight, next.kept, next.paused, lat, latencySumNanos + next.latencySumNanos,
                    floorDeleted + next.floorDeleted);
        }

        Files countersOnly() {
            return new Files(created, deleted, bytes, verified, errors, 0, 0, false, latencyCounts, latencySumNanos, floorDeleted);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Files f && created == f.created && deleted == f.deleted && bytes == f.bytes
                    && verified == f.verified && errors.equals(f.errors) && inFlight == f.inFlight && kept == f.kept
                    && paused == f.paused && Arrays.equals(latencyCounts, f.latencyCounts)
                    && latencySumNanos == f.latencySumNanos && floorDeleted == f.floorDeleted;
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(created, deleted, bytes, verified, errors, inFlight, kept, paused,
                    Arrays.hashCode(latencyCounts), latencySumNanos, floorDeleted);
        }

        @Override
        public String toString() {
            return "Files[created=" + created + ", deleted=" + deleted + ", bytes=" + bytes + ", verified=" + verified
                    + ", errors=" + errors + ", inFlight=" + inFlight + ", kept=" + kept + ", paused=" + paused
                    + ", latencyCounts=" + Arrays.toString(latencyCounts) + ", latencySumNanos=" + latencySumNanos
                    + ", floorDeleted=" + floorDeleted + "]";
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
                sum(verifyErrors, next.verifyErrors), processCpuNanos + next.processCpuNanos, sum(memoryPatterns, next.memoryPatterns));
    }

    /**
     * The same, with a dead life's {@code swept} files (removed by the supervisor) counted as
     * deleted. Files beyond the {@code keptAtDeath} its last stats frame reported were created
     * after that frame: they are counted as created too, so created and deleted still balance.
     */
    public WorkerStats plusSwept(long swept, long keptAtDeath) {
        Files f = files;
        Files more = new Files(f.created + Math.max(0, swept - keptAtDeath), f.deleted + swept, f.bytes, f.verified, f.errors,
                f.inFlight, f.kept, f.paused, f.latencyCounts, f.latencySumNanos, f.floorDeleted);
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
    public static long total(Map<String, Long> counters) {
        return counters.values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public Frame toFrame() {
        Frame.Builder b = Frame.of(TYPE)
                .put("seq", seq).put("files_created", files.created).put("files_deleted", files.deleted)
                .put("file_bytes", files.bytes).put("in_flight", files.inFlight).put("files_kept", files.kept)
                .put("paused", files.paused).put("lat_sum_ns", files.latencySumNanos).put("cpu_busy_ns", cpu.busyNanos)
                .put("mem_bytes", memoryBytes).put("files_verified", files.verified)
                .put("proc_cpu_ns", processCpuNanos).put("floor_deleted", files.floorDeleted);
        StringBuilder lat = new StringBuilder();
        for (int i = 0; i < files.latencyCounts.length; i++) {
            lat.append(i == 0 ? "" : ",").append(files.latencyCounts[i]);
        }
        b.put("lat", lat.toString());
        new TreeMap<>(files.errors).forEach((k, v) -> b.put("err." + k, v));
        new TreeMap<>(cpu.ops).forEach((k, v) -> b.put("cpu_ops." + k, v));
        new TreeMap<>(cpu.verifyErrors).forEach((k, v) -> b.put("cpu_verify." + k, v));
        new TreeMap<>(verifyErrors).forEach((k, v) -> b.put("verify." + k, v));
        // a field name has no '-': pattern names travel with '_' (a pattern name has none)
        new TreeMap<>(memoryPatterns).forEach((k, v) -> b.put("mem." + k.replace('-', '_'), v));
        return b.build();
    }

    /** @throws MalformedFrameException when a field is not a number or a counter is negative */
    static WorkerStats fromFrame(Frame f) throws MalformedFrameException {
        if (!TYPE.equals(f.type())) {
            throw new MalformedFrameException("expected a stats frame, got " + f.type());
        }
        long[] lat = new long[LatencyBuckets.COUNT];
        String latText = f.get("lat", null);
        if (latText != null) {
            String[] parts = latText.split(",", -1);
            if (parts.length != lat.length) {
                throw new MalformedFrameException("lat has " + parts.length + " buckets, expected " + lat.length);
            }
            for (int i = 0; i < parts.length; i++) {
                lat[i] = nonNegative("lat", parts[i]);
            }
        }
        Map<String, Long> errors = new TreeMap<>();
        Map<String, Long> cpuOps = new TreeMap<>();
        Map<String, Long> cpuVerify = new TreeMap<>();
        Map<String, Long> verify = new TreeMap<>();
        Map<String, Long> patterns = new TreeMap<>();
        for (var e : f.fields().entrySet()) {
            String k = e.getKey();
            if (k.startsWith("err.")) {
                errors.put(k.substring(4), nonNegative(k, e.getValue()));
            } else if (k.startsWith("cpu_ops.")) {
                cpuOps.put(k.substring(8), nonNegative(k, e.getValue()));
            } else if (k.startsWith("cpu_verify.")) {
                cpuVerify.put(k.substring(11), nonNegative(k, e.getValue()));
            } else if (k.startsWith("verify.")) {
                verify.put(k.substring(7), nonNegative(k, e.getValue()));
            } else if (k.startsWith("mem.") && k.indexOf('.', 4) > 4) {
                patterns.put(k.substring(4).replace('_', '-'), nonNegative(k, e.getValue()));
            }
        }
        Files files = new Files(count(f, "files_created"), count(f, "files_deleted"), count(f, "file_bytes"),
                count(f, "files_verified"), errors, count(f, "in_flight"), count(f, "files_kept"),
                f.getLong("paused", 0) == 1, lat, count(f, "lat_sum_ns"), count(f, "floor_deleted"));
        return new WorkerStats(count(f, "seq"), files, new Cpu(cpuOps, count(f, "cpu_busy_ns"), cpuVerify), count(f, "mem_bytes"),
                verify, count(f, "proc_cpu_ns"), patterns);
    }

    private static long count(Frame f, String name) throws MalformedFrameException {
        long v = f.getLong(name, 0);
        if (v < 0) {
            throw new MalformedFrameException("field " + name + " is negative: " + v);
        }
        return v;
    }

    private static long nonNegative(String name, String text) throws MalformedFrameException {
        try {
            long v = Long.parseLong(text);
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new MalformedFrameException("field " + name + " is not a count: " + FrameCodec.abbreviate(text));
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
