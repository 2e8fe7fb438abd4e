package kiln.stress.cpu;

import java.util.zip.CRC32C;

/**
 * CRC32C ({@code java.util.zip.CRC32C}, an intrinsic) over prefixes of a 256 KiB buffer that span
 * L1 and L2 (4 KiB, 32 KiB, 256 KiB) and over an unaligned stretch.
 */
final class Crc32c extends kiln.stress.CpuMethod {
    static final int SIZE = 256 * 1024;
    private static final int[][] SPANS = {{0, 4096}, {0, 32 * 1024}, {0, SIZE}, {3, SIZE - 11}};
    private static final long[][] ANSWERS = {
        {0xd307e501L, 0xd45e633bL, 0x6e78dd74L, 0x72cc4170L},
        {0x4ad2b7a0L, 0x946babe7L, 0xaf681a9L, 0xe0aab749L},
        {0x933d67dL, 0x5bbdc970L, 0xfead6241L, 0xbba1a3d8L},
        {0x98a7d907L, 0x7aed5b70L, 0x182cda16L, 0xdf513605L},
    };

    /** Bytes one op checks: the spans' lengths added up. */
    private static long spanBytes() {
        long n = 0;
        for (int[] s : SPANS) {
            n += s[1];
        }
        return n;
    }

    Crc32c() {
        super("crc32c", ANSWERS, Measure.BYTES, spanBytes());
    }

    @Override
    public String path() {
        return Intrinsics.describe("CRC32C", "UseCRC32CIntrinsics");
    }

    @Override
    public Work newWork() {
        return new Work() {
            private final byte[] buffer = new byte[SIZE];
            private final CRC32C crc = new CRC32C();
            private long prepared;
            private boolean ready;

            @Override
            public void run(long seed, long[] out) {
                if (!ready || prepared != seed) {
                    Fold.fill(buffer, seed);
                    prepared = seed;
                    ready = true;
                }
                for (int i = 0; i < SPANS.length; i++) {
                    crc.reset();
                    crc.update(buffer, SPANS[i][0], SPANS[i][1]);
                    out[i] = crc.getValue();
                }
            }
        };
    }
}
