package kiln.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import kiln.util.Ticker;
import org.junit.jupiter.api.Test;

/** The read-only answer on a fake clock: it stands its time, then a remount shows. */
final class ReadOnlyCheckTest {
    @Test
    void anAnswerStands_thenARemountShows_andAFailedLookupFallsBackToTheKeptStore() {
        AtomicLong clock = new AtomicLong(0); // zero is a reading like any other
        AtomicBoolean mounted = new AtomicBoolean(false);
        AtomicBoolean fail = new AtomicBoolean(false);
        AtomicInteger lookups = new AtomicInteger();
        ReadOnlyCheck check = new ReadOnlyCheck(() -> {
            lookups.incrementAndGet();
            if (fail.get()) {
                throw new IOException("gone");
            }
            return mounted.get();
        }, () -> true, Ticker.of(clock::get));
        assertFalse(check.now());
        mounted.set(true); // remounted read-only
        clock.addAndGet(ReadOnlyCheck.STANDS_NANOS - 1);
        assertFalse(check.now(), "the answer stands its time: a window of failures reads the mount table once");
        assertEquals(1, lookups.get());
        clock.addAndGet(1);
        assertTrue(check.now(), "then the remount shows");
        fail.set(true);
        clock.addAndGet(ReadOnlyCheck.STANDS_NANOS);
        mounted.set(false);
        assertTrue(check.now(), "a lookup that fails: what the kept store says");
        assertEquals(3, lookups.get());
    }
}
