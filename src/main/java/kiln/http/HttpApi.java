package kiln.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.ConnectionLimit;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kiln's HTTP face, on Jetty's core server (no servlets). Routes are registered per method and
 * exact path before {@link #start}. An unknown path answers 404, a known path with another method
 * 405 (with {@code Allow}), a handler that throws 500 — each with a JSON error body — and the
 * server goes on.
 *
 * <p>No client can hold the others up (see {@link Limits}): headers are parsed by a selector, not
 * by a thread waiting on a slow client; a connection that sends nothing for the idle timeout is
 * closed, so is a body that stops short of its Content-Length; a body announced larger than
 * {@link #MAX_BODY}, or sent chunked, is answered 413 and the connection closed without reading
 * it; past {@code maxConnections} the server stops accepting and closes idle connections sooner.
 * {@link #close} is idempotent.
 */
public final class HttpApi implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    /** Jetty's padding hint against false sharing, which Jetty otherwise asks the platform MBean server for. */
    static final String REFERENCES_PER_CACHE_LINE = "org.eclipse.jetty.util.referencesPerCacheLine";

    static {
        // Without this property, Jetty's MemoryUtils starts the platform MBean server to read one VM
        // option (UseCompressedOops): that registers every platform MXBean and parses JFR's settings,
        // about 100 ms of start-up and a few MiB of heap for a number. References are 4 bytes (16 to a
        // 64-byte line) below a 32 GiB heap, where the JVM compresses them; the supervisor's heap is
        // far smaller. An operator's -D setting wins.
        if (System.getProperty(REFERENCES_PER_CACHE_LINE) == null) {
            System.setProperty(REFERENCES_PER_CACHE_LINE, Runtime.getRuntime().maxMemory() < (32L << 30) ? "16" : "8");
        }
    }
    /** Largest request body read; control requests are a few hundred bytes. */
    public static final int MAX_BODY = 64 * 1024;
    /** Largest request line plus headers; beyond it Jetty answers 431. */
    static final int MAX_HEADERS = 8 * 1024;

    /**
     * What one client may take.
     *
     * @param idleTimeout how long a connection may send nothing (headers, body or next request)
     * @param maxConnections connections open at once; beyond it accepting pauses
     * @param threads handler threads (the acceptor and selector take two more)
     */
    public record Limits(Duration idleTimeout, int maxConnections, int threads) {
        public static final Limits DEFAULT = new Limits(Duration.ofSeconds(10), 64, 8);

        public Limits {
            if (idleTimeout.isNegative() || idleTimeout.isZero() || maxConnections < 1 || threads < 1) {
                throw new IllegalArgumentException("bad HTTP limits: " + idleTimeout + ", " + maxConnections + ", " + threads);
            }
        }
    }

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

    private final Server server;
    private final ServerConnector connector;
    private final Map<String, Map<String, Handler>> routes = new LinkedHashMap<>();
    private final Map<String, Handler> prefixRoutes = new LinkedHashMap<>();

    /** @throws IOException when the address cannot be bound (in use, not local, no permission) */
    public HttpApi(String host, int port) throws IOException {
        this(host, port, Limits.DEFAULT);
    }

    /** @throws IOException when the address cannot be bound (in use, not local, no permission) */
    public HttpApi(String host, int port, Limits limits) throws IOException {
        QueuedThreadPool pool = new QueuedThreadPool(limits.threads() + 2, 2);
        pool.setName("kiln-http");
        pool.setDaemon(true);
        server = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(MAX_HEADERS);
        connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(limits.idleTimeout().toMillis());
        connector.setAcceptQueueSize(16);
        server.addConnector(connector);
        ConnectionLimit limit = new ConnectionLimit(limits.maxConnections(), server);
        limit.setIdleTimeout(Math.max(1, limits.idleTimeout().toMillis() / 4));
        server.addBean(limit);
        server.setHandler(new org.eclipse.jetty.server.Handler.Abstract() {
            @Override
            public boolean handle(org.eclipse.jetty.server.Request request, Response response, Callback callback) {
                HttpApi.this.handle(request, response, callback);
                return true;
            }
        });
        server.setStopTimeout(1000);
        try {
            connector.open(); // bind now, so a taken port is the caller's error before anything starts
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Registers a GET route (HEAD is answered too). */
    public HttpApi get(String path, Handler h) {
        routes.computeIfAbsent(path, p -> new LinkedHashMap<>()).put("GET", h);
        return this;
    }

    /**
     * Registers a GET route for every path one segment below {@code prefix} (which ends in "/"),
     * such as {@code /api/v1/runs/<id>}; the handler reads the segment from the request's path.
     */
    public HttpApi getUnder(String prefix, Handler h) {
        if (!prefix.endsWith("/")) {
            throw new IllegalArgumentException("a prefix ends in /: " + prefix);
        }
        prefixRoutes.put(prefix, h);
        return this;
    }

    /** Registers a POST route. */
    public HttpApi post(String path, Handler h) {
        routes.computeIfAbsent(path, p -> new LinkedHashMap<>()).put("POST", h);
        return this;
    }

    private void handle(org.eclipse.jetty.server.Request request, Response response, Callback callback) {
        String method = request.getMethod();
        String path = request.getHttpURI().getPath();
        Map<String, Handler> byMethod = routes.get(path);
        if (byMethod == null) {
            for (Map.Entry<String, Handler> p : prefixRoutes.entrySet()) {
                String rest = path.startsWith(p.getKey()) ? path.substring(p.getKey().length()) : "";
                if (!rest.isEmpty() && rest.indexOf('/') < 0) {
                    byMethod = Map.of("GET", p.getValue());
                }
            }
        }
        Handler h = byMethod == null ? null : byMethod.get("HEAD".equals(method) ? "GET" : method);
        Reply reply;
        if (byMethod == null) {
            reply = Reply.error(404, "no such path: " + path);
        } else if (h == null) {
            TreeSet<String> allowed = new TreeSet<>(byMethod.keySet());
            if (allowed.contains("GET")) {
                allowed.add("HEAD");
            }
            response.getHeaders().put(HttpHeader.ALLOW, String.join(", ", allowed));
            reply = Reply.error(405, method + " is not allowed on " + path + "; use " + String.join(" or ", byMethod.keySet()));
        } else if (request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING)) {
            reply = refuseBody(response, "chunked request bodies are not accepted; send Content-Length (at most " + MAX_BODY + " bytes)");
        } else if (request.getLength() > MAX_BODY) {
            reply = refuseBody(response, "request body larger than " + MAX_BODY + " bytes");
        } else {
            String body;
            try {
                body = request.getLength() > 0 ? Content.Source.asString(request, StandardCharsets.UTF_8) : "";
            } catch (IOException e) {
                // The client stopped short of its Content-Length (idle timeout) or went away.
                LOG.debug("{} {}: body not received: {}", method, path, e.toString());
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
                send(method, response, callback, Reply.error(408, "request body not received in time"));
                return;
            }
            reply = run(h, new Request(method, path, headers(request), body));
        }
        send(method, response, callback, reply);
    }

    /** 413 and close: the body is never read, so a client cannot make the server wait on it. */
    private static Reply refuseBody(Response response, String message) {
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        return Reply.error(413, message);
    }

    private static Reply run(Handler h, Request req) {
        try {
            return h.handle(req);
        } catch (RuntimeException e) {
            LOG.warn("{} {} failed: {}", req.method(), req.path(), e.toString(), e);
            return Reply.error(500, "internal error: " + e.getClass().getSimpleName());
        }
    }

    private static Map<String, String> headers(org.eclipse.jetty.server.Request request) {
        Map<String, String> out = new LinkedHashMap<>();
        for (HttpField f : request.getHeaders()) {
            out.putIfAbsent(f.getName().toLowerCase(Locale.ROOT), f.getValue() == null ? "" : f.getValue());
        }
        return out;
    }

    private static void send(String method, Response response, Callback callback, Reply reply) {
        byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
        response.setStatus(reply.code());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        if ("HEAD".equals(method)) {
            callback.succeeded();
        } else {
            response.write(true, ByteBuffer.wrap(body), callback);
        }
    }

    /** Starts serving; the port was bound in the constructor. */
    public void start() {
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("HTTP server did not start: " + e.getMessage(), e);
        }
    }

    /** The bound port: the real one when 0 was asked for. */
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.debug("HTTP server stop: {}", e.toString());
        }
        connector.close();
    }
}
