package kiln.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import kiln.stress.CrossCore;
import org.junit.jupiter.api.Test;

final class CrossCoreCheckTest {
    /** A batch number in slot {@code slot}, the {@code n}th of it. */
    private static long batch(long slot, long n) {
        return slot << 20 | n;
    }

    /** Runs {@code c} until it completes {@code batches} batches; their numbers. */
    private static List<Long> complete(CrossCore c, int batches) {
        List<Long> numbers = new ArrayList<>();
        for (int i = 0; i < 100_000 && numbers.size() < batches; i++) {
            long[] done = c.step();
            if (done != null) {
                numbers.add(done[0]);
                assertEquals(CrossCore.digestOf(done[0]), done[1], "stepping and the referee agree");
            }
        }
        return numbers;
    }

    @Test
    void theSameBatch_isTheSameDigest_onEveryInstance_andEveryRun() {
        long[] now = {7 * CrossCore.SLOT_MILLIS + 5};
        CrossCore a = new CrossCore(() -> now[0]);
        assertEquals(List.of(batch(7, 0)), complete(a, 1));
        assertEquals(CrossCore.digestOf(5), CrossCore.digestOf(5));
        assertNotEquals(CrossCore.digestOf(5), CrossCore.digestOf(6), "each batch has its own inputs");
    }

    /**
     * A fast and a slow worker compute the same batch numbers in the same slot: the fast one only
     * more of them, and the slow one does not fall behind into older batches.
     */
    @Test
    void workersAtDifferentSpeeds_computeTheSameBatchesOfASlot() {
        long[] now = {100 * CrossCore.SLOT_MILLIS};
        CrossCore fast = new CrossCore(() -> now[0]);
        CrossCore slow = new CrossCore(() -> now[0]);
        List<Long> fastOnes = new ArrayList<>();
        List<Long> slowOnes = new ArrayList<>();
        for (int slot = 0; slot < 3; slot++) {
            fastOnes.addAll(complete(fast, 6));
            slowOnes.addAll(complete(slow, 2));
            now[0] += CrossCore.SLOT_MILLIS;
        }
        assertEquals(List.of(batch(100, 0), batch(100, 1), batch(101, 0), batch(101, 1), batch(102, 0), batch(102, 1)),
                slowOnes);
        assertTrue(fastOnes.containsAll(slowOnes), fastOnes.toString());
        assertEquals(batch(102, 5), fastOnes.get(fastOnes.size() - 1));
        assertEquals(102, CrossCore.slotOf(fastOnes.get(fastOnes.size() - 1)));
        assertEquals("5 of the 4 s slot from 1970-01-01T00:06:48Z", CrossCore.describe(fastOnes.get(fastOnes.size() - 1)),
                "slot 102 began 408 s after the epoch");
    }

    /**
     * Workers that drift apart do not move the check to the supervisor: a batch only one worker
     * computed is computed again by the referee at most a few times a slot.
     */
    @Test
    void batchesOnlyOneWorkerComputed_areRefereed_aFewASlot() {
        AtomicInteger refereed = new AtomicInteger();
        CrossCoreCheck c = new CrossCoreCheck(2, k -> {
            refereed.incrementAndGet();
            return CrossCore.digestOf(k);
        });
        for (long slot = 0; slot < 10; slot++) {
            for (long n = 0; n < 50; n++) {
                c.record(0, "0", batch(slot, n), CrossCore.digestOf(batch(slot, n))); // worker 1 computes none
            }
        }
        c.flush();
        assertEquals(10 * CrossCoreCheck.REFEREED_ALONE_PER_SLOT, refereed.get());
        assertEquals(10 * CrossCoreCheck.REFEREED_ALONE_PER_SLOT, c.judged(), "only what was compared counts");
        assertEquals(List.of(), c.disagreeing());
    }

    /** A split is always decided, whatever the slot's share: a defective core is never let off. */
    @Test
    void everySplit_isRefereed() {
        CrossCoreCheck c = new CrossCoreCheck(2, k -> 0xAAL);
        for (long n = 0; n < 3 * CrossCoreCheck.REFEREED_ALONE_PER_SLOT; n++) {
            c.record(0, "0", batch(1, n), 0xAAL);
        }
        c.record(0, "0", batch(1, 99), 0xABL);
        c.record(1, "1", batch(1, 99), 0xAAL);
        c.flush();
        assertEquals(List.of("cpu 0 (w0)"), c.disagreeing());
        assertEquals(CrossCoreCheck.REFEREED_ALONE_PER_SLOT + 1, c.refereed());
    }

    @Test
    void threeWorkers_theOddOneOut_isNamed() {
        CrossCoreCheck c = new CrossCoreCheck(3, k -> { throw new AssertionError("a majority needs no referee"); });
        c.record(0, "0", 7, 0xAAL);
        c.record(1, "1", 7, 0xAAL);
        c.record(2, "2", 7, 0xABL);
        assertEquals(List.of("cpu 2 (w2)"), c.disagreeing());
        assertEquals(1, c.judged());
    }

    @Test
    void twoWorkersSplit_theRefereeDecides() {
        CrossCoreCheck c = new CrossCoreCheck(2, k -> 0xAAL);
        c.record(0, "0", 3, 0xABL);
        c.record(1, "1", 3, 0xAAL);
        assertEquals(List.of("cpu 0 (w0)"), c.disagreeing());
    }

    @Test
    void agreement_namesNobody_andADeadWorkersBatches_areJudgedWithoutIt() {
        CrossCoreCheck c = new CrossCoreCheck(2, CrossCore::digestOf);
        for (long n = 0; n < 3; n++) {
            c.record(0, "0", batch(0, n), CrossCore.digestOf(batch(0, n)));
            c.record(1, "1", batch(0, n), CrossCore.digestOf(batch(0, n)));
        }
        assertEquals(3, c.judged(), "both reported: judged at once");
        c.record(0, "0", batch(1, 0), CrossCore.digestOf(batch(1, 0))); // worker 1 died
        c.record(0, "0", batch(1 + CrossCoreCheck.WAIT_SLOTS, 0), CrossCore.digestOf(batch(1 + CrossCoreCheck.WAIT_SLOTS, 0)));
        assertEquals(3, c.judged(), "a batch waits for the other worker while its slot is recent");
        c.record(0, "0", batch(2 + CrossCoreCheck.WAIT_SLOTS, 0), CrossCore.digestOf(batch(2 + CrossCoreCheck.WAIT_SLOTS, 0)));
        assertEquals(4, c.judged(), "then it is judged with what it has");
        c.flush();
        assertEquals(6, c.judged());
        assertEquals(List.of(), c.disagreeing());
    }

    /** However recent, no more than a bounded number of batches wait. */
    @Test
    void pendingBatches_areBounded() {
        CrossCoreCheck c = new CrossCoreCheck(2, k -> 0L);
        for (long n = 0; n < CrossCoreCheck.PENDING_MAX + 10; n++) {
            c.record(0, "0", batch(5, n), 0L);
        }
        assertEquals(CrossCoreCheck.REFEREED_ALONE_PER_SLOT, c.refereed(), "the 10 oldest were judged, 4 of them refereed");
    }
}
