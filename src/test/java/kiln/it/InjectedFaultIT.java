package kiln.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A fail from --inject-fault is marked as injected wherever it shows: metrics, summary, JSON and HTML reports. */
@Timeout(120)
final class InjectedFaultIT {
    @TempDir
    Path tmp;

    @Test
    void injectedFault_isMarked_inTheMetrics_theSummary_andTheReport() throws Exception {
        Path html = tmp.resolve("report.html");
        try (KilnProcess k = new KilnProcess("run", "--duration", "6s", "--workers", "1", "--no-files", "--cpu-load", "20",
                "--metrics-port", "0", "--inject-fault", "cpu", "--report", html.toString())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> k.port() > 0 || !k.process.isAlive());
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                    .until(() -> Double.valueOf(1.0).equals(k.scrape().get("kiln_fault_injected{target=\"cpu\"}")));
            assertEquals(0.0, k.scrape().get("kiln_fault_injected{target=\"memory\"}"), "only the stressor named");
            assertEquals(1, k.waitFor(Duration.ofSeconds(60)), k.output());
            assertTrue(k.output().contains("!! a fault was INJECTED on purpose (--inject-fault cpu)"), k.output());
        }
        String page = Files.readString(html);
        assertTrue(page.contains("id=\"injected-fault\">FAULT INJECTED ON PURPOSE"), "the HTML report says so");
        java.util.regex.Matcher data = java.util.regex.Pattern.compile("id=\"kiln-report\">\n(.*)\n</script>", java.util.regex.Pattern.DOTALL)
                .matcher(page);
        assertTrue(data.find());
        Config json = ConfigFactory.parseString(data.group(1));
        assertEquals("fail", json.getString("report.verdict"));
        assertEquals("cpu", json.getString("report.injected_fault.target"));
    }
}
