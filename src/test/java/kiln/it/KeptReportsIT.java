package kiln.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The daemon's kept reports ({@code <dir>/.kiln-runs}) as a restarted daemon finds them: the last
 * verdict is the one of the highest sequence, whatever the clock said when each was written; a
 * report that is empty, cut short or nested absurdly deep never crashes the daemon, is never
 * skipped in silence ({@code /readyz} not ok, naming it), and never turns a failed node into a
 * passed one.
 */
@Timeout(120)
final class KeptReportsIT {
    @TempDir
    Path tmp;

    private Path config(String extra) throws Exception {
        return Files.writeString(tmp.resolve("kiln.conf"), "kiln.http.port = 0\n"
                + "kiln.files.dir = \"" + tmp.resolve("data") + "\"\n" + extra);
    }

    private Path runs() throws Exception {
        Path runs = Files.createDirectories(tmp.resolve("data/.kiln-runs"));
        Files.setPosixFilePermissions(runs, PosixFilePermissions.fromString("rwx------"));
        return runs;
    }

    private static String report(String verdict, String end) {
        return "{\"schema_version\": 2, \"end\": \"" + end + "\", \"outcome\": \"duration reached\", \"verdict\": \"" + verdict
                + "\", \"verdict_reasons\": []}\n";
    }

    private static Config json(HttpResponse<String> r) {
        return ConfigFactory.parseString(r.body());
    }

