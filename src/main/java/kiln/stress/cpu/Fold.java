package kiln.stress.cpu;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/** A 64-bit checksum of bytes (multiply-xor over little-endian words) and seeded fills: the plain-integer side of the byte methods. */
final class Fold {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private Fold() {
    }

    static long of(byte[] b, int off, int len) {
        long h = 0x9E3779B97F4A7C15L ^ len;
        int i = off;
        int end = off + len;
        for (; i + 8 <= end; i += 8) {
            h = Long.rotateLeft(h ^ (long) LONGS.get(b, i), 29) * 0xBF58476D1CE4E5B9L;
        }
        for (; i < end; i++) {
            h = (h ^ (b[i] & 0xff)) * 0x100000001B3L;
        }
        return h ^ (h >>> 31);
    }

    /** Fills {@code b} with bytes that depend only on {@code seed}. */
    static void fill(byte[] b, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i + 8 <= b.length; i += 8) {
            LONGS.set(b, i, r.nextLong());
        }
        for (int i = b.length & ~7; i < b.length; i++) {
            b[i] = (byte) r.nextInt();
        }
    }
}
