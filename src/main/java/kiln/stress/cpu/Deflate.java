package kiln.stress.cpu;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Compresses and inflates a fixed 32 KiB text corpus (words drawn by the seed) with
 * {@code java.util.zip}: the compressed size and checksum, and the inflated size and checksum, are
 * known answers.
 */
final class Deflate extends kiln.stress.CpuMethod {
    static final int SIZE = 32 * 1024;
    private static final String[] WORDS = ("the core computes a wrong answer only sometimes and only on one lane of one unit so "
            + "burn in runs every unit of every core hot for hours checks each result against a constant known before the "
            + "run and when one differs retests it on the same core and on another one then hands the vendor a replay").split(" ");
    private static final long[][] ANSWERS = {
        {0x204cL, 0x541b75aeadc16925L, 0x8000L, 0x9fdf6b6880ab8b3L},
        {0x202bL, 0x86b97a8f8ec636f2L, 0x8000L, 0xa42c54a0053311ceL},
        {0x2047L, 0x554b986f6fe365e9L, 0x8000L, 0xf9816e5eb5befecL},
        {0x2070L, 0x26f048dfb2ab2c7cL, 0x8000L, 0x704e6c894621b612L},
    };

    Deflate() {
        super("deflate", ANSWERS, Measure.BYTES, SIZE /* corpus bytes compressed (and inflated back) */);
    }

    @Override
    public String path() {
        return "zlib through java.util.zip";
    }

    /** The corpus of {@code seed}: words and spaces, exactly {@link #SIZE} bytes. */
    static byte[] corpus(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder sb = new StringBuilder(SIZE + 16);
        while (sb.length() < SIZE) {
            sb.append(WORDS[r.nextInt(WORDS.length)]).append(r.nextInt(9) == 0 ? '\n' : ' ');
        }
        sb.setLength(SIZE);
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public Work newWork() {
        return new Work() {
            private final Deflater deflater = new Deflater(6);
            private final Inflater inflater = new Inflater();
            private final byte[] packed = new byte[SIZE + 1024];
            private final byte[] unpacked = new byte[SIZE + 16];
            private byte[] input;
            private long prepared;

            @Override
            public void run(long seed, long[] out) {
                if (input == null || prepared != seed) {
                    input = corpus(seed);
                    prepared = seed;
                }
                deflater.reset();
                deflater.setInput(input);
                deflater.finish();
                int n = 0;
                while (!deflater.finished() && n < packed.length) {
                    n += deflater.deflate(packed, n, packed.length - n);
                }
                out[0] = n;
                out[1] = Fold.of(packed, 0, n);
                inflater.reset();
                inflater.setInput(packed, 0, n);
                int m = 0;
                try {
                    while (!inflater.finished() && m < unpacked.length) {
                        int got = inflater.inflate(unpacked, m, unpacked.length - m);
                        if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                            break;
                        }
                        m += got;
                    }
                } catch (DataFormatException e) {
                    m = -1; // the compressed stream is corrupt: a wrong answer
                }
                out[2] = m;
                out[3] = m < 0 ? 0 : Fold.of(unpacked, 0, m);
            }
        };
    }
}
