package kiln.util;

import java.util.concurrent.locks.LockSupport;
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

    /** Waits about {@code nanos}; may return early when interrupted (the flag stays set). */
    void parkNanos(long nanos);

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
