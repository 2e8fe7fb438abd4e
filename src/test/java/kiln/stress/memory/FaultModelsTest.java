package kiln.stress.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each fault model catches, on a simulated faulty memory, the fault it exists for, and names the word and the bits. */
@Timeout(60)
final class FaultModelsTest {
    private static final int B = Cells.BLOCK_WORDS;

    /** Runs one pass; the memory's clock moves by what the pattern waits. */
    static class Recorder implements Pass.Runner {
        final List<Pass.Miscompare> errors = new ArrayList<>();
        final List<String> variants = new ArrayList<>();
        final FaultyCells clock;
        long moved;

        Recorder(FaultyCells clock) {
            this.clock = clock;
        }

        @Override
        public boolean stopping() {
            return false;
        }

        @Override
        public void idle(Duration wait) {
            if (clock != null) {
                clock.now += wait.toNanos();
            }
        }

        @Override
        public void filled(Cells cells, long words) {
        }

        @Override
        public void moved(long bytes) {
            moved += bytes;
        }

        @Override
        public void error(Pass pass, Pass.Miscompare m) {
            errors.add(m);
            variants.add(pass.variant());
        }
    }

    static Recorder run(Pattern pattern, Cells cells, long number, long round) {
        Recorder r = new Recorder(cells instanceof FaultyCells f ? f : null);
        pattern.run(new Pass(cells, pattern, number, round, 42, new long[3][B], r));
        return r;
    }

    static Pattern pattern(String name) {
        return Patterns.make(List.of(name), new Patterns.Options(Duration.ofMinutes(5))).get(0);
    }

    @Test
    void healthyMemory_readsBackCleanUnderEveryPattern_onTheRealBufferAndTheTestDouble() {
        for (String name : Patterns.names()) {
            for (Cells cells : List.of(Cells.allocate(3L * B * 8 + 800), new FaultyCells(3L * B + 100))) {
                for (int pass = 0; pass < 8; pass++) {
                    Recorder r = run(pattern(name), cells, pass, pass);
                    assertEquals(List.of(), r.errors, name + " pass " + pass + " on " + cells.kind());
                    assertTrue(r.moved >= 2 * cells.words() * 8 || name.equals("copy"), name + " writes and reads every word");
                }
            }
        }
    }

    @Test
    void theRealBuffer_isASegmentOnJdk22_andDirectBuffersBefore() {
        String expected = Runtime.version().feature() >= 22 && Boolean.getBoolean("kiln.expect-native-io") ? "segment" : "buffer";
        Cells cells = Cells.allocate(1 << 20);
        assertEquals(expected, cells.kind());
        assertEquals(1 << 17, cells.words());
        assertEquals(0, cells.get(12345), "zeroed, so every page is touched");
    }

    @Test
    void ownAddress_catchesTwoOffsetsThatAliasOneCell_andTheMaskNamesTheAddressBits() {
        long a = 123;
        long b = a | (1L << 16); // address line 16 shorted: b reaches a's cell
        FaultyCells cells = new FaultyCells(4L * B).alias(b, a);
        Recorder r = run(pattern("own-address"), cells, 7, 0);
        assertEquals(1, r.errors.size(), "the cell written first and overwritten through the alias: " + r.errors);
        Pass.Miscompare m = r.errors.get(0);
        assertEquals(a * 8, m.offset());
        assertEquals(a ^ b, m.mask(), "the differing bits are the broken address line's");
        assertTrue(m.stored());
    }

    @Test
    void movingInversions_catchesAStuckBit_eitherWay() {
        for (int value : new int[] {0, 1}) {
            FaultyCells cells = new FaultyCells(3L * B + 100).stuck(70_000, 5, value);
            Recorder r = run(pattern("moving-inversions"), cells, 0, 0); // round 0: solid background, all zeros
            assertEquals(1, r.errors.size(), "stuck at " + value + ": " + r.errors);
            Pass.Miscompare m = r.errors.get(0);
            assertEquals(70_000L * 8, m.offset());
            assertEquals(1L << 5, m.mask());
            assertEquals("stored", m.rereadWord());
            assertEquals("solid", r.variants.get(0));
        }
    }

    @Test
    void movingInversions_catchesABitFlippedByWritesToItsNeighbour_underEveryBackground() {
        for (int round = 0; round < 4; round++) {
            FaultyCells cells = new FaultyCells(2L * B).coupling(1001, 1000, 3);
            Recorder r = run(pattern("moving-inversions"), cells, round, round);
            assertTrue(!r.errors.isEmpty(), "round " + round);
            for (Pass.Miscompare m : r.errors) {
                assertEquals(1000L * 8, m.offset());
                assertEquals(1L << 3, m.mask());
            }
        }
    }

