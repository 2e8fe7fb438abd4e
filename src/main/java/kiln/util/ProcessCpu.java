package kiln.util;

import java.lang.management.ManagementFactory;

/** CPU time of this whole process (all threads), in nanoseconds; 0 where the JVM cannot tell. */
public final class ProcessCpu {
    private ProcessCpu() {
    }

    public static long nanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? Math.max(0, sun.getProcessCpuTime()) : 0;
    }
}
