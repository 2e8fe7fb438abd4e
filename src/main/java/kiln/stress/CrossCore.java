package kiln.stress;

import java.util.SplittableRandom;

/**
 * Work whose exact answer is hard to know in advance but must be the same on every healthy core:
 * batch {@code k} evaluates {@code Math.sin}, {@code exp}, {@code pow}, {@code log}, {@code sqrt}
 * and {@code fma} (HotSpot intrinsics, where defective cores have been found) and a 64-bit
 * multiply chain on inputs seeded with {@code k}, and folds every result's bits into a digest.
 * Every worker computes the same batches in the same order; the supervisor compares their digests
 * across cores, and a core that disagrees with the majority is named. Deterministic: the same
 * code on a healthy CPU gives the same digest, in the interpreter and in compiled code (the JVM
 * uses one implementation of these intrinsics in every tier).
 *
 * <p>Not thread-safe: one instance per thread; {@link #step} does a slice of the current batch.
 */
public final class CrossCore {
    /** Evaluations in one batch: a few milliseconds of one core. */
    public static final int BATCH = 20_000;
    /** Evaluations per {@link #step}: small, so a step fits in a duty-cycle period. */
    static final int SLICE = 500;

    private long batch;
    private int done;
    private long digest;
    private SplittableRandom random;
    private long chain;

    public CrossCore() {
        begin(0);
    }

    private void begin(long k) {
        batch = k;
        done = 0;
        digest = 0x9E3779B97F4A7C15L ^ k;
        random = new SplittableRandom(k * 0x2545F4914F6CDD1DL + 1);
        chain = k | 1;
    }

    /**
     * Does one slice of the current batch.
     *
     * @return the digest of a batch this slice completed, as {@code {batch, digest}}; null when not done yet
     */
    public long[] step() {
        long d = digest;
        long c = chain;
        for (int i = 0; i < SLICE; i++) {
            double x = random.nextDouble() * 20 - 10;
            double y = random.nextDouble() * 4;
            double r = Math.sin(x) + Math.exp(x / 4) + Math.pow(Math.abs(x) + 1, y) + Math.log(Math.abs(x) + 1e-3)
                    + Math.sqrt(Math.abs(x)) + Math.fma(x, y, 0.5);
            c = c * 0x9E3779B97F4A7C15L + (long) i;
            d = Long.rotateLeft(d ^ Double.doubleToRawLongBits(r), 17) * 0xBF58476D1CE4E5B9L ^ c;
        }
        digest = d;
        chain = c;
        done += SLICE;
        if (done < BATCH) {
            return null;
        }
        long[] out = {batch, d};
        begin(batch + 1);
        return out;
    }

    /** The digest of batch {@code k}, computed here: the referee when the workers split evenly. */
    public static long digestOf(long k) {
        CrossCore c = new CrossCore();
        c.begin(k);
        long[] r;
        while ((r = c.step()) == null) {
            // until the batch completes
        }
        return r[1];
    }
}
