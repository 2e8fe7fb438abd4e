package kiln.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** kiln daemon: the control API, its refusals, counters across runs, and a clean SIGTERM. */
@Timeout(120)
final class DaemonIT {
    @TempDir
    Path tmp;

    private Path config(String extra) throws Exception {
        return Files.writeString(tmp.resolve("kiln.conf"), "kiln.http.port = 0\n"
                + "kiln.http.token-file = \"" + tokenFile() + "\"\n"
                + "kiln.files.dir = \"" + tmp.resolve("data") + "\"\n"
                + "kiln.files.min-free = 64m\nkiln.files.max-files = 2000\n" + extra);
    }

    /** Where the daemons of this test keep the token they make (never /var/lib/kiln of the machine). */
    private Path tokenFile() {
        return tmp.resolve("state/token");
    }

    /** A control request with the token the daemon made. */
    private HttpResponse<String> control(KilnProcess k, String path, String body) throws Exception {
        String token = Files.readString(tokenFile()).strip();
        return k.post(path, body, "Authorization", "Bearer " + token);
    }

    private static Config json(HttpResponse<String> r) {
        return ConfigFactory.parseString(r.body());
    }

    private static String state(KilnProcess k) throws Exception {
        return json(k.get("/api/v1/status")).getString("state");
    }

    @Test
    void daemon_runsOnRequest_refusesBadRequests_keepsCounting_andStopsOnSigterm() throws Exception {
        try (KilnProcess k = new KilnProcess("daemon", "--config", config("").toString())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> k.port() > 0 || !k.process.isAlive());
            assertEquals("idle", state(k));
            assertEquals(503, k.get("/api/v1/ready").statusCode(), "not warm while idle");

            assertEquals(400, control(k, "/api/v1/run", "{not json").statusCode());
            HttpResponse<String> bad = control(k, "/api/v1/run", "{\"cpu-load\": 150}");
            assertEquals(400, bad.statusCode());
            assertEquals("cpu-load = 150: expected a whole number from 0 to 100", json(bad).getString("error"));
            HttpResponse<String> unknown = control(k, "/api/v1/run", "{\"turbo\": true}");
            assertEquals(400, unknown.statusCode());
            assertTrue(json(unknown).getString("error").startsWith("turbo: unknown parameter"), unknown.body());
            assertEquals(400, control(k, "/api/v1/run", "[1, 2]").statusCode());
            HttpResponse<String> report = control(k, "/api/v1/run", "{\"report\": \"/proc/kiln-nope/run.json\"}");
            assertEquals(400, report.statusCode(), report.body());
            assertTrue(json(report).getString("error").startsWith("report: not accepted in a request: a request never names a file"),
                    report.body());
            assertEquals(409, control(k, "/api/v1/stop", "").statusCode(), "nothing to stop");
            assertEquals(405, k.get("/api/v1/run").statusCode());
            assertEquals("idle", state(k), "no refused request started anything");

            HttpResponse<String> run = control(k, "/api/v1/run",
                    "{\"duration\": \"60s\", \"workers\": 2, \"cpu-load\": 20, \"memory\": \"32m\", \"ramp\": \"2m\"}");
            assertEquals(202, run.statusCode(), run.body());
            assertEquals(List.of("the CPU ramp (2m00s) is longer than the run (1m00s): the load reaches 10% of its 20% target by the end"),
                    json(run).getStringList("warnings"), "the client that asked is told, not only the daemon's log");
            await().atMost(Duration.ofSeconds(30)).until(() -> state(k).equals("running"));
            assertEquals(409, control(k, "/api/v1/run", "{}").statusCode(), "one run at a time");
            await().atMost(Duration.ofSeconds(20)).until(() -> k.scrape().getOrDefault("kiln_files_created_total{worker=\"1\"}", 0.0) > 0);
            assertEquals(202, control(k, "/api/v1/stop", "").statusCode());
            await().atMost(Duration.ofSeconds(30)).until(() -> state(k).equals("idle"));
            Config status = json(k.get("/api/v1/status"));
            assertEquals("inconclusive", status.getString("last_run.verdict"), "stopped before its 60 s");
            assertEquals("stopped on request", status.getString("last_run.outcome"));
            assertEquals(json(run).getStringList("warnings"), status.getStringList("last_run.warnings"));
            assertTrue(status.getStringList("last_run.verdict_reasons").get(0).startsWith("the run was cut short: stopped on request after "),
                    status.toString());
            assertEquals(1.0, k.scrape().get("kiln_last_run_verdict{verdict=\"inconclusive\"}"));
            double firstRun = k.scrape().get("kiln_files_created_total{worker=\"0\"}");
            double worker1 = k.scrape().get("kiln_files_created_total{worker=\"1\"}");
            assertTrue(firstRun > 0 && worker1 > 0);

            java.nio.file.Path reportFile = tmp.resolve("reports/second.json");
            assertEquals(400, control(k, "/api/v1/run", "{\"duration\": \"3s\", \"workers\": 1, \"no-cpu\": true, \"report\": \""
                    + reportFile + "\"}").statusCode(), "a request never names a file");
            assertEquals(202, control(k, "/api/v1/run", "{\"duration\": \"3s\", \"workers\": 1, \"no-cpu\": true}").statusCode());
            await().atMost(Duration.ofSeconds(40)).until(() -> state(k).equals("idle")
                    && json(k.get("/api/v1/status")).getString("last_run.outcome").equals("duration reached"));
            assertTrue(Files.notExists(reportFile), "nothing written where the request pointed");
            List<? extends Config> kept = json(k.get("/api/v1/runs")).getConfigList("runs");
            assertEquals(2, kept.size(), kept.toString());
            assertTrue(kept.stream().anyMatch(r -> r.getString("verdict").equals("pass")), "the report is kept by id instead: " + kept);
            double afterSecond = k.scrape().get("kiln_files_created_total{worker=\"0\"}");
            assertTrue(afterSecond > firstRun, "counters carry on across runs: " + firstRun + " then " + afterSecond);
            assertEquals(worker1, k.scrape().get("kiln_files_created_total{worker=\"1\"}"),
                    "worker 1's series stays where run 1 left it; the second run had one worker");

            // a stop that comes while the run starts: from the reply on, the status says stopping, never starting or running
            assertEquals(202, control(k, "/api/v1/run", "{\"duration\": \"60s\", \"workers\": 2, \"no-cpu\": true}").statusCode());
            HttpResponse<String> stop = control(k, "/api/v1/stop", "");
            assertEquals(202, stop.statusCode(), stop.body());
            List<String> seen = new java.util.ArrayList<>();
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            String now;
            do {
                now = state(k);
                if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(now)) {
                    seen.add(now);
                }
                Thread.sleep(20);
            } while (!now.equals("idle") && System.nanoTime() < until);
            assertEquals(List.of("stopping", "idle"), seen, "what the stop's reply said holds");
            Config stopped = json(k.get("/api/v1/status"));
            assertEquals("stopped on request", stopped.getString("last_run.outcome"));
            assertEquals("inconclusive", stopped.getString("last_run.verdict"));

