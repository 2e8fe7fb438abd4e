package kiln.stress.files;

import kiln.util.Ticker;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import kiln.util.Sizes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the free-space floor: after each reading of the usable space, only the creations that
 * fit above the floor are allowed, so the file system never goes below it by more than what is
 * in flight. A full disk (ENOSPC) backs creation off for a second. The allowance is the producer
 * thread's; {@link #paused()} and {@link #full()} may be called from any thread.
 */
final class SpaceGuard {
    private static final Logger LOG = LoggerFactory.getLogger(FileStorm.class);
    static final long CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    static final long FULL_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final long minFree;
    private final long bytesPerFile;
    private final int batch;
    private final LongSupplier usableSpace;
    private final Ticker ticker;
    private final String prefix;
    private final FileCounters counters;
    /** Creations that still fit above the floor since the last reading; producer thread only. */
    private long allowance;
    private long lastCheck;
    private volatile boolean paused;
    /** nanoTime until which creation backs off after the file system reported itself full. */
    private volatile long fullUntil;

    SpaceGuard(long minFree, long bytesPerFile, int batch, LongSupplier usableSpace, Ticker ticker, String prefix,
               FileCounters counters) {
        this.minFree = minFree;
        this.bytesPerFile = bytesPerFile;
        this.batch = batch;
        this.usableSpace = usableSpace;
        this.ticker = ticker;
        this.prefix = prefix;
        this.counters = counters;
        long now = ticker.nanoTime();
        this.fullUntil = now; // nanoTime values are compared by difference only
        this.lastCheck = now - CHECK_NANOS;
    }

    /** Producer thread: whether a batch may be created now, reading the free space when due. */
    boolean mayCreate() {
        long now = ticker.nanoTime();
        if (now - lastCheck >= CHECK_NANOS || (minFree > 0 && allowance < batch)) {
            lastCheck = now;
            check();
        }
        return !paused && now - fullUntil >= 0;
    }

    /** Producer thread: a batch is about to be created. */
    void took(int n) {
        allowance -= n;
    }

    private void check() {
        long free;
        try {
            free = usableSpace.getAsLong();
        } catch (RuntimeException e) {
            counters.fail(FileStorm.Op.CREATE, "cannot read the free space: " + e);
            return;
        }
        allowance = minFree == 0 ? Long.MAX_VALUE : Math.max(0, (free - minFree) / bytesPerFile);
        boolean below = allowance < batch;
        if (below != paused) {
            paused = below;
            if (below) {
                LOG.warn("{}pausing file creation: {} usable, below the floor of {}", prefix, Sizes.human(free),
                        Sizes.human(minFree));
            } else {
                LOG.info("{}resuming file creation: {} usable", prefix, Sizes.human(free));
            }
        }
    }

    /** Any thread: the file system said it is full; do not spin on it. */
    void full() {
        fullUntil = ticker.nanoTime() + FULL_BACKOFF_NANOS;
    }

    /** Whether creation waits: below the floor, or backing off from a full disk. */
    boolean paused() {
        return paused || ticker.nanoTime() - fullUntil < 0;
    }
}
