package kiln.stress.memory;

import java.time.Duration;
import java.util.Arrays;

/**
 * One pass of one pattern over the cells: its number, the pattern's own round, a pass-dependent
 * key, the scratch blocks, and the runner it reports to. Every word a pattern reads back goes
 * through {@link #check}: a wrong word is read once more, so that a value still wrong is told from
 * a bad read ({@link Miscompare#stored()}). Used by one thread.
 */
public final class Pass {
    /** What a pass reports to and asks of whoever runs it (the stressor, or a test). */
    public interface Runner {
        /** True once the stressor is stopping: the pattern returns without checking. */
        boolean stopping();

        /** Leaves the memory alone for {@code wait}, or less when stopped first (bit fade). */
        void idle(Duration wait);

        /**
         * Once per pass, when the first fill is done: where an injected fault lands, in the words
         * {@code [0, words)} that the fill wrote and the pass will check.
         */
        void filled(Cells cells, long words);

        /** Bytes written or read (a copy is both), as they are moved, for the live rate. */
        void moved(long bytes);

        /** One wrong word, already re-read; {@code pass.errors()} counts it. */
        void error(Pass pass, Miscompare miscompare);
    }

    /**
     * One wrong word.
     *
     * @param word     index of the word; its byte offset is {@link #offset()}
     * @param expected what the pattern wrote
     * @param actual   what was read back
     * @param reread   what a second read found
     */
    public record Miscompare(long word, long expected, long actual, long reread) {
        public long offset() {
            return word * 8;
        }

        /** The bits that differ. */
        public long mask() {
            return expected ^ actual;
        }

        /** Still wrong on a second read: the cell holds the wrong value. Otherwise the read was bad (bus, timing). */
        public boolean stored() {
            return reread != expected;
        }

        /** {@code stored} or {@code transient}: the report's word for {@link #stored()}. */
        public String rereadWord() {
            return stored() ? "stored" : "transient";
        }
    }

    private final Cells cells;
    private final Pattern pattern;
    private final long number;
    private final long round;
    private final long key;
    private final long[] expected;
    private final long[] actual;
    private final long[] spare;
    private final Runner runner;
    private long bytes;
    private long errors;
    private boolean filled;
    private String variant = "";

    /**
     * @param number  the stressor's pass number, from 0
     * @param round   how many passes this pattern has run before this one
     * @param seed    the run's seed: with the number, what the random data is
     * @param scratch three arrays of {@link Cells#BLOCK_WORDS} words, reused pass after pass
     */
    public Pass(Cells cells, Pattern pattern, long number, long round, long seed, long[][] scratch, Runner runner) {
        if (scratch.length != 3 || Arrays.stream(scratch).anyMatch(a -> a.length != Cells.BLOCK_WORDS)) {
            throw new IllegalArgumentException("expected three scratch blocks of " + Cells.BLOCK_WORDS + " words");
        }
        this.cells = cells;
        this.pattern = pattern;
        this.number = number;
        this.round = round;
        this.key = mix(seed ^ mix(number + 1));
        this.expected = scratch[0];
        this.actual = scratch[1];
        this.spare = scratch[2];
        this.runner = runner;
    }

    public Cells cells() {
        return cells;
    }

    public Pattern pattern() {
        return pattern;
    }

    public long number() {
        return number;
    }

    /** Passes this pattern ran before: what a pattern rotates its own variants on. */
    public long round() {
        return round;
    }

    /** 64 random bits, different every pass, the same for the same seed and pass. */
    public long key() {
        return key;
    }

    /** Scratch block for what a block should hold. */
    public long[] expected() {
        return expected;
    }

    /** Scratch block for what a block was read as. */
    public long[] actual() {
        return actual;
    }

    /** A third scratch block (an inverse, a table). */
    public long[] spare() {
        return spare;
    }

    /** Words in the block that starts at {@code at} (the last block may be short). */
    public int blockWords(long at) {
        return (int) Math.min(Cells.BLOCK_WORDS, cells.words() - at);
    }

    /** Start of the last block. */
    public long lastBlock() {
        return cells.words() == 0 ? -1 : (cells.words() - 1) / Cells.BLOCK_WORDS * Cells.BLOCK_WORDS;
    }

    /** The data background or phase now running, named in the errors it finds ({@code checkerboard}). */
    public void variant(String name) {
        variant = name;
    }

    public String variant() {
        return variant;
    }

    public void wrote(int words) {
        moved(words);
    }

    public void read(int words) {
        moved(words);
    }

    /** A block copied: read once, written once. */
    public void copied(int words) {
        moved(2L * words);
    }

    private void moved(long words) {
        bytes += words * 8;
        runner.moved(words * 8);
    }

    /** Call once the first fill of all the cells is done. */
    public void filled() {
        filled(cells.words());
    }

    /** Call once the first fill is done, when it wrote (and the pass checks) only words {@code [0, words)}. */
    public void filled(long words) {
        if (!filled) {
            filled = true;
            runner.filled(cells, words);
        }
    }

    public boolean stopping() {
        return runner.stopping();
    }

    public void idle(Duration wait) {
        runner.idle(wait);
    }

    /** What a block of cells should hold, made the same way for the write and for the check. */
    @FunctionalInterface
    public interface Blocks {
        /** Puts into {@code into[0..n)} what the {@code n} words from word {@code at} hold. */
        void fill(long[] into, long at, int n);
    }

    /**
     * The plain write-then-verify pass: every block written as {@code blocks} makes it, the cells
     * left alone for {@code wait} (zero: not at all), then every block read back and compared
     * with the same block made again (the bulk compare first; the words that differ re-read and
     * reported).
     *
     * @return false when the run stopped the pass part-way
     */
    public boolean writeThenVerify(Blocks blocks, Duration wait) {
        long[] e = expected();
        long[] a = actual();
        for (long at = 0; at < cells.words(); at += Cells.BLOCK_WORDS) {
            if (stopping()) {
                return false;
            }
            int n = blockWords(at);
            blocks.fill(e, at, n);
            cells.write(at, e, n);
            wrote(n);
        }
        filled();
        if (!wait.isZero()) {
            idle(wait);
        }
        for (long at = 0; at < cells.words(); at += Cells.BLOCK_WORDS) {
            if (stopping()) {
                return false;
            }
            int n = blockWords(at);
            cells.read(at, a, n);
            read(n);
            blocks.fill(e, at, n);
            if (java.util.Arrays.mismatch(e, 0, n, a, 0, n) >= 0) {
                check(at, e, a, n);
            }
        }
        return true;
    }

    /**
     * Compares a block read back ({@code actual[0..n)}) with what it should hold; each wrong
     * word is re-read from the cells and reported.
     *
     * @return the wrong words found
     */
    public int check(long at, long[] expected, long[] actual, int n) {
        int found = 0;
        int i = Arrays.mismatch(expected, 0, n, actual, 0, n);
        while (i >= 0) {
            found++;
            report(at + i, expected[i], actual[i]);
            if (i + 1 >= n) {
                break;
            }
            int next = Arrays.mismatch(expected, i + 1, n, actual, i + 1, n);
            i = next < 0 ? -1 : i + 1 + next;
        }
        return found;
    }

    /** One wrong word, found some other way than {@link #check}: re-read and reported. */
    public void report(long word, long expected, long actual) {
        errors++;
        runner.error(this, new Miscompare(word, expected, actual, cells.get(word)));
    }

    /** Bytes this pass moved. */
    public long bytes() {
        return bytes;
    }

    /** Wrong words this pass found. */
    public long errors() {
        return errors;
    }

    /** splitmix64's finalizer: a well-mixed 64-bit function of {@code z}. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
