package kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** {@code kiln health} when nothing answers: exit 3, and why in words. */
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
}
