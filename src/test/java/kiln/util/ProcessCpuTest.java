package kiln.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Process CPU time from /proc/self/stat: the kernel's line parsed right, and agreeing with the JVM's own count. */
final class ProcessCpuTest {
    @Test
    void parse_countsFieldsAfterTheLastParenthesis_ofANameWithSpacesAndParentheses() {
        // a real line's shape (proc(5)): pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
        String line = "4242 (java (kiln) w0) S 1 4242 4242 0 -1 4194560 21843 0 12 0 1234 567 0 0 20 0 23 0 987654 "
                + "3452043264 16012 18446744073709551615 1 1 0 0 0 0 0 4096 16796879 0 0 0 17 1 0 0 0 0 0\n";
        assertEquals((1234 + 567) * ProcessCpu.TICK_NANOS, ProcessCpu.parseStat(line));
    }

    @Test
    void burningCpu_isCounted_andAgreesWithTheJvm() {
        var jvm = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long before = ProcessCpu.nanos();
        long jvmBefore = jvm.getProcessCpuTime();
        var thread = ManagementFactory.getThreadMXBean();
        long cpuEnd = thread.getCurrentThreadCpuTime() + TimeUnit.MILLISECONDS.toNanos(300);
        long wallEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long x = 0;
        // 300 ms of this thread's CPU, however busy the machine (bounded: 20 s of wall time)
        while (thread.getCurrentThreadCpuTime() < cpuEnd && System.nanoTime() < wallEnd) {
            x += Long.numberOfTrailingZeros(x + System.nanoTime());
        }
        long after = ProcessCpu.nanos();
        long jvmAfter = jvm.getProcessCpuTime();
        long burned = after - before;
        assertTrue(burned >= TimeUnit.MILLISECONDS.toNanos(270), "300 ms of spinning counted, to within the ticks: " + burned / 1_000_000 + " ms (" + x + ")");
        long jvmBurned = jvmAfter - jvmBefore;
        assertTrue(Math.abs(burned - jvmBurned) <= TimeUnit.MILLISECONDS.toNanos(60),
                "within a few ticks of the JVM's count: " + burned / 1_000_000 + " ms against " + jvmBurned / 1_000_000 + " ms");
    }
}
