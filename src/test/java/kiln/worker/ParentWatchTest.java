package kiln.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import kiln.link.WorkerSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The worker's watch on its supervisor, against real processes: a live parent, a dead one, a reused pid. */
@Timeout(30)
final class ParentWatchTest {
    private final BlockingQueue<String> told = new ArrayBlockingQueue<>(4);
    private final AtomicBoolean running = new AtomicBoolean(true);
    /** Times the watch asked whether to go on: once per look at the parent. */
    private final AtomicLong looks = new AtomicLong();

    private Thread watch(WorkerSpec.Parent parent) {
        Thread t = new Thread(new ParentWatch(parent, () -> {
            looks.incrementAndGet();
            return running.get();
        }, told::add, kiln.util.Ticker.of(() -> 0L, nanos -> java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L))),
                "parent-watch-test"); // looks every millisecond: the test counts looks, not time
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void liveParent_isWatchedQuietly_untilItDies_thenTheWorkerIsTold() throws Exception {
        Process parent = new ProcessBuilder("sleep", "30").start();
        try {
            long startMs = parent.info().startInstant().orElseThrow().toEpochMilli();
            Thread t = watch(new WorkerSpec.Parent(parent.pid(), startMs));
            await().atMost(Duration.ofSeconds(10)).until(() -> looks.get() >= 3);
            assertNull(told.poll(), "the watch looked at a live parent three times, and said nothing");
            parent.destroyForcibly().waitFor();
            assertEquals("supervisor " + parent.pid() + " is gone", told.poll(5, TimeUnit.SECONDS));
            t.join(2000);
            assertTrue(!t.isAlive(), "the watch ends once it told");
            assertNull(told.poll(), "told once");
        } finally {
            parent.destroyForcibly();
        }
    }

    @Test
    void pidOfAnotherProcess_startedAtAnotherTime_countsAsGone() throws Exception {
        // this very process, with a start time an hour off: the supervisor's pid reused by someone else
        WorkerSpec.Parent me = WorkerSpec.Parent.current();
        watch(new WorkerSpec.Parent(me.pid(), me.startMs() - 3_600_000));
        assertEquals("supervisor " + me.pid() + " is gone", told.poll(5, TimeUnit.SECONDS));
    }

    @Test
    void stopWatching_endsTheWatch_withoutTellingAnything() throws Exception {
        Thread t = watch(WorkerSpec.Parent.current());
        running.set(false);
        t.join(5000);
        assertTrue(!t.isAlive(), "no longer running: the watch ends");
        assertNull(told.poll(), "its parent lives: nothing said");
    }
}
