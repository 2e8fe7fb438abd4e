package kiln.stress.files;

import kiln.util.Ticker;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import kiln.link.LatencyBuckets;
import kiln.workspace.Errno;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What a storm counts, cumulative and thread-safe; failures are counted and logged without flooding. */
final class FileCounters {
    private static final Logger LOG = LoggerFactory.getLogger(FileStorm.class);

    final LongAdder created = new LongAdder();
    final LongAdder deleted = new LongAdder();
    /** Files handed to delete to make room at the free-space floor. */
    final LongAdder floorDeleted = new LongAdder();
    final LongAdder bytes = new LongAdder();
    final LongAdder verified = new LongAdder();
    final LongAdder verifyErrors = new LongAdder();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger inFlightMax = new AtomicInteger();
    private final LongAdder[] errors = new LongAdder[kiln.link.FileOp.values().length];
    private final LongAdder[] latency = new LongAdder[LatencyBuckets.COUNT];
    private final LongAdder latencySum = new LongAdder();
    private final ErrorLog errorLog;
    private final String prefix;

    FileCounters(String prefix, Ticker ticker) {
        this.prefix = prefix;
        this.errorLog = new ErrorLog(LOG, prefix, ticker);
        for (int i = 0; i < errors.length; i++) {
            errors[i] = new LongAdder();
        }
        for (int i = 0; i < latency.length; i++) {
            latency[i] = new LongAdder();
        }
    }

    /** Operations whose failure points at the device or file-system corruption ({@link Errno#isDeviceFault}). */
    final LongAdder deviceFaults = new LongAdder();
    /** Operations answered EROFS: the file system went read-only under the run. */
    final LongAdder readOnly = new LongAdder();
    /** Operations answered ENOSPC or EDQUOT: the file system's bytes or inodes ran out (pressure, explained), or a quota. */
    final LongAdder full = new LongAdder();

    /** Counts a failed operation and logs it (a repeated failure once, with a count). */
    void fail(kiln.link.FileOp op, String what) {
        errors[op.ordinal()].increment();
        errorLog.record(what);
    }

    /** The same, for a failure with an errno: a device fault or a read-only file system is counted again as such. */
    void fail(kiln.link.FileOp op, Errno errno, String what) {
        if (errno.isDeviceFault()) {
            deviceFaults.increment();
        } else if (errno == Errno.EROFS) {
            readOnly.increment();
        } else if (errno.isFull()) {
            full.increment();
        }
        fail(op, what);
    }

    /**
     * Counts tampering: a link or a foreign entry where kiln expected its own. Always logged:
     * someone is working against the run.
     */
    void tampered(String what) {
        errors[kiln.link.FileOp.TAMPER.ordinal()].increment();
        LOG.error("{}REFUSED: {} (not followed, nothing written there)", prefix, what);
    }

    long errors(kiln.link.FileOp op) {
        return errors[op.ordinal()].sum();
    }

    void created(long tookNanos, int size) {
        latency[LatencyBuckets.indexOf(tookNanos)].increment();
        latencySum.add(tookNanos);
        created.increment();
        bytes.add(size);
    }

    void submitted(int count) {
        int now = inFlight.addAndGet(count);
        inFlightMax.accumulateAndGet(now, Math::max);
    }

    long[] latencyCounts() {
        long[] out = new long[latency.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = latency[i].sum();
        }
        return out;
    }

    long latencySumNanos() {
        return latencySum.sum();
    }
}
