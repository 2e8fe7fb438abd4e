package kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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

    /** A kept dir whose last run failed on cpu 3. */
    private Path failedDir() throws Exception {
        Path runs = Files.createDirectories(tmp.resolve("data/.kiln-runs"));
        Files.setPosixFilePermissions(runs, PosixFilePermissions.fromString("rwx------"));
        Files.writeString(runs.resolve("run-0000000001-20261206T120000Z.json"), kiln.fleet.CheckTestReports.failed("2026-12-06T12:00:00Z"));
        return tmp.resolve("data");
    }

    private static final String PASS = "{\"state\": \"idle\", \"last_run\": {\"id\": \"run-0000000009-20261206T130000Z\","
            + " \"verdict\": \"pass\", \"end\": \"2026-12-06T13:00:00Z\", \"verdict_reasons\": []}}";

    /** A stand-in on the daemon's port answering every GET with {@code json}, recording the Authorization headers it gets. */
    private static void impostor(String json, List<String> auth, org.junit.jupiter.api.function.ThrowingConsumer<String> test) throws Throwable {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.createContext("/", x -> {
            auth.add(String.valueOf(x.getRequestHeaders().getFirst("Authorization")));
            byte[] b = (x.getRequestURI().getPath().equals("/api/v1/status") ? json : "{}").getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(x.getRequestURI().getPath().equals("/api/v1/status") ? 200 : 404, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        s.start();
        try {
            test.accept("http://127.0.0.1:" + s.getAddress().getPort());
        } finally {
            s.stop(0);
        }
    }

    /** Anyone can listen on the daemon's port while it is down: a pass from there cannot clear a fail on disk. */
    @Test
    void aPassFromThePort_cannotClearAFailOnDisk() throws Throwable {
        Path data = failedDir();
        impostor(PASS, new CopyOnWriteArrayList<>(), url -> {
            assertEquals(1, check("--url", url, "--dir", data.toString()));
            assertEquals("fail: cpu 3 failed fma 10/10 retests, run 2026-12-06T12:00Z\n", out.toString());
        });
    }

    /** The daemon still adds what only it knows: a run in progress that already failed, over a pass on disk. */
    @Test
    void theDaemonAddsAFailureInProgress_overAPassOnDisk() throws Throwable {
        Path runs = Files.createDirectories(tmp.resolve("data/.kiln-runs"));
        Files.setPosixFilePermissions(runs, PosixFilePermissions.fromString("rwx------"));
        Files.writeString(runs.resolve("run-0000000001-20261206T120000Z.json"), "{\"schema_version\": 2, \"end\": \"2026-12-06T12:00:00Z\","
                + " \"verdict\": \"pass\", \"verdict_reasons\": []}\n");
        impostor("{\"state\": \"running\", \"verdict_so_far\": \"fail\", \"verdict_reasons_so_far\": [\"w0 cpu 0 cpu/fma\"]}",
                new CopyOnWriteArrayList<>(), url -> {
                    assertEquals(1, check("--url", url, "--dir", tmp.resolve("data").toString()));
                    assertEquals("fail: run in progress: w0 cpu 0 cpu/fma\n", out.toString());
                });
    }

    /** The default token file (root's /var/lib/kiln/token) goes to no one: the routes a check asks are open. */
    @Test
    void theDefaultToken_isNeverSent() throws Throwable {
        List<String> auth = new CopyOnWriteArrayList<>();
        impostor(PASS, auth, url -> {
            assertEquals(0, check("--url", url, "--dir", tmp.toString()));
            assertTrue(!auth.isEmpty() && auth.stream().allMatch("null"::equals), "Authorization sent on "
                    + auth.stream().filter(a -> !a.equals("null")).count() + " of " + auth.size() + " requests"); // never print a token
        });
    }

    private Path tokenFile() throws Exception {
        Path t = Files.writeString(tmp.resolve("token"), "k".repeat(40) + "\n");
        Files.setPosixFilePermissions(t, PosixFilePermissions.fromString("rw-------"));
        return t;
    }

    @Test
    void aTokenGiven_goesToLoopback() throws Throwable {
        List<String> auth = new CopyOnWriteArrayList<>();
        String token = tokenFile().toString();
        impostor(PASS, auth, url -> {
            assertEquals(0, check("--url", url, "--dir", tmp.toString(), "--token-file", token));
            assertEquals("Bearer " + "k".repeat(40), auth.get(0));
        });
    }

    @Test
    void aTokenGiven_isNotSentOverPlainHttpOffLoopback() throws Exception {
        assertEquals(3, check("--url", "http://192.0.2.1:9477", "--dir", tmp.toString(), "--token-file", tokenFile().toString(),
                "--timeout", "1s"));
        assertEquals("unknown: not sending the token over plain http to 192.0.2.1\n", out.toString());
        assertTrue(err.toString().contains("a token goes only to a loopback address or over https"), err.toString());
    }

    /** A peer that sends its headers, then a byte a second: the timeout covers the whole exchange, and the disk decides. */
    @Test
    void aTricklingPeer_endsWithinTheTimeout() throws Throwable {
        Path data = failedDir();
        try (ServerSocket s = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (java.net.Socket c = s.accept()) {
                    c.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"
                            .getBytes(StandardCharsets.US_ASCII));
                    for (int i = 0; i < 60; i++) {
                        c.getOutputStream().write(' ');
                        c.getOutputStream().flush();
                        Thread.sleep(1000);
                    }
                } catch (Exception e) {
                    // the check hung up, or the test ended
                }
            });
            t.setDaemon(true);
            t.start();
            long start = System.nanoTime();
            assertEquals(1, check("--url", "http://127.0.0.1:" + s.getLocalPort(), "--dir", data.toString(), "--timeout", "3s"));
            long took = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(took < 8000, "took " + took + " ms");
            assertTrue(err.toString().contains("no answer within 3s"), err.toString());
        }
    }

    /** An Error inside the check (out of memory) is unknown, not a problem that would drain a healthy node. */
    @Test
    void anError_isUnknown_neverAProblem() {
        CheckCommand cmd = new CheckCommand();
        cmd.daemon = (u, t, d) -> {
            throw new OutOfMemoryError("Java heap space");
        };
        CommandLine cl = new CommandLine(cmd);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        assertEquals(3, cl.execute("--dir", tmp.toString()));
        assertEquals("unknown: check failed: java.lang.OutOfMemoryError: Java heap space\n", out.toString());
    }

    /**
     * The review's attack as it was run: a second local account serves a "pass" status on the
     * daemon's port (JDK's jwebserver, a static file); the fail on disk still stands.
     */
    @Test
    void anotherAccountOnThePort_cannotClearAFailOnDisk() throws Exception {
        Path jwebserver = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/jwebserver");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(jwebserver), "no jwebserver here");
        Path data = failedDir();
        Path site = Files.createTempDirectory("kiln-impostor", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Process server = null;
        try (kiln.testing.OtherUser other = kiln.testing.OtherUser.create()) {
            Path v1 = site.resolve("api/v1");
            Files.createDirectories(v1);
            for (Path d : List.of(site.resolve("api"), v1)) {
                Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            Files.setPosixFilePermissions(Files.writeString(v1.resolve("status"), PASS), PosixFilePermissions.fromString("rw-r--r--"));
            int port;
            try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = free.getLocalPort();
            }
            server = new ProcessBuilder(other.as(jwebserver.toString(), "-b", "127.0.0.1", "-p", String.valueOf(port), "-d", site.toString()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            long until = System.nanoTime() + 20_000_000_000L;
            boolean up = false;
            while (!up && System.nanoTime() < until && server.isAlive()) {
                try (java.net.Socket probe = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
                    up = true;
                } catch (java.io.IOException e) {
                    Thread.sleep(100);
                }
            }
            org.junit.jupiter.api.Assumptions.assumeTrue(up, "the other account's server did not come up");
            assertEquals(1, check("--url", "http://127.0.0.1:" + port, "--dir", data.toString()));
            assertEquals("fail: cpu 3 failed fma 10/10 retests, run 2026-12-06T12:00Z\n", out.toString());
        } finally {
            if (server != null) {
                server.destroyForcibly().waitFor();
            }
            try (var walk = Files.walk(site)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
