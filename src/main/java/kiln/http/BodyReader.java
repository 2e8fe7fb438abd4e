package kiln.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * Reads one request body without a thread waiting on the client: it takes what has arrived
 * ({@link Request#read()}), asks Jetty to call back when more comes ({@link Request#demand}), and
 * returns. The body must arrive whole within {@code deadline} of the request's headers, and after
 * the first second at no less than {@code minRate} bytes a second: a client that trickles a byte
 * every few seconds (each byte would reset the connection's idle timeout) is answered 408 as soon
 * as it falls behind. Exactly one of {@code onBody} and {@code onRefused} is called, once.
 * Thread-safe: Jetty serialises the demand callbacks; the deadline runs on {@code timer}.
 */
final class BodyReader implements Runnable {
    /** Time a client has before the minimum rate applies: a small body comes in one packet. */
    static final Duration GRACE = Duration.ofSeconds(1);

    private final Request request;
    private final int length;
    private final byte[] body; // null when the body is drained, not kept
    private final long startNanos;
    private final Duration deadline;
    private final long minRate;
    private final LongSupplier nanoTime;
    private final Consumer<String> onBody;
    private final Consumer<String> onRefused;
    private final AtomicBoolean done = new AtomicBoolean();
    private int received;
    private volatile ScheduledFuture<?> timeout;

    /**
     * @param length    the declared Content-Length, at most {@link HttpApi#MAX_BODY} when kept
     * @param keep      whether the body is kept; a body read only to be refused is drained (counted and dropped)
     * @param onBody    gets the body as UTF-8 text (empty when drained)
     * @param onRefused gets why the body was not received (answered 408 by the caller)
     */
    BodyReader(Request request, int length, boolean keep, Duration deadline, long minRate, LongSupplier nanoTime,
               Consumer<String> onBody, Consumer<String> onRefused) {
        this.request = request;
        this.length = length;
        this.body = keep ? new byte[length] : null;
        this.deadline = deadline;
        this.minRate = minRate;
        this.nanoTime = nanoTime;
        this.startNanos = nanoTime.getAsLong();
        this.onBody = onBody;
        this.onRefused = onRefused;
    }

    /** Starts reading; the deadline runs on {@code timer}. Returns at once. */
    void start(ScheduledExecutorService timer) {
        timeout = timer.schedule(() -> refuse("the request body (" + length + " bytes) was not received within "
                + seconds(deadline)), deadline.toNanos(), TimeUnit.NANOSECONDS);
        run();
    }

    /** Takes what has arrived; asks to be called again when more comes. */
    @Override
    public void run() {
        while (true) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                if (!done.get()) {
                    request.demand(this);
                }
                return;
            }
            try {
                if (Content.Chunk.isFailure(chunk)) {
                    refuse("the request body was not received: " + chunk.getFailure());
                    return;
                }
                ByteBuffer b = chunk.getByteBuffer();
                int n = Math.min(b.remaining(), length - received);
                if (body != null) {
                    b.get(body, received, n);
                } else {
                    b.position(b.position() + n);
                }
                received += n;
                if (chunk.isLast() || received == length) {
                    if (received < length) {
                        refuse("the request body ended after " + received + " of its " + length + " bytes");
                    } else if (finish()) {
                        onBody.accept(body == null ? "" : new String(body, StandardCharsets.UTF_8));
                    }
                    return;
                }
            } finally {
                chunk.release();
            }
            if (tooSlow()) {
                refuse(String.format(Locale.ROOT, "the request body came slower than %d bytes a second (%d of %d bytes in %s)",
                        minRate, received, length, seconds(Duration.ofNanos(nanoTime.getAsLong() - startNanos))));
                return;
            }
            if (done.get()) {
                return; // refused by the deadline meanwhile: nothing more is read
            }
        }
    }

    /** Whether fewer bytes than the minimum rate asks for have come since the grace period ended. */
    private boolean tooSlow() {
        long late = nanoTime.getAsLong() - startNanos - GRACE.toNanos();
        if (late <= 0) {
            return false;
        }
        double owed = minRate * (late / 1e9);
        return received < Math.min(owed, length);
    }

    private boolean finish() {
        if (!done.compareAndSet(false, true)) {
            return false;
        }
        if (timeout != null) {
            timeout.cancel(false);
        }
        return true;
    }

    private void refuse(String why) {
        if (finish()) {
            onRefused.accept(why);
        }
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