            // a hangup is not a stop for a daemon (the JVM's default was to exit at once)
            assertEquals(0, new ProcessBuilder("kill", "-HUP", Long.toString(k.process.pid())).start().waitFor());
            await().atMost(Duration.ofSeconds(10)).until(() -> k.output().contains("SIGHUP: nothing to reload"));
            assertTrue(k.process.isAlive(), k.output());
            assertEquals("idle", state(k));

            k.signal(false);
            assertEquals(0, k.waitFor(Duration.ofSeconds(15)), k.output());
        }
        assertEquals(List.of(".kiln-cds", ".kiln-runs"), listing(tmp.resolve("data")),
                "every run cleaned up; the daemon keeps its reports and the class data");
    }

    private static List<String> listing(Path dir) throws java.io.IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aFailedRun_staysFailedAcrossARestart_untilARunPasses() throws Exception {
        Path conf = config("");
        String id;
        try (KilnProcess k = new KilnProcess("daemon", "--config", conf.toString())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> k.port() > 0 || !k.process.isAlive());
            assertEquals(0.0, k.scrape().get("kiln_last_run_verdict{verdict=\"fail\"}"), "no run yet");
            assertEquals(202, control(k, "/api/v1/run", "{\"duration\": 4, \"workers\": 2, \"no-files\": true, \"cpu-load\": 30,"
                    + " \"inject-fault\": \"cpu\"}").statusCode());
            await().atMost(Duration.ofSeconds(40)).until(() -> state(k).equals("idle")
                    && json(k.get("/api/v1/status")).hasPath("last_run.verdict"));
            assertEquals("fail", json(k.get("/api/v1/status")).getString("last_run.verdict"));
            assertEquals(1.0, k.scrape().get("kiln_last_run_verdict{verdict=\"fail\"}"));
            k.signal(false);
            assertEquals(0, k.waitFor(Duration.ofSeconds(15)), k.output());
        }
        try (KilnProcess k = new KilnProcess("daemon", "--config", conf.toString())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> k.port() > 0 || !k.process.isAlive());
            assertEquals("idle", state(k));
            try (KilnProcess health = new KilnProcess("health", "--url", "http://127.0.0.1:" + k.port() + "/readyz")) {
                assertEquals(0, health.waitFor(Duration.ofSeconds(30)), "an idle daemon that can run is ready: " + health.output());
            }
            assertEquals("fail", json(k.get("/api/v1/status")).getString("last_run.verdict"), "remembered, not reset to clean");
            assertEquals(1.0, k.scrape().get("kiln_last_run_verdict{verdict=\"fail\"}"));
            assertEquals(0.0, k.scrape().get("kiln_last_run_verdict{verdict=\"pass\"}"));
            assertTrue(k.scrape().get("kiln_last_run_end_timestamp_seconds") > 1.7e9);
            Config runs = json(k.get("/api/v1/runs"));
            assertEquals(1, runs.getConfigList("runs").size());
            assertEquals("fail", runs.getConfigList("runs").get(0).getString("verdict"));
            id = runs.getConfigList("runs").get(0).getString("id");
            Config one = json(k.get("/api/v1/runs/" + id));
            assertEquals(0, one.getConfigList("errors.first").get(0).getInt("cpu"));
            assertEquals(404, k.get("/api/v1/runs/run-20000101T000000Z").statusCode());
            int traversal = k.get("/api/v1/runs/..%2F..%2Fetc%2Fpasswd").statusCode();
            assertTrue(traversal == 400 || traversal == 404, "refused: " + traversal);

            assertEquals(202, control(k, "/api/v1/run", "{\"duration\": 3, \"workers\": 1, \"no-files\": true, \"cpu-load\": 20}")
                    .statusCode());
            await().atMost(Duration.ofSeconds(40)).until(() -> state(k).equals("idle")
                    && json(k.get("/api/v1/runs")).getConfigList("runs").size() == 2);
            assertEquals(1.0, k.scrape().get("kiln_last_run_verdict{verdict=\"pass\"}"), "a passing run clears it");
            assertEquals(0.0, k.scrape().get("kiln_last_run_verdict{verdict=\"fail\"}"));
            k.signal(false);
            assertEquals(0, k.waitFor(Duration.ofSeconds(15)), k.output());
        }
    }

    @Test
    void health_withNothingListening_exits3() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (KilnProcess health = new KilnProcess("health", "--url", "http://127.0.0.1:" + port + "/readyz", "--timeout", "2s")) {
            assertEquals(3, health.waitFor(Duration.ofSeconds(30)), health.output());
            assertEquals("kiln: no answer from http://127.0.0.1:" + port + "/readyz: connection refused: is kiln running and listening there?",
                    health.err.get(0), "the reason in words, not an exception's class name: " + health.output());
        }
    }

    @Test
    void aDaemonThatCannotUseItsDirectory_saysSo_andIsNotReady() throws Exception {
        Path blocker = Files.writeString(tmp.resolve("file"), "not a directory");
        Path conf = Files.writeString(tmp.resolve("bad.conf"), "kiln.http.port = 0\nkiln.files.dir = \"" + blocker.resolve("data") + "\"\n"
                + "kiln.http.token-file = \"" + tokenFile() + "\"\n");
        try (KilnProcess k = new KilnProcess("daemon", "--config", conf.toString(), "--start", "run")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> k.port() > 0 || !k.process.isAlive());
            assertEquals(200, k.get("/healthz").statusCode(), "alive: restarting it would not help");
            HttpResponse<String> ready = k.get("/readyz");
            assertEquals(503, ready.statusCode());
            assertTrue(json(ready).getString("problem").contains(blocker.resolve("data").toString()), ready.body());
            assertEquals(1.0, k.scrape().get("kiln_daemon_problem"));
            assertTrue(json(k.get("/api/v1/status")).getString("problem").startsWith("cannot keep run reports"));
            try (KilnProcess health = new KilnProcess("health", "--url", "http://127.0.0.1:" + k.port() + "/readyz")) {
                assertEquals(1, health.waitFor(Duration.ofSeconds(30)), health.output());
                assertTrue(health.err.get(0).startsWith("kiln: not ready (503): "), health.output());
            }
            try (KilnProcess alive = new KilnProcess("health", "--url", "http://127.0.0.1:" + k.port() + "/healthz")) {
                assertEquals(0, alive.waitFor(Duration.ofSeconds(30)), alive.output());
            }
            k.signal(false);
            assertEquals(0, k.waitFor(Duration.ofSeconds(15)), k.output());
        }
    }

    @Test
    void daemon_withAToken_refusesControlWithoutIt_butServesMetrics() throws Exception {
        try (KilnProcess k = new KilnProcess("daemon", "--config", config("kiln.http.token = \"s3cret\"\n").toString())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> k.port() > 0 || !k.process.isAlive());
            assertEquals(401, k.post("/api/v1/run", "{}").statusCode());
            assertEquals(401, k.post("/api/v1/run", "{}", "Authorization", "Bearer wrong").statusCode());
            assertEquals(401, k.post("/api/v1/stop", "").statusCode());
            assertEquals(200, k.get("/metrics").statusCode(), "scraping needs no token");
            assertEquals(200, k.get("/api/v1/status").statusCode());
            HttpResponse<String> ok = k.post("/api/v1/run", "{\"duration\": \"2s\", \"workers\": 1, \"no-files\": true}",
                    "Authorization", "Bearer s3cret");
            assertEquals(202, ok.statusCode(), ok.body());
            k.signal(false);
            assertEquals(0, k.waitFor(Duration.ofSeconds(20)), k.output());
        }
    }

    @Test
    void daemon_onANonLoopbackAddressWithoutToken_refusesToStart() throws Exception {
        try (KilnProcess k = new KilnProcess("daemon", "--config", config("kiln.http.host = \"0.0.0.0\"\n").toString())) {
            assertEquals(2, k.waitFor(Duration.ofSeconds(30)));
            assertEquals(List.of("kiln: kiln.http.token = \"\": a token is required when kiln.http.host (0.0.0.0) is not a loopback address"),
                    k.err);
        }
    }
}
