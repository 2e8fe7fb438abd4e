package kiln.sampler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import oshi.SystemInfo;
import oshi.hardware.GlobalMemory;

/**
 * How much memory kiln may take: physical memory available now, and the headroom under this
 * process's cgroup v2 limit ({@code memory.max} minus {@code memory.current}) where one is set.
 *
 * @param totalBytes     physical memory
 * @param availableBytes physical memory available to new work
 * @param cgroupLimit    the cgroup's limit, or -1 for none
 * @param cgroupHeadroom limit minus current use, or -1 for none
 */
public record MemoryLimits(long totalBytes, long availableBytes, long cgroupLimit, long cgroupHeadroom) {

    /** Reads the limits of this machine and this process's cgroup. */
    public static MemoryLimits read() {
        GlobalMemory mem = new SystemInfo().getHardware().getMemory();
        Path cg = cgroupDir();
        long max = cg == null ? -1 : readLong(cg.resolve("memory.max"));
        long current = cg == null ? -1 : readLong(cg.resolve("memory.current"));
        long headroom = max < 0 || current < 0 ? -1 : Math.max(0, max - current);
        return new MemoryLimits(mem.getTotal(), mem.getAvailable(), max, headroom);
    }

    /** The most kiln may ask for: {@code share} of what is available, cgroup included. */
    public long allowed(double share) {
        long avail = cgroupHeadroom >= 0 ? Math.min(availableBytes, cgroupHeadroom) : availableBytes;
        return (long) (avail * share);
    }

    private static Path cgroupDir() {
        try {
            // cgroup v2: one line "0::/path"
            for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                if (line.startsWith("0::")) {
                    Path p = Path.of("/sys/fs/cgroup" + line.substring(3));
                    return Files.isDirectory(p) ? p : null;
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    private static long readLong(Path p) {
        try {
            String v = Files.readString(p).strip();
            return v.equals("max") ? -1 : Long.parseLong(v);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
