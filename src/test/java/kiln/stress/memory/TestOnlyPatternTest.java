package kiln.stress.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import kiln.link.FileStats;
import kiln.link.WorkerStats;
import kiln.stress.MemoryStress;
import kiln.stress.Mismatches;
import kiln.util.Ticker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A pattern that exists only in this file: registered in one line, it is selectable, runs, is
 * counted under its name and reported with its errors' details; nothing else names it.
 */
@Timeout(60)
final class TestOnlyPatternTest {
    /** Writes zeros and checks them: the simplest fault model there is. */
    static final class Zeros implements Pattern {
        @Override
        public String name() {
            return "test-zeros";
        }

        @Override
        public String finds() {
            return "bits stuck at one";
        }

        @Override
        public void run(Pass p) {
            long[] e = p.expected();
            java.util.Arrays.fill(e, 0);
            for (long at = 0; at < p.cells().words(); at += Cells.BLOCK_WORDS) {
                p.cells().write(at, e, p.blockWords(at));
                p.wrote(p.blockWords(at));
            }
            p.filled();
            for (long at = 0; at < p.cells().words(); at += Cells.BLOCK_WORDS) {
                p.cells().read(at, p.actual(), p.blockWords(at));
                p.read(p.blockWords(at));
                p.check(at, e, p.actual(), p.blockWords(at));
            }
        }
    }

    static {
        if (!Patterns.names().contains("test-zeros")) {
            Patterns.register("test-zeros", o -> new Zeros());
        }
    }

    @Test
    void aPatternRegisteredInATest_isSelectedRunCountedAndReported() {
        assertEquals(List.of("own-address", "test-zeros"), Patterns.parse("own-address, test-zeros"));
        assertTrue(Patterns.parse("all").contains("test-zeros"));
        FaultyCells cells = new FaultyCells(2L * Cells.BLOCK_WORDS).stuck(77, 2, 1);
        List<Pattern> chosen = Patterns.make(List.of("test-zeros"), Patterns.Options.DEFAULT);
        try (MemoryStress m = new MemoryStress(0, cells, chosen, Ticker.SYSTEM)) {
            assertEquals(1, m.runPass(chosen.get(0), 0));
            Map<String, Long> stats = m.patternStats();
            assertEquals(1L, stats.get("test-zeros.passes"));
            assertEquals(1L, stats.get("test-zeros.errors"));
            assertEquals(2L * 2 * Cells.BLOCK_WORDS * 8, stats.get("test-zeros.bytes"));
            List<Mismatches.Mismatch> found = new ArrayList<>();
            m.mismatches().drainTo(found, 5);
            assertEquals("test-zeros", found.get(0).method());
            assertEquals(Map.of("pass", "0", "offset", "616", "mask", "0x4", "reread", "stored", "phys", "unknown", "node", "unknown"), found.get(0).detail());
            WorkerStats s = new WorkerStats(1, FileStats.NONE, WorkerStats.Cpu.NONE, m.bytes(), Map.of(), 0, stats);
            assertEquals(java.util.Set.of("test-zeros"), s.memoryPatternNames(), "the supervisor's side reads names from the stats");
        }
    }

    @Test
    void aBadName_isRefusedWithTheRule() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Patterns.register("Bad_Name", o -> new Zeros()));
        assertTrue(e.getMessage().contains("lower-case words joined by '-'"), e.getMessage());
        var twice = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Patterns.parse("random,random"));
        assertTrue(twice.getMessage().contains("random given twice"), twice.getMessage());
        var unknown = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Patterns.parse("walking"));
        assertTrue(unknown.getMessage().startsWith("expected all or one or more of own-address, moving-inversions, random, copy, bit-fade"),
                unknown.getMessage());
    }
}
