package kiln.stress.cpu;

import kiln.stress.CpuMethod;

/** A method whose op gives one result word per seed; the old methods keep their one seed. */
abstract class Scalar extends CpuMethod {
    /** The seed today's methods have always run with. */
    static final long CLASSIC_SEED = 0x5DEECE66DL;

    /** @param answer the one result word of {@link #CLASSIC_SEED} on a healthy CPU */
    Scalar(String word, long answer, Measure measure, long perOp) {
        super(word, new long[] {CLASSIC_SEED}, new long[][] {{answer}}, measure, perOp);
    }

    /** Work computing one word. */
    abstract static class One extends Work {
        @Override
        public final void run(long seed, long[] out) {
            out[0] = compute(seed);
        }

        abstract long compute(long seed);
    }
}
