package kiln.stress;

import kiln.util.Ticker;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Holds a busy share by running work in short periods: busy for {@code load%} of each period,
 * idle for the rest. The share is kept over the whole time since the load was set, not per
 * period: an op that ends late or a sleep that wakes late is paid back in the next periods, so
 * the average is exact. What is owed is bounded, so a long stall never turns into a long burst.
 * Not thread-safe: one per burner thread, except {@link #setLoad}.
 */
public final class DutyCycle {
    public static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Ticker ticker;
    private volatile double load;
    private double accountedLoad = -1;
    private long origin;
    private long busySinceOrigin;
    private long busyNanos;

    public DutyCycle(double load, Ticker ticker) {
        setLoad(load);
        this.ticker = ticker;
    }

    /** @param load percent 0..100 (decimals allowed), takes effect at the next period; thread-safe */
    public void setLoad(double load) {
        if (!(load >= 0 && load <= 100)) {
            throw new IllegalArgumentException("load must be 0..100: " + load);
        }
        this.load = load;
    }

    public double load() {
        return load;
    }

    /**
     * Runs one period: calls {@code work} repeatedly while busy, then sleeps the rest.
     *
     * @param work one short unit of work
     */
    public void runPeriod(Runnable work) {
        double pct = load;
        long start = ticker.nanoTime();
        long periodEnd = start + PERIOD_NANOS;
        long owed = owed(pct, start, periodEnd);
        long busyTarget = Math.max(0, Math.min(PERIOD_NANOS, owed));
        long now = start;
        if (busyTarget > 0) {
            long busyEnd = start + busyTarget;
            do {
                work.run();
                now = ticker.nanoTime();
            } while (now < busyEnd);
        }
        busySinceOrigin += now - start;
        busyNanos += now - start;
        if (pct < 100 && now < periodEnd) {
            ticker.parkNanos(periodEnd - now);
        }
    }

    private long owed(double pct, long start, long periodEnd) {
        long share = (long) (PERIOD_NANOS * pct / 100);
        if (pct != accountedLoad) {
            accountedLoad = pct;
            origin = start;
            busySinceOrigin = 0;
        }
        long owed = (long) ((periodEnd - origin) * (pct / 100)) - busySinceOrigin;
        if (owed > share + PERIOD_NANOS || owed < share - PERIOD_NANOS) {
            // a stall (or a burst) longer than a period: start the account afresh
            origin = start;
            busySinceOrigin = 0;
            owed = share;
        }
        return owed;
    }

    /** Total time spent in {@code work}. */
    public long busyNanos() {
        return busyNanos;
    }
}
