package kiln.stress.cpu;

import kiln.stress.CpuMethod;

/** A method whose op gives one result word per seed; the old methods keep their one seed. */
abstract class Scalar extends CpuMethod {
    /** The seed today's methods have always run with. */
    static final long CLASSIC_SEED = 0x5DEECE66DL;

    Scalar(String word) {
        super(word);
    }

    @Override
    public long[] seeds() {
        return new long[] {CLASSIC_SEED};
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