    private static KilnProcess daemon(Path conf, String... more) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("daemon", "--config", conf.toString()));
        args.addAll(List.of(more));
        KilnProcess k = new KilnProcess(args.toArray(String[]::new));
        await().atMost(Duration.ofSeconds(30)).until(() -> k.port() > 0 || !k.process.isAlive());
        assertTrue(k.process.isAlive(), "the daemon started: " + k.output());
        return k;
    }

    /** The case: a report written while the clock ran ahead (2099) outranked a later real fail, which became a pass. */
    @Test
    void aReportFromTheFuture_doesNotOutrankALaterFail() throws Exception {
        Files.writeString(runs().resolve("run-20991231T000000Z.json"), report("pass", "2099-12-31T00:00:00Z"));
        Path conf = config("kiln.run.duration = 3s\nkiln.files.enabled = false\nkiln.cpu.load = 30\nkiln.workers.count = 1\n"
                + "kiln.memory.size = 0\nkiln.run.inject-fault = cpu\n");
        try (KilnProcess k = daemon(conf, "--start", "run")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> json(k.get("/api/v1/status")).getString("state").equals("idle")
                    && json(k.get("/api/v1/status")).hasPath("last_run.id"));
            assertEquals("fail", json(k.get("/api/v1/status")).getString("last_run.verdict"), k.output());
            k.signal(false);
            assertEquals(0, k.waitFor(Duration.ofSeconds(30)), k.output());
        }
        try (KilnProcess k = daemon(config(""))) {
            assertEquals("fail", json(k.get("/api/v1/status")).getString("last_run.verdict"), "the later run, not the later clock");
            assertEquals(1.0, k.scrape().get("kiln_last_run_verdict{verdict=\"fail\"}"));
            assertEquals(0.0, k.scrape().get("kiln_last_run_verdict{verdict=\"pass\"}"));
            Config newest = json(k.get("/api/v1/runs")).getConfigList("runs").get(0);
            assertEquals("fail", newest.getString("verdict"), "listed newest first, by sequence");
            assertEquals(1, newest.getLong("sequence"));
            assertEquals(200, k.get("/readyz").statusCode(), "nothing wrong with either report");
            k.signal(false);
            assertEquals(0, k.waitFor(Duration.ofSeconds(30)), k.output());
        }
    }

    /** A later sequence with an earlier time, and an earlier sequence with a later one: the sequence decides. */
    @Test
    void theSequenceDecides_notTheTimeInTheName() throws Exception {
        Path runs = runs();
        Files.writeString(runs.resolve("run-0000000002-20991231T000000Z.json"), report("pass", "2099-12-31T00:00:00Z"));
        Files.writeString(runs.resolve("run-0000000003-20200101T000000Z.json"), report("fail", "2020-01-01T00:00:00Z"));
        Files.writeString(runs.resolve("run-0000000001-20300101T000000Z.json"), report("pass", "2030-01-01T00:00:00Z"));
        try (KilnProcess k = daemon(config(""))) {
            assertEquals("fail", json(k.get("/api/v1/status")).getString("last_run.verdict"), k.output());
            assertEquals(1.0, k.scrape().get("kiln_last_run_verdict{verdict=\"fail\"}"));
            assertEquals(1.5778368e9, k.scrape().get("kiln_last_run_end_timestamp_seconds"), 1, "its own end time, early as it is");
            k.signal(false);
            assertEquals(0, k.waitFor(Duration.ofSeconds(30)), k.output());
        }
    }

    /**
     * The newest report empty (a crash between create and write), cut short, or 100,000 levels
     * deep: the daemon starts, keeps the failed verdict before it, and is not ready, naming the file.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"empty", "truncated", "deep"})
    void anUnusableNewestReport_isReported_andAFailBeforeItStands(String kind) throws Exception {
        Path runs = runs();
        Files.writeString(runs.resolve("run-20261201T000000Z.json"), report("fail", "2026-12-01T00:00:00Z"));
        String text = report("pass", "2026-12-02T00:00:00Z");
        Path bad = runs.resolve("run-20261202T000000Z.json");
        Files.writeString(bad, switch (kind) {
            case "empty" -> "";
            case "truncated" -> text.substring(0, text.length() / 2);
            default -> "[".repeat(100_000);
        });
        try (KilnProcess k = daemon(config(""))) {
            assertEquals(200, k.get("/healthz").statusCode(), "alive: " + k.output());
            assertEquals("fail", json(k.get("/api/v1/status")).getString("last_run.verdict"), "not forgotten, not a pass: " + k.output());
            assertEquals(1.0, k.scrape().get("kiln_last_run_verdict{verdict=\"fail\"}"));
            HttpResponse<String> ready = k.get("/readyz");
            assertEquals(503, ready.statusCode(), ready.body());
            assertTrue(json(ready).getString("problem").startsWith("a kept run report is unreadable: " + bad + " ("), ready.body());
            assertTrue(k.output().contains("kept run report unreadable: " + bad), "and logged: " + k.output());
            Config listed = json(k.get("/api/v1/runs")).getConfigList("runs").get(0);
            assertTrue(listed.getString("error").startsWith("unreadable: "), "listed, not skipped: " + listed.root().render());
            k.signal(false);
            assertEquals(0, k.waitFor(Duration.ofSeconds(30)), k.output());
        }
    }

    /** Unreadable newest, a pass before it: the newest run's verdict is unknown, so it is not a pass. */
    @Test
    void anUnusableNewestReport_afterAPass_isNotAPass() throws Exception {
        Path runs = runs();
        Files.writeString(runs.resolve("run-0000000001-20261201T000000Z.json"), report("pass", "2026-12-01T00:00:00Z"));
        Files.writeString(runs.resolve("run-0000000002-20261202T000000Z.json"), "{\"verdict\": \"fail\", \"end\": \"2026-12-02T0");
        try (KilnProcess k = daemon(config(""))) {
            assertEquals("inconclusive", json(k.get("/api/v1/status")).getString("last_run.verdict"), k.output());
            assertEquals(1.0, k.scrape().get("kiln_last_run_verdict{verdict=\"inconclusive\"}"));
            assertEquals(503, k.get("/readyz").statusCode());
            k.signal(false);
            assertEquals(0, k.waitFor(Duration.ofSeconds(30)), k.output());
        }
    }
}
