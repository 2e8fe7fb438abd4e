package kiln.stress.files;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import kiln.util.Threads;
import kiln.util.Ticker;
import kiln.workspace.Layout;

/**
 * The storm's producer thread: takes permits of the in-flight window in batches, as the space
 * guard grants them, and hands each run of creations in one shard to a writer; every finished
 * creation gives its permit back ({@link #writerDone}). At the floor it makes room first.
 */
final class Producer {
    private final Semaphore permits;
    private final int batch;
    /** Free permits at which a writer wakes the parked producer: half the window, so a wake hands out several runs. */
    private final int wakeAt;
    private final Ticker ticker;
    private final FileCounters counters;
    private final SpaceGuard space;
    private final FloorRoom floorRoom;
    private final Shards shards;
    private final Writers writers;
    private final Thread thread;
    private volatile boolean running;
    private volatile boolean parked;

    Producer(String name, int inFlight, int batch, Ticker ticker, FileCounters counters, SpaceGuard space, FloorRoom floorRoom,
             Shards shards, Writers writers) {
        this.permits = new Semaphore(inFlight);
        this.batch = batch;
        this.wakeAt = Math.max(batch, inFlight / 2);
        this.ticker = ticker;
        this.counters = counters;
        this.space = space;
        this.floorRoom = floorRoom;
        this.shards = shards;
        this.writers = writers;
        this.thread = Threads.daemon(name, this::produce);
    }

    void start() {
        running = true;
        thread.start();
    }

    /** Stops handing out creations and waits up to {@code wait} for the thread to end. */
    void stop(Duration wait) {
        running = false;
        LockSupport.unpark(thread);
        ticker.awaitUntil(ticker.nanoTime() + wait.toNanos(), Writers.POLL_NANOS, () -> !thread.isAlive());
    }

    private void produce() {
        long index = 0;
        Shards.Shard shard = null;
        while (running) {
            int granted = space.grant(batch);
            if (granted == 0) {
                if (!space.atFloor() || !floorRoom.make()) {
                    ticker.parkNanos(SpaceGuard.CHECK_NANOS);
                }
                continue;
            }
            floorRoom.shown(); // the reading shows room again
            if (!permits.tryAcquire(granted)) {
                // park until half the window is free, not once per finished file or batch (see writerDone)
                parked = true;
                if (!permits.tryAcquire(granted)) {
                    ticker.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                    parked = false;
                    continue;
                }
                parked = false;
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
                        ticker.parkNanos(SpaceGuard.CHECK_NANOS);
                        break;
                    }
                }
                // one task per run of files in the same shard: a hand-off per file costs as much as a create
                int run = (int) Math.min(left, Layout.firstIndexOf(shard.number + 1) - index);
                shard.refs.addAndGet(run);
                counters.submitted(run);
                writers.submit(shard, index, run);
                index += run;
                left -= run;
            }
        }
        if (shard != null) {
            shards.release(shard);
        }
    }

    /** A creation finished: its permit returns, and a producer parked on a full window wakes once half of it is free. */
    void writerDone() {
        counters.inFlight.decrementAndGet();
        permits.release();
        if (parked && permits.availablePermits() >= wakeAt) {
            LockSupport.unpark(thread);
        }
    }
}
