package kiln.stress.cpu;

import java.math.BigInteger;

/** 600! with BigInteger: multi-word multiply and allocation, as in the classic demo. */
final class Factorial extends Scalar {

    Factorial() {
        super("factorial", 0x2cd85204L, Measure.OPS, 0);
    }

    @Override
    public Work newWork() {
        return new One() {
            @Override
            long compute(long s) {
                BigInteger f = BigInteger.valueOf(s & 1); // the seed is odd: starts at 1
                for (int i = 2; i <= 600; i++) {
                    f = f.multiply(BigInteger.valueOf(i));
                }
                return f.mod(BigInteger.valueOf(1_000_000_007L)).longValue() ^ f.bitLength();
            }
        };
    }
}
