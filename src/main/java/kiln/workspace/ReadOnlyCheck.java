package kiln.workspace;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import kiln.util.Ticker;

/**
 * Whether a directory's file system is read-only now, for classifying a failure (EROFS). The
 * JDK's FileStore keeps the mount options it read when it was made, so a store kept since the
 * directory was opened misses a remount during the run (the native path sees EROFS itself); a
 * store looked up now does not. An answer stands {@link #STANDS_NANOS}: a full disk fails up to a
 * window of creates at once, and each would otherwise read the mount table again. Thread-safe.
 */
final class ReadOnlyCheck {
    /** How long an answer stands: a lookup reads the whole mount table (68 µs here). */
    static final long STANDS_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** Looks the file system up now. */
    interface Lookup {
        boolean readOnly() throws IOException;
    }

    private final Lookup now;
    private final BooleanSupplier kept;
    private final Ticker ticker;
    private volatile long checkedAt;
    private volatile boolean checked;
    private volatile boolean readOnly;

    /**
     * @param now  looks the file system up now
     * @param kept what the store kept since the directory was opened says: the answer when a lookup fails
     */
    ReadOnlyCheck(Lookup now, BooleanSupplier kept, Ticker ticker) {
        this.now = now;
        this.kept = kept;
        this.ticker = ticker;
    }

    boolean now() {
        long t = ticker.nanoTime();
        if (checked && t - checkedAt < STANDS_NANOS) {
            return readOnly;
        }
        boolean ro;
        try {
            ro = now.readOnly();
        } catch (IOException | RuntimeException e) {
            ro = kept.getAsBoolean();
        }
        readOnly = ro;
        checkedAt = t;
        checked = true;
        return ro;
    }
}
