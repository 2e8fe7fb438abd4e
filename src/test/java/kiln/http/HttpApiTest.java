package kiln.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import kiln.util.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
final class HttpApiTest {
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final AtomicBoolean failStatus = new AtomicBoolean();
    private HttpApi api;

    @BeforeEach
    void start() throws Exception {
        api = new HttpApi("127.0.0.1", 0)
                .get("/metrics", r -> new HttpApi.Reply(200, "text/plain; version=0.0.4; charset=utf-8", "kiln_up 1\n"))
                .get("/healthz", r -> new HttpApi.Reply(200, "text/plain; charset=utf-8", "ok\n"))
                .get("/api/v1/status", r -> {
                    if (failStatus.get()) {
                        throw new IllegalStateException("boom");
                    }
                    return new HttpApi.Reply(200, "application/json", "{\"state\":\"running\"}");
                })
                .post("/api/v1/echo", r -> HttpApi.Reply.json(200, Json.object(java.util.Map.of("body", r.body()))));
        api.start();
    }

    @AfterEach
    void stop() {
        api.close();
        api.close(); // idempotent
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .timeout(Duration.ofSeconds(5)).method(method, HttpRequest.BodyPublishers.noBody()).build();
        return client.send(req, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void port0_bindsAFreePort() {
        assertTrue(api.port() > 0);
    }

    @Test
    void metrics_healthz_status_answer() throws Exception {
        HttpResponse<String> m = send("GET", "/metrics");
        assertEquals(200, m.statusCode());
        assertEquals("kiln_up 1\n", m.body());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", m.headers().firstValue("Content-Type").orElse(""));
        assertEquals("ok\n", send("GET", "/healthz").body());
        assertEquals("{\"state\":\"running\"}", send("GET", "/api/v1/status").body());
        assertEquals(200, send("HEAD", "/metrics").statusCode());
    }

    @Test
    void unknownPath_is404_andWrongMethod_is405_withJsonBodies() throws Exception {
        HttpResponse<String> nf = send("GET", "/nope");
        assertEquals(404, nf.statusCode());
        assertEquals("{\"error\":\"no such path: /nope\"}\n", nf.body());
        HttpResponse<String> na = send("DELETE", "/metrics");
        assertEquals(405, na.statusCode());
        assertEquals("GET, HEAD", na.headers().firstValue("Allow").orElse(""));
        assertEquals("{\"error\":\"DELETE is not allowed on /metrics; use GET\"}\n", na.body());
        HttpResponse<String> getOnPost = send("GET", "/api/v1/echo");
        assertEquals(405, getOnPost.statusCode());
        assertEquals("POST", getOnPost.headers().firstValue("Allow").orElse(""));
    }

    @Test
    void oversizedBody_is413_andSmallBodiesArrive() throws Exception {
        HttpRequest big = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/api/v1/echo"))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(HttpApi.MAX_BODY + 1))).build();
        // again and again: a server that closes on a body still arriving gets the connection reset,
        // and the client loses the 413 ("header parser received no bytes"), some of the time
        for (int i = 0; i < 30; i++) {
            HttpResponse<String> r = client.send(big, HttpResponse.BodyHandlers.ofString());
            assertEquals(413, r.statusCode(), "try " + i);
            assertEquals("{\"error\":\"request body larger than 65536 bytes\"}\n", r.body());
        }
        HttpRequest small = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/api/v1/echo"))
                .POST(HttpRequest.BodyPublishers.ofString("hi")).build();
        assertEquals("{\"body\":\"hi\"}\n", client.send(small, HttpResponse.BodyHandlers.ofString()).body());
    }

    @Test
    void failingHandler_is500_andTheServerGoesOn() throws Exception {
        failStatus.set(true);
        HttpResponse<String> r = send("GET", "/api/v1/status");
        assertEquals(500, r.statusCode());
        assertEquals("{\"error\":\"internal error: IllegalStateException\"}\n", r.body());
        failStatus.set(false);
        assertEquals(200, send("GET", "/api/v1/status").statusCode());
    }

    @Test
    void errorsJettyAnswersItself_areJson_neverAnHtmlPage() throws Exception {
        for (String bad : java.util.List.of("GET /metrics HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n",
                "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + "y".repeat(HttpApi.MAX_HEADERS) + "\r\n\r\n")) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", api.port())) {
                s.setSoTimeout(5000);
                s.getOutputStream().write(bad.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                String answer = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
                assertTrue(answer.startsWith("HTTP/1.1 400") || answer.startsWith("HTTP/1.1 431"), answer);
                assertTrue(answer.contains("Content-Type: application/json"), answer);
                assertTrue(answer.contains("{\"error\":\""), answer);
                assertTrue(!answer.contains("<html") && !answer.contains("\tat "), answer);
            }
        }
    }
}
