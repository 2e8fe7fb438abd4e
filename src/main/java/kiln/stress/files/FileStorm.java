package kiln.stress.files;

import kiln.util.Ticker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import kiln.util.Threads;
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
    /** At the floor, at most {@code in-flight} files are deleted per window while no reading shows room. */
    static final Duration ROOM_WINDOW = Duration.ofSeconds(1);

    private final StormOptions options;
    private final int workerId;
    private final Ticker ticker;
    private final String logPrefix;
    private final kiln.stress.Mismatches mismatches = new kiln.stress.Mismatches();
    private final FileCounters counters;
    private final SpaceGuard space;
    private final Semaphore permits;
    private final int batch;
    /** Free permits at which a writer wakes the parked producer: half the window, so a wake hands out several runs. */
    private final int wakeAt;
    private final Writers writers;
    private final int writerThreads;
    private final Thread producer;
    private final Dir parent;
    private final Dir workerDir;
    private final boolean ownsDir;
    private final Shards shards;
    private final FileRing kept;
    private final Sweeper sweeper;
    private final Creator creator;
    private final AtomicBoolean closedOnce = new AtomicBoolean();
    private volatile boolean running;
    private volatile boolean producerParked;
    private volatile long leftAfterStop;
    /** Files deleted at the floor since a reading last showed room or the window began, and when it began; producer thread. */
    private int roomMade;
    private long roomWindowStart;
    /** Whether the storm has said it churns at the floor (once: at the floor it does so every batch). */
    private boolean floorSaid;

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
        this.permits = new Semaphore(options.inFlight());
        this.batch = Math.max(1, Math.min(64, options.inFlight() / 8));
        this.wakeAt = Math.max(batch, options.inFlight() / 2);
        long block = Math.max(512, blockSize);
        this.space = new SpaceGuard(options.minFree(), (options.fileSize() + block - 1) / block * block, batch, options.share(),
                usableSpace, ticker, logPrefix, counters, options.minFreeInodes(), freeInodes, inodeInterval.toNanos());
        this.kept = new FileRing(options.maxFiles());
        int threads = options.writerThreads(Runtime.getRuntime().availableProcessors());
        this.writerThreads = threads;
        this.sweeper = new Sweeper(workerId, logPrefix, ticker, options.dir(), shards, counters, kept);
        this.creator = new Creator(options, ticker, logPrefix, counters, space, shards, kept, sweeper, mismatches, this::writerDone);
        this.writers = new Writers(threads, "kiln-w" + workerId + "-writer", io, workerId, options.fileSize(), creator);
        this.producer = Threads.daemon("kiln-w" + workerId + "-files", this::produce);
    }

    public void start() {
        running = true;
        producer.start();
    }

    private void produce() {
        long index = 0;
        Shards.Shard shard = null;
        while (running) {
            int granted = space.grant(batch);
            if (granted == 0) {
                if (!space.atFloor() || !makeRoom()) {
                    LockSupport.parkNanos(this, SpaceGuard.CHECK_NANOS);
                }
                continue;
            }
            roomMade = 0; // the reading shows room again
            space.roomToMake(true);
            if (!permits.tryAcquire(granted)) {
                // park until half the window is free, not once per finished file or batch (see writerDone)
                producerParked = true;
                if (!permits.tryAcquire(granted)) {
                    LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(5));
                    producerParked = false;
                    continue;
                }
                producerParked = false;
            }
            space.took(granted);
            int left = granted;
            while (left > 0) {
                if (shard == null || Layout.shardOf(index) != shard.number) {
                    if (shard != null) {
                        shards.release(shard);
                    }
                    shard = shards.open(Layout.shardOf(index));
                    if (shard == null) {
                        // counted; the next shard number is tried after a pause, never this one again
                        index = Layout.firstIndexOf(Layout.shardOf(index) + 1);
                        permits.release(left);
                        LockSupport.parkNanos(this, SpaceGuard.CHECK_NANOS);
                        break;
                    }
                }
                // one task per run of files in the same shard: a hand-off per file costs as much as a create
                int run = (int) Math.min(left, Layout.firstIndexOf(shard.number + 1) - index);
                shard.refs.addAndGet(run);
                submit(shard, index, run);
                index += run;
                left -= run;
            }
        }
        if (shard != null) {
            shards.release(shard);
        }
    }

    /**
     * At the floor: deletes up to a batch of the storm's oldest files, so that it goes on creating
     * and deleting there rather than stopping with a disk's worth of files held; when someone else
     * fills the file system, the storm's files make way. Gives up (false) when it keeps none, or
     * when it has deleted a window's worth ({@code in-flight}) in the last {@link #ROOM_WINDOW}
     * without a reading that shows room: a file system that frees space lazily (btrfs, at its next
     * commit) is drained at most that fast, not emptied at once. At the inode floor, one batch per
     * reading of the inodes ({@link SpaceGuard#mayMakeRoomForInodes}). Producer thread only.
     */
    private boolean makeRoom() {
        if (!space.mayMakeRoomForInodes()) {
            return false; // a batch made room since the last inode reading: wait for the next to show it
        }
        long now = ticker.nanoTime();
        if (roomMade >= options.inFlight() && now - roomWindowStart >= ROOM_WINDOW.toNanos()) {
            roomMade = 0;
        }
        if (roomMade == 0) {
            roomWindowStart = now;
        }
        int n = 0;
        if (roomMade < options.inFlight()) {
            Writers.Lane lane = writers.lane();
            long index;
            while (n < batch && (index = kept.pollOldest()) >= 0) {
                sweeper.delete(lane, index);
                n++;
            }
        }
        if (n > 0 && !floorSaid) {
            floorSaid = true;
            LOG.info("{}at the {}: deleting the oldest files to make room, so the storm goes on there",
                    logPrefix, space.floorName());
        }
        roomMade += n;
        counters.floorDeleted.add(n);
        space.roomToMake(n > 0);
        return n > 0;
    }

    /** Hands {@code count} creations (as many permits, taken) to a writer; each permit returns as its file is done. */
    private void submit(Shards.Shard shard, long first, int count) {
        counters.submitted(count);
        writers.submit(shard, first, count);
    }

    private void writerDone() {
        counters.inFlight.decrementAndGet();
        permits.release();
        if (producerParked && permits.availablePermits() >= wakeAt) {
            LockSupport.unpark(producer);
        }
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
        running = false;
        LockSupport.unpark(producer);
        try {
            producer.join(Math.max(1, budget.toMillis() / 2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
    public kiln.link.WorkerStats.Files stats(long tamperedBefore) {
        Map<kiln.link.FileOp, Long> byOp = new java.util.EnumMap<>(kiln.link.FileOp.class);
        for (kiln.link.FileOp op : kiln.link.FileOp.values()) {
            byOp.put(op, counters.errors(op));
        }
        byOp.merge(kiln.link.FileOp.TAMPER, tamperedBefore, Long::sum);
        var errors = kiln.link.FileErrors.of(byOp, Map.of(kiln.link.FileErrorCause.DEVICE, counters.deviceFaults.sum(),
                kiln.link.FileErrorCause.READ_ONLY, counters.readOnly.sum(), kiln.link.FileErrorCause.FULL, counters.full.sum()));
        return kiln.link.WorkerStats.Files.builder().created(created(), bytesWritten()).deleted(deleted(), floorDeleted())
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
