package kiln.stress.memory;

/**
 * Seeded random data, different every pass: a table of random words for the pass, XORed with a
 * random word per block, so that no block repeats another and the per-word loop is one XOR. Finds
 * what depends on the data: pattern-sensitive cells, bits that flip under some neighbours.
 */
final class RandomData implements Pattern {
    static final String NAME = "random";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String finds() {
        return "data-dependent faults: random words from a seed, different every pass";
    }

    @Override
    public void run(Pass p) {
        Cells cells = p.cells();
        long[] table = p.spare();
        long[] e = p.expected();
        long[] a = p.actual();
        table(table, p.key());
        for (long at = 0; at < cells.words(); at += Cells.BLOCK_WORDS) {
            if (p.stopping()) {
                return;
            }
            int n = p.blockWords(at);
            block(e, table, salt(p.key(), at), n);
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
            block(e, table, salt(p.key(), at), n);
            if (java.util.Arrays.mismatch(e, 0, n, a, 0, n) >= 0) {
                p.check(at, e, a, n);
            }
        }
    }

    static void table(long[] table, long key) {
        for (int i = 0; i < table.length; i++) {
            table[i] = Pass.mix(key + i * 0x9E3779B97F4A7C15L);
        }
    }

    static long salt(long key, long at) {
        return Pass.mix(key ^ Pass.mix(at + 1));
    }

    static void block(long[] e, long[] table, long salt, int n) {
        for (int i = 0; i < n; i++) {
            e[i] = table[i] ^ salt;
        }
    }
}
