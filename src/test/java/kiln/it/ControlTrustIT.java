package kiln.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import kiln.testing.OtherUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's control API against a second local account and against clients that trickle:
 * control is never anonymous (loopback included), the token file is the daemon's alone, a request
 * never names a file to write, and probes answer within 2 s whatever other clients do.
 */
@Timeout(180)
final class ControlTrustIT {
    private static final Duration PROBE_BOUND = Duration.ofSeconds(2);

    @TempDir
    Path tmp;

    /** A daemon on a free loopback port with its token file and directory in {@link #tmp}. */
    private KilnProcess daemon() throws Exception {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x")); // others may look, not write
        Path conf = Files.writeString(tmp.resolve("kiln.conf"), "kiln.http.port = 0\n"
                + "kiln.http.token-file = \"" + tmp.resolve("state/token") + "\"\n"
                + "kiln.files.dir = \"" + tmp.resolve("data") + "\"\n"
                + "kiln.files.min-free = 64m\nkiln.files.max-files = 2000\n");
        KilnProcess k = new KilnProcess("daemon", "--config", conf.toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> k.port() > 0 || !k.process.isAlive());
        assertTrue(k.process.isAlive(), k.output());
        return k;
    }

    private String token() throws IOException {
        return Files.readString(tmp.resolve("state/token")).strip();
    }

