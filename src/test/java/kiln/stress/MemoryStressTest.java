package kiln.stress;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
final class MemoryStressTest {

    @Test
    void everyPattern_readsBackCleanOnHealthyMemory() {
        try (MemoryStress m = new MemoryStress(0, 1 << 20)) {
            for (int p = 0; p < 6; p++) {
                assertEquals(0, m.runPass(MemoryPattern.forPass(p), p), "pass " + p);
            }
            assertEquals(6L * 2 * (1 << 20), m.bytes(), "bytes written plus bytes verified");
        }
    }

    @Test
    void flippedBit_isFoundAtItsOffset() {
        for (MemoryPattern pattern : MemoryPattern.values()) {
            for (long offset : new long[] {0, 7, 4096, (1 << 20) - 1}) {
                try (MemoryStress m = new MemoryStress(0, 1 << 20)) {
                            m.injectFault(offset);
                    assertEquals(1, m.runPass(pattern, 3), pattern + " catches a bit flipped at " + offset);
                    assertEquals(1, m.verifyErrors());
                    assertEquals(0, m.runPass(pattern, 4), "the next pass rewrites the cell and finds it good");
                }
            }
        }
    }

    @Test
    void patterns_differBetweenPassesSoNoCellKeepsOneValue() {
        for (MemoryPattern pattern : MemoryPattern.values()) {
            Set<Long> values = new HashSet<>();
            for (int pass = 0; pass < 4; pass++) {
                values.add(pattern.word(pass, 12345));
            }
            assertTrue(values.size() >= 2, pattern.label());
        }
        assertNotEquals(MemoryPattern.RANDOM.word(0, 1), MemoryPattern.RANDOM.word(0, 2));
        assertEquals("walking-ones", MemoryPattern.WALKING_ONES.label());
        assertEquals(1L << 5, MemoryPattern.WALKING_ONES.word(2, 3));
    }

    @Test
    void running_countsBytesAndCatchesAnInjectedFault() {
        try (MemoryStress m = new MemoryStress(3, 8 << 20)) {
            m.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> m.bytes() >= 32L << 20);
            assertEquals(0, m.verifyErrors());
            m.injectFault(1234);
            await().atMost(Duration.ofSeconds(20)).until(() -> m.verifyErrors() == 1);
        }
    }
}
