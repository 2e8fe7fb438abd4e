package kiln.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import kiln.util.Threads;

/**
 * kiln's HTTP face on the JDK's server: {@code GET /metrics} (Prometheus text), {@code GET
 * /healthz}, {@code GET /api/v1/status} (JSON). Unknown paths answer 404 and other methods 405,
 * each with a JSON error body; a failing handler answers 500 and the server goes on. Two named
 * threads; {@link #close} is idempotent.
 */
public final class HttpApi implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);

    private final HttpServer server;
    private final ExecutorService executor;

    /**
     * @param metrics   the exposition for an Accept header
     * @param contentType content type for an Accept header
     * @param status    the status document, already JSON
     * @throws IOException when the address cannot be bound (in use, not local, no permission)
     */
    public HttpApi(String host, int port, Function<String, String> metrics, Function<String, String> contentType,
                   Supplier<String> status) throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 16);
        executor = new ThreadPoolExecutor(2, 2, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(64),
                Threads.factory("kiln-http", true), new ThreadPoolExecutor.CallerRunsPolicy());
        server.setExecutor(executor);
        server.createContext("/", ex -> handle(ex, Map.of(
                "/metrics", () -> {
                    String accept = ex.getRequestHeaders().getFirst("Accept");
                    return new Reply(200, contentType.apply(accept), metrics.apply(accept));
                },
                "/healthz", () -> new Reply(200, "text/plain; charset=utf-8", "ok\n"),
                "/api/v1/status", () -> new Reply(200, "application/json", status.get()))));
    }

    private record Reply(int code, String contentType, String body) {
    }

    private static void handle(HttpExchange ex, Map<String, Supplier<Reply>> routes) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            Supplier<Reply> route = routes.get(path);
            Reply reply;
            if (route == null) {
                reply = error(404, "no such path: " + path);
            } else if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                reply = error(405, ex.getRequestMethod() + " is not allowed on " + path + "; use GET");
            } else {
                try {
                    reply = route.get();
                } catch (RuntimeException e) {
                    LOG.warn("{} failed: {}", path, e.toString(), e);
                    reply = error(500, "internal error: " + e.getClass().getSimpleName());
                }
            }
            byte[] body = reply.body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", reply.contentType);
            boolean head = "HEAD".equals(ex.getRequestMethod());
            ex.sendResponseHeaders(reply.code, head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    private static Reply error(int code, String message) {
        return new Reply(code, "application/json", Json.object(Map.of("error", message)) + "\n");
    }

    public void start() {
        server.start();
    }

    /** The bound port: the real one when 0 was asked for. */
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        Threads.shutdown(executor, java.time.Duration.ofSeconds(2));
    }
}
