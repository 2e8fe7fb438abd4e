package kiln.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A bit flipped in RAM, end to end: the run fails and the report says which fault model found it, where, which bits, and whether it stayed. */
@Timeout(180)
final class MemoryFaultIT {
    @TempDir
    Path tmp;

    @Test
    void injectedMemoryFault_failsTheRun_andTheReportNamesPatternOffsetMaskAndReRead() throws Exception {
        Path report = tmp.resolve("report.json");
        try (KilnProcess k = new KilnProcess("run", "--no-files", "--no-cpu", "--memory", "512m", "--duration", "8s",
                "--inject-fault", "memory", "--metrics-port", "0", "--report", report.toString())) {
            assertEquals(1, k.waitFor(Duration.ofSeconds(150)), k.output());
            assertTrue(k.output().contains("MEMORY VERIFICATION ERROR: pattern "), k.output());
            // the summary's notes wrap under their column: joined again, they say it whole
            assertTrue(k.output().replaceAll("\\n {3,}", " ").contains("fault models: "), "the summary says which ran: " + k.output());
            assertTrue(k.output().contains(Runtime.version().feature() < 22 ? "MiB neither locked nor advised"
                    : "MiB not locked (on purpose"), "each worker says how its buffer is held: " + k.output());
        }
        Config r = ConfigFactory.parseFile(report.toFile());
        assertEquals("fail", r.getString("verdict"));
        assertEquals(1, r.getLong("verify_errors.memory"));
        Config first = r.getConfigList("errors.first").get(0);
        assertEquals("memory", first.getString("stressor"));
        assertTrue(List.of("own-address", "moving-inversions", "random", "copy").contains(first.getString("method")), first.toString());
        assertEquals(4096, first.getLong("offset"), "the byte the fault was put at, as a number");
        assertEquals("0x1", first.getString("mask"), "the one bit flipped");
        assertEquals("stored", first.getString("reread"), "a flipped cell stays flipped");
        assertTrue(first.getLong("pass") >= 0);
        if (Runtime.version().feature() >= 22 && "root".equals(System.getProperty("user.name"))) {
            assertTrue(first.getString("phys").startsWith("0x"), "root reads the frame from pagemap: " + first);
            if (java.nio.file.Files.isDirectory(Path.of("/sys/devices/system/node/node0"))) {
                assertTrue(first.getInt("node") >= 0, first.toString());
            }
        } else {
            assertEquals("unknown", first.getString("phys"), "no address, not a wrong one: " + first);
        }
        Config memory = r.getConfig("memory");
        assertTrue(memory.getDouble("bytes_per_second") > 0);
        assertTrue(memory.getConfig("patterns").root().keySet().containsAll(List.of("own-address")), memory.root().render());
        assertEquals(1, memory.getConfig("patterns").root().keySet().stream()
                .mapToLong(p -> memory.getLong("patterns.\"" + p + "\".errors")).sum(), "the error is counted under its pattern");
        assertEquals(Runtime.getRuntime().availableProcessors(), r.getInt("workers.count"),
                "with memory the only stressor, every core's worker works on memory");
    }
}
