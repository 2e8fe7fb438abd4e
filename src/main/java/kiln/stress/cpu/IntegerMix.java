package kiln.stress.cpu;

/** Integer multiply, add, xor-shift, rotate and divide: the ALU and the divider. */
final class IntegerMix extends Scalar {

    IntegerMix() {
        super("int", 0x15f7b6903b7ce3aeL, Measure.OPS, 0);
    }

    @Override
    public Work newWork() {
        return new One() {
            @Override
            long compute(long x) {
                long acc = 0;
                for (int i = 0; i < 20_000; i++) {
                    x ^= x << 13;
                    x ^= x >>> 7;
                    x ^= x << 17;
                    acc += Long.rotateLeft(x * 0x9E3779B97F4A7C15L, i & 63) ^ (x / ((i | 1) + 0x10001L));
                }
                return acc;
            }
        };
    }
}
