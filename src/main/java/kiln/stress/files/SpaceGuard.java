package kiln.stress.files;

import kiln.util.Ticker;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import kiln.util.Sizes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the free-space floor and the free-inode floor: after each reading of the usable space, only the creations that
 * fit above the floor are allowed, so the file system never goes below it by more than what is
 * in flight. At the floor the storm makes room by deleting its own oldest files and goes on
 * there ({@link #atFloor}); creation pauses only when that cannot help. Every worker of a run
 * writes to the same file system, so each takes its share of the room ({@code share} = the
 * number of workers): together they cannot overshoot N times.
 * Large files get as many creations as fit, down to one, rather than pausing for want of a
 * whole batch. The inode floor is held the same way, a file costing one inode: its readings come
 * as often as they can be had ({@code statvfs} ten times a second, a {@code stat} process once a
 * second), and between two readings the creations granted are counted off the last one, never
 * granted twice. A full disk (ENOSPC) backs creation off for a second. The allowance is the
 * producer thread's; {@link #paused()} and {@link #full()} may be called from any thread.
 */
final class SpaceGuard {
    private static final Logger LOG = LoggerFactory.getLogger(FileStorm.class);
    static final long CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    static final long FULL_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * How long a pause lasts before it is logged (and so its end too): longer than a storm waits at
     * the floor between windows of deletes ({@link FileStorm#ROOM_WINDOW}), so that neither floods the log.
     */
    static final long PAUSE_SAID_AFTER_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final long minFree;
    private final long bytesPerFile;
    private final int batch;
    private final int share;
    private final LongSupplier usableSpace;
    private final Ticker ticker;
    private final String prefix;
    private final FileCounters counters;
    /** Creations that still fit above the floor since the last reading; producer thread only. */
    private long allowance;
    private long lastCheck;
    private volatile boolean paused;
    /** When creation last paused or went on, and whether that pause was logged; producer thread only. */
    private long pausedSince;
    private boolean pauseSaid;
    /** nanoTime until which creation backs off after the file system reported itself full. */
    private volatile long fullUntil;
    /** Whether the last reading of the free space worked; producer thread only. */
    private boolean readable = true;
    /** Whether the producer can still make room at the floor by deleting the storm's own oldest files. */
    private volatile boolean roomToMake = true;
    private final long minFreeInodes;
    /** Free inodes now, or -1 when the file system counts none (no floor there). */
    private final LongSupplier freeInodes;
    private final long inodeIntervalNanos;
    /** Creations that still fit above the inode floor since its last reading; producer thread only. */
    private long inodeAllowance = Long.MAX_VALUE;
    /** Whether the last inode reading showed no room above the floor (not merely its allowance used up); producer thread only. */
    private boolean inodeFloorReached;
    private long lastInodeCheck;
    private long lastFreeInodes = -1;
    private boolean inodesReadable = true;
    private boolean inodesUncountedSaid;
    /** Inode readings taken, and how many there were when the storm last made room at the inode floor; producer thread only. */
    private long inodeReadings;
    private long inodeReadingsAtRoomMade = -1;

    SpaceGuard(long minFree, long bytesPerFile, int batch, int share, LongSupplier usableSpace, Ticker ticker, String prefix,
               FileCounters counters) {
        this(minFree, bytesPerFile, batch, share, usableSpace, ticker, prefix, counters, 0, () -> -1, CHECK_NANOS);
    }

    /**
     * @param minFreeInodes      free-inode floor, 0 = none
     * @param freeInodes         free inodes of the file system, -1 when it counts none
     * @param inodeIntervalNanos how often {@code freeInodes} may be asked
     */
    SpaceGuard(long minFree, long bytesPerFile, int batch, int share, LongSupplier usableSpace, Ticker ticker, String prefix,
               FileCounters counters, long minFreeInodes, LongSupplier freeInodes, long inodeIntervalNanos) {
        this.minFreeInodes = minFreeInodes;
        this.freeInodes = freeInodes;
        this.inodeIntervalNanos = Math.max(CHECK_NANOS, inodeIntervalNanos);
        this.share = Math.max(1, share);
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
        this.lastInodeCheck = now - this.inodeIntervalNanos;
    }

    /**
     * Producer thread: how many of {@code wanted} creations may start now (0 = wait), reading the
     * free space when due.
     */
    int grant(int wanted) {
        long now = ticker.nanoTime();
        if (now - lastCheck >= CHECK_NANOS || (minFree > 0 && allowance < wanted)) {
            lastCheck = now;
            checkInodes(now, wanted);
            check(now);
        } else {
            checkInodes(now, wanted);
        }
        if (paused || now - fullUntil < 0) {
            return 0;
        }
        return (int) Math.min(wanted, Math.min(allowance, inodeAllowance));
    }

    /** Producer thread: a batch is about to be created. */
    void took(int n) {
        allowance -= n;
        inodeAllowance -= n;
    }

    /**
     * Reads the free inodes when due: every interval, and sooner when the allowance is used up and
     * a reading is cheap (native; a process is asked at most once an interval).
     */
    private void checkInodes(long now, int wanted) {
        if (minFreeInodes <= 0) {
            return;
        }
        long since = now - lastInodeCheck;
        boolean cheap = inodeIntervalNanos <= CHECK_NANOS;
        if (since < inodeIntervalNanos && !(inodeAllowance < wanted && (cheap || since >= inodeIntervalNanos))) {
            return;
        }
        lastInodeCheck = now;
        // in flight before the reading, not after it: a creation that completes while a stat process
        // is read (a tenth of a second and more on a busy host) may or may not be in the count it
        // gives, so it is subtracted as if it were not (after the reading it had left the in-flight
        // count and was granted again: two workers went 15 inodes below a floor of 100)
        long inFlight = counters.inFlight.get();
        long free;
        try {
            free = freeInodes.getAsLong();
        } catch (RuntimeException e) {
            inodesReadable = false;
            inodeAllowance = 0; // unknown is not room: wait for a reading rather than fill the file system blind
            inodeFloorReached = false;
            counters.fail(kiln.link.FileOp.CREATE, "cannot read the free inodes: " + e);
            return;
        }
        inodesReadable = true;
        if (free < 0) {
            inodeAllowance = Long.MAX_VALUE;
            inodeFloorReached = false;
            if (!inodesUncountedSaid) {
                inodesUncountedSaid = true;
                LOG.info("{}the file system counts no inodes (btrfs, tmpfs with nr_inodes=0): no inode floor", prefix);
            }
            return;
        }
        lastFreeInodes = free;
        inodeReadings++;
        // as for bytes: this worker's own creations in flight are subtracted, the others' are met by
        // taking half of the share per reading; a new shard directory takes an inode of its own
        long room = (free - minFreeInodes - 1) / (share > 1 ? 2L * share : 1);
        // read by a process once a second, less than a batch of room is the floor: halving it every
        // reading would approach it for ever, a file or two a second, instead of making room there by
        // deleting the oldest files; read natively, the next reading is taken as soon as this is used
        inodeFloorReached = room < (inodeIntervalNanos <= CHECK_NANOS ? 1 : batch);
        inodeAllowance = inodeFloorReached ? 0 : Math.max(0, room - inFlight);
    }

    /**
     * Producer thread: whether what stops creation now is the floor itself (a reading, just
     * taken, with no room above it), not a full disk's back-off or a reading that failed.
     */
    boolean atFloor() {
        return (bytesAtFloor() || inodesAtFloor()) && ticker.nanoTime() - fullUntil >= 0;
    }

    private boolean bytesAtFloor() {
        return minFree > 0 && readable && allowance == 0;
    }

    /** Producer thread: whether the last inode reading left no room above the inode floor. */
    boolean inodesAtFloor() {
        return minFreeInodes > 0 && inodesReadable && inodeFloorReached;
    }

    /**
     * Producer thread: whether the storm may delete another batch to make room at the inode floor:
     * once per reading, so that a reading taken once a second does not see the storm delete a whole
     * window of files before it shows the room the first batch made. True when the inode floor is
     * not what holds creation.
     */
    boolean mayMakeRoomForInodes() {
        if (!inodesAtFloor() || bytesAtFloor()) {
            return true;
        }
        if (inodeReadings == inodeReadingsAtRoomMade) {
            return false;
        }
        inodeReadingsAtRoomMade = inodeReadings;
        return true;
    }

    /** Producer thread: the floor that holds creation, as a log line says it. */
    String floorName() {
        return inodesAtFloor() && !bytesAtFloor() ? "free-inode floor of " + minFreeInodes + " inodes"
                : "free-space floor of " + Sizes.human(minFree);
    }

    /**
     * Producer thread: whether deleting the storm's oldest files can still make room at the floor.
     * Creation counts as paused only when it cannot: a storm that churns at the floor is working.
     */
    void roomToMake(boolean can) {
        roomToMake = can;
    }

    private void check(long now) {
        long inFlight = counters.inFlight.get(); // before the reading, as for inodes
        long free;
        try {
            free = usableSpace.getAsLong();
        } catch (RuntimeException e) {
            readable = false;
            counters.fail(kiln.link.FileOp.CREATE, "cannot read the free space: " + e);
            return;
        }
        readable = true;
        // Creations granted but not finished take space the reading does not show yet: this
        // worker's own are subtracted; the other workers' cannot be seen, so each takes only half
        // of its share per reading and the room above the floor shrinks geometrically instead of
        // being claimed twice. With gigabytes of room this changes nothing.
        allowance = minFree == 0 ? Long.MAX_VALUE
                : Math.max(0, (free - minFree) / bytesPerFile / (share > 1 ? 2L * share : 1) - inFlight);
        boolean below = (allowance == 0 || inodeFloorReached) && counters.inFlight.get() == 0 && !roomToMake;
        if (below != paused) {
            paused = below;
            pausedSince = now;
            if (!below && pauseSaid) {
                pauseSaid = false;
                LOG.info("{}resuming file creation: {} usable", prefix, Sizes.human(free));
            }
        }
        // said once it has lasted: a storm holding few files at the floor can stop and go every reading
        if (paused && !pauseSaid && now - pausedSince >= PAUSE_SAID_AFTER_NANOS) {
            pauseSaid = true;
            if (inodesAtFloor() && !bytesAtFloor()) {
                LOG.warn("{}pausing file creation: {} inodes free, no room for a file above the free-inode floor of {}{}", prefix,
                        lastFreeInodes, minFreeInodes, share > 1 ? " (this worker's share: 1/" + share + ")" : "");
            } else {
                LOG.warn("{}pausing file creation: {} usable, no room for a {} file above the floor of {}{}", prefix,
                        Sizes.human(free), Sizes.human(bytesPerFile), Sizes.human(minFree),
                        share > 1 ? " (this worker's share: 1/" + share + ")" : "");
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
