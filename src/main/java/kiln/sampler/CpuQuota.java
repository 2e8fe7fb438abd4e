package kiln.sampler;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The CPU quota of this process's cgroup, in cores: v2 {@code cpu.max} ("quota period", or "max"
 * for none), v1 {@code cpu.cfs_quota_us} / {@code cpu.cfs_period_us} (-1 for none). Empty when
 * there is no quota. Read under a root, like the other kernel files.
 */
public final class CpuQuota {
    private CpuQuota() {
    }

    public static Optional<Double> cores() {
        return cores(Path.of("/"));
    }

    public static Optional<Double> cores(Path root) {
        Optional<Path> dir = MemoryLimits.cgroupDir(root, "cpu");
        if (dir.isEmpty()) {
            return Optional.empty();
        }
        List<String> max = KernelFiles.lines(dir.get().resolve("cpu.max"));
        if (!max.isEmpty()) {
            String[] f = max.get(0).trim().split("\\s+");
            if (f.length == 2 && !f[0].equals("max")) {
                try {
                    return Optional.of(Long.parseLong(f[0]) / (double) Long.parseLong(f[1]));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
            return Optional.empty();
        }
        long quota = KernelFiles.number(dir.get().resolve("cpu.cfs_quota_us"));
        long period = KernelFiles.number(dir.get().resolve("cpu.cfs_period_us"));
        return quota > 0 && period > 0 ? Optional.of(quota / (double) period) : Optional.empty();
    }
}
