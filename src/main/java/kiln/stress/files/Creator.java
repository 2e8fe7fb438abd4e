package kiln.stress.files;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import kiln.stress.Mismatches;
import kiln.util.Ticker;
import kiln.workspace.FileIo;
import kiln.workspace.FsException;
import kiln.workspace.Layout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work of one file, on a writer thread: fill the lane's payload, create the file through the
 * lane's {@link FileIo.Writer} ({@code O_CREAT | O_EXCL | O_NOFOLLOW} in the shard held open),
 * read one in {@value FileStorm#VERIFY_EVERY} back when asked, keep it, and hand the oldest kept
 * file to the {@link Sweeper} once there are more than the storm keeps. A second way to make files
 * (batched submissions, say) is another {@link Writers.Work}. Thread-safe.
 */
final class Creator implements Writers.Work {
    private static final Logger LOG = LoggerFactory.getLogger(FileStorm.class);
    private final StormOptions options;
    private final Ticker ticker;
    private final String logPrefix;
    private final FileCounters counters;
    private final SpaceGuard space;
    private final Shards shards;
    private final FileRing kept;
    private final Sweeper sweeper;
    private final Mismatches mismatches;
    /** Called once per creation handed over, made or not: gives its permit back. */
    private final Runnable done;
    private final AtomicBoolean injectFault = new AtomicBoolean();

    Creator(StormOptions options, Ticker ticker, String logPrefix, FileCounters counters, SpaceGuard space, Shards shards,
            FileRing kept, Sweeper sweeper, Mismatches mismatches, Runnable done) {
        this.options = options;
        this.ticker = ticker;
        this.logPrefix = logPrefix;
        this.counters = counters;
        this.space = space;
        this.shards = shards;
        this.kept = kept;
        this.sweeper = sweeper;
        this.mismatches = mismatches;
        this.done = done;
    }

    /** Corrupts the next file written (one bit, after its checksum). */
    void injectFault() {
        injectFault.set(true);
    }

    @Override
    public void drop(Shards.Shard shard) {
        shards.release(shard);
        done.run();
    }

    @Override
    public void create(Writers.Lane lane, Shards.Shard shard, long index) {
        Payload payload = lane.payload();
        boolean corrupt = injectFault.get() && injectFault.compareAndSet(true, false); // no write per file: one CAS only when asked
        long t0 = ticker.nanoTime();
        payload.forIndex(index);
        if (corrupt) {
            payload.corrupt();
        }
        try {
            lane.writer().create(shard.dir, index, options.fileSize(), options.fsync());
        } catch (FileIo.FileFailure e) {
            if (e.errno().isFull()) {
                space.full(); // do not spin on a full disk
            }
            counters.fail(e.created() ? kiln.link.FileOp.WRITE : kiln.link.FileOp.CREATE, e.errno(), e.getMessage());
            shards.release(shard);
            done.run();
            return;
        }
        long took = ticker.nanoTime() - t0;
        if (corrupt || (options.verify() && index % FileStorm.VERIFY_EVERY == 0)) {
            verify(lane.writer(), shard, index);
        }
        counters.created(took, options.fileSize());
        long evicted = kept.addAndEvict(index);
        done.run();
        if (evicted >= 0) {
            sweeper.delete(lane, evicted);
        }
    }

    private void verify(FileIo.Writer writer, Shards.Shard shard, long index) {
        ByteBuffer buf;
        try {
            writer.readBack(shard.dir, index);
            buf = writer.readBuffer().flip();
        } catch (FsException e) {
            counters.fail(kiln.link.FileOp.VERIFY, e.errno(), "read-back failed: " + e.getMessage());
            return;
        }
        counters.verified.increment();
        if (!Payload.verify(buf, index)) {
            counters.verifyErrors.increment();
            mismatches.add(kiln.link.Stressor.FILES, "readback", "file " + index + " as written",
                    buf.remaining() + " bytes, checksum or header wrong",
                    shard.dir.path() + "/" + Layout.fileName(index));
            LOG.error("{}FILE VERIFICATION ERROR: {}/{} did not read back as written ({} bytes, checksum or header wrong)",
                    logPrefix, shard.dir.path(), Layout.fileName(index), buf.remaining());
        }
    }
}
