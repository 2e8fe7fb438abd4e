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
        Cells cells = p.cells();
        long[] e = p.expected();
        long[] a = p.actual();
        long key = p.key();
        for (long at = 0; at < cells.words(); at += Cells.BLOCK_WORDS) {
            if (p.stopping()) {
                return;
            }
            int n = p.blockWords(at);
            fill(e, at ^ key, n);
            cells.write(at, e, n);
            p.wrote(n);
        }
        p.filled();
        for (long at = 0; at < cells.words(); at += Cells.BLOCK_WORDS) {
            if (p.stopping()) {
                return;
            }
            int n = p.blockWords(at);
            cells.read(at, a, n);
            p.read(n);
            if (!matches(a, at ^ key, n)) {
                fill(e, at ^ key, n);
                p.check(at, e, a, n);
            }
        }
    }

    /** Word {@code at + i} holds {@code (at + i) ^ key}: a block starts at a multiple of its size, so that is {@code i ^ (at ^ key)}. */
    private static void fill(long[] e, long blockKey, int n) {
        for (int i = 0; i < n; i++) {
            e[i] = i ^ blockKey;
        }
    }

    private static boolean matches(long[] a, long blockKey, int n) {
        long diff = 0;
        for (int i = 0; i < n; i++) {
            diff |= a[i] ^ (i ^ blockKey);
        }
        return diff == 0;
    }
}
