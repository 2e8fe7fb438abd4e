package kiln.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import kiln.config.SettingsException;
import kiln.config.SettingsLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The control routes over real HTTP on loopback: the token, the body's parameters, what reaches the daemon. */
@Timeout(30)
final class ControlRoutesTest {
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Map<String, Object>> started = new CopyOnWriteArrayList<>();
    private HttpApi api;

    private void serve(String token) throws Exception {
        api = new HttpApi("127.0.0.1", 0);
        ControlRoutes.install(api, token, new ControlRoutes.Control() {
            @Override
            public HttpApi.Reply start(Map<String, Object> overrides, Map<String, String> nameOfKey) {
                started.add(overrides);
                return HttpApi.Reply.json(202, "{\"state\":\"starting\"}");
            }

            @Override
            public HttpApi.Reply stop() {
                return HttpApi.Reply.error(409, "no run in progress");
            }
        });
        api.start();
    }

    @AfterEach
    void close() {
        if (api != null) {
            api.close();
        }
    }

    private HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withAToken_onlyTheBearerGetsThrough() throws Exception {
        serve("s3cret");
        assertEquals(401, post("/api/v1/run", "{}").statusCode());
        assertEquals(401, post("/api/v1/run", "{}", "Authorization", "Bearer wrong").statusCode());
        assertEquals(401, post("/api/v1/stop", "").statusCode());
        assertEquals(List.of(), started, "nothing reached the daemon");
        assertEquals(202, post("/api/v1/run", "{\"duration\": \"30m\", \"no-files\": true}", "Authorization", "Bearer s3cret")
                .statusCode());
        assertEquals(1, started.size());
        assertEquals("30m", started.get(0).get("kiln.run.duration"), started.toString());
        assertEquals(409, post("/api/v1/stop", "", "Authorization", "Bearer s3cret").statusCode());
    }

    @Test
    void badBody_isRefusedNamingTheField_beforeTheDaemonSeesIt() throws Exception {
        serve("s3cret");
        HttpResponse<String> r = post("/api/v1/run", "{\"cpu-lod\": 80}", "Authorization", "Bearer s3cret");
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("cpu-lod"), r.body());
        assertEquals(List.of(), started);
    }

    @Test
    void controlIsNeverOpen_anEmptyTokenIsRefusedAtInstall() throws Exception {
        api = new HttpApi("127.0.0.1", 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ControlRoutes.install(api, "", null));
        assertEquals("control needs a token", e.getMessage());
    }

    @Test
    void aRequestWithoutTheToken_is401AtOnce_andItsBodyIsNeverRead() throws Exception {
        serve("s3cret");
        // announces a body and sends none of it: the 401 must not wait for it
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", api.port()), 2000);
            s.setSoTimeout(2000);
            s.getOutputStream().write(("POST /api/v1/run HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{")
                    .getBytes(StandardCharsets.ISO_8859_1));
            long t0 = System.nanoTime();
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 401"), answer);
            assertTrue(answer.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), answer);
            assertTrue(Duration.ofNanos(System.nanoTime() - t0).compareTo(Duration.ofSeconds(1)) < 0, "answered at once");
        }
        assertEquals(List.of(), started);
    }

    @Test
    void aDeeplyNestedBody_isAJson400_notA500() throws Exception {
        serve("s3cret");
        for (String deep : List.of("[".repeat(60_000), "{\"duration\": " + "[".repeat(65) + "]".repeat(65) + "}")) {
            HttpResponse<String> r = post("/api/v1/run", deep, "Authorization", "Bearer s3cret");
            assertEquals(400, r.statusCode(), r.body());
            assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
            assertEquals("{\"error\":\"the body is not a run request: JSON nested deeper than 64 levels of objects and arrays\"}\n",
                    r.body());
        }
        assertEquals(400, post("/api/v1/run", "{\"duration\": " + "[".repeat(10) + "]".repeat(10) + "}",
                "Authorization", "Bearer s3cret").statusCode(), "shallow enough: refused for its type, not its depth");
        assertEquals(List.of(), started);
    }

    @Test
    void aRequestNamingAReportFile_isRefused_namingTheFieldAndTheRule() throws Exception {
        serve("s3cret");
        HttpResponse<String> r = post("/api/v1/run", "{\"report\": \"/etc/shadow\"}", "Authorization", "Bearer s3cret");
        assertEquals(400, r.statusCode());
        assertEquals("{\"error\":\"report: not accepted in a request: a request never names a file to write; the daemon keeps"
                + " each run's report by id (GET /api/v1/runs/{id})\"}\n", r.body());
        assertEquals(List.of(), started);
    }

    @Test
    void offLoopback_aTokenIsRequired() {
        var s = new SettingsLoader(2).load(null, Map.of("kiln.http.host", "0.0.0.0"));
        SettingsException e = assertThrows(SettingsException.class, () -> ControlRoutes.checkAuth(s));
        assertTrue(e.getMessage().contains("kiln.http.token"), e.getMessage());
        ControlRoutes.checkAuth(new SettingsLoader(2).load(null, Map.of()));
    }
}
