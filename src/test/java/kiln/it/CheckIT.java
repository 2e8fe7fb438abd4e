package kiln.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kiln check} as node-problem-detector runs it (a process, its exit code and its one line)
 * against a real daemon: no run yet, a pass, a failed core (a fault injected into fma), the same
 * core failing again in a second run (recidivist, in the check, the report and
 * {@code kiln_core_failures_total}), then the daemon down (the kept reports and the ledger on disk
 * decide) and restarted (the counter restored from the ledger).
 */
@Timeout(180)
final class CheckIT {
    @TempDir
    Path tmp;

    private static Config json(String body) {
        return ConfigFactory.parseString(body);
    }

    /** {@code kiln check ARGS}: its exit code and its stdout, which must be one line. */
    private record Checked(int code, String line) {
    }

    private Checked check(String... args) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of("check"));
        all.addAll(List.of(args));
        try (KilnProcess k = new KilnProcess(all.toArray(String[]::new))) {
            int code = k.waitFor(Duration.ofSeconds(30));
            await().atMost(Duration.ofSeconds(5)).until(() -> !k.out.isEmpty());
            assertEquals(1, k.out.size(), "exactly one line on stdout: " + k.output());
            assertTrue(k.out.get(0).getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 80, k.out.get(0));
            return new Checked(code, k.out.get(0));
        }
    }

    private static void runToEnd(KilnProcess k, String body) throws Exception {
        String before = json(k.get("/api/v1/status").body()).hasPath("last_run.id")
                ? json(k.get("/api/v1/status").body()).getString("last_run.id") : "";
        assertEquals(202, k.post("/api/v1/run", body, "Authorization", "Bearer s3cret").statusCode(), k.output());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Config s = json(k.get("/api/v1/status").body());
            return s.getString("state").equals("idle") && s.hasPath("last_run.id") && !s.getString("last_run.id").equals(before);
        });
    }

    private static KilnProcess daemon(Path conf) throws Exception {
        KilnProcess k = new KilnProcess("daemon", "--config", conf.toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> k.port() > 0 || !k.process.isAlive());
        assertTrue(k.process.isAlive(), "the daemon started: " + k.output());
        return k;
    }

    @Test
    void theCheck_followsTheDaemon_theLedger_andTheDisk() throws Exception {
        Path data = tmp.resolve("data");
        Path conf = Files.writeString(tmp.resolve("kiln.conf"), "kiln.http.port = 0\nkiln.http.token = \"s3cret\"\n"
                + "kiln.files.dir = \"" + data + "\"\nkiln.workers.count = 1\nkiln.memory.size = 0\nkiln.files.enabled = false\n"
                + "kiln.cpu.load = 30\nkiln.cpu.method = fma\n");
        String run = "{\"duration\": \"2s\"}";
        // the fault goes in 2 s into a run (RunMonitor.FAULT_DELAY_NANOS): the run must outlast that
        String faulty = "{\"duration\": \"4s\", \"inject-fault\": \"cpu:fma\"}";
        String url;
        try (KilnProcess k = daemon(conf)) {
            url = "http://127.0.0.1:" + k.port();
            Checked none = check("--url", url, "--dir", data.toString());
            assertEquals(new Checked(3, "unknown: no run yet (daemon)"), none);

            runToEnd(k, run);
            Checked pass = check("--url", url, "--dir", data.toString());
            assertEquals(0, pass.code(), pass.line() + "\n" + k.output());
            assertTrue(pass.line().startsWith("pass: run 20") && pass.line().endsWith(" (daemon)"), pass.line());

            runToEnd(k, faulty);
            Checked fail = check("--url", url, "--dir", data.toString());
            assertEquals(1, fail.code(), fail.line() + "\n" + k.output());
            assertTrue(fail.line().matches("fail: cpu 0 failed fma \\d+/\\d+ retests \\(injected\\), run 20.*"), fail.line());
            assertEquals(1.0, k.scrape().get("kiln_core_failures_total{cpu=\"0\"}"), "one wrong result on cpu 0");
            assertTrue(check("--url", url, "--degraded").code() == 0, "the event rule: a fail is the condition's");

            runToEnd(k, faulty);
            Checked again = check("--url", url, "--dir", data.toString());
            assertEquals(1, again.code(), again.line());
            assertTrue(again.line().matches("fail: cpu 0 recidivist, 2 runs failed \\(fma\\), last 20.*Z \\(injected\\)"), again.line());
            Config cores = json(k.get("/api/v1/cores").body());
            assertEquals(List.of("0"), cores.getStringList("recidivist"));
            Config last = json(k.get("/api/v1/status").body()).getConfig("last_run");
            assertTrue(last.getStringList("verdict_reasons").get(0).startsWith("cpu 0 is recidivist: it failed in 2 runs"),
                    last.getStringList("verdict_reasons").toString());
            assertEquals(2.0, k.scrape().get("kiln_core_failures_total{cpu=\"0\"}"));
            k.signal(false);
            assertEquals(0, k.waitFor(Duration.ofSeconds(30)), k.output());
        }
        Checked down = check("--url", url, "--config", conf.toString());
        assertEquals(1, down.code(), "the ledger on disk decides with the daemon down: " + down.line());
        assertTrue(down.line().startsWith("fail: cpu 0 recidivist, 2 runs failed (fma)"), down.line());
        Path ledger = data.resolve(".kiln-runs/core-ledger.tsv");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(ledger)));
        assertEquals(3, Files.readAllLines(ledger).size(), "a header and one line a failure: " + Files.readString(ledger));

        try (KilnProcess k = daemon(conf)) {
            assertEquals(2.0, k.scrape().get("kiln_core_failures_total{cpu=\"0\"}"), "restored from the ledger: " + k.output());
            assertEquals(1, check("--url", "http://127.0.0.1:" + k.port()).code());
            k.signal(false);
            assertEquals(0, k.waitFor(Duration.ofSeconds(30)), k.output());
        }
    }
}
