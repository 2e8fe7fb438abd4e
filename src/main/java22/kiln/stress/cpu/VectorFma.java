package kiln.stress.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Twelve 256-bit accumulators held in registers for a whole call. The loop stays short and the
 * method is called again and again: the JIT compiles it whole, while one long-running loop would be
 * replaced on the stack with its vectors boxed (fifty times slower).
 */
final class VectorFma implements FmaKernel {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_256;

    private VectorFma() {
    }

    static FmaKernel create() {
        if (S.length() != Fma.LANES) {
            return new Loops("256-bit species has " + S.length() + " lanes");
        }
        return new VectorFma();
    }

    @Override
    public void run(double[] s, int iterations) {
        DoubleVector m1 = DoubleVector.broadcast(S, M1);
        DoubleVector c1 = DoubleVector.broadcast(S, C1);
        DoubleVector m2 = DoubleVector.broadcast(S, M2);
        DoubleVector c2 = DoubleVector.broadcast(S, C2);
        DoubleVector a0 = DoubleVector.fromArray(S, s, 0);
        DoubleVector a1 = DoubleVector.fromArray(S, s, 4);
        DoubleVector a2 = DoubleVector.fromArray(S, s, 8);
        DoubleVector a3 = DoubleVector.fromArray(S, s, 12);
        DoubleVector a4 = DoubleVector.fromArray(S, s, 16);
        DoubleVector a5 = DoubleVector.fromArray(S, s, 20);
        DoubleVector a6 = DoubleVector.fromArray(S, s, 24);
        DoubleVector a7 = DoubleVector.fromArray(S, s, 28);
        DoubleVector a8 = DoubleVector.fromArray(S, s, 32);
        DoubleVector a9 = DoubleVector.fromArray(S, s, 36);
        DoubleVector a10 = DoubleVector.fromArray(S, s, 40);
        DoubleVector a11 = DoubleVector.fromArray(S, s, 44);
        for (int i = 0; i < iterations; i++) {
            a0 = a0.fma(m1, c1);
            a1 = a1.fma(m1, c1);
            a2 = a2.fma(m1, c1);
            a3 = a3.fma(m1, c1);
            a4 = a4.fma(m1, c1);
            a5 = a5.fma(m1, c1);
            a6 = a6.fma(m1, c1);
            a7 = a7.fma(m1, c1);
            a8 = a8.fma(m1, c1);
            a9 = a9.fma(m1, c1);
            a10 = a10.fma(m1, c1);
            a11 = a11.fma(m1, c1);
            a0 = a0.fma(m2, c2);
            a1 = a1.fma(m2, c2);
            a2 = a2.fma(m2, c2);
            a3 = a3.fma(m2, c2);
            a4 = a4.fma(m2, c2);
            a5 = a5.fma(m2, c2);
            a6 = a6.fma(m2, c2);
            a7 = a7.fma(m2, c2);
            a8 = a8.fma(m2, c2);
            a9 = a9.fma(m2, c2);
            a10 = a10.fma(m2, c2);
            a11 = a11.fma(m2, c2);
        }
        a0.intoArray(s, 0);
        a1.intoArray(s, 4);
        a2.intoArray(s, 8);
        a3.intoArray(s, 12);
        a4.intoArray(s, 16);
        a5.intoArray(s, 20);
        a6.intoArray(s, 24);
        a7.intoArray(s, 28);
        a8.intoArray(s, 32);
        a9.intoArray(s, 36);
        a10.intoArray(s, 40);
        a11.intoArray(s, 44);
    }

    @Override
    public String path() {
        return "Vector API, DoubleVector.SPECIES_256, 12 accumulators";
    }
}
