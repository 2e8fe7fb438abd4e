package kiln.stress.cpu;

/** 48x48 double matrix multiply written {@code a*b + c} (never fused in Java): the floating-point units and L1 cache. */
final class MatrixMultiply extends Scalar {
    private static final int N = 48;

    MatrixMultiply() {
        super("float", 0x7670507372afdbdaL, Measure.FLOPS, 2L * N * N * N);
    }

    @Override
    public Work newWork() {
        return new One() {
            private final double[] a = new double[N * N];
            private final double[] b = new double[N * N];
            private final double[] c = new double[N * N];

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
        };
    }
}
