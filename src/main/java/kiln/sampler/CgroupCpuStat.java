package kiln.sampler;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Throttling by the CPU quota of the cgroup kiln runs in, from its {@code cpu.stat}: v2
 * {@code nr_throttled} and {@code throttled_usec}, v1 {@code nr_throttled} and
 * {@code throttled_time} (nanoseconds, kept as microseconds). Read so that a container's quota is
 * not mistaken for the hardware throttling itself. Places: {@code nr_throttled} (periods throttled,
 * the count) and {@code throttled_usec}. Unavailable without a cpu controller.
 */
public final class CgroupCpuStat extends SingleSourceReader {
    private static final String PERIODS = "nr_throttled";
    private static final String MICROS = "throttled_usec";

    /** Periods the quota throttled kiln, and for how long. */
    public static final Evidence.Source THROTTLED = new QuotaThrottling("cgroup_cpu_throttled", "cgroup CPU quota throttling (cpu.stat)",
            Evidence.Kind.CONTEXT, "periods throttled by the cgroup's CPU quota");

    /** Counted in periods throttled; the microseconds are the detail. */
    private record QuotaThrottling(String label, String description, Evidence.Kind kind, String noun) implements Evidence.Source {
        @Override
        public long total(Map<String, Long> counters) {
            return counters.getOrDefault(PERIODS, 0L);
        }

        @Override
        public List<String> culprits(Map<String, Long> counters) {
            return counters.getOrDefault(PERIODS, 0L) > 0 ? List.of(PERIODS) : List.of();
        }

        @Override
        public List<Evidence.Series> series() {
            return List.of(
                    Evidence.Series.of("kiln.cgroup.cpu.throttled.periods", "Periods the cgroup's CPU quota throttled kiln (not the hardware)",
                            PERIODS),
                    Evidence.Series.of("kiln.cgroup.cpu.throttled", "Time the cgroup's CPU quota held kiln back (not the hardware)", MICROS)
                            .in("seconds", 1e6));
        }
    }

    CgroupCpuStat() {
        super(THROTTLED);
    }

    @Override
    protected Map<String, Long> counters(Path root) {
        Optional<Path> dir = MemoryLimits.cgroupDir(root, "cpu");
        if (dir.isEmpty()) {
            return Map.of();
        }
        Map<String, Long> stat = new TreeMap<>();
        for (String line : KernelFiles.lines(dir.get().resolve("cpu.stat"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length != 2) {
                continue;
            }
            try {
                long v = Long.parseLong(f[1]);
                switch (f[0]) {
                    case PERIODS -> stat.put(PERIODS, v);
                    case MICROS -> stat.put(MICROS, v);
                    case "throttled_time" -> stat.put(MICROS, v / 1000);
                    default -> { }
                }
            } catch (NumberFormatException e) {
                // not a counter line
            }
        }
        return stat.containsKey(PERIODS) ? stat : Map.of();
    }
}
