package kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** {@code kiln health}: when nothing answers, exit 3 and why in words; the token it sends. */
@Timeout(30)
final class HealthCommandTest {
    private final StringWriter err = new StringWriter();

    private int health(String url, String timeout) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute("health", "--url", url, "--timeout", timeout);
    }

    @Test
    void aClosedPort_isARefusedConnection() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/readyz";
        assertEquals(3, health(url, "2s"));
        assertEquals("kiln: no answer from " + url + ": connection refused: is kiln running and listening there?\n", err.toString());
    }

    @Test
    void aListenerThatNeverAnswers_isATimeout() throws Exception {
        // the kernel completes the connection into the backlog; nobody accepts it or answers
        try (ServerSocket s = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
            String url = "http://127.0.0.1:" + s.getLocalPort() + "/readyz";
            assertEquals(3, health(url, "1s"));
            assertEquals("kiln: no answer from " + url + ": no answer within 1s\n", err.toString());
        }
    }

    @Test
    void aTokenFileWithATrailingNewline_isSentTrimmed_andAnOpenOneIsRefused(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        java.nio.file.Path file = tmp.resolve("token");
        java.nio.file.Files.writeString(file, "s3cret\n");
        java.nio.file.Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (kiln.http.HttpApi api = new kiln.http.HttpApi("127.0.0.1", 0).get("/readyz", r -> {
            seen.add(String.valueOf(r.header("Authorization")));
            return new kiln.http.HttpApi.Reply(200, "text/plain", "ok\n");
        })) {
            api.start();
            CommandLine cl = Main.commandLine();
            cl.setOut(new PrintWriter(new StringWriter(), true));
            cl.setErr(new PrintWriter(err, true));
            String url = "http://127.0.0.1:" + api.port() + "/readyz";
            assertEquals(0, cl.execute("health", "--url", url, "--token-file", file.toString()), err.toString());
            assertEquals(java.util.List.of("Bearer s3cret"), seen);

            java.nio.file.Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            assertEquals(2, cl.execute("health", "--url", url, "--token-file", file.toString()));
            assertEquals("kiln: --token-file = " + file + ": the token file can be used by others (mode 0644); expected 0600:"
                    + " chmod 600 " + file + ", and choose a new token if others may have read it\n", err.toString());
        }
    }
}
