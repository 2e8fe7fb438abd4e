package kiln.http;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import kiln.util.Json;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
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
 * 405 (with {@code Allow}), a handler that throws 500 — each with a JSON error body, never a page
 * with a stack trace — and the server goes on.
 *
 * <p>No handler thread waits on a client (see {@link Limits}), so probes and scrapes answer
 * whatever other clients do:
 * <ul>
 * <li>headers are parsed as they arrive, by whichever thread Jetty has, which returns at once; a
 *     request whose headers are not complete within the request timeout is closed
 *     ({@link HeaderDeadline}), as is a connection that sends nothing for the idle timeout;
 * <li>a request is routed and its gate (the token) checked on its headers alone: a 404, 405 or 401
 *     never reads the body, and closes the connection rather than wait for it;
 * <li>a body announced larger than {@link #MAX_BODY}, or sent chunked, is answered 413 at once (up
 *     to a MiB of it drained after, under the same deadline, so the close does not reset the 413);
 *     otherwise it is read as it arrives ({@link BodyReader}) and must come whole within the
 *     request timeout, at a minimum rate after the first second, or is answered 408;
 * <li>GET routes (metrics, health, status) are answered on the spot; POST routes (control) run on
 *     their own small executor with a bounded queue (503 when full), so a slow start of a run never
 *     takes a thread a scrape needs;
 * <li>past {@code maxConnections} the server stops accepting and closes idle connections sooner.
 * </ul>
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
     * @param idleTimeout    how long a connection may send nothing (headers, body or next request)
     * @param maxConnections connections open at once; beyond it accepting pauses
     * @param threads        Jetty's threads for parsing and answering GETs (the acceptor and selector take two more)
     * @param requestTimeout how long a request's headers may take to arrive, and its body after them
     * @param minBodyRate    bytes a second a body must arrive at, after its first second
     * @param controlThreads threads running POST handlers (control), apart from Jetty's
     */
    public record Limits(Duration idleTimeout, int maxConnections, int threads, Duration requestTimeout, long minBodyRate,
                         int controlThreads) {
        public static final Limits DEFAULT = new Limits(Duration.ofSeconds(10), 256, 8, Duration.ofSeconds(10), 1024, 2);

        public Limits {
            if (idleTimeout.isNegative() || idleTimeout.isZero() || maxConnections < 1 || threads < 1
                    || requestTimeout.isNegative() || requestTimeout.isZero() || minBodyRate < 0 || controlThreads < 1) {
                throw new IllegalArgumentException("bad HTTP limits: " + idleTimeout + ", " + maxConnections + ", " + threads
                        + ", " + requestTimeout + ", " + minBodyRate + ", " + controlThreads);
            }
        }

        /** With the default request timeout, minimum body rate and control threads. */
        public Limits(Duration idleTimeout, int maxConnections, int threads) {
            this(idleTimeout, maxConnections, threads, DEFAULT.requestTimeout, DEFAULT.minBodyRate, DEFAULT.controlThreads);
        }
    }

    /**
     * A request as handlers see it: method, path, one header lookup, the body as text (empty for a
     * {@link Gate}, which runs before the body is read).
     */
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

    /** Decides on a request's headers alone, before its body is read: null lets it through, a reply refuses it. */
    @FunctionalInterface
    public interface Gate {
        Reply check(Request headersOnly);
    }

    /** A POST route: its gate and its handler. */
    private record Post(Gate gate, Handler handler) {
    }

    private final Server server;
    private final ServerConnector connector;
    private final Limits limits;
    private final Map<String, Map<String, Handler>> routes = new LinkedHashMap<>();
    private final Map<String, Post> posts = new LinkedHashMap<>();
    private final Map<String, Handler> prefixRoutes = new LinkedHashMap<>();
    /** POST requests: bodies as they arrive, handlers on their own executor; owns the request deadlines' timer. */
    private final PostLane postLane;

    /** @throws IOException when the address cannot be bound (in use, not local, no permission) */
    public HttpApi(String host, int port) throws IOException {
        this(host, port, Limits.DEFAULT);
    }

    /** @throws IOException when the address cannot be bound (in use, not local, no permission) */
    public HttpApi(String host, int port, Limits limits) throws IOException {
        this.limits = limits;
        QueuedThreadPool pool = new QueuedThreadPool(limits.threads() + 2, 2);
        pool.setName("kiln-http");
        pool.setDaemon(true);
        server = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(MAX_HEADERS);
        // Jetty's core does not enforce this itself (BodyReader does); set so that it shows in Jetty's dump
        http.setMinRequestDataRate(limits.minBodyRate());
        connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(limits.idleTimeout().toMillis());
        connector.setAcceptQueueSize(64);
        server.addConnector(connector);
        ConnectionLimit limit = new ConnectionLimit(limits.maxConnections(), server);
        limit.setIdleTimeout(Math.max(1, limits.idleTimeout().toMillis() / 4));
        server.addBean(limit);
        server.setErrorHandler(new JsonErrors());
        server.setHandler(new org.eclipse.jetty.server.Handler.Abstract() {
            @Override
            public boolean handle(org.eclipse.jetty.server.Request request, Response response, Callback callback) {
                HttpApi.this.handle(request, response, callback);
                return true;
            }
        });
        server.setStopTimeout(1000);
        postLane = new PostLane(limits);
        try {
            connector.open(); // bind now, so a taken port is the caller's error before anything starts
        } catch (IOException e) {
            postLane.close();
            throw e;
        } catch (Exception e) {
            postLane.close();
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

    /** Registers a POST route that anyone may use (its body is still bounded in size and time). */
    public HttpApi post(String path, Handler h) {
        return post(path, r -> null, h);
    }

    /**
     * Registers a POST route whose {@code gate} decides on the headers alone: a refused request's
     * body is never read. The handler runs on the control executor, not on a thread scrapes need.
     */
    public HttpApi post(String path, Gate gate, Handler h) {
        routes.computeIfAbsent(path, p -> new LinkedHashMap<>()).put("POST", h);
        posts.put(path, new Post(gate, h));
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
        if (byMethod == null) {
            Exchange.send(method, response, callback, Exchange.unread(request, response, Reply.error(404, "no such path: " + path)));
        } else if (h == null) {
            TreeSet<String> allowed = new TreeSet<>(byMethod.keySet());
            if (allowed.contains("GET")) {
                allowed.add("HEAD");
            }
            response.getHeaders().put(HttpHeader.ALLOW, String.join(", ", allowed));
            Exchange.send(method, response, callback, Exchange.unread(request, response,
                    Reply.error(405, method + " is not allowed on " + path + "; use " + String.join(" or ", byMethod.keySet()))));
        } else if (!"POST".equals(method)) {
            // GET and HEAD: answered here and now; a body some client sent along is never read
            Exchange.send(method, response, callback, Exchange.unread(request, response, Exchange.run(h,
                    new Request(method, path, Exchange.headers(request), ""))));
        } else {
            Post route = posts.get(path);
            postLane.handle(request, response, callback, route.gate(), route.handler(),
                    new Request(method, path, Exchange.headers(request), ""));
        }
    }

    /** Starts serving; the port was bound in the constructor. */
    public void start() {
        long period = HeaderDeadline.PERIOD.toNanos();
        postLane.timer().scheduleAtFixedRate(new HeaderDeadline(connector, limits.requestTimeout(), System::nanoTime), period,
                period, TimeUnit.NANOSECONDS);
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
        postLane.close();
    }
}
