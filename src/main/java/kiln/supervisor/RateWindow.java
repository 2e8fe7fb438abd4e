package kiln.supervisor;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Rate of a growing counter over the last few seconds, from readings fed at any pace. Thread-safe.
 */
public final class RateWindow {
    private final long windowNanos;
    private final Deque<long[]> points = new ArrayDeque<>();

    public RateWindow(long windowNanos) {
        this.windowNanos = windowNanos;
    }

    /** Adds a reading of the counter taken at {@code nanos}. */
    public synchronized void add(long nanos, long value) {
        points.addLast(new long[] {nanos, value});
        while (points.size() > 2 && nanos - points.peekFirst()[0] > windowNanos) {
            points.removeFirst();
        }
    }

    /** Per second, between the oldest and newest reading in the window; 0 with fewer than two. */
    public synchronized double perSecond() {
        if (points.size() < 2) {
            return 0;
        }
        long[] first = points.peekFirst();
        long[] last = points.peekLast();
        long dt = last[0] - first[0];
        return dt <= 0 ? 0 : (last[1] - first[1]) * 1e9 / dt;
    }
}
