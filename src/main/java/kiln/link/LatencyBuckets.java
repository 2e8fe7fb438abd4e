package kiln.link;

import java.util.Arrays;

/**
 * Upper bounds of the file-create latency histogram, shared by worker (which counts) and
 * supervisor (which exposes them as a Prometheus histogram). Changing them is a protocol change.
 */
public final class LatencyBuckets {
    private static final long[] BOUNDS_NANOS = {
        10_000, 25_000, 50_000, 100_000, 250_000, 500_000,
        1_000_000, 2_500_000, 5_000_000, 10_000_000, 25_000_000, 50_000_000,
        100_000_000, 250_000_000, 500_000_000, 1_000_000_000, 2_500_000_000L,
    };

    /** Number of buckets, the last one being +Inf. */
    public static final int COUNT = BOUNDS_NANOS.length + 1;

    private LatencyBuckets() {
    }

    /** Index of the bucket that holds {@code nanos}. */
    public static int indexOf(long nanos) {
        int i = Arrays.binarySearch(BOUNDS_NANOS, nanos);
        return i >= 0 ? i : -i - 1;
    }

    /** Upper bounds in seconds, +Inf last. */
    public static double[] upperBoundsSeconds() {
        double[] out = new double[COUNT];
        for (int i = 0; i < BOUNDS_NANOS.length; i++) {
            out[i] = BOUNDS_NANOS[i] / 1e9;
        }
        out[COUNT - 1] = Double.POSITIVE_INFINITY;
        return out;
    }
}
