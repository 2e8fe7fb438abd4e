package kiln.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import kiln.testing.DyingExt4;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A disk that dies mid-run, for real: kiln runs on a loop-mounted ext4 that is shut down under it
 * (every operation EIO from then on, its files undeletable). The run is never PASS and never exits
 * 0; the summary, the JSON report and the exit code give the same verdict; the files it had to
 * leave are named with their count and directory. On every file path this JDK has: NIO (the only
 * one on JDK 17), and native on JDK 22+.
 */
@Timeout(180)
final class DyingFileSystemIT {
    @TempDir
    Path tmp;

    static List<String> paths() {
        List<String> all = new ArrayList<>(List.of("nio"));
        if (Boolean.getBoolean("kiln.expect-native-io")) {
            all.add("native");
        }
        return all;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void aDiskThatDiesMidRun_isNeverAPass_andSummaryReportAndExitAgree(String io) throws Exception {
        Path report = tmp.resolve("report.json");
        try (DyingExt4 fs = DyingExt4.mount(tmp, 256)) {
            Path data = fs.root().resolve("data");
            Map<String, String> env = io.equals("nio") ? Map.of("KILN_JAVA_OPTIONS", "-Dkiln.file-io=nio") : Map.of();
            try (KilnProcess k = new KilnProcess(env, "run", "--duration", "12s", "--workers", "2", "--no-cpu", "--memory", "32m", "--dir", data.toString(),
                    "--metrics-port", "0", "--min-free", "1m", "--max-files", "5000", "--report", report.toString())) {
                await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200))
                        .until(() -> !k.process.isAlive() || k.port() > 0 && k.scrape().entrySet().stream()
                                .filter(e -> e.getKey().startsWith("kiln_files_created_total")).mapToDouble(Map.Entry::getValue).sum() > 5000);
                assertTrue(k.process.isAlive(), k.output());
                fs.die();
                int exit = k.waitFor(Duration.ofSeconds(90));
                Config r = ConfigFactory.parseFile(report.toFile());
                String verdict = r.getString("verdict");
                assertEquals(io, r.getString("files.io"), "the path under test");
                assertEquals("fail", verdict, "a disk answering EIO is what burn-in exists to find, on this path too: " + r.root().render());
                assertEquals(1, exit, "the exit code is the verdict's: " + k.output());
                assertTrue(k.output().contains("verdict: " + verdict.toUpperCase(Locale.ROOT) + " ("), "the summary says the same: " + k.output());
                assertTrue(r.getLong("files.device_errors") > 0, r.root().render());
                long left = r.getLong("files.left");
                assertTrue(left > 0, "a dead disk keeps kiln's files: " + r.root().render());
                String reason = String.format(Locale.ROOT, "%,d files left in %s (w", left, data);
                assertTrue(r.getStringList("verdict_reasons").stream().anyMatch(s -> s.startsWith(reason)),
                        "the reasons name how many and where: " + r.getStringList("verdict_reasons"));
                assertTrue(k.err.stream().anyMatch(l -> l.startsWith("kiln: " + left + " files kiln created are still in " + data + " (w")),
                        k.output());
            }
        }
    }
}