    @Test
    void bitFade_catchesACellThatLosesItsCharge_afterItsWait_andOnlyThen() {
        long decay = Duration.ofMinutes(1).toNanos();
        Recorder r = run(pattern("bit-fade"), new FaultyCells(2L * B).decay(5000, 7, decay), 0, 0);
        assertEquals(1, r.errors.size(), "ones decay, zeros cannot: " + r.errors);
        assertEquals(5000L * 8, r.errors.get(0).offset());
        assertEquals(1L << 7, r.errors.get(0).mask());
        assertEquals("ones", r.variants.get(0));
        Pattern quick = Patterns.make(List.of("bit-fade"), new Patterns.Options(Duration.ofSeconds(10))).get(0);
        assertEquals(List.of(), run(quick, new FaultyCells(2L * B).decay(5000, 7, decay), 0, 0).errors,
                "a wait shorter than the decay finds nothing");
        for (String other : List.of("own-address", "moving-inversions", "random", "copy")) {
            assertEquals(List.of(), run(pattern(other), new FaultyCells(2L * B).decay(5000, 7, decay), 0, 0).errors,
                    other + " never leaves the memory alone long enough");
        }
    }

    @Test
    void random_catchesAStuckBit_andDiffersPassAfterPass() {
        FaultyCells cells = new FaultyCells(2L * B).stuckBits(333, 0xFFFFL, 0);
        assertEquals(333L * 8, run(pattern("random"), cells, 3, 0).errors.get(0).offset());
        Cells a = new FaultyCells(B);
        run(pattern("random"), a, 1, 0);
        long first = a.get(17);
        run(pattern("random"), a, 2, 1);
        assertTrue(first != a.get(17), "a new pass writes new data");
    }

    @Test
    void copy_detectsACorruptedBlock_inEitherHalf_andNamesTheBadCell() {
        // 4 blocks: the lower half is blocks 0-1, the upper 2-3
        long upperWord = 2L * B + 10;
        FaultyCells upper = new FaultyCells(4L * B).stuckBits(upperWord, 0xFFFFL, 0);
        Recorder r = run(pattern("copy"), upper, 0, 0);
        assertEquals(1, r.errors.size(), "found on the copy into it: " + r.errors);
        assertEquals(upperWord * 8, r.errors.get(0).offset());
        assertEquals("lower-to-upper", r.variants.get(0));
        assertTrue(r.errors.get(0).stored());
        long lowerWord = B + 99;
        Recorder l = run(pattern("copy"), new FaultyCells(4L * B).stuckBits(lowerWord, 0xFFFFL, 0), 0, 0);
        assertEquals(List.of(lowerWord * 8, lowerWord * 8), l.errors.stream().map(Pass.Miscompare::offset).toList(),
                "the source's cell is blamed when its block is copied up, and found again when a copy lands on it: " + l.errors);
        assertEquals(List.of("lower-to-upper", "upper-to-lower"), l.variants);
        FaultyCells flaky = new FaultyCells(4L * B);
        Pattern copy = pattern("copy");
        Recorder f = new Recorder(flaky) {
            @Override
            public void filled(Cells cells, long words) {
                cells.set(3L * B + 5, 0); // the upper half, after the fill: only a copy's landing there is checked
            }
        };
        copy.run(new Pass(flaky, copy, 0, 0, 42, new long[3][B], f));
        assertEquals(List.of(), f.errors, "a copy overwrites what was there");
        Recorder moved = run(pattern("copy"), new FaultyCells(4L * B), 0, 0);
        assertEquals((2L * B + 2 * (3L * 2 * B)) * 8, moved.moved, "fill half, then twice: copy (read + write) and check each half");
    }

    @Test
    void aBadRead_isToldFromAStoredFault_byTheReRead() {
        FaultyCells cells = new FaultyCells(2L * B).badRead(4321, 1L << 40);
        Recorder r = run(pattern("own-address"), cells, 0, 0);
        assertEquals(1, r.errors.size());
        assertEquals("transient", r.errors.get(0).rereadWord(), "right on the second read: a bad read");
        assertEquals(1L << 40, r.errors.get(0).mask());
        assertEquals(4321L * 8, r.errors.get(0).offset());
    }
}
