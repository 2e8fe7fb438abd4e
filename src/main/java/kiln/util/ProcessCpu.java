package kiln.util;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of this whole process (all threads, user and system), in nanoseconds; 0 where it
 * cannot be told. Read from {@code /proc/self/stat} in clock ticks (Linux's user-visible tick is
 * fixed at 100 per second, so the resolution is 10 ms): a small file read, where the platform
 * management bean costs a worker 25-55 ms of CPU to set up before its first stats frame, which is
 * when it counts as running. Callers take differences over a second or more, where the ticks'
 * rounding does not add up: each reading is exact to within one tick.
 */
public final class ProcessCpu {
    /** USER_HZ: what /proc reports times in, the same on every Linux architecture. */
    static final long TICK_NANOS = 10_000_000L;
    private static final Path STAT = Path.of("/proc/self/stat");

    private ProcessCpu() {
    }

    public static long nanos() {
        try {
            return parseStat(new String(Files.readAllBytes(STAT), StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * utime + stime of a {@code /proc/<pid>/stat} line, in nanoseconds. The command name (field 2)
     * may hold spaces and parentheses, so fields are counted after its last ')'.
     */
    static long parseStat(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        // f[0] is field 3 (state): utime is field 14, stime field 15
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK_NANOS;
    }
}
