package kiln.http;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import kiln.http.HttpApi.Gate;
import kiln.http.HttpApi.Handler;
import kiln.http.HttpApi.Limits;
import kiln.http.HttpApi.Reply;
import kiln.http.HttpApi.Request;
import kiln.util.Threads;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How {@link HttpApi} answers a POST (control) without a thread waiting on the client: the gate
 * on the headers, the size, the body as it arrives ({@link BodyReader}), then the handler on a
 * small executor of its own with a short queue (503 when full), apart from the threads that
 * answer scrapes. Owns that executor and the timer of request deadlines; {@link #close} is
 * idempotent. Thread-safe.
 */
final class PostLane implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PostLane.class);
    /** Control requests waiting for a thread; more are answered 503. */
    static final int QUEUE = 8;
    /**
     * A body over {@link HttpApi#MAX_BODY} but no larger than this is answered 413 at once, then read
     * (under the same deadline and minimum rate) and dropped before the connection closes: closing
     * on a body still arriving makes the kernel reset the connection, and the client loses the 413
     * (seen with the JDK's client posting 64 KiB + 1). Larger ones are answered and closed unread.
     */
    static final int DRAINED_AT_MOST = 1 << 20;

    private final Limits limits;
    private final ThreadPoolExecutor control;
    private final ScheduledThreadPoolExecutor timer;

    PostLane(Limits limits) {
        this.limits = limits;
        control = new ThreadPoolExecutor(limits.controlThreads(), limits.controlThreads(), 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUE), Threads.factory("kiln-http-control", true));
        control.allowCoreThreadTimeOut(true);
        timer = new ScheduledThreadPoolExecutor(1, Threads.factory("kiln-http-deadline", false));
        timer.setRemoveOnCancelPolicy(true);
    }

    /** The timer of request deadlines, for the header sweep too. */
    ScheduledExecutorService timer() {
        return timer;
    }

    /** Gate, size, then the body as it arrives, then the handler on the control executor. Returns at once. */
    void handle(org.eclipse.jetty.server.Request request, Response response, Callback callback, Gate gate, Handler handler,
                Request head) {
        Reply denied = check(gate, head);
        if (denied != null) {
            Exchange.send(head.method(), response, callback, Exchange.unread(request, response, denied));
            return;
        }
        if (request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING)) {
            Exchange.send(head.method(), response, callback, refuseBody(response,
                    "chunked request bodies are not accepted; send Content-Length (at most " + HttpApi.MAX_BODY + " bytes)"));
            return;
        }
        long length = request.getLength();
        if (length > HttpApi.MAX_BODY) {
            Reply tooLarge = refuseBody(response, "request body larger than " + HttpApi.MAX_BODY + " bytes");
            if (length > DRAINED_AT_MOST) {
                Exchange.send(head.method(), response, callback, tooLarge);
            } else { // the 413 at once, then what is still coming drained, so the close is not a reset
                Exchange.send(head.method(), response, Callback.from(() -> drain(request, (int) length, callback), callback::failed),
                        tooLarge);
            }
            return;
        }
        if (length <= 0) {
            dispatch(handler, head, response, callback);
            return;
        }
        new BodyReader(request, (int) length, true, timeLeft(request), limits.minBodyRate(), System::nanoTime,
                body -> dispatch(handler, new Request(head.method(), head.path(), head.headers(), body), response, callback),
                why -> {
                    LOG.debug("{} {}: {}", head.method(), head.path(), why);
                    response.getHeaders().put(HttpHeader.CONNECTION, "close");
                    Exchange.send(head.method(), response, callback, Reply.error(408, why));
                }).start(timer);
    }

    /** The request's deadline less the time since its headers came. */
    private Duration timeLeft(org.eclipse.jetty.server.Request request) {
        Duration left = limits.requestTimeout().minusNanos(Math.max(0, System.nanoTime() - request.getHeadersNanoTime()));
        return left.isNegative() ? Duration.ZERO : left;
    }

    /**
     * Reads and drops a refused body (under the same deadline and minimum rate), then ends the
     * exchange; the connection closes after it. Closing while the body still arrives makes the
     * kernel reset the connection, and the client can lose the 413 it was already sent.
     */
    private void drain(org.eclipse.jetty.server.Request request, int length, Callback callback) {
        new BodyReader(request, length, false, timeLeft(request), limits.minBodyRate(), System::nanoTime,
                drained -> callback.succeeded(), why -> callback.succeeded()).start(timer);
    }

    /** Runs a POST handler on the control executor; 503 when it is full. */
    private void dispatch(Handler h, Request req, Response response, Callback callback) {
        try {
            control.execute(() -> Exchange.send(req.method(), response, callback, Exchange.run(h, req)));
        } catch (RejectedExecutionException e) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, 1);
            Exchange.send(req.method(), response, callback, Reply.error(503, "busy with other control requests; try again"));
        }
    }

    /** 413 and close: a body is never kept, so a client cannot make the server hold it. */
    private static Reply refuseBody(Response response, String message) {
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        return Reply.error(413, message);
    }

    private static Reply check(Gate gate, Request head) {
        try {
            return gate.check(head);
        } catch (RuntimeException | StackOverflowError e) {
            LOG.warn("{} {}: check failed: {}", head.method(), head.path(), e.toString(), e);
            return Reply.error(500, "internal error: " + e.getClass().getSimpleName());
        }
    }

    @Override
    public void close() {
        Threads.shutdown(timer, Duration.ofSeconds(1));
        Threads.shutdown(control, Duration.ofSeconds(1));
    }
}
