package kiln.stress.files;

import java.time.Duration;
import kiln.util.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At the free-space or inode floor, the storm makes room by deleting its own oldest files, at a
 * pace a file system that frees space lazily can show. Producer thread only.
 */
final class FloorRoom {
    private static final Logger LOG = LoggerFactory.getLogger(FloorRoom.class);
    /** At the floor, at most {@code in-flight} files are deleted per window while no reading shows room. */
    static final Duration ROOM_WINDOW = Duration.ofSeconds(1);

    private final int inFlight;
    private final int batch;
    private final Ticker ticker;
    private final String logPrefix;
    private final FileCounters counters;
    private final SpaceGuard space;
    private final FileRing kept;
    private final Sweeper sweeper;
    private final Writers writers;
    /** Files deleted at the floor since a reading last showed room or the window began, and when it began. */
    private int roomMade;
    private long roomWindowStart;
    /** Whether the storm has said it churns at the floor (once: at the floor it does so every batch). */
    private boolean floorSaid;

    FloorRoom(int inFlight, int batch, Ticker ticker, String logPrefix, FileCounters counters, SpaceGuard space, FileRing kept,
              Sweeper sweeper, Writers writers) {
        this.inFlight = inFlight;
        this.batch = batch;
        this.ticker = ticker;
        this.logPrefix = logPrefix;
        this.counters = counters;
        this.space = space;
        this.kept = kept;
        this.sweeper = sweeper;
        this.writers = writers;
    }

    /** A reading shows room above the floor again: the window starts afresh. */
    void shown() {
        roomMade = 0;
        space.roomToMake(true);
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
    boolean make() {
        if (!space.mayMakeRoomForInodes()) {
            return false; // a batch made room since the last inode reading: wait for the next to show it
        }
        long now = ticker.nanoTime();
        if (roomMade >= inFlight && now - roomWindowStart >= ROOM_WINDOW.toNanos()) {
            roomMade = 0;
        }
        if (roomMade == 0) {
            roomWindowStart = now;
        }
        int n = 0;
        if (roomMade < inFlight) {
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
}
