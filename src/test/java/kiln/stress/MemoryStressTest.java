package kiln.stress;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import kiln.stress.memory.Pattern;
import kiln.stress.memory.Patterns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
final class MemoryStressTest {
    private static final List<Pattern> ALL = Patterns.make(Patterns.names(), new Patterns.Options(Duration.ofMillis(10)));

    @Test
    void everyPattern_readsBackCleanOnHealthyMemory_andIsCountedUnderItsName() {
        try (MemoryStress m = new MemoryStress(0, 1 << 20, Patterns.names(), new Patterns.Options(Duration.ofMillis(10)))) {
            for (int p = 0; p < 2 * ALL.size(); p++) {
                assertEquals(0, m.runPass(ALL.get(p % ALL.size()), p), "pass " + p);
            }
            Map<String, Long> stats = m.patternStats();
            long sum = 0;
            for (String name : Patterns.names()) {
                assertEquals(2L, stats.get(name + ".passes"), name);
                assertEquals(0L, stats.get(name + ".errors"), name);
                assertTrue(stats.get(name + ".bytes") >= 2L * 2 * (1 << 20) || name.equals("copy"), name);
                sum += stats.get(name + ".bytes");
            }
            assertEquals(sum, m.bytes(), "the total is the patterns' sum");
        }
    }

    @Test
    void flippedBit_isFoundAtItsOffset_withItsMask_asStored() {
        for (Pattern pattern : ALL) {
            for (long offset : new long[] {0, 7, 4096, (1 << 19) - 1}) {
                try (MemoryStress m = new MemoryStress(0, 1 << 20, Patterns.names(), new Patterns.Options(Duration.ofMillis(10)))) {
                    m.injectFault(offset);
                    assertEquals(1, m.runPass(pattern, 3), pattern.name() + " catches a bit flipped at " + offset);
                    assertEquals(1, m.verifyErrors());
                    List<Mismatches.Mismatch> found = new ArrayList<>();
                    m.mismatches().drainTo(found, 10);
                    assertEquals(1, found.size());
                    Mismatches.Mismatch x = found.get(0);
                    assertEquals(pattern.name(), x.method());
                    long mask = 1L << ((offset % 8) * 8);
                    assertEquals("0x" + Long.toHexString(mask), x.detail().get("mask"), pattern.name());
                    assertEquals(Long.parseUnsignedLong(x.expected(), 16) ^ Long.parseUnsignedLong(x.actual(), 16), mask);
                    assertEquals(Long.toString(offset & ~7L), x.detail().get("offset"), pattern.name());
                    assertEquals("stored", x.detail().get("reread"));
                    assertEquals("3", x.detail().get("pass"));
                    assertEquals(0, m.runPass(pattern, 4), "the next pass rewrites the cell and finds it good");
                }
            }
        }
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

    @Test
    void defaultPatterns_leaveBitFadeToTheBurnIn() {
        assertEquals(List.of("own-address", "moving-inversions", "random", "copy"), Patterns.DEFAULT);
        assertTrue(Patterns.names().contains("bit-fade"));
    }
}
