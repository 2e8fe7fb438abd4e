package kiln.stress.memory;

/**
 * Address in address: every word holds its own index, XORed with a key that changes every pass.
 * An address line that is stuck or shorted makes two offsets one cell; the later write wins and
 * the other offset reads back a value that names the wrong address.
 */
final class OwnAddress implements Pattern {
    static final String NAME = "own-address";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String finds() {
        return "address lines that alias two locations: every word holds its own address";
    }

    @Override
    public void run(Pass p) {
        long key = p.key();
        p.writeThenVerify((e, at, n) -> fill(e, at ^ key, n), java.time.Duration.ZERO);
    }

    /** 0, 1, 2, …: a table, because a loop over {@code (long) i} is not vectorized by every JDK's JIT. */
    private static final long[] INDEX = new long[Cells.BLOCK_WORDS];

    static {
        for (int i = 0; i < INDEX.length; i++) {
            INDEX[i] = i;
        }
    }

    /**
     * Word {@code at + i} holds {@code (at + i) ^ key}: a block starts at a multiple of its size,
     * so that is {@code i ^ (at ^ key)}.
     */
    private static void fill(long[] e, long blockKey, int n) {
        for (int i = 0; i < n; i++) {
            e[i] = INDEX[i] ^ blockKey;
        }
    }
}
