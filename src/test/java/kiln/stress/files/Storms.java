package kiln.stress.files;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import kiln.workspace.FileIo;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * For tests of the file storm: every file path this runtime has (the same tests run on each),
 * and the storms a test started, stopped after it whether it passed or not, so that no writer
 * outlives the test's directory. Register with {@code @RegisterExtension}.
 */
final class Storms implements AfterEachCallback {
    private final List<FileStorm> started = new CopyOnWriteArrayList<>();

    /** The file paths to run each test on: {@code @MethodSource("kiln.stress.files.Storms#ios")}. */
    static List<FileIo> ios() {
        return FileIo.available();
    }

    FileStorm track(FileStorm s) {
        started.add(s);
        return s;
    }

    /** Stops every storm started so far; idempotent. */
    void stopAll() {
        started.forEach(s -> s.stopAndClean(Duration.ofSeconds(10)));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        stopAll();
    }

    /**
     * The free space a storm reads, counting how often it asked: a test that checks nothing
     * happens while paused waits for the storm to look again a few times, not for time to pass.
     */
    static final class Asked implements LongSupplier {
        private final LongSupplier free;
        private final AtomicLong count = new AtomicLong();

        Asked(LongSupplier free) {
            this.free = free;
        }

        @Override
        public long getAsLong() {
            count.incrementAndGet();
            return free.getAsLong();
        }

        /** Returns once the storm asked {@code more} times more than it had now (bounded: 10 s). */
        void awaitMore(int more) {
            long from = count.get();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> count.get() >= from + more);
        }
    }

    /**
     * A clock that moves only when the test moves it. Its waits count (a test that checks nothing
     * happens while the clock stands still waits for the storm to look a few times) and last at
     * most a millisecond of real time, so a storm on it neither spins nor sleeps.
     */
    static final class Clock implements kiln.util.Ticker {
        private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
        private final AtomicLong parks = new AtomicLong();

        @Override
        public long nanoTime() {
            return nanos.get();
        }

        @Override
        public void parkNanos(long wait) {
            parks.incrementAndGet();
            java.util.concurrent.locks.LockSupport.parkNanos(Math.min(wait, 1_000_000L));
        }

        void advance(long by) {
            nanos.addAndGet(by);
        }

        /** Returns once the storm's threads waited {@code more} times more than they had now (bounded: 10 s). */
        void awaitParks(int more) {
            long from = parks.get();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> parks.get() >= from + more);
        }
    }
}
