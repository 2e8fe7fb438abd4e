package kiln.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * More workers than cores is the operator's choice, not a hardware finding. Eight workers on a
 * machine with fewer processors: four or more to a core, pinned i mod cores, so one core's
 * workers make fewer operations than the other's whatever the cores can do. kiln said "cpu 1
 * (w1): 39% fewer cpu operations than its siblings' median" and exited 4, degraded.
 */
@Timeout(180)
final class OversubscriptionIT {
    @TempDir
    Path tmp;

    @Test
    void moreWorkersThanCores_isAWarning_notASlowCore() throws Exception {
        int processors = Runtime.getRuntime().availableProcessors();
        org.junit.jupiter.api.Assumptions.assumeTrue(processors <= 4, "needs more workers than processors: " + processors);
        Path report = tmp.resolve("report.json");
        try (KilnProcess k = new KilnProcess("run", "--workers", "8", "--duration", "6s", "--no-files", "--metrics-port", "0",
                "--report", report.toString())) {
            int code = k.waitFor(Duration.ofSeconds(150));
            String said = "8 workers oversubscribe " + processors + " cores this run may use (" + String.format(java.util.Locale.ROOT,
                    "%.1f", 8.0 / processors) + " to a core): they share them, so their CPU rates show the sharing, not the cores' speed;"
                    + " no core is compared with its siblings (no slow-core finding)";
            assertTrue(k.err.contains("kiln: " + said), k.output());
            assertFalse(k.output().contains("fewer cpu operations than its siblings"), k.output());
            assertEquals(0, code, "nothing else went wrong in 6 s: a pass\n" + k.output());
            String json = Files.readString(report);
            assertTrue(json.contains("\"warnings\"") && json.contains("no slow-core finding"), "kept with the run's report: " + json);
        }
    }
}
