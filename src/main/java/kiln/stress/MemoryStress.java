package kiln.stress;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes patterns over an off-heap buffer and reads them back, pass after pass: walking ones,
 * checkerboard, then seeded random, each shifted by the pass number so no cell keeps one value.
 * A word that does not read back as written is a verification error, logged with its offset.
 * Counts bytes written plus bytes verified. One thread; counters are thread-safe.
 */
public final class MemoryStress implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryStress.class);
    static final int CHUNK_BYTES = 64 << 20;
    private static final int LOGGED_ERRORS_PER_PASS = 5;

    /** Pattern names in the order they run. */

    private final int workerId;
    private final long size;
    private final List<LongBuffer> chunks = new ArrayList<>();
    private final Thread thread;
    private final LongAdder bytes = new LongAdder();
    private final LongAdder verifyErrors = new LongAdder();
    private final Mismatches mismatches = new Mismatches();
    private final AtomicLong faultAt = new AtomicLong(-1);
    private volatile boolean stopping;
    private long pass;

    /**
     * @param bytes buffer size, rounded down to whole 8-byte words; allocated here, off-heap
     * @throws OutOfMemoryError when the JVM's direct-memory limit does not allow it
     */
    public MemoryStress(int workerId, long bytes) {
        this.workerId = workerId;
        long left = bytes & ~7L;
        this.size = left;
        while (left > 0) {
            int n = (int) Math.min(CHUNK_BYTES, left);
            chunks.add(ByteBuffer.allocateDirect(n).order(ByteOrder.nativeOrder()).asLongBuffer());
            left -= n;
        }
        thread = new Thread(this::loop, "kiln-w" + workerId + "-memory");
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void loop() {
        while (!stopping) {
            MemoryPattern pattern = MemoryPattern.forPass(pass);
            runPass(pattern, pass);
            pass++;
        }
    }

    /** Fills the buffer with one pattern and checks it; returns the mismatches found. */
    long runPass(MemoryPattern pattern, long passNumber) {
        long base = 0;
        for (LongBuffer c : chunks) {
            int n = c.capacity();
            for (int i = 0; i < n && !stopping; i++) {
                c.put(i, pattern.word(passNumber, base + i));
            }
            base += n;
            bytes.add(n * 8L);
        }
        long fault = faultAt.getAndSet(-1);
        if (fault >= 0 && size > 0) {
            flipBit(fault % size);
        }
        long errors = 0;
        base = 0;
        for (LongBuffer c : chunks) {
            int n = c.capacity();
            for (int i = 0; i < n && !stopping; i++) {
                long expected = pattern.word(passNumber, base + i);
                long found = c.get(i);
                if (found != expected) {
                    errors++;
                    if (errors <= LOGGED_ERRORS_PER_PASS) {
                        mismatches.add(kiln.link.Stressor.MEMORY, pattern.label(), Long.toHexString(expected), Long.toHexString(found),
                                "offset 0x" + Long.toHexString((base + i) * 8));
                        LOG.error("w{}: MEMORY VERIFICATION ERROR: pattern {} pass {}: offset 0x{} read {} expected {} (bits {})",
                                workerId, pattern.label(), passNumber, Long.toHexString((base + i) * 8), Long.toHexString(found),
                                Long.toHexString(expected), Long.toHexString(found ^ expected));
                    }
                }
            }
            base += n;
            bytes.add(n * 8L);
        }
        if (errors > LOGGED_ERRORS_PER_PASS) {
            LOG.error("w{}: {} more memory mismatches in pass {} not shown", workerId, errors - LOGGED_ERRORS_PER_PASS, passNumber);
        }
        verifyErrors.add(errors);
        return errors;
    }

    private void flipBit(long byteOffset) {
        long word = byteOffset / 8;
        for (LongBuffer c : chunks) {
            if (word < c.capacity()) {
                c.put((int) word, c.get((int) word) ^ (1L << ((byteOffset % 8) * 8)));
                return;
            }
            word -= c.capacity();
        }
    }

    /**
     * Flips one bit at {@code byteOffset} (mod the size) between the next fill and its check,
     * as a failing DIMM would, to prove that errors are caught and reported.
     */
    public void injectFault(long byteOffset) {
        faultAt.set(Math.max(0, byteOffset));
    }

    public long sizeBytes() {
        return size;
    }

    /** Bytes written plus bytes read back and compared. */
    public long bytes() {
        return bytes.sum();
    }

    /** Details of the wrong results, for the supervisor. */
    public Mismatches mismatches() {
        return mismatches;
    }

    public long verifyErrors() {
        return verifyErrors.sum();
    }

    /** Stops after the word in progress. Idempotent. The buffers are freed with this object. */
    @Override
    public void close() {
        stopping = true;
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
