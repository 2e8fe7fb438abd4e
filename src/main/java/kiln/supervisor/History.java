package kiln.supervisor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's readings over time, for the HTML report: at most {@link #MAX_POINTS} points, each the
 * average of {@code stride} consecutive readings. It starts at one reading a point; when full,
 * neighbouring points are merged and the stride doubles, so every point covers the same span and a
 * run of hours keeps its whole shape at a coarser step. Thread-safe.
 */
public final class History {
    public static final int MAX_POINTS = 2000;
    /** The series, in the order of the values passed to {@link #add}. */
    public static final List<String> SERIES = List.of("files_per_second", "cpu_load_percent", "cpu_frequency_ghz",
            "cpu_temperature_celsius", "memory_used_gib", "memory_stress_gib_per_second", "verify_errors", "file_errors");

    private final List<double[]> points = new ArrayList<>();
    private int stride = 1;
    private double[] pendingSum;
    private int[] pendingCount;
    private int pending;

    /**
     * @param seconds seconds since the run began
     * @param values  one per {@link #SERIES}; NaN where unknown
     */
    public synchronized void add(double seconds, double... values) {
        if (values.length != SERIES.size()) {
            throw new IllegalArgumentException("expected " + SERIES.size() + " values");
        }
        if (pendingSum == null) {
            pendingSum = new double[values.length + 1];
            pendingCount = new int[values.length + 1];
        }
        accumulate(0, seconds);
        for (int i = 0; i < values.length; i++) {
            accumulate(i + 1, values[i]);
        }
        if (++pending < stride) {
            return;
        }
        double[] p = new double[pendingSum.length];
        for (int k = 0; k < p.length; k++) {
            p[k] = pendingCount[k] == 0 ? Double.NaN : pendingSum[k] / pendingCount[k];
        }
        Arrays.fill(pendingSum, 0);
        Arrays.fill(pendingCount, 0);
        pending = 0;
        points.add(p);
        if (points.size() > MAX_POINTS) {
            halve();
            stride *= 2;
        }
    }

    private void accumulate(int k, double v) {
        if (!Double.isNaN(v)) {
            pendingSum[k] += v;
            pendingCount[k]++;
        }
    }

    private void halve() {
        List<double[]> merged = new ArrayList<>(points.size() / 2 + 1);
        for (int i = 0; i + 1 < points.size(); i += 2) {
            double[] a = points.get(i);
            double[] b = points.get(i + 1);
            double[] m = new double[a.length];
            for (int k = 0; k < a.length; k++) {
                m[k] = Double.isNaN(a[k]) ? b[k] : Double.isNaN(b[k]) ? a[k] : (a[k] + b[k]) / 2;
            }
            merged.add(m);
        }
        if (points.size() % 2 == 1) {
            merged.add(points.get(points.size() - 1));
        }
        points.clear();
        points.addAll(merged);
    }

    public synchronized int size() {
        return points.size();
    }

    /** Column-wise copy: "seconds" and each series to its values (NaN as null). */
    public synchronized Map<String, List<Double>> columns() {
        Map<String, List<Double>> out = new LinkedHashMap<>();
        out.put("seconds", column(0));
        for (int s = 0; s < SERIES.size(); s++) {
            out.put(SERIES.get(s), column(s + 1));
        }
        return out;
    }

    private List<Double> column(int k) {
        List<Double> c = new ArrayList<>(points.size());
        for (double[] p : points) {
            c.add(Double.isNaN(p[k]) ? null : p[k]);
        }
        return c;
    }

    @Override
    public synchronized String toString() {
        return "History" + points.stream().map(Arrays::toString).toList();
    }
}
