package kiln.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import kiln.config.Settings;
import kiln.config.SettingsLoader;
import kiln.sampler.MemoryLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each worker's share of the memory asked for, cut to what the machine and its cgroup can give. */
final class BudgetTest {
    private static final long GIB = 1L << 30;

    private static String cut(Settings s, MemoryLimits limits, long[] perWorker) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        perWorker[0] = Budget.memoryPerWorker(s, limits, new PrintStream(buf, true, StandardCharsets.UTF_8));
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void memory_withinWhatIsAvailable_isSplitAcrossWorkers() {
        Settings s = new SettingsLoader(2).load(null, Map.of("kiln.memory.size", "2g"));
        long[] per = new long[1];
        assertEquals("", cut(s, new MemoryLimits(24 * GIB, 20 * GIB, -1, -1), per));
        assertEquals(GIB, per[0]);
    }

    @Test
    void memory_percentOfPhysical() {
        Settings s = new SettingsLoader(4).load(null, Map.of("kiln.memory.size", "25%"));
        long[] per = new long[1];
        cut(s, new MemoryLimits(16 * GIB, 15 * GIB, -1, -1), per);
        assertEquals(GIB, per[0], "25% of 16 GiB over 4 workers");
    }

    @Test
    void memory_overWhatIsAvailable_isCutWithAMessage() {
        Settings s = new SettingsLoader(2).load(null, Map.of("kiln.memory.size", "30g"));
        long[] per = new long[1];
        String msg = cut(s, new MemoryLimits(24 * GIB, 10 * GIB, -1, -1), per);
        long workers = 2 * kiln.supervisor.Stress.workerFootprintBytes(s);
        assertEquals(2 * ((48L << 20) + 20_000 * 8 + (64L << 20)), workers, "heap with the churn ring, plus the non-heap bound");
        assertEquals("kiln: --memory 30.0 GiB cut to 8.8 GiB: at most 90% of what is available (10.0 GiB available), less 224.3 MiB"
                + " for 2 worker JVMs\n", msg);
        assertEquals(((long) (9 * GIB) - workers) / 2 & ~7L, per[0]);
    }

    @Test
    void memory_cgroupHeadroomCounts() {
        Settings s = new SettingsLoader(1).load(null, Map.of("kiln.memory.size", "4g"));
        long[] per = new long[1];
        String msg = cut(s, new MemoryLimits(24 * GIB, 20 * GIB, 2 * GIB, GIB), per);
        assertTrue(msg.contains("cut to 809.4 MiB") && msg.contains("cgroup limit 2.0 GiB with 1.0 GiB free"), msg);
        assertTrue(per[0] + kiln.supervisor.Stress.workerFootprintBytes(s) <= GIB * 9 / 10,
                "buffer and the worker JVM together fit in the cgroup's headroom share");
    }

    @Test
    void memoryLimits_ofThisMachine_areSane() {
        MemoryLimits m = MemoryLimits.read();
        assertTrue(m.totalBytes() > 0 && m.availableBytes() > 0 && m.availableBytes() <= m.totalBytes(), m.toString());
        assertTrue(m.allowed(0.9) <= m.availableBytes());
    }
}
