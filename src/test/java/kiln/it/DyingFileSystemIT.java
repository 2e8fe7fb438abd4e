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

    /**
     * The same in the daemon: the last verdict (status and kiln_last_run_verdict) is the report's,
     * fail with the files left named; its report cannot be kept on the dead disk, and /readyz says
     * so, since a restart would not remember the fail.
     */
    @org.junit.jupiter.api.Test
    void aDiskThatDiesUnderTheDaemon_makesTheLastVerdictFail_andReadyzSaysItWasNotKept() throws Exception {
        try (DyingExt4 fs = DyingExt4.mount(tmp, 256)) {
            Path data = fs.root().resolve("data");
            Path conf = java.nio.file.Files.writeString(tmp.resolve("kiln.conf"), "kiln.http.port = 0\nkiln.files.dir = \"" + data
                    + "\"\nkiln.files.min-free = 1m\nkiln.files.max-files = 5000\nkiln.cpu.enabled = false\nkiln.memory.size = 32m\n"
                    + "kiln.workers.count = 2\nkiln.run.duration = 12s\n");
            try (KilnProcess k = new KilnProcess("daemon", "--config", conf.toString(), "--start", "run")) {
                await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200))
                        .until(() -> !k.process.isAlive() || k.port() > 0 && k.scrape().entrySet().stream()
                                .filter(e -> e.getKey().startsWith("kiln_files_created_total")).mapToDouble(Map.Entry::getValue).sum() > 5000);
                assertTrue(k.process.isAlive(), k.output());
                fs.die();
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                        .until(() -> ConfigFactory.parseString(k.get("/api/v1/status").body()).hasPath("last_run.verdict"));
                Config last = ConfigFactory.parseString(k.get("/api/v1/status").body()).getConfig("last_run");
                assertEquals("fail", last.getString("verdict"), last.root().render());
                assertEquals(1.0, k.scrape().get("kiln_last_run_verdict{verdict=\"fail\"}"));
                assertEquals(0.0, k.scrape().get("kiln_last_run_verdict{verdict=\"pass\"}"));
                assertTrue(last.getLong("files.left") > 0, last.root().render());
                assertTrue(last.getStringList("verdict_reasons").stream().anyMatch(r -> r.contains(" files left in " + data + " (w")),
                        last.getStringList("verdict_reasons").toString());
                java.net.http.HttpResponse<String> ready = k.get("/readyz");
                assertEquals(503, ready.statusCode(), ready.body());
                assertTrue(ready.body().contains("cannot keep the last run's report in " + data.resolve(".kiln-runs")), ready.body());
                k.signal(false);
                assertEquals(0, k.waitFor(Duration.ofSeconds(60)), k.output());
            }
        }
    }
}
