package kiln.stress.cpu;

/**
 * Bulk copies across cache levels with a checksum: a 256 KiB buffer copied whole (L2), then in
 * 4 KiB blocks to scattered, unaligned places (L1), then 64-byte lines backwards.
 */
final class Copy extends kiln.stress.CpuMethod {
    static final int SIZE = 256 * 1024;
    private static final int BLOCK = 4096;
    private static final long[][] ANSWERS = {
        {0x811ca3c23aa41ac2L, 0xdedb0fac093fe9d3L, 0x470298b87a973280L},
        {0x4261a4ceda806113L, 0x5245537d4f8c68f8L, 0xf73ca4ac800172d9L},
        {0x1ef674b2fa6aadd6L, 0x8800b7cc4f35cabaL, 0x60aba38429addf72L},
        {0x35f926d8e9385466L, 0x1975141a2696818cL, 0x9e6e32128f6cf51dL},
    };

    Copy() {
        super("copy", ANSWERS, Measure.BYTES, 3L * SIZE /* copied bytes (the checksums read as much again) */);
    }

    @Override
    public String path() {
        return "System.arraycopy";
    }

    @Override
    public Work newWork() {
        return new Work() {
            private final byte[] src = new byte[SIZE];
            private final byte[] dst = new byte[SIZE];
            private long prepared;
            private boolean ready;

            @Override
            public void run(long seed, long[] out) {
                if (!ready || prepared != seed) {
                    Fold.fill(src, seed);
                    prepared = seed;
                    ready = true;
                }
                System.arraycopy(src, 0, dst, 0, SIZE);
                out[0] = Fold.of(dst, 0, SIZE);
                for (int off = 0; off < SIZE; off += BLOCK) {
                    int to = (int) ((off * 7L + 3) % (SIZE - BLOCK));
                    System.arraycopy(src, off, dst, to, BLOCK);
                }
                out[1] = Fold.of(dst, 0, SIZE);
                for (int off = SIZE - 64; off >= 64; off -= 64) {
                    System.arraycopy(dst, off, dst, off - 61, 64);
                }
                out[2] = Fold.of(dst, 0, SIZE);
            }
        };
    }
}