    @Test
    void anotherLocalUser_cannotRunOrStop_cannotReadTheToken_andCannotHaveAFileOverwritten() throws Exception {
        Path victim = tmp.resolve("victim");
        Files.writeString(victim, "root's own secret\n");
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-------"));
        byte[] before = Files.readAllBytes(victim);
        try (OtherUser other = OtherUser.create(); KilnProcess k = daemon()) {
            String base = "http://127.0.0.1:" + k.port();
            assertTrue(k.output().contains("needs the bearer token from the token file " + tmp.resolve("state/token")), k.output());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("state/token"))));

            OtherUser.Result run = other.run(30, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST",
                    "-H", "Content-Type: application/json", "-d", "{\"report\": \"" + victim + "\", \"duration\": \"5s\", \"no-files\": true}",
                    base + "/api/v1/run");
            assertEquals("401", run.output(), "an anonymous run, on loopback: " + run);
            OtherUser.Result stop = other.run(30, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", base + "/api/v1/stop");
            assertEquals("401", stop.output(), stop.toString());
            OtherUser.Result guess = other.run(30, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST",
                    "-H", "Authorization: Bearer guess", "-d", "{}", base + "/api/v1/run");
            assertEquals("401", guess.output(), guess.toString());
            OtherUser.Result read = other.run(30, "cat", tmp.resolve("state/token").toString());
            assertNotEquals(0, read.exit(), "the token file is root's alone: " + read);
            assertTrue(!read.output().contains(token()), "no token shown");
            OtherUser.Result scrape = other.run(30, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", base + "/metrics");
            assertEquals("200", scrape.output(), "read-only routes stay open");
            assertEquals("idle", ConfigFactory.parseString(k.get("/api/v1/status").body()).getString("state"), "nothing started");

            // even with the token, a request never names a file to write, nor a directory outside the daemon's
            HttpResponse<String> named = k.post("/api/v1/run", "{\"report\": \"" + victim + "\", \"duration\": \"3s\", \"no-files\": true}",
                    "Authorization", "Bearer " + token());
            assertEquals(400, named.statusCode(), named.body());
            assertTrue(named.body().contains("report: not accepted in a request"), named.body());
            HttpResponse<String> elsewhere = k.post("/api/v1/run", "{\"dir\": \"" + tmp.resolve("elsewhere") + "\", \"duration\": \"3s\"}",
                    "Authorization", "Bearer " + token());
            assertEquals(400, elsewhere.statusCode(), elsewhere.body());
            assertTrue(elsewhere.body().contains("dir = " + tmp.resolve("elsewhere") + ": a request may choose only the daemon's"
                    + " directory (kiln.files.dir = " + tmp.resolve("data") + ") or one under it"), elsewhere.body());
            HttpResponse<String> up = k.post("/api/v1/run", "{\"dir\": \"sub/../../elsewhere\", \"duration\": \"3s\"}",
                    "Authorization", "Bearer " + token());
            assertEquals(400, up.statusCode(), up.body());
            assertTrue(Files.notExists(tmp.resolve("elsewhere")), "no directory made where a request pointed");
            assertArrayEquals(before, Files.readAllBytes(victim), "the root-only file is untouched");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(victim)));

            String first = token();
            k.signal(false);
            assertEquals(0, k.waitFor(Duration.ofSeconds(20)), k.output());
            try (KilnProcess again = daemon()) {
                assertEquals(first, token(), "the token is kept across restarts");
                HttpResponse<String> ok = again.post("/api/v1/stop", "", "Authorization", "Bearer " + first);
                assertEquals(409, ok.statusCode(), "the kept token works: " + ok.body());
                again.signal(false);
                assertEquals(0, again.waitFor(Duration.ofSeconds(20)), again.output());
            }
        }
        assertArrayEquals(before, Files.readAllBytes(victim));
    }

    @Test
    void aTokenWithANewline_isRefusedAtStart_butOneTrailingNewlineInTheFileIsDropped() throws Exception {
        Path bad = Files.writeString(tmp.resolve("bad.conf"), "kiln.http.port = 0\nkiln.http.token = \"s3cret\\n\"\n"
                + "kiln.files.dir = \"" + tmp.resolve("data") + "\"\n");
        try (KilnProcess k = new KilnProcess("daemon", "--config", bad.toString())) {
            assertEquals(2, k.waitFor(Duration.ofSeconds(30)), "accepted and never matching before: " + k.output());
            assertEquals(List.of("kiln: kiln.http.token = <7 characters, not shown>: expected visible ASCII characters without spaces,"
                    + " but character 7 of 7 is a line feed (\\n) (a newline from $(cat file) or an env file?)"), k.err);
        }
        Path state = Files.createDirectory(tmp.resolve("state"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path file = Files.writeString(state.resolve("token"), "chosen-by-the-operator\n"); // echo chosen-by-the-operator > token
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        try (KilnProcess k = daemon()) {
            assertEquals(409, k.post("/api/v1/stop", "", "Authorization", "Bearer chosen-by-the-operator").statusCode(), k.output());
            k.signal(false);
            assertEquals(0, k.waitFor(Duration.ofSeconds(20)), k.output());
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Path conf = tmp.resolve("kiln.conf");
        try (KilnProcess k = new KilnProcess("daemon", "--config", conf.toString())) {
            assertEquals(2, k.waitFor(Duration.ofSeconds(30)), k.output());
            assertTrue(k.err.get(0).startsWith("kiln: kiln.http.token-file = " + file + ": the token file can be used by others (mode 0644)"),
                    k.output());
        }
    }

    @Test
    void probesAnswerWithin2s_whileFiftyClientsTrickleBodies_andFiftyTrickleHeaders() throws Exception {
        List<Socket> sockets = new ArrayList<>();
        ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor();
        try (KilnProcess k = daemon()) {
            for (int i = 0; i < 50; i++) {
                sockets.add(open(k, "POST /api/v1/run HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"));
                sockets.add(open(k, "GET /metrics HTTP/1.1\r\nHost: x\r\n"));
            }
            drip.scheduleAtFixedRate(() -> {
                for (int i = 0; i < sockets.size(); i++) {
                    try {
                        sockets.get(i).getOutputStream().write(i % 2 == 0 ? "x".getBytes(StandardCharsets.ISO_8859_1)
                                : ("X-" + i + ": y\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    } catch (IOException closedByKiln) {
                        // refused or cut off: what is meant to happen
                    }
                }
            }, 500, 500, TimeUnit.MILLISECONDS);
            long slowest = 0;
            int probes = 0;
            long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (System.nanoTime() < until) {
                for (String path : List.of("/metrics", "/healthz", "/readyz")) {
                    long t0 = System.nanoTime();
                    HttpResponse<String> r = k.get(path);
                    long took = System.nanoTime() - t0;
                    assertEquals(200, r.statusCode(), path + ": " + r.body());
                    assertTrue(took < PROBE_BOUND.toNanos(), path + " took " + took / 1_000_000 + " ms");
                    slowest = Math.max(slowest, took);
                    probes++;
                }
                Thread.sleep(200);
            }
            System.out.printf(Locale.ROOT, "100 trickling clients: %d probes, slowest %d ms%n", probes, slowest / 1_000_000);
            k.signal(false);
            assertEquals(0, k.waitFor(Duration.ofSeconds(20)), k.output());
        } finally {
            drip.shutdownNow();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    private static Socket open(KilnProcess k, String sent) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", k.port()), 2000);
        s.getOutputStream().write(sent.getBytes(StandardCharsets.ISO_8859_1));
        return s;
    }
}
