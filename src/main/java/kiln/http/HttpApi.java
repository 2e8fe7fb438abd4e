package kiln.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import kiln.util.Threads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kiln's HTTP face on the JDK's server. Routes are registered per method and exact path before
 * {@link #start}. An unknown path answers 404, a known path with another method 405 (with
 * {@code Allow}), a body over {@link #MAX_BODY} bytes 413, a handler that throws 500 — each with a
 * JSON error body — and the server goes on. Two named threads; {@link #close} is idempotent.
 */
public final class HttpApi implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    /** Largest request body read; control requests are a few hundred bytes. */
    public static final int MAX_BODY = 64 * 1024;
    /** How much of an oversized body is read and thrown away before answering 413. */
    static final long DRAIN_LIMIT = 1 << 20;

    /** A request as handlers see it: method, path, one header lookup, the body as text. */
    public record Request(String method, String path, Map<String, String> headers, String body) {
        /** A header by case-insensitive name, or null. */
        public String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** An answer. */
    public record Reply(int code, String contentType, String body) {
        public static Reply json(int code, String json) {
            return new Reply(code, "application/json", json + "\n");
        }

        public static Reply error(int code, String message) {
            return json(code, Json.object(Map.of("error", message)));
        }
    }

    /** Handles one request; may throw, which answers 500. */
    @FunctionalInterface
    public interface Handler {
        Reply handle(Request request);
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, Map<String, Handler>> routes = new LinkedHashMap<>();

    /** @throws IOException when the address cannot be bound (in use, not local, no permission) */
    public HttpApi(String host, int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 16);
        executor = new ThreadPoolExecutor(2, 2, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(64),
                Threads.factory("kiln-http", true), new ThreadPoolExecutor.CallerRunsPolicy());
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    /** Registers a GET route (HEAD is answered too). */
    public HttpApi get(String path, Handler h) {
        routes.computeIfAbsent(path, p -> new LinkedHashMap<>()).put("GET", h);
        return this;
    }

    /** Registers a POST route. */
    public HttpApi post(String path, Handler h) {
        routes.computeIfAbsent(path, p -> new LinkedHashMap<>()).put("POST", h);
        return this;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getPath();
            Reply reply;
            Map<String, Handler> byMethod = routes.get(path);
            Handler h = byMethod == null ? null : byMethod.get("HEAD".equals(method) ? "GET" : method);
            if (byMethod == null) {
                reply = Reply.error(404, "no such path: " + path);
            } else if (h == null) {
                TreeSet<String> allowed = new TreeSet<>(byMethod.keySet());
                if (allowed.contains("GET")) {
                    allowed.add("HEAD");
                }
                ex.getResponseHeaders().set("Allow", String.join(", ", allowed));
                reply = Reply.error(405, method + " is not allowed on " + path + "; use " + String.join(" or ", byMethod.keySet()));
            } else {
                String body = readBody(ex);
                if (body == null) {
                    reply = Reply.error(413, "request body larger than " + MAX_BODY + " bytes");
                } else {
                    reply = run(h, new Request(method, path, headers(ex), body));
                }
            }
            send(ex, reply);
        }
    }

    private static Reply run(Handler h, Request req) {
        try {
            return h.handle(req);
        } catch (RuntimeException e) {
            LOG.warn("{} {} failed: {}", req.method(), req.path(), e.toString(), e);
            return Reply.error(500, "internal error: " + e.getClass().getSimpleName());
        }
    }

    private static Map<String, String> headers(HttpExchange ex) {
        Map<String, String> out = new LinkedHashMap<>();
        ex.getRequestHeaders().forEach((k, v) -> out.put(k.toLowerCase(java.util.Locale.ROOT), v.isEmpty() ? "" : v.get(0)));
        return out;
    }

    /**
     * The body, or null when it is larger than allowed. An oversized body is still drained up to
     * {@link #DRAIN_LIMIT}, so the client (still sending) reads the 413 instead of a reset
     * connection; past that the connection is simply closed.
     */
    private static String readBody(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_BODY + 1);
            if (bytes.length <= MAX_BODY) {
                return new String(bytes, StandardCharsets.UTF_8);
            }
            in.skipNBytes(Math.min(DRAIN_LIMIT, Math.max(0, contentLength(ex) - bytes.length)));
            return null;
        } catch (java.io.EOFException e) {
            return null;
        }
    }

    private static long contentLength(HttpExchange ex) {
        try {
            return Long.parseLong(ex.getRequestHeaders().getFirst("Content-Length").strip());
        } catch (RuntimeException e) {
            return DRAIN_LIMIT;
        }
    }

    private static void send(HttpExchange ex, Reply reply) throws IOException {
        byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", reply.contentType());
        boolean head = "HEAD".equals(ex.getRequestMethod());
        ex.sendResponseHeaders(reply.code(), head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
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
        Threads.shutdown(executor, Duration.ofSeconds(2));
    }
}
