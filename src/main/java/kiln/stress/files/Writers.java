package kiln.stress.files;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import kiln.util.Threads;
import kiln.util.Ticker;
import kiln.workspace.FileIo;

/**
 * The writer threads of one storm: runs of consecutive creations in one shard are handed to them
 * (one task per run, not per file), each thread with its own {@link Lane} (a {@link FileIo.Writer}
 * with native buffers, and the payload). At a stop, creations under way finish and are never
 * interrupted (an interrupted create is how files escape their bookkeeping); past the deadline,
 * those not begun are dropped and handed back. Thread-safe.
 */
final class Writers {
    /** How long a writer may take to finish the one creation it is in, once the rest are dropped. */
    private static final Duration ABANDON_WAIT = Duration.ofMillis(500);
    /** How often a wait for the writers looks whether they are done. */
    static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** What the writers do for the storm. */
    interface Work {
        /** Creates file {@code index} in {@code shard} with this thread's lane. */
        void create(Lane lane, Shards.Shard shard, long index);

        /** A creation that will never be made: give back its permit and its shard reference. */
        void drop(Shards.Shard shard);
    }

    /** One thread's writer (its native buffers) and payload, and the shard it last deleted in. */
    static final class Lane {
        private final FileIo.Writer writer;
        private final Payload payload;
        /** Deletes go oldest first, so the next one is nearly always in the same shard. */
        Shards.Shard recentShard;

        Lane(FileIo.Writer writer, Payload payload) {
            this.writer = writer;
            this.payload = payload;
        }

        FileIo.Writer writer() {
            return writer;
        }

        Payload payload() {
            return payload;
        }
    }

    private final ThreadPoolExecutor pool;
    private final ThreadLocal<Lane> lanes;
    private final List<Lane> allLanes = new CopyOnWriteArrayList<>();
    private final Work work;
    private volatile boolean abandoned;

    private final Ticker ticker;

    Writers(int threads, String name, FileIo io, int workerId, int fileSize, Work work, Ticker ticker) {
        this.work = work;
        this.ticker = ticker;
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                Threads.factory(name, true));
        // one byte more than a file should hold, so that a read-back catches a file that grew
        this.lanes = ThreadLocal.withInitial(() -> {
            FileIo.Writer w = io.newWriter(fileSize + 1);
            Lane lane = new Lane(w, new Payload(workerId, fileSize, w.payload()));
            allLanes.add(lane);
            return lane;
        });
    }

    /** This thread's lane (cleaner threads delete with one too). */
    Lane lane() {
        return lanes.get();
    }

    /** Hands {@code count} creations, their permits already taken, to a writer. */
    void submit(Shards.Shard shard, long first, int count) {
        try {
            pool.execute(new Run(shard, first, count));
        } catch (RejectedExecutionException e) {
            new Run(shard, first, count).drop(0);
        }
    }

    /**
     * Lets the writers finish what was handed to them within {@code budget}; past it, what was not
     * begun is dropped and the writers get {@link #ABANDON_WAIT} for the creation each is in.
     */
    void finish(Duration budget) {
        pool.shutdown();
        if (!ticker.awaitUntil(ticker.nanoTime() + budget.toNanos(), POLL_NANOS, pool::isTerminated)) {
            abandoned = true;
            List<Runnable> queued = new ArrayList<>();
            pool.getQueue().drainTo(queued); // not shutdownNow: it would interrupt creations under way
            queued.forEach(r -> ((Run) r).drop(0));
            ticker.awaitUntil(ticker.nanoTime() + ABANDON_WAIT.toNanos(), POLL_NANOS, pool::isTerminated);
        }
    }

    /** Whether no creation can start or run any more. */
    boolean done() {
        return pool.isTerminated();
    }

    /** Frees the lanes' native buffers: only once {@link #done()}, never under a creation. */
    void closeLanes() {
        if (done()) {
            allLanes.forEach(l -> l.writer().close());
        }
    }

    /** Consecutive creations in one shard, for one writer. */
    private final class Run implements Runnable {
        private final Shards.Shard shard;
        private final long first;
        private final int count;

        Run(Shards.Shard shard, long first, int count) {
            this.shard = shard;
            this.first = first;
            this.count = count;
        }

        @Override
        public void run() {
            Lane lane = lanes.get();
            for (int i = 0; i < count; i++) {
                if (abandoned) {
                    drop(i); // the stop deadline passed: what was not begun is not made
                    return;
                }
                work.create(lane, shard, first + i);
            }
        }

        void drop(int from) {
            for (int i = from; i < count; i++) {
                work.drop(shard);
            }
        }
    }
}
