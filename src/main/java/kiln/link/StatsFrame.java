package kiln.link;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code stats} frame of {@link WorkerStats}: flat fields for the counters and gauges, the
 * latency buckets as one list, and each keyed count as {@code <prefix>.<word>} (err., cpu_ops.,
 * cpu_verify., verify., mem.). A count under a word no type knows is malformed, not dropped: a
 * wrong result read as nothing would pass a failing machine.
 */
final class StatsFrame {
    private StatsFrame() {
    }

    /** The stats as their frame. */
    static Frame write(WorkerStats s) {
        FileStats files = s.files();
        WorkerStats.Cpu cpu = s.cpu();
        Frame.Builder b = Frame.of(WorkerStats.TYPE)
                .put("seq", s.seq()).put("files_created", files.created()).put("files_deleted", files.deleted())
                .put("file_bytes", files.bytes()).put("in_flight", files.inFlight()).put("files_kept", files.kept())
                .put("paused", files.paused()).put("lat_sum_ns", files.latency().sumNanos()).put("cpu_busy_ns", cpu.busyNanos())
                .put("mem_bytes", s.memoryBytes()).put("files_verified", files.verified())
                .put("proc_cpu_ns", s.processCpuNanos()).put("floor_deleted", files.floorDeleted());
        StringBuilder lat = new StringBuilder();
        for (int i = 0; i < LatencyBuckets.COUNT; i++) {
            lat.append(i == 0 ? "" : ",").append(files.latencyCount(i));
        }
        b.put("lat", lat.toString());
        files.errors().write(b);
        new TreeMap<>(cpu.ops()).forEach((k, v) -> b.put("cpu_ops." + k, v));
        new TreeMap<>(cpu.verifyErrors()).forEach((k, v) -> b.put("cpu_verify." + k, v));
        s.verifyErrors().forEach((k, v) -> b.put("verify." + k.label(), v)); // enum order: the labels' order
        // a field name has no '-': pattern names travel with '_' (a pattern name has none)
        new TreeMap<>(s.memoryPatterns()).forEach((k, v) -> b.put("mem." + k.replace('-', '_'), v));
        return b.build();
    }

    /** @throws MalformedFrameException when a field is not a number or a counter is negative */
    static WorkerStats read(Frame f) throws MalformedFrameException {
        if (!WorkerStats.TYPE.equals(f.type())) {
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
        Map<Stressor, Long> verify = new EnumMap<>(Stressor.class);
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
                // not ignored like an unknown field: a wrong result dropped unread would pass a failing machine
                Stressor stressor = Stressor.parse(k.substring(7))
                        .orElseThrow(() -> new MalformedFrameException(FrameCodec.abbreviate(k) + " names no stressor"));
                verify.put(stressor, nonNegative(k, e.getValue()));
            } else if (k.startsWith("mem.") && k.indexOf('.', 4) > 4) {
                if (Words.parse(MemoryCounter.class, k.substring(k.lastIndexOf('.') + 1)).isEmpty()) {
                    throw new MalformedFrameException(FrameCodec.abbreviate(k) + " names no memory counter");
                }
                patterns.put(k.substring(4).replace('_', '-'), nonNegative(k, e.getValue()));
            }
        }
        FileStats files = new FileStats(new FileStats.Counts(count(f, "files_created"), count(f, "files_deleted"), count(f, "file_bytes"),
                count(f, "files_verified"), count(f, "floor_deleted")), FileErrors.read(errors),
                new FileStats.Now(count(f, "in_flight"), count(f, "files_kept"), f.getLong("paused", 0) == 1),
                new FileStats.Latency(lat, count(f, "lat_sum_ns")));
        return new WorkerStats(count(f, "seq"), files, new WorkerStats.Cpu(cpuOps, count(f, "cpu_busy_ns"), cpuVerify), count(f, "mem_bytes"),
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
}
