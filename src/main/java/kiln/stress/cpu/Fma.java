package kiln.stress.cpu;

import java.util.SplittableRandom;

/**
 * Fused multiply-adds on full 256-bit vectors, twelve independent accumulators of four lanes:
 * the unit where most vector silent corruptions are found, and the hottest load a core runs.
 * Compared lane by lane: element {@code e} is accumulator {@code e / 4}, lane {@code e % 4}.
 */
final class Fma extends kiln.stress.CpuMethod {
    static final int LANES = 4;
    static final int ACCUMULATORS = 12;
    static final int ELEMENTS = LANES * ACCUMULATORS;
    /** Kernel calls per op: the kernel is an ordinary method called again and again, which the JIT compiles fully. */
    static final int CALLS = 32;
    static final int ITERATIONS = 256;
    private static final FmaKernel KERNEL = FmaKernels.pick();

    Fma() {
        super("fma", FmaAnswers.ANSWERS, Measure.FLOPS,
                2L * 2 * ELEMENTS * ITERATIONS * CALLS); // two FMAs of two flops per element per iteration
    }

    @Override
    public int lanes() {
        return LANES;
    }

    @Override
    public String path() {
        return KERNEL.path() + (Boolean.FALSE.equals(Intrinsics.flag("UseFMA")) ? ", FMA in software (fallback: -XX:-UseFMA)" : "");
    }

    /** The state a seed starts from: values in [-1, 1). */
    static void start(long seed, double[] state) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < state.length; i++) {
            state[i] = r.nextDouble() * 2 - 1;
        }
    }

    @Override
    public Work newWork() {
        return new Work() {
            private final double[] state = new double[ELEMENTS];

            @Override
            public void run(long seed, long[] out) {
                start(seed, state);
                for (int c = 0; c < CALLS; c++) {
                    KERNEL.run(state, ITERATIONS);
                }
                for (int i = 0; i < ELEMENTS; i++) {
                    out[i] = Double.doubleToRawLongBits(state[i]);
                }
            }
        };
    }
}
