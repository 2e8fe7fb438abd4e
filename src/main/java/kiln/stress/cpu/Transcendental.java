package kiln.stress.cpu;

/**
 * Four chains of {@code StrictMath} pow, exp, log and sin (fdlibm: the same bits on every JVM),
 * the kind of call a fleet found returning 0 on one core.
 */
final class Transcendental extends kiln.stress.CpuMethod {
    static final int CHAINS = 4;
    static final int STEPS = 500;
    private static final long[][] ANSWERS = {
        {0x8ce0252266028361L, 0x95263fe762200e5dL, 0x567b17f40dff9bceL, 0x5180d7e7ed93c208L},
        {0x8ee918b6c5c88347L, 0xd298c42f18675b24L, 0x66e40cab38a0f76L, 0xe5b637a7761f1b60L},
        {0xd7457cd33256c790L, 0x5e079e6b468fc696L, 0x1e24028b48cd4b46L, 0xe32b5bfd53e8be6dL},
        {0xcb9fdd4a5e06876bL, 0xbcf58676d3aa8e90L, 0x59ea1c0d6aea2615L, 0x58bba48cb5db38f1L},
    };

    Transcendental() {
        super("transcendental", ANSWERS, Measure.OPS, 0);
    }

    @Override
    public String path() {
        return "StrictMath (fdlibm in Java)";
    }

    @Override
    public Work newWork() {
        return new Work() {
            @Override
            public void run(long seed, long[] out) {
                java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
                for (int c = 0; c < CHAINS; c++) {
                    double x = r.nextDouble() * 4 + 0.25;
                    long h = seed ^ c;
                    for (int i = 0; i < STEPS; i++) {
                        double p = StrictMath.pow(1.0 + Math.abs(StrictMath.sin(x)), 2.5 + (i & 3) * 0.25);
                        double e = StrictMath.exp(-(x % 7.0));
                        double l = StrictMath.log(1.0 + x);
                        x = p + e + l; // stays within about [0.5, 15]
                        h = Long.rotateLeft(h ^ Double.doubleToRawLongBits(x), 13) * 0x9E3779B97F4A7C15L;
                    }
                    out[c] = h;
                }
            }
        };
    }
}
