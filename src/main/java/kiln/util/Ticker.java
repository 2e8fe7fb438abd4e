package kiln.util;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * The one source of time: a monotonic clock in nanoseconds and a way to wait. Everything whose
 * behaviour depends on time (duty cycles, rates, back-off, durations, deadlines) takes one, so
 * tests move a fake clock instead of sleeping.
 */
public interface Ticker {
    /** Monotonic nanoseconds; compare by difference only. */
    long nanoTime();

    /**
     * Waits about {@code nanos}; may return early when interrupted (the flag stays set) and, on the
     * system ticker, when {@link LockSupport#unpark unparked}.
     */
    void parkNanos(long nanos);

    /**
     * Waits until {@code done} holds or this clock reaches {@code deadline} (a {@link #nanoTime}
     * reading), looking every {@code pollNanos} at most; an interrupt ends the wait (the flag
     * stays set). A fake clock decides when the deadline passes, so a test moves it.
     *
     * @return whether {@code done} holds at the end
     */
    default boolean awaitUntil(long deadline, long pollNanos, BooleanSupplier done) {
        while (!done.getAsBoolean()) {
            long left = deadline - nanoTime();
            if (left <= 0 || Thread.currentThread().isInterrupted()) {
                return done.getAsBoolean();
            }
            parkNanos(Math.min(left, pollNanos));
        }
        return true;
    }

    /** The machine's clock. */
    Ticker SYSTEM = new Ticker() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void parkNanos(long nanos) {
            LockSupport.parkNanos(nanos);
        }
    };

    /** A ticker from a clock and a wait: tests pass a fake clock, and a wait that advances it. */
    static Ticker of(LongSupplier clock, LongConsumer park) {
        return new Ticker() {
            @Override
            public long nanoTime() {
                return clock.getAsLong();
            }

            @Override
            public void parkNanos(long nanos) {
                park.accept(nanos);
            }
        };
    }

    /** A clock whose waits really wait (tests that only read a fake clock). */
    static Ticker of(LongSupplier clock) {
        return of(clock, LockSupport::parkNanos);
    }
}
