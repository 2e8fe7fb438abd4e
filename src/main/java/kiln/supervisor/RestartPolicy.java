package kiln.supervisor;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;

/**
 * When a dead worker is restarted: after a back-off that doubles from {@link #BACKOFF_MIN_NANOS}
 * to {@link #BACKOFF_MAX_NANOS} with each recent death, and not at all once it has died
 * {@link #CRASH_LOOP_DEATHS} times within {@link #CRASH_LOOP_WINDOW_NANOS} (a crash loop). Times
 * are the caller's ticker readings. Not thread-safe: its slot guards it.
 */
final class RestartPolicy {
    static final long BACKOFF_MIN_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    static final long BACKOFF_MAX_NANOS = TimeUnit.SECONDS.toNanos(30);
    static final int CRASH_LOOP_DEATHS = 5;
    static final long CRASH_LOOP_WINDOW_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Deque<Long> deaths = new ArrayDeque<>();
    private long restartAt;
    private long restarts;

    /**
     * Records a death at {@code now}.
     *
     * @return nanoseconds to wait before the restart, or -1: a crash loop, give up
     */
    long died(long now) {
        deaths.addLast(now);
        while (!deaths.isEmpty() && now - deaths.peekFirst() > CRASH_LOOP_WINDOW_NANOS) {
            deaths.removeFirst();
        }
        if (deaths.size() >= CRASH_LOOP_DEATHS) {
            return -1;
        }
        long delay = Math.min(BACKOFF_MAX_NANOS, BACKOFF_MIN_NANOS << Math.min(20, deaths.size() - 1));
        restartAt = now + delay;
        return delay;
    }

    /** Whether the restart after the last death is due at {@code now}; one that is, is counted. */
    boolean due(long now) {
        if (now - restartAt < 0) {
            return false;
        }
        restarts++;
        return true;
    }

    /** Restarts that were due. */
    long restarts() {
        return restarts;
    }

    /** Deaths within the crash-loop window. */
    int recentDeaths() {
        return deaths.size();
    }
}
