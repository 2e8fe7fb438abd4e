package kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code kiln check} on the command line: with the daemon down it falls back to the kept reports
 * (with and without them), with a daemon that answers it judges by that daemon, and every answer is
 * exactly one line on stdout.
 */
@Timeout(30)
final class CheckCommandTest {
    @TempDir
    Path tmp;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int check(String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = "check";
        System.arraycopy(args, 0, all, 1, args.length);
        return cl.execute(all);
    }

    private static String closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + s.getLocalPort();
        }
    }

    /** A stand-in daemon on loopback whose status is {@code json}; {@code test} gets its base URL. */
    private static void withStatus(String json, org.junit.jupiter.api.function.ThrowingConsumer<String> test) throws Throwable {
        try (kiln.http.HttpApi api = new kiln.http.HttpApi("127.0.0.1", 0).get("/api/v1/status", r -> kiln.http.HttpApi.Reply.json(200, json))) {
            api.start();
            test.accept("http://127.0.0.1:" + api.port());
        }
    }

    private void assertOneLine() {
        assertTrue(out.toString().endsWith("\n") && out.toString().indexOf('\n') == out.toString().length() - 1, "one line: " + out);
        assertTrue(out.toString().strip().length() <= 80, out.toString());
    }

    @Test
    void daemonDown_noKeptReports_isUnknown() throws Exception {
        assertEquals(3, check("--url", closedPort(), "--dir", tmp.resolve("data").toString()));
        assertEquals("unknown: daemon down, no kept reports in " + tmp.resolve("data") + "\n", out.toString());
        assertOneLine();
        assertTrue(err.toString().contains("connection refused"), err.toString());
        assertTrue(Files.notExists(tmp.resolve("data")), "a check makes nothing");
    }

    @Test
    void daemonDown_keptReports_judgeTheNode() throws Exception {
        Path runs = Files.createDirectories(tmp.resolve("data/.kiln-runs"));
        Files.setPosixFilePermissions(runs, PosixFilePermissions.fromString("rwx------"));
        Files.writeString(runs.resolve("run-0000000001-20261206T120000Z.json"),
                kiln.fleet.CheckTestReports.failed("2026-12-06T12:00:00Z"));
        Path conf = Files.writeString(tmp.resolve("kiln.conf"), "kiln.files.dir = \"" + tmp.resolve("data") + "\"\n");
        assertEquals(1, check("--url", closedPort(), "--config", conf.toString()));
        assertEquals("fail: cpu 3 failed fma 10/10 retests, run 2026-12-06T12:00Z\n", out.toString());
        assertOneLine();
    }

    @Test
    void aDaemonThatAnswers_isWhatCounts() throws Throwable {
        String status = "{\"state\": \"idle\", \"last_run\": {\"id\": \"run-0000000002-20261206T130000Z\", \"verdict\": \"pass\","
                + " \"end\": \"2026-12-06T13:00:00Z\", \"verdict_reasons\": []}}";
        withStatus(status, url -> {
            assertEquals(0, check("--url", url + "/", "--dir", tmp.toString()));
            assertEquals("pass: run 2026-12-06T13:00Z (daemon)\n", out.toString());
        });
    }

    @Test
    void aRunInProgressThatFailed_isAProblemAtOnce() throws Throwable {
        String status = "{\"state\": \"running\", \"verdict_so_far\": \"fail\", \"verdict_reasons_so_far\": [\"1 verification error:"
                + " w0 cpu 0 cpu/fma: expected 1 got 3\"]}";
        withStatus(status, url -> {
            assertEquals(1, check("--url", url));
            assertTrue(out.toString().startsWith("fail: run in progress: 1 verification error: w0 cpu 0 cpu/fma"), out.toString());
            assertOneLine();
        });
    }

    @Test
    void somethingElseOnThePort_isNotADaemon_andTheKeptReportsDecide() throws Throwable {
        withStatus("{\"hello\": 1}", url -> {
            assertEquals(3, check("--url", url, "--dir", tmp.toString()));
            assertTrue(out.toString().startsWith("unknown: daemon answer unusable, no kept reports in /"), out.toString());
            assertOneLine();
            assertTrue(err.toString().contains("GET /api/v1/status: not a kiln daemon's status"), err.toString());
        });
    }

    @Test
    void aBadUrl_isBadUsage_saidOnStdoutToo() {
        assertEquals(2, check("--url", "ftp://example/"));
        assertTrue(out.toString().startsWith("unknown: bad usage: --url = ftp://example/: expected the daemon's base URL"), out.toString());
        assertOneLine();
        assertTrue(err.toString().contains("kiln: --url = ftp://example/: expected the daemon's base URL"), err.toString());
    }
}
