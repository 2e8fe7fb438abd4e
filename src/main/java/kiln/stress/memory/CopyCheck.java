package kiln.stress.memory;

/**
 * Copy with an in-flight check, the busiest bus traffic: the lower half is filled with random
 * blocks, each block is copied to a place in the upper half and the copy's checksum verified at
 * once, then each is copied back to a different place in the lower half and verified again. Reads
 * and writes mix as in real programs; signal-integrity and timing faults show here first. A block
 * whose checksum is wrong is compared word by word with what it should hold, so the error names
 * the word (the source's, when the source holds the same wrong value), and is then written right, so the fault is reported once and not carried on. Words
 * past the two halves' whole blocks are left alone.
 */
final class CopyCheck implements Pattern {
    static final String NAME = "copy";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String finds() {
        return "signal-integrity and timing faults under full-bus copy traffic, each copy checksummed in flight";
    }

    @Override
    public void run(Pass p) {
        Cells cells = p.cells();
        long halfWords = cells.words() / 2;
        if (halfWords == 0) {
            return;
        }
        int bw = (int) Math.min(Cells.BLOCK_WORDS, Long.highestOneBit(halfWords));
        long blocks = halfWords / bw;
        long upper = blocks * bw;
        long[] table = p.spare();
        long[] e = p.expected();
        long[] a = p.actual();
        RandomData.table(table, p.key());
        long[] sums = new long[(int) blocks * 2];
        for (long i = 0; i < blocks; i++) {
            if (p.stopping()) {
                return;
            }
            RandomData.block(e, table, RandomData.salt(p.key(), i), bw);
            sums[(int) i * 2] = sum(e, bw);
            sums[(int) i * 2 + 1] = xor(e, bw);
            cells.write(i * bw, e, bw);
            p.wrote(bw);
        }
        p.filled(upper);
        long shift = 1 + p.number() % blocks;
        p.variant("lower-to-upper");
        for (long i = 0; i < blocks; i++) {
            if (p.stopping()) {
                return;
            }
            long to = upper + (i + shift) % blocks * bw;
            copyAndCheck(p, i * bw, to, i, sums, bw, true);
        }
        p.variant("upper-to-lower");
        for (long d = 0; d < blocks; d++) {
            if (p.stopping()) {
                return;
            }
            long i = ((d - shift) % blocks + blocks) % blocks;
            copyAndCheck(p, upper + d * bw, (d + 1) % blocks * bw, i, sums, bw, false);
        }
    }

    /**
     * Copies a block holding content {@code content} and verifies the copy's checksum at once. A
     * wrong word that the source holds too was wrong before the copy: the source's cell is blamed
     * when the source was only filled ({@code sourceUnchecked}), and not blamed twice when it was
     * checked on its own way in.
     */
    private static void copyAndCheck(Pass p, long from, long to, long content, long[] sums, int bw, boolean sourceUnchecked) {
        long[] a = p.actual();
        p.cells().copy(from, to, bw);
        p.copied(bw);
        p.cells().read(to, a, bw);
        p.read(bw);
        if (sum(a, bw) != sums[(int) content * 2] || xor(a, bw) != sums[(int) content * 2 + 1]) {
            long[] e = p.expected();
            RandomData.block(e, p.spare(), RandomData.salt(p.key(), content), bw);
            for (int i = 0; i < bw; i++) {
                if (a[i] != e[i]) {
                    if (p.cells().get(from + i) != a[i]) {
                        p.report(to + i, e[i], a[i]);
                    } else if (sourceUnchecked) {
                        p.report(from + i, e[i], a[i]);
                    }
                }
            }
            // reported once: the block goes on right, so the next copy does not carry the fault again
            p.cells().write(to, e, bw);
            p.wrote(bw);
        }
    }

    private static long sum(long[] a, int n) {
        long s = 0;
        for (int i = 0; i < n; i++) {
            s += a[i];
        }
        return s;
    }

    private static long xor(long[] a, int n) {
        long x = 0;
        for (int i = 0; i < n; i++) {
            x ^= a[i];
        }
        return x;
    }
}
