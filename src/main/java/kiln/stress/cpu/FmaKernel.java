package kiln.stress.cpu;

/**
 * The inner loop of {@link Fma}: {@code iterations} times, every element {@code x} of the state
 * becomes {@code fma(fma(x, M1, C1), M2, C2)}. Every element is an independent chain, so the
 * state of {@link Fma#ELEMENTS} doubles holds twelve 256-bit accumulators. Fused multiply-add is
 * exactly rounded, so every implementation gives the same bits.
 */
interface FmaKernel {
    double M1 = 1 + 0x1p-20;
    double C1 = 0x1p-10;
    double M2 = 1 - 0x1p-20;
    double C2 = -0x1p-10;

    void run(double[] state, int iterations);

    /** What runs: the Vector API or scalar loops, and why. */
    String path();

    /** The portable kernel: {@code Math.fma} over an array, which C2 turns into vector FMAs where it can. */
    final class Loops implements FmaKernel {
        private final String why;

        Loops(String why) {
            this.why = why;
        }

        @Override
        public void run(double[] s, int iterations) {
            int it = 0;
            for (; it + 4 <= iterations; it += 4) {
                steps4(s);
            }
            for (; it < iterations; it++) {
                step(s);
            }
        }

        private static void step(double[] s) {
            for (int j = 0; j < s.length; j++) {
                s[j] = Math.fma(Math.fma(s[j], M1, C1), M2, C2);
            }
        }

        /** Four steps per load and store: the loop the JIT vectorizes is bound by FMAs, not by memory. */
        private static void steps4(double[] s) {
            for (int j = 0; j < s.length; j++) {
                double x = s[j];
                x = Math.fma(Math.fma(x, M1, C1), M2, C2);
                x = Math.fma(Math.fma(x, M1, C1), M2, C2);
                x = Math.fma(Math.fma(x, M1, C1), M2, C2);
                s[j] = Math.fma(Math.fma(x, M1, C1), M2, C2);
            }
        }

        @Override
        public String path() {
            return "Math.fma loops (" + why + ")";
        }
    }
}
