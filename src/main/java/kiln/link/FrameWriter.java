package kiln.link;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes whole messages to a stream, one line each, flushed: a worker's stdout (shared by its
 * stats and command threads) or a worker's stdin on the supervisor side. Once the stream fails
 * (the peer is gone) every later write returns false without trying. Thread-safe.
 */
public final class FrameWriter implements java.io.Closeable {
    private final OutputStream out;
    private boolean broken;

    public FrameWriter(OutputStream out) {
        this.out = out;
    }

    /** @return false once the stream is gone */
    public synchronized boolean write(Message message) {
        if (broken) {
            return false;
        }
        try {
            out.write(FrameCodec.encode(message.toFrame()).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return true;
        } catch (IOException e) {
            broken = true;
            return false;
        }
    }

    /** Closes the stream: the peer reads end of stream (for a worker: stop now). */
    @Override
    public synchronized void close() throws IOException {
        broken = true;
        out.close();
    }
}
