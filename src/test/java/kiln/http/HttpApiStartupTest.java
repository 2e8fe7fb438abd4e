package kiln.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What starting the HTTP server costs a fresh JVM: Jetty asks the platform MBean server for one VM
 * option unless told the answer, and starting that server registers every platform MXBean and
 * parses JFR's settings (~100 ms of the supervisor's start-up). Run in a child JVM, because any
 * earlier test in this one may have started it already.
 */
@Timeout(60)
final class HttpApiStartupTest {
    /** The child: serve one request, then print how many MBean servers exist and Jetty's hint. */
    public static void main(String[] args) throws Exception {
        try (HttpApi api = new HttpApi("127.0.0.1", 0)) {
            api.get("/x", r -> HttpApi.Reply.json(200, "{}")).start();
            var client = java.net.http.HttpClient.newHttpClient();
            var reply = client.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + api.port() + "/x")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            System.out.println("status=" + reply.statusCode());
        }
        System.out.println("mbeanServers=" + javax.management.MBeanServerFactory.findMBeanServer(null).size());
        System.out.println("referencesPerCacheLine=" + System.getProperty(HttpApi.REFERENCES_PER_CACHE_LINE));
    }

    private static List<String> child(String... jvmOptions) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx64m"));
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), HttpApiStartupTest.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the child JVM ends");
            assertEquals(0, p.exitValue(), out);
            return out.lines().toList();
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void servingARequest_leavesThePlatformMBeanServerUnstarted() throws Exception {
        assertEquals(List.of("status=200", "mbeanServers=0", "referencesPerCacheLine=16"), child());
    }

    @Test
    void anOperatorsSetting_wins() throws Exception {
        assertEquals(List.of("status=200", "mbeanServers=0", "referencesPerCacheLine=8"),
                child("-Dorg.eclipse.jetty.util.referencesPerCacheLine=8"));
    }
}
