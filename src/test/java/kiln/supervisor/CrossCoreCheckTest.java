package kiln.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import kiln.stress.CrossCore;
import org.junit.jupiter.api.Test;

final class CrossCoreCheckTest {
    @Test
    void theSameBatch_isTheSameDigest_onEveryInstance_andEveryRun() {
        CrossCore a = new CrossCore();
        long[] first = null;
        for (int i = 0; i < 1000 && first == null; i++) {
            first = a.step();
        }
        assertEquals(0, first[0]);
        assertEquals(CrossCore.digestOf(0), first[1], "stepping and the referee agree");
        assertEquals(CrossCore.digestOf(5), CrossCore.digestOf(5));
        assertNotEquals(CrossCore.digestOf(5), CrossCore.digestOf(6), "each batch has its own inputs");
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
        for (long b = 0; b < 3; b++) {
            c.record(0, "0", b, CrossCore.digestOf(b));
            c.record(1, "1", b, CrossCore.digestOf(b));
        }
        for (long b = 3; b < 3 + CrossCoreCheck.PENDING + 2; b++) {
            c.record(0, "0", b, CrossCore.digestOf(b)); // worker 1 died
        }
        assertEquals(5, c.judged(), "batches waiting past the bound are judged with what they have");
        c.flush();
        assertEquals(3 + CrossCoreCheck.PENDING + 2, c.judged());
        assertEquals(List.of(), c.disagreeing());
    }
}
