package kiln.stress;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import kiln.link.LatencyBuckets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import kiln.util.Threads;

/**
 * Creates small files as fast as the machine allows, with at most {@code inFlight} creations
 * in flight: a producer thread takes permits from a {@link Semaphore} and hands one creation
 * per permit to a fixed pool of writer threads; each finished creation returns its permit.
 *
 * <p>Files go to {@code <dir>/d<shard>/<index>.kiln}, 1000 to a shard directory. Past
 * {@code maxFiles} the oldest finished file is deleted for each new one (steady churn). While the
 * file system's usable space is below {@code minFree}, creation pauses. {@link #close} stops,
 * waits for what is in flight and deletes exactly the files and directories this instance
 * created. Counters are thread-safe and cumulative.
 */
public final class FileStorm implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FileStorm.class);
    static final int SHARD_FILES = 1000;
    /** With verify on, one file in this many is read back. */
    public static final int VERIFY_EVERY = 16;
    private static final long SPACE_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * @param dir      the worker's own directory (created if missing)
     * @param fileSize payload bytes per file, at least 64
     * @param inFlight semaphore permits, 1..1000
     * @param threads  writer threads, 0 = 2 for page-cache writes, 16 with fsync
     * @param maxFiles files kept before the oldest are deleted
     * @param minFree  usable-space floor in bytes
     * @param fsync    fsync each file before closing it
     * @param verify   read back every {@value #VERIFY_EVERY}th file and check its checksum
     */
    public record Options(Path dir, int fileSize, int inFlight, int threads, long maxFiles, long minFree, boolean fsync,
                          boolean verify) {
        int writerThreads() {
            return threads > 0 ? threads : fsync ? 16 : 2;
        }
    }

    private final Options options;
    private final int workerId;
    private final LongSupplier nanoTime;
    private final LongSupplier usableSpace;
    private final String logPrefix;
    private final ErrorLog errorLog;

    private final Semaphore permits;
    private final int batch;
    private final ThreadPoolExecutor writers;
    private final ThreadLocal<Payload> payloads;
    private final ThreadLocal<ByteBuffer> readBuffers;
    private final java.util.concurrent.atomic.AtomicBoolean injectFault = new java.util.concurrent.atomic.AtomicBoolean();
    private final LongAdder verifyErrors = new LongAdder();
    private final LongAdder verified = new LongAdder();
    private final Thread producer;
    private volatile boolean running;
    private volatile boolean producerParked;
    private volatile boolean paused;
    /** nanoTime until which creation backs off after the file system reported itself full. */
    private volatile long fullUntil;
    static final long FULL_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Creations that still fit above the floor since the last reading; producer thread only. */
    private long allowance;
    private final long bytesPerFile;
    private final boolean ownsDir;

    private final ConcurrentHashMap<Long, Shard> shards = new ConcurrentHashMap<>();
    private final FileRing kept;

    private final LongAdder created = new LongAdder();
    private final LongAdder deleted = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final LongAdder[] errors = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()};
    private final LongAdder[] latency = new LongAdder[LatencyBuckets.COUNT];
    private final LongAdder latencySum = new LongAdder();
    private final AtomicInteger inFlightNow = new AtomicInteger();
    private final AtomicInteger inFlightMax = new AtomicInteger();
    private final AtomicLong closedOnce = new AtomicLong();

    /** File operations that can fail, in the order of {@link #errors(Op)}. */
    public enum Op { CREATE, WRITE, DELETE, VERIFY }

    /**
     * Prepares (does not start) a storm.
     *
     * @param usableSpace bytes usable on the target file system: asked ten times a second, and
     *                    again whenever the creations that fit above the floor are used up
     * @param blockSize   allocation unit of the file system: a file takes its size rounded up to it
     * @throws IOException when the directory cannot be created
     */
    public FileStorm(Options options, int workerId, LongSupplier nanoTime, LongSupplier usableSpace) throws IOException {
        this(options, workerId, nanoTime, usableSpace, 4096);
    }

    public FileStorm(Options options, int workerId, LongSupplier nanoTime, LongSupplier usableSpace, long blockSize)
            throws IOException {
        this.options = options;
        this.workerId = workerId;
        this.nanoTime = nanoTime;
        this.usableSpace = usableSpace;
        this.logPrefix = "w" + workerId + ": ";
        this.fullUntil = nanoTime.getAsLong(); // nanoTime values are compared by difference only
        this.errorLog = new ErrorLog(LOG, logPrefix, nanoTime);
        this.ownsDir = !Files.exists(options.dir());
        Files.createDirectories(options.dir());
        this.permits = new Semaphore(options.inFlight());
        this.batch = Math.max(1, Math.min(64, options.inFlight() / 8));
        long block = Math.max(512, blockSize);
        this.bytesPerFile = (options.fileSize() + block - 1) / block * block;
        this.kept = new FileRing(options.maxFiles());
        for (int i = 0; i < latency.length; i++) {
            latency[i] = new LongAdder();
        }
        int threads = options.writerThreads();
        this.writers = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                Threads.factory("kiln-w" + workerId + "-writer", true));
        this.payloads = ThreadLocal.withInitial(() -> new Payload(workerId, options.fileSize()));
        // one byte more than a file should hold, so that a file that grew is caught too
        this.readBuffers = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(options.fileSize() + 1));
        this.producer = Threads.daemon("kiln-w" + workerId + "-files", this::produce);
    }

    public void start() {
        running = true;
        producer.start();
    }

    private void produce() {
        long index = 0;
        Shard shard = null;
        long lastSpaceCheck = nanoTime.getAsLong() - SPACE_CHECK_NANOS;
        while (running) {
            long now = nanoTime.getAsLong();
            if (now - lastSpaceCheck >= SPACE_CHECK_NANOS || (options.minFree() > 0 && allowance < batch)) {
                lastSpaceCheck = now;
                checkSpace();
            }
            if (paused || now - fullUntil < 0) {
                LockSupport.parkNanos(this, SPACE_CHECK_NANOS);
                continue;
            }
            if (!permits.tryAcquire(batch)) {
                // park until a batch of permits is free, not once per finished file (see writerDone)
                producerParked = true;
                if (!permits.tryAcquire(batch)) {
                    LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(5));
                    producerParked = false;
                    continue;
                }
                producerParked = false;
            }
            allowance -= batch;
            for (int i = 0; i < batch; i++) {
                if (shard == null || index / SHARD_FILES != shard.number) {
                    Shard next = openShard(index / SHARD_FILES);
                    if (shard != null) {
                        releaseShard(shard);
                    }
                    shard = next;
                    if (shard == null) {
                        // could not create the directory: counted; try again later rather than spin
                        permits.release(batch - i);
                        LockSupport.parkNanos(this, SPACE_CHECK_NANOS);
                        break;
                    }
                }
                shard.refs.incrementAndGet();
                submit(shard, index++);
            }
        }
        if (shard != null) {
            releaseShard(shard);
        }
    }

    private void submit(Shard shard, long index) {
        int now = inFlightNow.incrementAndGet();
        inFlightMax.accumulateAndGet(now, Math::max);
        try {
            writers.execute(() -> create(shard, index));
        } catch (RejectedExecutionException e) {
            releaseShard(shard);
            writerDone();
        }
    }

    private void checkSpace() {
        long free;
        try {
            free = usableSpace.getAsLong();
        } catch (RuntimeException e) {
            errorLog.record("cannot read free space of " + options.dir() + ": " + e);
            return;
        }
        allowance = options.minFree() == 0 ? Long.MAX_VALUE : Math.max(0, (free - options.minFree()) / bytesPerFile);
        boolean below = allowance < batch;
        if (below != paused) {
            paused = below;
            if (below) {
                LOG.warn("{}pausing file creation: {} usable, below the floor of {}", logPrefix,
                        kiln.config.Sizes.human(free), kiln.config.Sizes.human(options.minFree()));
            } else {
                LOG.info("{}resuming file creation: {} usable", logPrefix, kiln.config.Sizes.human(free));
            }
        }
    }

    private Shard openShard(long number) {
        Path dir = options.dir().resolve(String.format("d%06d", number));
        boolean owned;
        try {
            Files.createDirectory(dir);
            owned = true;
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                errors[Op.CREATE.ordinal()].increment();
                errorLog.record("cannot create shard directory " + dir + ": a file of that name is in the way");
                return null;
            }
            owned = false; // someone else's directory: use it, never remove it
        } catch (IOException e) {
            errors[Op.CREATE.ordinal()].increment();
            errorLog.record("cannot create shard directory " + dir + ": " + e);
            return null;
        }
        Shard s = new Shard(number, dir, owned);
        shards.put(number, s);
        return s;
    }

    private void releaseShard(Shard s) {
        if (s.refs.decrementAndGet() == 0) {
            shards.remove(s.number, s);
            if (s.owned) {
                try {
                    Files.deleteIfExists(s.dir);
                } catch (DirectoryNotEmptyException e) {
                    LOG.info("{}leaving {}: it holds files kiln did not create", logPrefix, s.dir);
                } catch (IOException e) {
                    errors[Op.DELETE.ordinal()].increment();
                    errorLog.record("cannot remove " + s.dir + ": " + e);
                }
            }
        }
    }

    private void create(Shard shard, long index) {
        Path file = shard.dir.resolve(index + ".kiln");
        boolean made = false;
        boolean corrupt = injectFault.compareAndSet(true, false);
        long t0 = nanoTime.getAsLong();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            made = true;
            ByteBuffer content = payloads.get().forIndex(index);
            if (corrupt) {
                content.put(40, (byte) (content.get(40) ^ 0x04)); // after the checksum: as a bad disk would
            }
            try {
                while (content.hasRemaining()) {
                    ch.write(content);
                }
            } finally {
                if (corrupt) {
                    content.put(40, (byte) (content.get(40) ^ 0x04));
                }
            }
            if (options.fsync()) {
                ch.force(false);
            }
        } catch (IOException e) {
            Op op = made ? Op.WRITE : Op.CREATE;
            errors[op.ordinal()].increment();
            if (String.valueOf(e.getMessage()).contains("No space left")) {
                fullUntil = nanoTime.getAsLong() + FULL_BACKOFF_NANOS; // do not spin on a full disk
            }
            errorLog.record(op.name().toLowerCase() + " of " + file + " failed: " + e);
            if (made) {
                quietlyDelete(file);
            }
            releaseShard(shard);
            writerDone();
            return;
        }
        long took = nanoTime.getAsLong() - t0;
        if (corrupt || (options.verify() && index % VERIFY_EVERY == 0)) {
            verify(file, index);
        }
        latency[LatencyBuckets.indexOf(took)].increment();
        latencySum.add(took);
        created.increment();
        bytes.add(options.fileSize());
        long evicted = kept.addAndEvict(index);
        writerDone();
        if (evicted >= 0) {
            deleteFile(evicted);
        }
    }

    private void verify(Path file, long index) {
        ByteBuffer buf = readBuffers.get();
        buf.clear();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // read it all, and one byte more if the file grew
            }
        } catch (IOException e) {
            errors[Op.VERIFY.ordinal()].increment();
            errorLog.record("read-back of " + file + " failed: " + e);
            return;
        }
        buf.flip();
        verified.increment();
        if (!Payload.verify(buf, index)) {
            verifyErrors.increment();
            LOG.error("{}FILE VERIFICATION ERROR: {} did not read back as written ({} bytes, checksum or header wrong)",
                    logPrefix, file, buf.remaining());
        }
    }

    /** Corrupts the next file written (one bit, after its checksum) and reads it back. */
    public void injectFault() {
        injectFault.set(true);
    }

    /** Files whose read-back did not match what was written. */
    public long verifyErrors() {
        return verifyErrors.sum();
    }

    /** Files read back and checked. */
    public long verified() {
        return verified.sum();
    }

    private void writerDone() {
        inFlightNow.decrementAndGet();
        permits.release();
        if (producerParked && permits.availablePermits() >= batch) {
            LockSupport.unpark(producer);
        }
    }

    private void deleteFile(long index) {
        Shard s = shards.get(index / SHARD_FILES);
        if (s == null) {
            return; // cannot happen: a kept file holds a reference to its shard
        }
        try {
            Files.delete(s.dir.resolve(index + ".kiln"));
            deleted.increment();
        } catch (NoSuchFileException e) {
            errors[Op.DELETE.ordinal()].increment();
            errorLog.record("file " + index + " vanished before kiln deleted it (removed by someone else?)");
        } catch (IOException e) {
            errors[Op.DELETE.ordinal()].increment();
            errorLog.record("delete of " + s.dir.resolve(index + ".kiln") + " failed: " + e);
        }
        releaseShard(s);
    }

    private static final class Shard {
        final long number;
        final Path dir;
        final boolean owned;
        /** One per file present or in flight, plus one while the producer still writes here. */
        final AtomicInteger refs = new AtomicInteger(1);

        Shard(long number, Path dir, boolean owned) {
            this.number = number;
            this.dir = dir;
            this.owned = owned;
        }
    }

    private void quietlyDelete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            errors[Op.DELETE.ordinal()].increment();
            errorLog.record("cannot remove partial file " + file + ": " + e);
        }
    }

    /**
     * Stops creating, waits for creations in flight, then deletes every file and directory this
     * storm created, in parallel, within {@code budget}. Idempotent.
     *
     * @return files left behind because the budget ran out (0 normally)
     */
    public long stopAndClean(Duration budget) {
        if (closedOnce.getAndIncrement() > 0) {
            return kept.size();
        }
        long deadline = nanoTime.getAsLong() + budget.toNanos();
        stop(Duration.ofNanos(budget.toNanos() / 2));
        long left = cleanUntil(deadline);
        if (left == 0 && ownsDir) {
            try {
                Files.deleteIfExists(options.dir());
            } catch (IOException e) {
                LOG.info("{}leaving {}: {}", logPrefix, options.dir(), e.toString());
            }
        }
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
        Threads.shutdown(writers, Duration.ofNanos(budget.toNanos() / 2));
    }

    private long cleanUntil(long deadline) {
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors() * 2);
        ExecutorService cleaners = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), Threads.factory("kiln-w" + workerId + "-cleaner", true));
        try {
            for (int t = 0; t < threads; t++) {
                cleaners.execute(() -> {
                    long index;
                    while (nanoTime.getAsLong() < deadline && (index = kept.pollOldest()) >= 0) {
                        deleteFile(index);
                    }
                });
            }
            cleaners.shutdown();
            cleaners.awaitTermination(Math.max(1, deadline - nanoTime.getAsLong()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            cleaners.shutdownNow();
        }
        long left = kept.size();
        if (left == 0) {
            // shards whose in-flight creations never ran (shutdown deadline) still hold references
            for (Shard s : shards.values()) {
                s.refs.set(1);
                releaseShard(s);
            }
        }
        if (left > 0) {
            LOG.warn("{}stop deadline reached with {} files still in {}", logPrefix, left, options.dir());
        }
        return left;
    }

    @Override
    public void close() {
        stopAndClean(Duration.ofSeconds(30));
    }

    public long created() {
        return created.sum();
    }

    public long deleted() {
        return deleted.sum();
    }

    public long bytesWritten() {
        return bytes.sum();
    }

    public long errors(Op op) {
        return errors[op.ordinal()].sum();
    }

    public int inFlight() {
        return inFlightNow.get();
    }

    /** Highest number of creations in flight seen at once: never above the permits. */
    public int maxInFlightSeen() {
        return inFlightMax.get();
    }

    public long filesKept() {
        return kept.size();
    }

    /** Whether creation waits: below the free-space floor, or backing off from a full disk. */
    public boolean paused() {
        return paused || nanoTime.getAsLong() - fullUntil < 0;
    }

    /** Creations per latency bucket, see {@link LatencyBuckets}. */
    public long[] latencyCounts() {
        long[] out = new long[latency.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = latency[i].sum();
        }
        return out;
    }

    public long latencySumNanos() {
        return latencySum.sum();
    }
}
