package kiln.link;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Reads frames from a stream, one per line, never trusting it: a malformed line (see
 * {@link FrameCodec}) is counted, reported to the error sink and skipped; a line longer than
 * {@link FrameCodec#MAX_LINE} is dropped without buffering it. Not thread-safe: one reader thread.
 */
public final class FrameReader {
    private final InputStream in;
    private final Consumer<String> onMalformed;
    private final byte[] chunk = new byte[8192];
    private final byte[] line = new byte[FrameCodec.MAX_LINE];
    private int chunkPos;
    private int chunkLen;
    private long malformed;

    /**
     * @param in          the stream, read until end of stream
     * @param onMalformed told why each malformed line was skipped (called on the reader thread)
     */
    public FrameReader(InputStream in, Consumer<String> onMalformed) {
        this.in = in;
        this.onMalformed = onMalformed;
    }

    /** The next message a supervisor sent, or null at end of stream; unreadable ones are counted and skipped. */
    public Message.ToWorker nextToWorker() throws IOException {
        return nextMessage(Message::toWorker);
    }

    /** The next message a worker sent, or null at end of stream; unreadable ones are counted and skipped. */
    public Message.FromWorker nextFromWorker() throws IOException {
        return nextMessage(Message::fromWorker);
    }

    /**
     * The start frame a worker reads first, or null at end of stream. Strict, unlike the other
     * reads: a worker without a valid start has nothing to run.
     *
     * @throws MalformedFrameException when the first valid line is not a readable start frame
     */
    public WorkerSpec nextStart() throws IOException, MalformedFrameException {
        Frame f = next();
        return f == null ? null : WorkerSpec.fromFrame(f);
    }

    private interface Decoder<T> {
        T decode(Frame f) throws MalformedFrameException;
    }

    private <T> T nextMessage(Decoder<T> decoder) throws IOException {
        Frame f;
        while ((f = next()) != null) {
            try {
                return decoder.decode(f);
            } catch (MalformedFrameException e) {
                skip("a " + f.type() + " frame: " + e.getMessage());
            }
        }
        return null;
    }

    /** The next valid frame, or null at end of stream. */
    Frame next() throws IOException {
        while (true) {
            int len = 0;
            boolean overflow = false;
            boolean sawByte = false;
            while (true) {
                if (chunkPos == chunkLen) {
                    chunkLen = in.read(chunk);
                    chunkPos = 0;
                    if (chunkLen <= 0) {
                        chunkLen = 0;
                        if (sawByte) {
                            skip("end of stream inside a frame (truncated line)");
                        }
                        return null;
                    }
                }
                byte b = chunk[chunkPos++];
                sawByte = true;
                if (b == '\n') {
                    break;
                }
                if (len < line.length) {
                    line[len++] = b;
                } else {
                    overflow = true;
                }
            }
            if (overflow) {
                skip("line longer than " + FrameCodec.MAX_LINE + " bytes");
                continue;
            }
            if (len == 0) {
                continue;
            }
            try {
                // ISO-8859-1 maps every byte to one char, so non-ASCII bytes reach the codec and are refused there
                return FrameCodec.decode(new String(line, 0, len, StandardCharsets.ISO_8859_1));
            } catch (MalformedFrameException e) {
                skip(e.getMessage());
            }
        }
    }

    private void skip(String why) {
        malformed++;
        onMalformed.accept(why);
    }

    /** Lines skipped so far. */
    public long malformed() {
        return malformed;
    }
}
