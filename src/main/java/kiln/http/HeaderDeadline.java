package kiln.http;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection whose request line and headers are not complete within the request
 * deadline. Headers never hold a handler thread (Jetty parses what has arrived and returns), but
 * a client sending a byte every few seconds resets the idle timeout with each one and keeps its
 * connection for hours; enough of them would fill the connection limit and keep scrapers out.
 * Run every {@link #PERIOD} on one thread (the caller's scheduler): not thread-safe otherwise.
 */
final class HeaderDeadline implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(HeaderDeadline.class);
    /** How often connections are looked at: a late one is closed at most this much after its deadline. */
    static final Duration PERIOD = Duration.ofMillis(250);

    private final ServerConnector connector;
    private final Duration deadline;
    private final LongSupplier nanoTime;
    /** Connections seen in their headers: when first seen so, and which request it was. */
    private Map<EndPoint, long[]> inHeaders = new HashMap<>();

    HeaderDeadline(ServerConnector connector, Duration deadline, LongSupplier nanoTime) {
        this.connector = connector;
        this.deadline = deadline;
        this.nanoTime = nanoTime;
    }

    @Override
    public void run() {
        try {
            sweep();
        } catch (RuntimeException e) {
            LOG.warn("request deadline check failed: {}", e.toString(), e);
        }
    }

    private void sweep() {
        long now = nanoTime.getAsLong();
        Map<EndPoint, long[]> seen = new HashMap<>();
        for (EndPoint ep : connector.getConnectedEndPoints()) {
            if (!(ep.getConnection() instanceof HttpConnection c) || !inRequestHead(c)) {
                continue;
            }
            long request = c.getMessagesIn();
            long[] since = inHeaders.get(ep);
            if (since == null || since[1] != request) {
                since = new long[] {now, request};
            }
            if (now - since[0] > deadline.toNanos()) {
                LOG.debug("closing {}: request headers not complete within {}", ep.getRemoteSocketAddress(), deadline);
                ep.close();
                continue;
            }
            seen.put(ep, since);
        }
        inHeaders = seen;
    }

    /** Between the first byte of a request and the end of its headers (not between requests, not in a body). */
    private static boolean inRequestHead(HttpConnection c) {
        return !c.getParser().isStart() && c.getParser().inHeaderState();
    }
}
