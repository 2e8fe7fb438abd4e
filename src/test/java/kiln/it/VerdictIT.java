package kiln.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The burn-in verdict end to end: a deliberate fault must fail the run, visibly. */
@Timeout(120)
final class VerdictIT {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "memory", "files"})
    void injectedFault_failsTheRun_exit1_andShowsInMetrics(String stressor) throws Exception {
        Path data = tmp.resolve("data");
        Path report = tmp.resolve("report.json");
        try (KilnProcess k = new KilnProcess("run", "--duration", "7s", "--workers", "2", "--dir", data.toString(),
                "--metrics-port", "0", "--min-free", "64m", "--max-files", "2000", "--memory", "64m", "--cpu-load", "30",
                "--inject-fault", stressor, "--report", report.toString())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> k.port() > 0 || !k.process.isAlive());
            String metric = "kiln_verify_errors_total{stressor=\"" + stressor + "\"}";
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                    .until(() -> k.scrape().getOrDefault(metric, 0.0) >= 1);
            assertEquals(1, k.waitFor(Duration.ofSeconds(60)), k.output());
            assertTrue(k.output().contains("verdict: FAIL"), k.output());
            assertTrue(k.output().contains("VERIFICATION ERROR"), "the error is logged: " + k.output());
        }
        Config r = ConfigFactory.parseFile(report.toFile());
        assertEquals("fail", r.getString("verdict"));
        assertEquals(1, r.getLong("verify_errors." + stressor));
        assertFalse(Files.exists(data), "a failed run still cleans up");
    }
}
