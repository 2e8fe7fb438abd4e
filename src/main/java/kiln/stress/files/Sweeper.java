package kiln.stress.files;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import kiln.util.Threads;
import kiln.util.Ticker;
import kiln.workspace.Errno;
import kiln.workspace.FsException;
import kiln.workspace.Layout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes a storm's files: one at a time as churn evicts them, and all that are left at the end,
 * in parallel and within a deadline. Each delete is an {@code unlinkat} in the shard kiln holds
 * open; a file that is gone already is counted, never looked for elsewhere. Thread-safe.
 */
final class Sweeper {
    private static final Logger LOG = LoggerFactory.getLogger(FileStorm.class);
    private final int workerId;
    private final String logPrefix;
    private final Ticker ticker;
    private final Path dir;
    private final Shards shards;
    private final FileCounters counters;
    private final FileRing kept;

    Sweeper(int workerId, String logPrefix, Ticker ticker, Path dir, Shards shards, FileCounters counters, FileRing kept) {
        this.workerId = workerId;
        this.logPrefix = logPrefix;
        this.ticker = ticker;
        this.dir = dir;
        this.shards = shards;
        this.counters = counters;
        this.kept = kept;
    }

    /**
     * Files whose delete failed while they were still there (a file system gone read-only for a
     * while, an I/O error): still kiln's, still holding their shard, tried again at the end and
     * counted as left if they still cannot go. Dropping them would leave files no count knew of.
     */
    private final java.util.Queue<Long> undeleted = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** Deletes file {@code index} with {@code lane}'s writer and drops its shard reference. */
    void delete(Writers.Lane lane, long index) {
        delete(lane, index, true);
    }

    private void delete(Writers.Lane lane, long index, boolean firstTry) {
        Shards.Shard s = shards.holding(index, lane.recentShard);
        if (s == null) {
            return; // cannot happen: a kept file holds a reference to its shard
        }
        lane.recentShard = s;
        try {
            lane.writer().delete(s.dir, index);
            counters.deleted.increment();
        } catch (FsException e) {
            if (e.errno() != Errno.ENOENT) {
                if (firstTry) {
                    counters.fail(kiln.link.FileOp.DELETE, e.errno(), e.getMessage());
                }
                undeleted.add(index); // keeps its shard reference for the next try
                return;
            }
            counters.fail(kiln.link.FileOp.DELETE, e.errno(),
                    "file " + s.dir.path() + "/" + Layout.fileName(index) + " vanished before kiln deleted it (removed by someone else?)");
        }
        shards.release(s);
    }

    /**
     * Deletes every kept file, and those {@code writers} still finish, until none is left or
     * {@code deadline} ({@link Ticker#nanoTime()}) passes.
     *
     * @return files left behind (kept or still in flight)
     */
    long cleanUntil(long deadline, Writers writers) {
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors() * 2);
        ExecutorService cleaners = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), Threads.factory("kiln-w" + workerId + "-cleaner", true));
        try {
            for (int t = 0; t < threads; t++) {
                cleaners.execute(() -> {
                    Writers.Lane lane = writers.lane();
                    // until nothing is kept and no creation can add more, or the deadline
                    while (ticker.nanoTime() - deadline < 0) {
                        long index = kept.pollOldest();
                        if (index >= 0) {
                            delete(lane, index);
                        } else if (writers.done()) {
                            retryUndeleted(lane);
                            return;
                        } else {
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                        }
                    }
                });
            }
            cleaners.shutdown();
            cleaners.awaitTermination(Math.max(1, deadline - ticker.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Threads.shutdown(cleaners, Duration.ofMillis(200));
        }
        long left = kept.size() + counters.inFlight.get() + undeleted.size();
        if (left > 0) {
            LOG.warn("{}stop deadline reached with {} files still in {}", logPrefix, left, dir);
        }
        return left;
    }

    /** Tries once more each file whose delete failed during the run; those that fail again stay counted as left. */
    private void retryUndeleted(Writers.Lane lane) {
        int tries = undeleted.size();
        Long index;
        while (tries-- > 0 && (index = undeleted.poll()) != null) {
            delete(lane, index, false);
        }
    }
}
