package kiln.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code kiln run --until-ready && ./benchmark}: warm means steady rates, and kiln is gone at once after. */
@Timeout(150)
final class WarmUpIT {
    // tmpfs: files/s on the build machine's own disk swung between 4k and 9.5k a second for minutes
    // (journal, writeback), so a run there is never warm by the rates' rule, whatever kiln does
    @TempDir(factory = kiln.testing.ShmTempDir.class)
    Path tmp;

    @org.junit.jupiter.api.Test
    void untilReady_withTheFileStorm_isGoneWithinSecondsOfWarm_withoutSigterm() throws Exception {
        Path quick = Files.writeString(tmp.resolve("quick.conf"), "kiln.ready.window = 8s\n");
        Path data = tmp.resolve("data");
        try (KilnProcess k = new KilnProcess("run", "--until-ready", "--duration", "100s", "--workers", "2", "--dir", data.toString(),
                "--min-free", "64m", "--cpu-load", "50", "--metrics-port", "0", "--config", quick.toString())) {
            await().atMost(Duration.ofSeconds(110)).pollInterval(Duration.ofMillis(50))
                    .until(() -> k.output().contains("the machine is warm after") || !k.process.isAlive());
            long warm = System.nanoTime();
            assertEquals(0, k.waitFor(Duration.ofSeconds(30)), k.output());
            double gone = (System.nanoTime() - warm) / 1e9;
            String out = k.output();
            assertTrue(out.contains("--max-files 20000 cut to 1000: --until-ready ends the moment the machine is warm"), out);
            assertTrue(gone < 3.0, "kiln was gone " + gone + " s after warm (at most ~2 s): " + out);
            assertFalse(out.contains("SIGTERM") || out.contains("SIGKILL"), "every worker stopped when asked: " + out);
            assertTrue(out.matches("(?s).*the machine is warm after \\S+: files/s steady \\(±[0-9.]+%\\), cpu (ops/s|busy) steady.*"), out);
            assertFalse(Files.exists(data), "nothing left");
        }
    }
}
