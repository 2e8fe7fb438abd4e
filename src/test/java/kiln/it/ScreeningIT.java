package kiln.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real daemon screening its cores with tiny bursts: a run started over the API stops the screen in
 * progress and has the machine to itself; then every core is screened (its timestamp metric
 * appears), and the core with a fault that sticks fails its screen, named with its method and bits.
 */
@Timeout(120)
final class ScreeningIT {
    @TempDir
    Path tmp;

    private static Config status(KilnProcess k) throws Exception {
        return ConfigFactory.parseString(k.get("/api/v1/status").body());
    }

    @Test
    void daemon_screensEveryCore_yieldsToARun_andAStuckFaultFailsItsCore() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        int faulty = cores - 1;
        Path conf = Files.writeString(tmp.resolve("kiln.conf"), "kiln.http.port = 0\n"
                + "kiln.http.token-file = \"" + tmp.resolve("state/token") + "\"\n"
                + "kiln.files.dir = \"" + tmp.resolve("data") + "\"\n"
                + "kiln.screen { enabled = true, burst = 1s, memory = 8m, window = 1h, duty = 100, max-load = 100,\n"
                + "  inject-fault = \"cpu:fma\", inject-fault-cpu = " + faulty + " }\n");
        try (KilnProcess k = new KilnProcess("daemon", "--config", conf.toString())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> k.port() > 0 || !k.process.isAlive());
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> status(k).getString("screening.state").equals("screening"));

            String token = Files.readString(tmp.resolve("state/token")).strip();
            HttpResponse<String> run = k.post("/api/v1/run", "{\"duration\": \"2s\", \"workers\": 1, \"no-files\": true,"
                    + " \"cpu-load\": 20}", "Authorization", "Bearer " + token);
            assertEquals(202, run.statusCode(), run.body());
            assertEquals("waiting", status(k).getString("screening.state"), "the run wins: the screen stopped before it started");
            // what the stopped screen came to, once its thread has recorded it
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        Config c = status(k);
                        return c.getString("screening.waiting").equals("a run is in progress") && c.hasPath("screening.last.verdict");
                    });
            Config during = status(k);
            assertEquals("inconclusive", during.getString("screening.last.verdict"));
            assertTrue(during.getStringList("screening.last.verdict_reasons").get(0).startsWith("the run was cut short: a run started after"),
                    during.getStringList("screening.last.verdict_reasons").toString());
            assertEquals("a run is in progress", during.getString("screening.waiting"));
            await().atMost(Duration.ofSeconds(30)).until(() -> status(k).getString("state").equals("idle"));

            await().atMost(Duration.ofSeconds(25L * cores)).pollInterval(Duration.ofMillis(250)).until(() -> {
                Map<String, Double> m = k.scrape();
                for (int cpu = 0; cpu < cores; cpu++) {
                    if (!(m.getOrDefault("kiln_core_last_screened_timestamp_seconds{cpu=\"" + cpu + "\"}", 0.0) > 0)) {
                        return false;
                    }
                }
                // and the faulty core's failure has reached the ledger, which its screen's thread writes after the state
                return m.getOrDefault("kiln_core_failures_total{cpu=\"" + faulty + "\"}", 0.0) > 0;
            });
            Map<String, Double> m = k.scrape();
            assertEquals(1.0, m.get("kiln_screens_total{verdict=\"fail\"}"), "the faulty core's screen failed");
            assertEquals(cores - 1.0, m.get("kiln_screens_total{verdict=\"pass\"}"), () -> "the others passed: " + k.output());
            assertEquals(3600.0, m.get("kiln_screen_window_seconds"));
            assertTrue(m.get("kiln_screen_method_last_screened_timestamp_seconds{method=\"fma\"}") > 0);
            assertTrue(m.get("kiln_screen_cpu_seconds_total") > 0);
            assertEquals(1.0, m.get("kiln_core_failures_total{cpu=\"" + faulty + "\"}"), "the failure is in the per-core ledger");

            Config failure = status(k).getConfig("screening.last_failure");
            assertEquals("fail", failure.getString("verdict"));
            assertEquals(java.util.List.of(faulty), failure.getIntList("cpus"));
            Config error = failure.getConfigList("errors").get(0);
            assertEquals(Integer.toString(faulty), error.getString("cpu"), "the record names the core");
            assertEquals("fma", error.getString("method"));
            assertEquals("cpu", error.getString("stressor"));
            assertEquals(String.format("%016x", 1L << 17), error.getString("mask"), "the bit that flipped");
            assertTrue(failure.getStringList("verdict_reasons").get(0).startsWith("1 verification error: w" + faulty + " cpu " + faulty
                    + " cpu/fma"), failure.getStringList("verdict_reasons").toString());
            assertEquals("fail", status(k).getConfigList("screening.cores").get(faulty).getString("verdict"));
        }
    }
}
