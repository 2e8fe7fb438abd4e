package kiln.link;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Cumulative counters of one worker life, sent in {@code stats} frames. Counters only grow within
 * a life; the supervisor adds up lives. Gauges ({@code inFlight}, {@code filesKept},
 * {@code paused}) are current values. Immutable.
 *
 * @param seq             frame number within this life
 * @param filesCreated    files created
 * @param filesDeleted    files removed by churn or cleanup
 * @param fileBytes       payload bytes written
 * @param errors          failed file operations by op: create, write, delete, verify
 * @param inFlight        creations holding a permit now
 * @param filesKept       files on disk now
 * @param paused          creation paused by the free-space floor
 * @param latencyCounts   create latencies per {@link LatencyBuckets} bucket (not cumulative over buckets)
 * @param latencySumNanos sum of all create latencies
 * @param cpuOps          burner operations by method
 * @param cpuBusyNanos    time burners spent busy
 * @param verifyErrors    wrong results by stressor: cpu, files, memory
 * @param memoryBytes     bytes written plus bytes verified by the memory stressor
 * @param filesVerified   files read back and checked
 * @param processCpuNanos CPU time of the whole worker process (all threads)
 */
public record WorkerStats(long seq, long filesCreated, long filesDeleted, long fileBytes, Map<String, Long> errors,
                          long inFlight, long filesKept, boolean paused, long[] latencyCounts, long latencySumNanos,
                          Map<String, Long> cpuOps, long cpuBusyNanos, Map<String, Long> verifyErrors, long memoryBytes,
                          long filesVerified, long processCpuNanos) implements Message.FromWorker {

    static final String TYPE = "stats";

    public WorkerStats {
        if (latencyCounts.length != LatencyBuckets.COUNT) {
            throw new IllegalArgumentException("expected " + LatencyBuckets.COUNT + " latency buckets");
        }
        latencyCounts = latencyCounts.clone();
        errors = Map.copyOf(errors);
        cpuOps = Map.copyOf(cpuOps);
        verifyErrors = Map.copyOf(verifyErrors);
    }

    /** Key of {@link #errors} that counts tampering refused (links planted where kiln's entries go), not I/O errors. */
    public static final String TAMPER = "tamper";

    /** Failed file operations, tampering refused not included. */
    public long ioErrors() {
        return total(errors) - errors.getOrDefault(TAMPER, 0L);
    }

    /** A worker that has done nothing yet. */
    public static WorkerStats zero() {
        return new WorkerStats(0, 0, 0, 0, Map.of(), 0, 0, false, new long[LatencyBuckets.COUNT], 0, Map.of(), 0, Map.of(), 0, 0, 0);
    }

    /**
     * Counters of {@code this} plus those of a later life {@code next}; gauges and seq are
     * {@code next}'s. Used to keep exported totals growing across worker restarts.
     */
    public WorkerStats plus(WorkerStats next) {
        long[] lat = new long[LatencyBuckets.COUNT];
        for (int i = 0; i < lat.length; i++) {
            lat[i] = latencyCounts[i] + next.latencyCounts[i];
        }
        return new WorkerStats(next.seq, filesCreated + next.filesCreated, filesDeleted + next.filesDeleted,
                fileBytes + next.fileBytes, sum(errors, next.errors), next.inFlight, next.filesKept, next.paused, lat,
                latencySumNanos + next.latencySumNanos, sum(cpuOps, next.cpuOps), cpuBusyNanos + next.cpuBusyNanos,
                sum(verifyErrors, next.verifyErrors), memoryBytes + next.memoryBytes, filesVerified + next.filesVerified,
                processCpuNanos + next.processCpuNanos);
    }

    /**
     * The same, with a dead life's {@code swept} files (removed by the supervisor) counted as
     * deleted. Files beyond the {@code keptAtDeath} its last stats frame reported were created
     * after that frame: they are counted as created too, so created and deleted still balance.
     */
    public WorkerStats plusSwept(long swept, long keptAtDeath) {
        return new WorkerStats(seq, filesCreated + Math.max(0, swept - keptAtDeath), filesDeleted + swept, fileBytes, errors,
                inFlight, filesKept, paused, latencyCounts, latencySumNanos, cpuOps, cpuBusyNanos, verifyErrors, memoryBytes,
                filesVerified, processCpuNanos);
    }

    /** Only the counters, with gauges zeroed: what an ended life leaves behind. */
    public WorkerStats countersOnly() {
        return new WorkerStats(seq, filesCreated, filesDeleted, fileBytes, errors, 0, 0, false, latencyCounts,
                latencySumNanos, cpuOps, cpuBusyNanos, verifyErrors, memoryBytes, filesVerified, processCpuNanos);
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
    public long[] latencyCounts() {
        return latencyCounts.clone();
    }

    /** Latency count of one bucket, without copying. */
    public long latencyCount(int bucket) {
        return latencyCounts[bucket];
    }

    @Override
    public Frame toFrame() {
        Frame.Builder b = Frame.of(TYPE)
                .put("seq", seq).put("files_created", filesCreated).put("files_deleted", filesDeleted)
                .put("file_bytes", fileBytes).put("in_flight", inFlight).put("files_kept", filesKept)
                .put("paused", paused).put("lat_sum_ns", latencySumNanos).put("cpu_busy_ns", cpuBusyNanos)
                .put("mem_bytes", memoryBytes).put("files_verified", filesVerified)
                .put("proc_cpu_ns", processCpuNanos);
        StringBuilder lat = new StringBuilder();
        for (int i = 0; i < latencyCounts.length; i++) {
            lat.append(i == 0 ? "" : ",").append(latencyCounts[i]);
        }
        b.put("lat", lat.toString());
        new TreeMap<>(errors).forEach((k, v) -> b.put("err." + k, v));
        new TreeMap<>(cpuOps).forEach((k, v) -> b.put("cpu_ops." + k, v));
        new TreeMap<>(verifyErrors).forEach((k, v) -> b.put("verify." + k, v));
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
        Map<String, Long> verify = new TreeMap<>();
        for (var e : f.fields().entrySet()) {
            String k = e.getKey();
            if (k.startsWith("err.")) {
                errors.put(k.substring(4), nonNegative(k, e.getValue()));
            } else if (k.startsWith("cpu_ops.")) {
                cpuOps.put(k.substring(8), nonNegative(k, e.getValue()));
            } else if (k.startsWith("verify.")) {
                verify.put(k.substring(7), nonNegative(k, e.getValue()));
            }
        }
        return new WorkerStats(count(f, "seq"), count(f, "files_created"), count(f, "files_deleted"),
                count(f, "file_bytes"), errors, count(f, "in_flight"), count(f, "files_kept"),
                f.getLong("paused", 0) == 1, lat, count(f, "lat_sum_ns"), cpuOps, count(f, "cpu_busy_ns"), verify,
                count(f, "mem_bytes"), count(f, "files_verified"),
                count(f, "proc_cpu_ns"));
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
        return "WorkerStats" + toFrame().fields() + Arrays.toString(latencyCounts);
    }
}
