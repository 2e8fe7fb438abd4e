package kiln.stress;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The work of one {@link CpuMethod}. {@link #op} does a fixed amount of work (tens of
 * microseconds, so a duty cycle can stop close to its target) from an input the JIT cannot fold
 * away, and returns a result that must equal the method's {@link CpuMethod#expected()}: a
 * different result is a miscomputation. Not thread-safe; each burner thread makes its own.
 */
abstract class CpuWork {
    /** Read on every op so that the work cannot be computed once at compile time. */
    private static volatile long seed = 0x5DEECE66DL;

    private final CpuMethod method;

    CpuWork(CpuMethod method) {
        this.method = method;
    }

    final CpuMethod method() {
        return method;
    }

    /** Does one operation and returns its result. */
    final long op() {
        return compute(seed);
    }

    abstract long compute(long seed);

    /** Integer multiply, add, xor-shift, rotate and divide: the ALU and the divider. */
    static final class IntegerMix extends CpuWork {
        IntegerMix() {
            super(CpuMethod.INT);
        }

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
    }

    /** 48x48 double matrix multiply: the floating-point units and L1 cache. */
    static final class MatrixMultiply extends CpuWork {
        private static final int N = 48;
        private final double[] a = new double[N * N];
        private final double[] b = new double[N * N];
        private final double[] c = new double[N * N];

        MatrixMultiply() {
            super(CpuMethod.FLOAT);
        }

        @Override
        long compute(long s) {
            for (int i = 0; i < N * N; i++) {
                a[i] = ((s + i) % 1000) / 7.0 - 71.0;
                b[i] = ((s ^ (i * 31L)) % 997) / 13.0 + 0.5;
            }
            for (int i = 0; i < N; i++) {
                for (int j = 0; j < N; j++) {
                    double sum = 0;
                    for (int k = 0; k < N; k++) {
                        sum += a[i * N + k] * b[k * N + j];
                    }
                    c[i * N + j] = sum;
                }
            }
            long h = 0;
            for (double v : c) {
                h = h * 31 + Double.doubleToLongBits(v);
            }
            return h;
        }
    }

    /** SHA-256 chained over an 8 KiB block: the hashing units (SHA-NI where present). */
    static final class Sha256Chain extends CpuWork {
        private final MessageDigest md;
        private final byte[] block = new byte[8192];

        Sha256Chain() {
            super(CpuMethod.SHA256);
            try {
                md = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is required of every JDK", e);
            }
        }

        @Override
        long compute(long s) {
            for (int i = 0; i < block.length; i++) {
                block[i] = (byte) (s >>> ((i & 7) * 8) ^ i);
            }
            byte[] d = null;
            for (int round = 0; round < 4; round++) {
                md.update(block);
                if (d != null) {
                    md.update(d);
                }
                d = md.digest();
            }
            return ByteBuffer.wrap(d).getLong();
        }
    }

    /** 600! with BigInteger: multi-word multiply and allocation, as in the classic demo. */
    static final class Factorial extends CpuWork {
        Factorial() {
            super(CpuMethod.FACTORIAL);
        }

        @Override
        long compute(long s) {
            BigInteger f = BigInteger.valueOf(s & 1); // the seed is odd: starts at 1
            for (int i = 2; i <= 600; i++) {
                f = f.multiply(BigInteger.valueOf(i));
            }
            return f.mod(BigInteger.valueOf(1_000_000_007L)).longValue() ^ f.bitLength();
        }
    }
}
