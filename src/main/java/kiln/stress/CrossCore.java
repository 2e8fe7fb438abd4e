package kiln.stress;

import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * Work whose exact answer is hard to know in advance but must be the same on every healthy core:
 * batch {@code k} evaluates {@code Math.sin}, {@code exp}, {@code pow}, {@code log}, {@code sqrt}
 * and {@code fma} (HotSpot intrinsics, where defective cores have been found) and a 64-bit
 * multiply chain on inputs seeded with {@code k}, and folds every result's bits into a digest.
 * Every worker computes the same batches; the supervisor compares their digests across cores, and
 * a core that disagrees with the majority is named. Deterministic: the same code on a healthy CPU
 * gives the same digest, in the interpreter and in compiled code (the JVM uses one implementation
 * of these intrinsics in every tier).
 *
 * <p>Batches are numbered by the wall-clock slot ({@link #SLOT_MILLIS}) they start in and their
 * place in it: {@code slot << 20 | n}. Workers run at different speeds (the file storm and the
 * scheduler take different shares of each core), so a plain sequence 0, 1, 2… drifts apart
 * without bound and the same batch is computed by two workers minutes apart, or never within the
 * supervisor's window; numbered by slot, every worker computes batches {@code n = 0, 1, …} of the
 * same slot at about the same time, and a faster one only computes more of them.
 *
 * <p>Not thread-safe: one instance per thread; {@link #step} does a slice of the current batch.
 */
public final class CrossCore {
    /** Evaluations in one batch: a few milliseconds of one core. */
    public static final int BATCH = 20_000;
    /** Evaluations per {@link #step}: small, so a step fits in a duty-cycle period. */
    static final int SLICE = 500;
    /** A slot of batch numbers: several of a burner's cross-core turns (one 100 ms period in 8). */
    public static final long SLOT_MILLIS = kiln.link.DigestBatch.SLOT_MILLIS;
    private static final long IN_SLOT_MAX = kiln.link.DigestBatch.IN_SLOT_MAX;

    private final LongSupplier millis;
    private long slot = Long.MIN_VALUE;
    private long inSlot;
    private long batch;
    private int done;
    private long digest;
    private SplittableRandom random;
    private long chain;

    public CrossCore() {
        this(System::currentTimeMillis);
    }

    /** @param millis the wall clock, shared by every worker of the machine */
    public CrossCore(LongSupplier millis) {
        this.millis = millis;
    }

    /** See {@link kiln.link.DigestBatch#slotOf}. */
    public static long slotOf(long batch) {
        return kiln.link.DigestBatch.slotOf(batch);
    }

    /** See {@link kiln.link.DigestBatch#describe}. */
    public static String describe(long batch) {
        return kiln.link.DigestBatch.describe(batch);
    }

    /** The next batch's number: the first of a new slot, or the next in this one. */
    private long next() {
        long s = Math.floorDiv(millis.getAsLong(), SLOT_MILLIS);
        if (s != slot) {
            slot = s;
            inSlot = 0;
        } else if (inSlot < IN_SLOT_MAX) {
            inSlot++;
        }
        return kiln.link.DigestBatch.of(s, inSlot);
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
        if (random == null) {
            begin(next()); // numbered when work on it starts, not when the previous one ended
        }
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
        random = null;
        return out;
    }

    /** The digest of batch {@code k}, computed here: the referee when the workers split evenly. */
    public static long digestOf(long k) {
        CrossCore c = new CrossCore(() -> 0);
        c.begin(k);
        long[] r;
        while ((r = c.step()) == null) {
            // until the batch completes
        }
        return r[1];
    }
}
