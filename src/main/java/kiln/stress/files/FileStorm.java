package kiln.stress.files;

import kiln.util.Ticker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import kiln.workspace.Dir;
import kiln.workspace.Errno;
import kiln.workspace.FileIo;
import kiln.workspace.FsException;
import kiln.workspace.Layout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates small files as fast as the machine allows, with at most {@code inFlight} creations
 * in flight: a producer thread takes permits from a {@link Semaphore} and hands one creation
 * per permit to a fixed pool of writer threads; each finished creation returns its permit.
 *
 * <p>Every file operation goes through {@link FileIo}, relative to directories held open by
 * descriptor: the worker directory is opened (or made) relative to its parent, each shard
 * relative to the worker directory, and files are created with {@code O_EXCL | O_NOFOLLOW} and
 * deleted with {@code unlinkat} in the shard kiln holds. A link where kiln expects its own entry
 * is refused and counted ({@link Op#TAMPER}), never followed. Files go to
 * {@link Layout}'s {@code d<shard>/<index>.kiln}. Past {@code maxFiles} the oldest finished
 * file is deleted for each new one (steady churn); at the free-space floor the oldest files are
 * deleted to make room, and creation pauses only when none is left to delete ({@link SpaceGuard}).
 * {@link #stopAndClean} deletes exactly what this storm created. Counters are thread-safe and
 * cumulative.
 */
public final class FileStorm implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FileStorm.class);
    /** With verify on, one file in this many is read back. */
    public static final int VERIFY_EVERY = 16;

    private final StormOptions options;
    private final int workerId;
    private final Ticker ticker;
    private final String logPrefix;
    private final kiln.stress.Mismatches mismatches = new kiln.stress.Mismatches();
    private final FileCounters counters;
    private final SpaceGuard space;
    private final Writers writers;
    private final int writerThreads;
    private final Producer producer;
    private final Dir parent;
    private final Dir workerDir;
    private final boolean ownsDir;
    private final Shards shards;
    private final FileRing kept;
    private final Sweeper sweeper;
    private final Creator creator;
    private final AtomicBoolean closedOnce = new AtomicBoolean();
    private volatile long leftAfterStop;

    /**
     * Prepares (does not start) a storm: opens the parent of {@code options.dir()}, then makes or
     * opens the worker directory relative to it, refusing a link.
     *
     * @param usableSpace bytes usable on the target file system: asked ten times a second, and
     *                    again whenever the creations that fit above the floor are used up
     * @param blockSize   allocation unit of the file system: a file takes its size rounded up to it
     * @throws FsException when the directory cannot be opened or made; {@link Errno#isTampering()}
     *                     when a link or a file stands where the worker directory should be
     */
    public FileStorm(StormOptions options, FileIo io, int workerId, Ticker ticker, LongSupplier usableSpace,
                     long blockSize) throws FsException {
        this(options, io, workerId, ticker, usableSpace, blockSize, () -> -1, Duration.ofMillis(100));
    }

    /**
     * The same, holding the inode floor ({@link StormOptions#minFreeInodes}) as well.
     *
     * @param freeInodes    free inodes of the target file system, -1 when it counts none; asked at
     *                      most once per {@code inodeInterval}, or sooner only when that is as short as 100 ms
     * @param inodeInterval how often a reading of the inodes may be taken
     */
    public FileStorm(StormOptions options, FileIo io, int workerId, Ticker ticker, LongSupplier usableSpace,
                     long blockSize, LongSupplier freeInodes, Duration inodeInterval) throws FsException {
        this.options = options;
        this.workerId = workerId;
        this.ticker = ticker;
        this.logPrefix = "w" + workerId + ": ";
        this.counters = new FileCounters(logPrefix, ticker);
        Path abs = options.dir().toAbsolutePath().normalize();
        this.parent = io.openRoot(abs.getParent());
        try {
            Dir.Opened o = Dir.makeOrOpen(parent, abs.getFileName().toString());
            this.workerDir = o.dir();
            this.ownsDir = o.made();
        } catch (FsException e) {
            parent.close();
            throw e;
        }
        this.shards = new Shards(workerDir, counters);
        int batch = Math.max(1, Math.min(64, options.inFlight() / 8));
        long block = Math.max(512, blockSize);
        this.space = new SpaceGuard(options.minFree(), (options.fileSize() + block - 1) / block * block, batch, options.share(),
                usableSpace, ticker, logPrefix, counters, options.minFreeInodes(), freeInodes, inodeInterval.toNanos());
        this.kept = new FileRing(options.maxFiles());
        int threads = options.writerThreads(Runtime.getRuntime().availableProcessors());
        this.writerThreads = threads;
        this.sweeper = new Sweeper(workerId, logPrefix, ticker, options.dir(), shards, counters, kept);
        this.creator = new Creator(options, ticker, logPrefix, counters, space, shards, kept, sweeper, mismatches, this::writerDone);
        this.writers = new Writers(threads, "kiln-w" + workerId + "-writer", io, workerId, options.fileSize(), creator, ticker);
        FloorRoom floorRoom = new FloorRoom(options.inFlight(), batch, ticker, logPrefix, counters, space, kept, sweeper, writers);
        this.producer = new Producer("kiln-w" + workerId + "-files", options.inFlight(), batch, ticker, counters, space, floorRoom, shards,
                writers);
    }

    public void start() {
        producer.start();
    }

    private void writerDone() {
        producer.writerDone();
    }

    /** Corrupts the next file written (one bit, after its checksum) and reads it back. */
    public void injectFault() {
        creator.injectFault();
    }

    /**
     * Stops creating, waits for creations in flight, then deletes every file and directory this
     * storm created, in parallel, within {@code budget}. Idempotent.
     *
     * @return files left behind because the budget ran out (0 normally)
     */
    public long stopAndClean(Duration budget) {
        if (!closedOnce.compareAndSet(false, true)) {
            return leftAfterStop;
        }
        long deadline = ticker.nanoTime() + budget.toNanos();
        stop(Duration.ofNanos(budget.toNanos() / 2));
        long left = sweeper.cleanUntil(deadline, writers);
        if (left == 0) {
            shards.closeAll();
            shards.retryUnremoved();
        }
        writers.closeLanes();
        workerDir.close();
        if (left == 0 && ownsDir) {
            try {
                parent.removeDir(options.dir().getFileName().toString());
            } catch (FsException e) {
                if (e.errno().isTampering() || e.errno() == Errno.ENOENT) {
                    counters.tampered("worker directory " + options.dir() + " was replaced or moved during the run");
                } else {
                    LOG.info("{}leaving {}: {}", logPrefix, options.dir(), e.getMessage());
                }
            }
        }
        parent.close();
        leftAfterStop = left;
        return left;
    }

    /** Stops creating and waits up to {@code budget} for the creations in flight; files stay. */
    void stop(Duration budget) {
        producer.stop(Duration.ofNanos(budget.toNanos() / 2));
        writers.finish(budget);
    }

    @Override
    public void close() {
        stopAndClean(Duration.ofSeconds(30));
    }

    /**
     * The storm's counters and gauges as one stats part; {@code tamperedBefore} adds tampering
     * refused before the storm began (a worker directory found planted).
     */
    public kiln.link.FileStats stats(long tamperedBefore) {
        Map<kiln.link.FileOp, Long> byOp = new java.util.EnumMap<>(kiln.link.FileOp.class);
        for (kiln.link.FileOp op : kiln.link.FileOp.values()) {
            byOp.put(op, counters.errors(op));
        }
        byOp.merge(kiln.link.FileOp.TAMPER, tamperedBefore, Long::sum);
        var errors = kiln.link.FileErrors.of(byOp, Map.of(kiln.link.FileErrorCause.DEVICE, counters.deviceFaults.sum(),
                kiln.link.FileErrorCause.READ_ONLY, counters.readOnly.sum(), kiln.link.FileErrorCause.FULL, counters.full.sum()));
        return kiln.link.FileStats.builder().created(created(), bytesWritten()).deleted(deleted(), floorDeleted())
                .verified(verified()).errors(errors).now(inFlight(), filesKept(), paused())
                .latency(counters.latencyCounts(), counters.latencySumNanos()).build(); // buckets: LatencyBuckets
    }

    /** Writer threads this storm runs. */
    public int writerThreads() {
        return writerThreads;
    }

    public long created() {
        return counters.created.sum();
    }

    public long deleted() {
        return counters.deleted.sum();
    }

    public long bytesWritten() {
        return counters.bytes.sum();
    }

    public long errors(kiln.link.FileOp op) {
        return counters.errors(op);
    }

    /** Failed operations whose error points at the device or file-system corruption (also counted by op). */
    public long deviceFaults() {
        return counters.deviceFaults.sum();
    }

    /** Failed operations answered ENOSPC or EDQUOT, bytes or inodes run out (also counted by op): pressure, not a fault. */
    public long fullFailures() {
        return counters.full.sum();
    }

    /** Failed operations answered EROFS (also counted by op). */
    public long readOnlyFailures() {
        return counters.readOnly.sum();
    }

    /** Details of the wrong results, for the supervisor. */
    public kiln.stress.Mismatches mismatches() {
        return mismatches;
    }

    /** Files whose read-back did not match what was written. */
    public long verifyErrors() {
        return counters.verifyErrors.sum();
    }

    /** Files read back and checked. */
    public long verified() {
        return counters.verified.sum();
    }

    public int inFlight() {
        return counters.inFlight.get();
    }

    /** Highest number of creations in flight seen at once: never above the permits. */
    public int maxInFlightSeen() {
        return counters.inFlightMax.get();
    }

    /** Files deleted to make room at the free-space floor (counted in {@link #deleted()} too once gone). */
    public long floorDeleted() {
        return counters.floorDeleted.sum();
    }

    public long filesKept() {
        return kept.size();
    }

    /** Whether creation waits: below the free-space floor, or backing off from a full disk. */
    public boolean paused() {
        return space.paused();
    }
}
