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
        long[] table = p.spare();
        long key = p.key();
        table(table, key);
        p.writeThenVerify((e, at, n) -> block(e, table, salt(key, at), n), java.time.Duration.ZERO);
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
