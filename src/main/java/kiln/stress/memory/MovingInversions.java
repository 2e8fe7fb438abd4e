package kiln.stress.memory;

import java.util.Arrays;

/**
 * Moving inversions, as memory testers run them: fill ascending with a data background; then,
 * ascending, read and check each block and write its inverse; then, descending, read and check
 * each block and write the background again. A cell stuck at a value fails one of the two
 * checks; a cell that a write to its neighbour disturbs (a coupling fault) reads wrong on the next
 * sweep. The background rotates round after round: solid, checkerboard, walking ones, random.
 * Blocks are read whole, then written whole, at bus speed; within a block the words go ascending.
 */
final class MovingInversions implements Pattern {
    static final String NAME = "moving-inversions";
    private static final String[] BACKGROUNDS = {"solid", "checkerboard", "walking", "random"};

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String finds() {
        return "stuck bits and cells disturbed by writes to their neighbours (coupling faults)";
    }

    @Override
    public void run(Pass p) {
        Cells cells = p.cells();
        long[] bg = p.expected();
        long[] inv = p.spare();
        long[] a = p.actual();
        int which = (int) (p.round() % BACKGROUNDS.length);
        p.variant(BACKGROUNDS[which]);
        background(bg, which, p.round() / BACKGROUNDS.length, p.key());
        for (int i = 0; i < bg.length; i++) {
            inv[i] = ~bg[i];
        }
        for (long at = 0; at < cells.words(); at += Cells.BLOCK_WORDS) {
            if (p.stopping()) {
                return;
            }
            int n = p.blockWords(at);
            cells.write(at, bg, n);
            p.wrote(n);
        }
        p.filled();
        for (long at = 0; at < cells.words(); at += Cells.BLOCK_WORDS) {
            if (p.stopping()) {
                return;
            }
            sweep(p, at, bg, inv, a);
        }
        for (long at = p.lastBlock(); at >= 0; at -= Cells.BLOCK_WORDS) {
            if (p.stopping()) {
                return;
            }
            sweep(p, at, inv, bg, a);
        }
    }

    /** Reads the block at {@code at}, checks it holds {@code now}, writes {@code next}. */
    private static void sweep(Pass p, long at, long[] now, long[] next, long[] a) {
        int n = p.blockWords(at);
        p.cells().read(at, a, n);
        p.read(n);
        if (Arrays.mismatch(now, 0, n, a, 0, n) >= 0) {
            p.check(at, now, a, n);
        }
        p.cells().write(at, next, n);
        p.wrote(n);
    }

    /**
     * A background for every block: each depends only on the word's index modulo 64, and a block
     * starts at a multiple of 64. {@code turn} varies it from one use to the next.
     */
    static void background(long[] bg, int which, long turn, long key) {
        switch (which) {
            case 0 -> Arrays.fill(bg, (turn & 1) == 0 ? 0L : 0x00FF00FF00FF00FFL);
            case 1 -> {
                for (int i = 0; i < bg.length; i++) {
                    bg[i] = ((i + turn) & 1) == 0 ? 0xAAAAAAAAAAAAAAAAL : 0x5555555555555555L;
                }
            }
            case 2 -> {
                for (int i = 0; i < bg.length; i++) {
                    bg[i] = 1L << ((i + turn) & 63);
                }
            }
            default -> Arrays.fill(bg, key);
        }
    }
}
