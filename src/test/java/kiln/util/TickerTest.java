package kiln.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The one deadline wait, on a clock the test moves: its waits advance it, and no real time passes. */
@Timeout(10)
final class TickerTest {
    private final AtomicLong clock = new AtomicLong(-5_000); // readings are compared by difference only: negative ones too
    private final AtomicInteger waits = new AtomicInteger();
    private final Ticker fake = Ticker.of(clock::get, nanos -> {
        waits.incrementAndGet();
        clock.addAndGet(nanos);
    });

    @Test
    void awaitUntil_endsAtTheDeadline_waitingAtMostThePollEachTime() {
        assertFalse(fake.awaitUntil(clock.get() + 1_000, 300, () -> false), "never done: the deadline ends it");
        assertEquals(-4_000, clock.get(), "not a nanosecond past the deadline: the last wait is what was left");
        assertEquals(4, waits.get(), "300, 300, 300, then the 100 left");
    }

    @Test
    void awaitUntil_returnsOnceDone_withoutWaitingMore() {
        assertTrue(fake.awaitUntil(clock.get() + 1_000_000, 100, () -> waits.get() >= 3));
        assertEquals(3, waits.get());
        assertTrue(fake.awaitUntil(clock.get() - 1, 100, () -> true), "done already: true even past the deadline");
    }

    @Test
    void awaitUntil_anInterruptEndsTheWait_andTheFlagStays() {
        Thread.currentThread().interrupt();
        try {
            assertFalse(fake.awaitUntil(clock.get() + 1_000_000, 100, () -> false));
            assertEquals(0, waits.get(), "interrupted: no wait at all");
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }
}
